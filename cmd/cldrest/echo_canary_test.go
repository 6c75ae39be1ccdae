package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const echoCanaryToken = "CANARY-cli-oauth-2b8d"

// TestCLINeverPrintsEchoedCredentials runs commands in each auth mode
// (signed upload, Basic Admin API, Bearer for both) against a server that
// quotes the Authorization header, the request body and the query back in
// its error, plain and in every encoding, at offsets that straddle the
// 4,096-byte message cut: no piece of the secret, the token or their
// encodings appears in what cldrest prints (text or --json).
func TestCLINeverPrintsEchoedCredentials(t *testing.T) {
	type echo struct {
		name  string
		quote func(r *http.Request, body []byte) string
	}
	cred := func(r *http.Request) string {
		scheme, v, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if scheme == "Basic" {
			b, _ := base64.StdEncoding.DecodeString(v)
			return string(b)
		}
		return v
	}
	echoes := []echo{
		{"header", func(r *http.Request, _ []byte) string { return r.Header.Get("Authorization") }},
		{"credential", func(r *http.Request, _ []byte) string { return cred(r) }},
		{"url-safe base64", func(r *http.Request, _ []byte) string { return base64.RawURLEncoding.EncodeToString([]byte(cred(r))) }},
		{"query-escaped", func(r *http.Request, _ []byte) string { return url.QueryEscape(r.Header.Get("Authorization")) }},
		{"body and query", func(r *http.Request, b []byte) string { return string(b) + "?" + r.URL.RawQuery }},
	}
	var current echo
	var keep int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		q := current.quote(r, body)
		msg, _ := json.Marshal(strings.Repeat("x", 4096-min(keep, len(q))) + q)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"message":%s}}`, msg)
	}))
	defer srv.Close()

	basic := "key1:" + cmdCanary
	var forms []string
	for _, s := range []string{cmdCanary, echoCanaryToken, base64.StdEncoding.EncodeToString([]byte(basic)), base64.RawURLEncoding.EncodeToString([]byte(basic))} {
		forms = append(forms, s, url.QueryEscape(s))
	}
	file := writeFiles(t, map[string]string{"a.txt": "a"})
	modes := []struct {
		name, url string
		args      []string
	}{
		{"signed upload", "cloudinary://key1:" + cmdCanary + "@demo?upload_prefix=" + srv.URL, []string{"upload", "--no-journal", "--json", file}},
		{"signed upload, text", "cloudinary://key1:" + cmdCanary + "@demo?upload_prefix=" + srv.URL, []string{"upload", "--no-journal", file}},
		{"basic admin", "cloudinary://key1:" + cmdCanary + "@demo?upload_prefix=" + srv.URL, []string{"ping"}},
		{"bearer upload", "cloudinary://key1:" + cmdCanary + "@demo?oauth_token=" + echoCanaryToken + "&upload_prefix=" + srv.URL, []string{"upload", "--no-journal", "--json", file}},
		{"bearer admin", "cloudinary://key1:" + cmdCanary + "@demo?oauth_token=" + echoCanaryToken + "&upload_prefix=" + srv.URL, []string{"ping"}},
	}
	for _, m := range modes {
		for _, e := range echoes {
			for _, k := range []int{10, 30, 1 << 20} {
				current, keep = e, k
				clearCloudinaryEnv(t)
				t.Setenv("CLOUDINARY_URL", m.url)
				stdout, stderr, code := cli(t, "", m.args...)
				if code == 0 || !strings.Contains(stdout+stderr, "xxxxxxxx") {
					t.Fatalf("%s, %s: exit %d, the server's message not shown:\n%s\n%s", m.name, e.name, code, stdout, stderr)
				}
				out := stdout + stderr
				for _, f := range forms {
					for i := 0; i+8 <= len(f); i++ {
						if strings.Contains(out, f[i:i+8]) {
							t.Fatalf("%s, echo %s straddling the cut by %d: %q of a credential printed:\n%s", m.name, e.name, k, f[i:i+8], out)
						}
					}
				}
				noCanary(t, stdout, stderr)
			}
		}
	}
}
