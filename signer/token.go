package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenParam is the query parameter that carries an auth token on a
// delivery URL: <url>?__cld_token__=<token>.
const TokenParam = "__cld_token__"

// Token describes an auth token for Cloudinary's token-based access
// control of delivery URLs (spec §3.4). Expiration, or else Duration, must
// be set, and at least one of ACL and URL (URL is not signed when ACL is
// set).
type Token struct {
	// Key is the account's token key, hex-encoded as the console shows it.
	Key string
	// IP, when set, restricts the token to one client address.
	IP string
	// Start, when set, is the earliest time the token is valid (st).
	Start time.Time
	// Expiration is when the token stops being valid (exp).
	Expiration time.Time
	// Duration sets the expiration relative to Start, or to now when Start
	// is zero. Ignored when Expiration is set.
	Duration time.Duration
	// ACL lists path patterns the token grants ("*" matches any run of
	// characters), e.g. "/image/authenticated/*". Several are joined by "!".
	ACL []string
	// URL is the delivery URL path the token grants when ACL is empty
	// (e.g. "/image/authenticated/v1/sample.jpg", with the cloud name first
	// on the shared host). It is signed but not written into the token.
	URL string
}

// ErrInvalidToken is matched (errors.Is) by every error VerifyAuthToken
// returns.
var ErrInvalidToken = errors.New("invalid auth token")

// AuthToken returns the token for t (the value of the __cld_token__
// parameter): "[ip=…~][st=…~]exp=…[~acl=…]~hmac=…", the hmac being the
// HMAC-SHA256, under the hex-decoded key, of the other fields joined by "~",
// followed by "~url=…" when no ACL is given. now is the clock for Duration.
func AuthToken(t Token, now time.Time) (string, error) {
	key, err := hex.DecodeString(t.Key)
	if err != nil || len(key) == 0 {
		return "", errors.New("signer: auth token key must be the hex string from the console's token settings")
	}
	exp := t.Expiration
	if exp.IsZero() {
		if t.Duration <= 0 {
			return "", errors.New("signer: auth token needs an Expiration or a positive Duration")
		}
		start := t.Start
		if start.IsZero() {
			start = now
		}
		exp = start.Add(t.Duration)
	}
	if len(t.ACL) == 0 && t.URL == "" {
		return "", errors.New("signer: auth token needs an ACL or a URL to grant")
	}
	var fields []string
	if t.IP != "" {
		fields = append(fields, "ip="+t.IP)
	}
	if !t.Start.IsZero() {
		fields = append(fields, "st="+strconv.FormatInt(t.Start.Unix(), 10))
	}
	fields = append(fields, "exp="+strconv.FormatInt(exp.Unix(), 10))
	if len(t.ACL) > 0 {
		fields = append(fields, "acl="+tokenEscape(strings.Join(t.ACL, "!")))
	}
	msg := strings.Join(fields, "~")
	if len(t.ACL) == 0 {
		msg += "~url=" + tokenEscape(t.URL)
	}
	return strings.Join(fields, "~") + "~hmac=" + tokenHMAC(key, msg), nil
}

// VerifyAuthToken checks a token received for the delivery URL path
// urlPath from the client address ip, as the CDN does: the hmac under the
// hex key, the validity window at now, the IP restriction, and that an ACL
// pattern matches urlPath (a token without ACL signs urlPath itself). The
// error matches ErrInvalidToken and says which check failed.
func VerifyAuthToken(token, key, urlPath, ip string, now time.Time) error {
	k, err := hex.DecodeString(key)
	if err != nil || len(k) == 0 {
		return fmt.Errorf("%w: the key is not hex", ErrInvalidToken)
	}
	body, mac, ok := strings.Cut(token, "~hmac=")
	if !ok || strings.Contains(mac, "~") {
		return fmt.Errorf("%w: no hmac field at the end", ErrInvalidToken)
	}
	var st, exp int64 = 0, -1
	var acl, tokenIP string
	for _, f := range strings.Split(body, "~") {
		name, value, _ := strings.Cut(f, "=")
		switch name {
		case "ip":
			tokenIP = value
		case "st", "exp":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return fmt.Errorf("%w: %s is not a Unix time", ErrInvalidToken, name)
			}
			if name == "st" {
				st = n
			} else {
				exp = n
			}
		case "acl":
			acl = value
		default:
			return fmt.Errorf("%w: unknown field %q", ErrInvalidToken, name)
		}
	}
	if exp < 0 {
		return fmt.Errorf("%w: no exp field", ErrInvalidToken)
	}
	msg := body
	if acl == "" {
		msg += "~url=" + tokenEscape(urlPath)
	}
	if !hmac.Equal([]byte(tokenHMAC(k, msg)), []byte(strings.ToLower(mac))) {
		return fmt.Errorf("%w: hmac does not match", ErrInvalidToken)
	}
	switch t := now.Unix(); {
	case t >= exp:
		return fmt.Errorf("%w: expired %ds ago", ErrInvalidToken, t-exp)
	case st > t:
		return fmt.Errorf("%w: not valid for another %ds", ErrInvalidToken, st-t)
	}
	if tokenIP != "" && tokenIP != ip {
		return fmt.Errorf("%w: issued for another IP address", ErrInvalidToken)
	}
	if acl != "" && !aclAllows(acl, urlPath) {
		return fmt.Errorf("%w: its ACL does not cover %s", ErrInvalidToken, urlPath)
	}
	return nil
}

func tokenHMAC(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// tokenEscapeSet holds the bytes a token escapes as lowercase %xx.
const tokenEscapeSet = " \"#%&'/:;<=>?@[\\]^`{|}~"

// tokenEscape escapes the bytes of tokenEscapeSet as lowercase %xx and
// keeps every other byte, which is what the SDKs sign.
func tokenEscape(s string) string {
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(tokenEscapeSet, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// aclAllows reports whether one of the "!"-separated, escaped ACL patterns
// matches urlPath.
func aclAllows(acl, urlPath string) bool {
	want := tokenEscape(urlPath)
	for _, pattern := range strings.Split(acl, "!") {
		if globMatch(pattern, want) {
			return true
		}
	}
	return false
}

// globMatch matches s against pattern, where "*" stands for any run of
// bytes (including "/", unlike path.Match) and every other byte for itself.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
