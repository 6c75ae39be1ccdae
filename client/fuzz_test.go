package client_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cldrest/cldrest/client"
)

// FuzzAPIErrorBody decodes arbitrary error bodies: never a panic, always an
// *APIError with the status, a bounded valid-UTF-8 snippet or message, and
// a one-line error string. Seeds live in testdata/fuzz/FuzzAPIErrorBody.
func FuzzAPIErrorBody(f *testing.F) {
	f.Add(400, []byte(`{"error":{"message":"Missing required parameter - file"}}`))
	f.Add(502, []byte("<html><body>Bad Gateway</body></html>"))
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		h := http.Header{"X-Request-Id": {"r"}, "X-Featureratelimit-Reset": {string(body[:min(len(body), 40)])}}
		e := client.NewAPIError(code, h, body)
		if e == nil || e.StatusCode != code {
			t.Fatalf("got %+v", e)
		}
		if len(e.Snippet) > 256 || !utf8.ValidString(e.Snippet) || !utf8.ValidString(e.Message) || len(e.Message) > 4096 {
			t.Fatalf("unbounded or invalid text: %q / %q", e.Snippet, e.Message)
		}
		msg := e.Error()
		if strings.ContainsAny(msg, "\r\n") || len(msg) > 4096+400 {
			t.Fatalf("error string not one bounded line: %q", msg)
		}
		if e.Message == "" && len(strings.TrimSpace(string(body))) > 0 && e.Snippet == "" && utf8.Valid(body) && strings.TrimFunc(string(body), func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) != "" {
			t.Fatalf("non-JSON body %q gave neither message nor snippet", body)
		}
		_ = e.Is(client.ErrNotFound)
	})
}
