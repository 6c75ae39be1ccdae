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

// TestNewCommandsNeverPrintEchoedCredentials runs api (signed form, signed
// GET, Basic, Bearer), pull and sync against a server that quotes the
// Authorization header, the body and the query back in its error: no piece
// of the secret, the token or their encodings appears in what they print.
func TestNewCommandsNeverPrintEchoedCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		auth := r.Header.Get("Authorization")
		_, v, _ := strings.Cut(auth, " ")
		dec, _ := base64.StdEncoding.DecodeString(v)
		msg, _ := json.Marshal("echo " + auth + " " + string(dec) + " " + url.QueryEscape(auth) + " " + string(body) + "?" + r.URL.RawQuery)
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
	dir := writeFiles(t, map[string]string{"a.txt": "a"})
	plain := "cloudinary://key1:" + cmdCanary + "@demo?upload_prefix=" + srv.URL
	bearer := plain + "&oauth_token=" + echoCanaryToken
	for _, m := range []struct {
		url  string
		args []string
	}{
		{plain, []string{"api", "POST", "image/destroy", "-f", "public_id=x"}},
		{plain, []string{"api", "GET", "image/download", "-f", "public_id=x"}},
		{plain, []string{"api", "GET", "resources/image"}},
		{plain, []string{"api", "POST", "resources/search", "-f", "expression=x"}},
		{bearer, []string{"api", "POST", "image/destroy", "-f", "public_id=x"}},
		{bearer, []string{"api", "GET", "resources/image"}},
		{plain, []string{"pull", "--json", "x", t.TempDir()}},
		{plain, []string{"sync", "--json", dir, "x"}},
	} {
		clearCloudinaryEnv(t)
		t.Setenv("CLOUDINARY_URL", m.url)
		stdout, stderr, code := cli(t, "", m.args...)
		out := stdout + stderr
		if code != 1 || !strings.Contains(out, "echo ") {
			t.Fatalf("%v: exit %d, the server's message not shown:\n%s", m.args, code, out)
		}
		for _, f := range forms {
			for i := 0; i+8 <= len(f); i++ {
				if strings.Contains(out, f[i:i+8]) {
					t.Fatalf("%v: %q of a credential printed:\n%s", m.args, f[i:i+8], out)
				}
			}
		}
	}
}
