package signer

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ResponseSignature returns the signature Cloudinary puts in upload and
// explicit responses: the digest of "public_id=<id>&version=<version>"
// followed by secret, always with signature version 1 (no escaping).
func ResponseSignature(publicID string, version int64, secret string, alg Algorithm) string {
	return SignString("public_id="+publicID+"&version="+strconv.FormatInt(version, 10), secret, alg)
}

// VerifyResponse reports whether signature is the response signature of
// publicID and version. The algorithm follows from the signature's length.
func VerifyResponse(publicID string, version int64, secret, signature string) bool {
	alg, ok := algorithmForHexLength(len(signature))
	return ok && equalHex(ResponseSignature(publicID, version, secret, alg), signature)
}

// Errors returned by VerifyNotification. Match them with errors.Is.
var (
	ErrBadSignature     = errors.New("signature does not match")
	ErrStaleTimestamp   = errors.New("timestamp is older than the validity window")
	ErrFutureTimestamp  = errors.New("timestamp is further in the future than the allowed skew")
	ErrInvalidTimestamp = errors.New("timestamp is not a Unix time in seconds")
)

// Default notification validity window.
const (
	DefaultNotificationMaxAge  = 2 * time.Hour
	DefaultNotificationMaxSkew = 5 * time.Minute
)

// NotificationOption configures VerifyNotification.
type NotificationOption func(*notificationConfig)

type notificationConfig struct {
	maxAge, maxSkew time.Duration
	now             func() time.Time
}

// WithWindow sets how old (maxAge) and how far in the future (maxSkew) a
// notification timestamp may be. The defaults are 2 hours and 5 minutes.
func WithWindow(maxAge, maxSkew time.Duration) NotificationOption {
	return func(c *notificationConfig) { c.maxAge, c.maxSkew = maxAge, maxSkew }
}

// WithClock replaces time.Now for the window check.
func WithClock(now func() time.Time) NotificationOption {
	return func(c *notificationConfig) { c.now = now }
}

// NotificationSignature returns the signature of a notification: the digest
// of the raw body bytes, the X-Cld-Timestamp header value and the secret.
func NotificationSignature(body []byte, timestamp, secret string, alg Algorithm) string {
	buf := make([]byte, 0, len(body)+len(timestamp)+len(secret))
	buf = append(append(append(buf, body...), timestamp...), secret...)
	return hexDigest(buf, alg)
}

// VerifyNotification checks a notification (webhook) Cloudinary sent: body
// is the raw request body exactly as received, timestamp and signature are
// the X-Cld-Timestamp and X-Cld-Signature headers. The algorithm follows from
// the signature's length. It returns nil, or an error matching
// ErrInvalidTimestamp, ErrStaleTimestamp, ErrFutureTimestamp or
// ErrBadSignature. Like every function of the package, it takes what was
// signed, then the secret, then the signature to check.
func VerifyNotification(body []byte, timestamp, secret, signature string, opts ...NotificationOption) error {
	cfg := notificationConfig{maxAge: DefaultNotificationMaxAge, maxSkew: DefaultNotificationMaxSkew, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrInvalidTimestamp, timestamp)
	}
	now := cfg.now().Unix()
	if ts <= now-int64(cfg.maxAge/time.Second) {
		return fmt.Errorf("%w (%ds old, window %s)", ErrStaleTimestamp, now-ts, cfg.maxAge)
	}
	if ts > now+int64(cfg.maxSkew/time.Second) {
		return fmt.Errorf("%w (%ds ahead, skew %s)", ErrFutureTimestamp, ts-now, cfg.maxSkew)
	}
	alg, ok := algorithmForHexLength(len(signature))
	if !ok || !equalHex(NotificationSignature(body, timestamp, secret, alg), signature) {
		return ErrBadSignature
	}
	return nil
}

// URLSignatureLength selects the short or long delivery-URL signature.
type URLSignatureLength int

// Delivery-URL signature lengths.
const (
	// ShortURLSignature is the default 8-character signature with the
	// configured algorithm.
	ShortURLSignature URLSignatureLength = iota
	// LongURLSignature is the 32-character SHA-256 signature
	// (long_url_signature), whatever algorithm is passed.
	LongURLSignature
)

// URLSignature returns the delivery-URL signature component "s--XXXXXXXX--"
// for toSign (the transformation and public ID path as it appears in the
// URL, without the version component). It is the URL-safe base64 of the
// digest of toSign followed by secret, cut to 8 characters, or to 32
// characters with SHA-256 for LongURLSignature.
func URLSignature(toSign, secret string, alg Algorithm, length URLSignatureLength) string {
	n := 8
	if length == LongURLSignature {
		alg, n = SHA256, 32
	}
	var sum []byte
	if alg == SHA256 {
		s := sha256.Sum256([]byte(toSign + secret))
		sum = s[:]
	} else {
		s := sha1.Sum([]byte(toSign + secret))
		sum = s[:]
	}
	return "s--" + base64.URLEncoding.EncodeToString(sum)[:n] + "--"
}

// VerifyURLSignature reports whether component ("s--XXXXXXXX--" or the 32
// character long form) signs toSign under secret. An 8-character signature is
// accepted in its SHA-1 or SHA-256 form.
func VerifyURLSignature(toSign, secret, component string) bool {
	inner, okPrefix := strings.CutPrefix(component, "s--")
	inner, okSuffix := strings.CutSuffix(inner, "--")
	if !okPrefix || !okSuffix {
		return false
	}
	var candidates []string
	switch len(inner) {
	case 8:
		candidates = []string{URLSignature(toSign, secret, SHA1, ShortURLSignature), URLSignature(toSign, secret, SHA256, ShortURLSignature)}
	case 32:
		candidates = []string{URLSignature(toSign, secret, SHA256, LongURLSignature)}
	}
	match := 0
	for _, c := range candidates {
		match |= subtle.ConstantTimeCompare([]byte(c), []byte(component))
	}
	return match == 1
}
