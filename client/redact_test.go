package client

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const redactCanary = "CANARY-r3dact-9e2b7"

func redactForms() []string {
	basic := []byte("123456789012345:" + redactCanary)
	var forms []string
	for _, s := range []string{redactCanary, "CANARY-tok3n-41aa",
		base64.StdEncoding.EncodeToString(basic), base64.URLEncoding.EncodeToString(basic),
		base64.RawStdEncoding.EncodeToString(basic), base64.RawURLEncoding.EncodeToString(basic)} {
		forms = append(forms, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return forms
}

// FuzzRedactedErrorBody quotes one credential form (chosen by which)
// between two fuzzed pieces of an error body, as a JSON message or as
// plain text, and checks that no 8 bytes of any credential form reach the
// APIError's message, snippet, headers or Error string unless the fuzzed
// pieces themselves held them (a server quoting a fragment cannot be told
// from text): whatever the pieces do to the offsets (runs of spaces,
// invalid bytes and control characters that cleaning shrinks or maps, cuts
// at 120, 256 and 4,096 bytes), the quoted form never survives in part.
func FuzzRedactedErrorBody(f *testing.F) {
	f.Add([]byte("denied: "), []byte("."), uint8(0), false)
	f.Add([]byte(strings.Repeat("x", 4090)), []byte(""), uint8(2), true)
	f.Add([]byte(strings.Repeat(" ", 1000)), []byte(""), uint8(0), false)
	f.Add([]byte(strings.Repeat("\xff", 1000)), []byte("tail"), uint8(5), false)
	f.Add([]byte(strings.Repeat("y", 250)), []byte("\x00"), uint8(8), false)
	red := newRedactor("123456789012345", NewSecret(redactCanary), NewSecret("CANARY-tok3n-41aa"))
	forms := redactForms()
	f.Fuzz(func(t *testing.T, before, after []byte, which uint8, asJSON bool) {
		quote := forms[int(which)%len(forms)]
		var body []byte
		if asJSON {
			body = []byte(`{"error":{"message":"` + string(before) + quote + string(after) + `"}}`)
		} else {
			body = append(append(append([]byte{}, before...), quote...), after...)
		}
		e := newAPIError(400, http.Header{"X-Echo": {string(before[:min(len(before), 64)]) + quote}}, body, red)
		for _, text := range []string{e.Message, e.Snippet, e.Error(), strings.Join(e.Header["X-Echo"], "")} {
			for _, form := range forms {
				for i := 0; i+8 <= len(form); i++ {
					w := form[i : i+8]
					if strings.Contains(text, w) && !strings.Contains(string(before), w) && !strings.Contains(string(after), w) {
						t.Fatalf("%q of a credential survives in %q", w, text)
					}
				}
			}
		}
	})
}

func TestRedactorForms(t *testing.T) {
	t.Parallel()
	red := newRedactor("key", NewSecret("secret"), NewSecret("tok/en+1"))
	for _, s := range []string{"secret", "tok/en+1", "tok%2Fen%2B1", "tok%2Fen+1", "a2V5OnNlY3JldA==", "a2V5OnNlY3JldA", "a2V5OnNlY3JldA%3D%3D"} {
		if got := red.redact("<" + s + ">"); got != "<"+redacted+">" {
			t.Errorf("redact(%q) = %q", s, got)
		}
	}
	if got := red.redact("Basic a2V5OnNlY3JldA=="); got != "Basic "+redacted {
		t.Errorf("padded base64 left %q", got)
	}
	if newRedactor("k", Secret{}, Secret{}) != nil || (*redactor)(nil).redact("x") != "x" {
		t.Error("a redactor without credentials should be nil and redact nothing")
	}
	h := http.Header{"A": {"x secret"}, "B": {"ok"}}
	if got := red.header(h); got["A"][0] != "x "+redacted || h["A"][0] != "x secret" || got["B"][0] != "ok" {
		t.Errorf("header: got %v, original %v", got, h)
	}
}

// A JSON message may spell a credential with escapes, or an escape may
// swallow its first character: neither survives.
func TestAPIErrorJSONEscapedCredential(t *testing.T) {
	t.Parallel()
	red := newRedactor("123456789012345", NewSecret(redactCanary), Secret{})
	for _, body := range []string{
		`{"error":{"message":"denied \u0043ANARY-r3dact-9e2b7"}}`,
		`{"error":{"message":"denied \u00a` + redactCanary + `"}}`,
		`{"error":{"message":"denied ` + strings.Replace(redactCanary, "-", `\u002d`, -1) + `"}}`,
	} {
		e := newAPIError(400, nil, []byte(body), red)
		if strings.Contains(e.Error(), "ANARY-r3") || strings.Contains(e.Error(), "r3dact") {
			t.Errorf("%s: %s", body, e.Error())
		}
	}
}
