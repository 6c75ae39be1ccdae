package client

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

const redacted = "[REDACTED]"

// Secret holds a credential (the API secret or an OAuth token) so that it
// cannot be printed by accident: String, GoString, Format, MarshalJSON,
// MarshalText and LogValue all redact it, and because the value sits behind
// a pointer even reflection-based printing of an enclosing struct shows only
// an address. Reveal returns the value for the few places that need it.
type Secret struct {
	v *string
}

// NewSecret wraps s. An empty s gives the zero Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

// Reveal returns the secret value. Call it only to sign or authenticate.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String returns a placeholder, never the value.
func (s Secret) String() string {
	if s.IsZero() {
		return ""
	}
	return redacted
}

// GoString returns a placeholder, never the value.
func (s Secret) GoString() string { return "client.Secret(" + fmt.Sprintf("%q", s.String()) + ")" }

// Format prints the placeholder for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	io.WriteString(f, s.String())
}

// MarshalJSON encodes the placeholder as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText encodes the placeholder.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue makes slog print the placeholder.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// minRedact is the shortest credential text the redactor removes: shorter
// ones (test secrets like "s") would garble every message.
const minRedact = 4

// redactor removes the client's credentials from text a server or a
// transport sends back, in every form the client sends them: the API
// secret and the OAuth token as they are, the Basic header's base64 of
// "key:secret" (standard and URL-safe alphabets, padded and not), and each
// of those query- and path-escaped. It is the one place where server text
// is redacted; callers redact before cutting text to length, so a cut can
// never leave the start of a credential behind. The nil *redactor redacts
// nothing.
type redactor struct {
	r *strings.Replacer
}

func newRedactor(apiKey string, secret, token Secret) *redactor {
	var plain []string
	if s := secret.Reveal(); s != "" {
		basic := []byte(apiKey + ":" + s)
		plain = append(plain, s,
			base64.StdEncoding.EncodeToString(basic), base64.URLEncoding.EncodeToString(basic),
			base64.RawStdEncoding.EncodeToString(basic), base64.RawURLEncoding.EncodeToString(basic))
	}
	if t := token.Reveal(); t != "" {
		plain = append(plain, t)
	}
	seen := map[string]bool{}
	var forms []string
	for _, p := range plain {
		for _, f := range []string{p, url.QueryEscape(p), url.PathEscape(p)} {
			if len(f) >= minRedact && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	if len(forms) == 0 {
		return nil
	}
	// Longest first: at one position the replacer takes the first form
	// that matches, and a form may start with another (padded base64 with
	// the unpadded one).
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

// redact returns s without any credential form.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	return r.r.Replace(s)
}

// clean redacts s, then makes it one line of at most n bytes (cleanText).
func (r *redactor) clean(s string, n int) string { return cleanText(r.redact(s), n) }

// header returns h, or a copy with credential forms removed from its
// values when it has any.
func (r *redactor) header(h http.Header) http.Header {
	if r == nil {
		return h
	}
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if red := r.redact(v); red != v {
				if out == nil {
					out = h.Clone()
				}
				out[k][i] = red
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}
