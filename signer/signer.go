package signer

import (
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Algorithm is a hash algorithm Cloudinary accepts for signatures.
type Algorithm string

// The algorithms Cloudinary accepts. SHA1 is the default everywhere.
const (
	SHA1   Algorithm = "sha1"
	SHA256 Algorithm = "sha256"
)

// ErrUnknownAlgorithm is returned for an algorithm other than SHA1 and SHA256.
var ErrUnknownAlgorithm = errors.New("unknown signature algorithm: use sha1 or sha256")

// ErrUnknownVersion is returned for a signature version other than 1 and 2.
var ErrUnknownVersion = errors.New("unknown signature version: use 1 or 2")

// ParseAlgorithm maps "sha1" or "sha256" (any case) to an Algorithm.
// The empty string means SHA1.
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ToLower(s) {
	case "", "sha1":
		return SHA1, nil
	case "sha256":
		return SHA256, nil
	}
	return "", fmt.Errorf("%w (got %q)", ErrUnknownAlgorithm, s)
}

// Valid reports whether a is SHA1 or SHA256.
func (a Algorithm) Valid() bool { return a == SHA1 || a == SHA256 }

// excluded reports whether a parameter never takes part in a request signature.
func excluded(name string) bool {
	switch name {
	case "file", "cloud_name", "resource_type", "api_key", "signature":
		return true
	}
	return false
}

// Kinds of wire key, in the order their values are joined (see StringToSign).
const (
	plainKey    = -2 // k
	appendedKey = -1 // k[]
	// k[N] uses N itself, N >= 0.
)

// entry is one wire key of a parameter: base name, form and the key itself.
type entry struct {
	base string
	idx  int // plainKey, appendedKey, or N for k[N]
	key  string
}

// splitKey turns "k", "k[]" and "k[N]" into the base name and index
// (plainKey, appendedKey or N). A key whose last bracket holds anything
// else (k[x], k[-1]) is a plain key named by the whole key.
func splitKey(key string) (base string, idx int) {
	if !strings.HasSuffix(key, "]") {
		return key, plainKey
	}
	open := strings.LastIndexByte(key, '[')
	if open <= 0 {
		return key, plainKey
	}
	inner := key[open+1 : len(key)-1]
	if inner == "" {
		return key[:open], appendedKey
	}
	n, err := strconv.Atoi(inner)
	if err != nil || n < 0 {
		return key, plainKey
	}
	return key[:open], n
}

// compareEntries is the total order of wire keys in the string to sign: by
// base name (bytewise), then plain k, then k[], then k[N] by N, then (for
// one N spelled several ways, k[1] and k[01]) by the key's bytes. No two
// distinct keys compare equal, so the result never depends on map order.
func compareEntries(a, b entry) int {
	if c := strings.Compare(a.base, b.base); c != 0 {
		return c
	}
	if c := cmp.Compare(a.idx, b.idx); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

// StringToSign renders params the way Cloudinary signs them (spec §2.5):
// excluded keys (file, cloud_name, resource_type, api_key, signature) and
// empty values are dropped, array keys k[] and k[N] collapse into one pair k
// whose value is the elements joined with ",", pairs are sorted bytewise by
// name and joined with "&". Version 2 replaces "&" inside each pair with
// "%26"; any other version renders version 1.
//
// When one name is sent in several forms (tags=7 and tags[]=8), its values
// are joined in this order: the plain key's values, then the k[] values,
// then the k[N] values by ascending N (one index spelled several ways, as
// k[1] and k[01], in bytewise key order); the values of one key keep the
// order they were given in. The specification and Cloudinary's SDKs are
// silent on such mixes (no SDK sends one), so the order is ours, chosen to
// be total, so that the result never depends on map iteration order, and to
// keep every signature that was already deterministic: k[] values before
// k[N], and k[N] by index, as before; only the ties that map order used to
// break are now fixed. The mock server verifies with this same function, so
// it accepts exactly what the client signs; a real Cloudinary server may
// refuse a mixed request, so send each name in one form.
func StringToSign(params url.Values, version int) string {
	return string(appendStringToSign(nil, params, version))
}

func appendStringToSign(dst []byte, params url.Values, version int) []byte {
	var stack [24]entry
	entries := stack[:0]
	for k := range params {
		base, idx := splitKey(k)
		if excluded(base) {
			continue
		}
		entries = append(entries, entry{base: base, idx: idx, key: k})
	}
	return appendEntries(dst, params, entries, version)
}

// appendEntries renders the wire keys listed in entries (in any order).
func appendEntries(dst []byte, params url.Values, entries []entry, version int) []byte {
	slices.SortFunc(entries, compareEntries)
	first := true
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].base == entries[i].base {
			j++
		}
		if !groupEmpty(params, entries[i:j]) {
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = appendEscaped(dst, entries[i].base, version)
			dst = append(dst, '=')
			sep := false
			for _, e := range entries[i:j] {
				for _, v := range params[e.key] {
					if sep {
						dst = append(dst, ',')
					}
					sep = true
					dst = appendEscaped(dst, v, version)
				}
			}
		}
		i = j
	}
	return dst
}

// groupEmpty reports whether the joined value of a group is the empty string.
func groupEmpty(params url.Values, group []entry) bool {
	values := 0
	for _, e := range group {
		for _, v := range params[e.key] {
			if v != "" {
				return false
			}
			values++
		}
	}
	// Several empty values still join to a non-empty ",".
	return values <= 1
}

func appendEscaped(dst []byte, s string, version int) []byte {
	if version < 2 {
		return append(dst, s...)
	}
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, "%26"...)
		s = s[i+1:]
	}
}

// Sign returns the lowercase hex request signature of params: the digest of
// StringToSign(params, version) followed by secret.
func Sign(params url.Values, secret string, alg Algorithm, version int) (string, error) {
	if version != 1 && version != 2 {
		return "", fmt.Errorf("%w (got %d)", ErrUnknownVersion, version)
	}
	if !alg.Valid() {
		return "", fmt.Errorf("%w (got %q)", ErrUnknownAlgorithm, string(alg))
	}
	var stack [512]byte
	buf := appendStringToSign(stack[:0], params, version)
	buf = append(buf, secret...)
	return hexDigest(buf, alg), nil
}

// SignString returns the lowercase hex digest of toSign followed by secret.
// It is the primitive under every hex signature Cloudinary uses.
func SignString(toSign, secret string, alg Algorithm) string {
	var stack [512]byte
	buf := append(append(stack[:0], toSign...), secret...)
	return hexDigest(buf, alg)
}

func hexDigest(data []byte, alg Algorithm) string {
	var out [64]byte
	if alg == SHA256 {
		sum := sha256.Sum256(data)
		hex.Encode(out[:], sum[:])
		return string(out[:64])
	}
	sum := sha1.Sum(data)
	hex.Encode(out[:], sum[:])
	return string(out[:40])
}

// Verify reports whether signature is a valid request signature of params
// under secret. Like Cloudinary it picks the algorithm from the signature's
// length (40 hex digits: SHA-1, 64: SHA-256) and accepts either signature
// version. The comparison is case-insensitive and constant-time.
func Verify(params url.Values, secret, signature string) bool {
	_, _, ok := VerifyDetail(params, secret, signature)
	return ok
}

// VerifyDetail is Verify that also reports which algorithm and version matched.
func VerifyDetail(params url.Values, secret, signature string) (Algorithm, int, bool) {
	alg, ok := algorithmForHexLength(len(signature))
	if !ok {
		return "", 0, false
	}
	sig := strings.ToLower(signature)
	for _, v := range [...]int{2, 1} {
		want, _ := Sign(params, secret, alg, v)
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1 {
			return alg, v, true
		}
	}
	return "", 0, false
}

func algorithmForHexLength(n int) (Algorithm, bool) {
	switch n {
	case 40:
		return SHA1, true
	case 64:
		return SHA256, true
	}
	return "", false
}

// equalHex compares a computed lowercase hex digest with a received one in
// constant time, ignoring the received one's case.
func equalHex(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(got))) == 1
}
