package mockserver

import (
	"maps"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestPipeMap checks that the mock reads context and metadata with the
// client's codec: escapes honoured, nothing trimmed, and a JSON object only
// when a JSON body sent one.
func TestPipeMap(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    map[string]string
	}{
		{"form, escaped", "application/x-www-form-urlencoded", "context=" + url.QueryEscape(`path=C:\\dir|eq=a\=b|pipe=x\|y`),
			map[string]string{"path": `C:\dir`, "eq": "a=b", "pipe": "x|y"}},
		{"form, spaces kept", "application/x-www-form-urlencoded", "context=" + url.QueryEscape(" k = v "), map[string]string{" k ": " v "}},
		{"form value that looks like JSON is a pipe string", "application/x-www-form-urlencoded", "context=" + url.QueryEscape(`{"a":"b="}`),
			map[string]string{`{"a":"b`: `"}`}},
		{"json string", "application/json", `{"context":"path=C:\\\\dir"}`, map[string]string{"path": `C:\dir`}},
		{"json object", "application/json", `{"context":{"alt":"x=y|z","n":5}}`, map[string]string{"alt": "x=y|z", "n": "5"}},
		{"json custom object", "application/json", `{"context":{"custom":{"alt":"x"}}}`, map[string]string{"alt": "x"}},
		{"absent", "application/x-www-form-urlencoded", "tags=a", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/v1_1/demo/image/upload", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			p, err := parseRequest(r, parseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := p.pipeMap("context")
			if got == nil || !maps.Equal(got, tc.want) {
				t.Errorf("pipeMap = %q, want %q", got, tc.want)
			}
		})
	}
}
