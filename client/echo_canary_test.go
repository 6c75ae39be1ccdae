package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

const echoToken = "CANARY-oauth-echo-41c7e"

// credentialForms lists every form in which the client's credentials may
// come back, written out here independently of the client's redactor.
func credentialForms(key, secret, token string) []string {
	basic := key + ":" + secret
	var out []string
	for _, s := range []string{secret, token,
		base64.StdEncoding.EncodeToString([]byte(basic)), base64.URLEncoding.EncodeToString([]byte(basic)),
		base64.RawStdEncoding.EncodeToString([]byte(basic)), base64.RawURLEncoding.EncodeToString([]byte(basic)),
	} {
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return out
}

// canary holds every distinct 8-byte piece of the credential forms (any
// 8 bytes of one: a longer piece contains 8 of them), so that a test
// scanning thousands of texts does not scan for duplicates (a secret and
// its escapes often coincide).
type canary struct{ pieces []string }

func newCanary(forms []string) canary {
	seen := map[string]bool{}
	var c canary
	for _, f := range forms {
		for i := 0; i+8 <= len(f); i++ {
			if p := f[i : i+8]; !seen[p] {
				seen[p] = true
				c.pieces = append(c.pieces, p)
			}
		}
	}
	return c
}

// find returns a piece that one of the texts contains, or "".
func (c canary) find(texts ...string) string {
	for i, text := range texts {
		if slices.Contains(texts[:i], text) {
			continue // the same text was scanned already
		}
		for _, p := range c.pieces {
			if strings.Contains(text, p) {
				return p
			}
		}
	}
	return ""
}

// echoes are the ways a hostile or buggy server quotes what it received.
var echoes = map[string]func(r *http.Request, body []byte) string{
	"authorization header": func(r *http.Request, _ []byte) string { return r.Header.Get("Authorization") },
	"credential":           func(r *http.Request, _ []byte) string { return credential(r) },
	"base64 std": func(r *http.Request, _ []byte) string {
		return base64.StdEncoding.EncodeToString([]byte(credential(r)))
	},
	"base64 url-safe": func(r *http.Request, _ []byte) string {
		return base64.URLEncoding.EncodeToString([]byte(credential(r)))
	},
	"base64 raw std": func(r *http.Request, _ []byte) string {
		return base64.RawStdEncoding.EncodeToString([]byte(credential(r)))
	},
	"base64 raw url-safe": func(r *http.Request, _ []byte) string {
		return base64.RawURLEncoding.EncodeToString([]byte(credential(r)))
	},
	"query-escaped header": func(r *http.Request, _ []byte) string { return url.QueryEscape(r.Header.Get("Authorization")) },
	"query-escaped basic": func(r *http.Request, _ []byte) string {
		return url.QueryEscape(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
	},
	"path-escaped":  func(r *http.Request, _ []byte) string { return url.PathEscape(credential(r)) },
	"request body":  func(_ *http.Request, body []byte) string { return string(body) },
	"request query": func(r *http.Request, _ []byte) string { return r.URL.RawQuery },
}

// credential is what the Authorization header carries: "key:secret" for
// Basic, the token for Bearer, "" without the header.
func credential(r *http.Request) string {
	scheme, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if scheme == "Basic" {
		b, _ := base64.StdEncoding.DecodeString(value)
		return string(b)
	}
	return value
}

// echoHandler answers every request with an error that quotes the request
// (X-Echo names the echo) at a chosen offset (X-Echo-Cut minus
// X-Echo-Keep: the quote straddles the cut by that many bytes), in a
// chosen body form (X-Echo-Form), and in a response header.
//
// The handler is called in memory (echoTransport): what is tested is what
// the client makes of a response, not the loopback network.
var echoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	quote := echoes[r.Header.Get("X-Echo")](r, body)
	cut, _ := strconv.Atoi(r.Header.Get("X-Echo-Cut"))
	keep, _ := strconv.Atoi(r.Header.Get("X-Echo-Keep"))
	status, _ := strconv.Atoi(r.Header.Get("X-Echo-Status"))
	if keep > len(quote) {
		keep = len(quote)
	}
	pad := max(cut-keep, 0)
	w.Header().Set("X-Debug-Echo", quote)
	switch r.Header.Get("X-Echo-Form") {
	case "message":
		msg, _ := json.Marshal("denied: " + strings.Repeat("x", max(pad-8, 0)) + quote)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":%s}}`, msg)
	case "message after spaces":
		msg, _ := json.Marshal(strings.Repeat(" ", pad) + quote)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":%s}}`, msg)
	case "snippet":
		w.WriteHeader(status)
		io.WriteString(w, "denied: "+strings.Repeat("x", max(pad-8, 0))+quote)
	case "snippet after spaces":
		w.WriteHeader(status)
		io.WriteString(w, strings.Repeat(" ", pad)+quote)
	case "snippet after invalid bytes":
		w.WriteHeader(status)
		w.Write(append(bytes.Repeat([]byte{0xff}, pad), quote...))
	}
})

// echoTransport answers every request with echoHandler, in memory.
var echoTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody // as a server sees a request without a body
	}
	rec := httptest.NewRecorder()
	echoHandler.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
})

type authMode struct {
	name  string
	token bool
	basic bool // WithBasicAuthUploads
	req   func() *client.Request
}

var authModes = []authMode{
	{name: "signed upload", req: func() *client.Request { return uploadReq(false) }},
	{name: "basic upload", basic: true, req: func() *client.Request { return uploadReq(false) }},
	{name: "basic admin", req: adminReq},
	{name: "bearer upload", token: true, req: func() *client.Request { return uploadReq(false) }},
	{name: "bearer admin", token: true, req: adminReq},
}

func adminReq() *client.Request {
	return &client.Request{Method: "GET", API: client.AdminAPI, Path: "resources/image", Params: url.Values{"prefix": {"a b"}}}
}

// TestEchoedCredentialsNeverPrinted: a server that quotes the credentials
// back (the Authorization header, its base64 in every variant, the
// decoded key:secret, URL-escaped forms, the request body and query), at
// offsets that straddle each cut the client makes (the 4,096-byte message,
// the 256-byte snippet, the 120 bytes Error shows, the 1,024 bytes cleaned
// before cutting), after runs of spaces or invalid bytes that cleaning
// shrinks, with a 400 and (ambiguous) 502, for each auth mode: no piece of
// the secret, the token or their encodings appears in the error, any fmt
// verb of it, its fields, or the debug log.
func TestEchoedCredentialsNeverPrinted(t *testing.T) {
	t.Parallel()
	scan := newCanary(credentialForms(testKey, testSecret, echoToken))
	if scan.find("ok", "quoted: "+testSecret[5:13]+"…") == "" || scan.find("ok", "no credential") != "" {
		t.Fatal("the canary scan does not find a piece of the secret")
	}
	type cut struct {
		form string
		at   int
	}
	cuts := []cut{
		{"message", 4096}, {"message", 120}, {"message after spaces", 16384}, {"message after spaces", 4096},
		{"snippet", 256}, {"snippet", 120}, {"snippet after spaces", 1024}, {"snippet after invalid bytes", 1024}, {"snippet", 0},
	}
	for _, mode := range authModes {
		t.Run(mode.name, func(t *testing.T) {
			var logs bytes.Buffer
			cfg := testConfig("http://echo.test")
			if mode.token {
				cfg.OAuthToken = client.NewSecret(echoToken)
			}
			opts := []client.Option{client.WithRetry(1, 0, 0), client.WithHTTPClient(&http.Client{Transport: echoTransport}),
				client.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
			if mode.basic {
				opts = append(opts, client.WithBasicAuthUploads())
			}
			c, err := client.New(cfg, opts...)
			if err != nil {
				t.Fatal(err)
			}
			for echo := range echoes {
				for _, cu := range cuts {
					for _, keep := range []int{6, 12, 20, 30, 1 << 20} {
						for _, status := range []int{400, 502} {
							req := mode.req()
							req.Header = http.Header{"X-Echo": {echo}, "X-Echo-Form": {cu.form}, "X-Echo-Cut": {strconv.Itoa(cu.at)},
								"X-Echo-Keep": {strconv.Itoa(keep)}, "X-Echo-Status": {strconv.Itoa(status)}}
							_, err := c.Do(context.Background(), req, nil)
							var ae *client.APIError
							if !errors.As(err, &ae) || ae.StatusCode != status {
								t.Fatalf("%s/%s@%d: err = %v, want a %d *APIError", echo, cu.form, cu.at, err, status)
							}
							texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%s", err),
								fmt.Sprintf("%#v", ae), fmt.Sprintf("%+v", *ae), ae.Message, ae.Snippet, fmt.Sprint(ae.Header)}
							if piece := scan.find(texts...); piece != "" {
								t.Fatalf("%s, echo %q in %s straddling byte %d by %d (status %d): %q appears in\n%q",
									mode.name, echo, cu.form, cu.at, keep, status, piece, texts)
							}
						}
					}
				}
			}
			if piece := scan.find(logs.String()); piece != "" {
				t.Fatalf("debug log contains %q", piece)
			}
		})
	}
}

// TestTransportErrorsQuotingCredentials: a caller's RoundTripper (a proxy
// library, say) whose errors quote the request URL and its Authorization
// header, in each auth mode: the error Do returns — after retries, as an
// ambiguous failure, or cut short by the context — and the debug log
// carry no credential.
func TestTransportErrorsQuotingCredentials(t *testing.T) {
	t.Parallel()
	scan := newCanary(credentialForms(testKey, testSecret, echoToken))
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
		}
		auth := r.Header.Get("Authorization")
		return nil, fmt.Errorf("proxy refused %s?token=%s (%s; %s; %s)", r.URL, url.QueryEscape(credential(r)), auth, url.QueryEscape(auth), credential(r))
	})
	for _, mode := range authModes {
		t.Run(mode.name, func(t *testing.T) {
			var logs bytes.Buffer
			cfg := testConfig("http://127.0.0.1:1")
			if mode.token {
				cfg.OAuthToken = client.NewSecret(echoToken)
			}
			for name, retry := range map[string]client.Option{
				"retried":     client.WithRetry(2, 0, time.Millisecond),
				"cut by ctx":  client.WithRetry(3, time.Hour, time.Hour),
				"single shot": client.WithRetry(1, 0, 0),
			} {
				opts := []client.Option{retry, client.WithHTTPClient(&http.Client{Transport: rt}),
					client.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
				if mode.basic {
					opts = append(opts, client.WithBasicAuthUploads())
				}
				c, err := client.New(cfg, opts...)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_, err = c.Do(ctx, mode.req(), nil)
				cancel()
				if err == nil || !strings.Contains(err.Error(), "proxy refused") {
					t.Fatalf("%s: err = %v", name, err)
				}
				if piece := scan.find(err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%v", err)); piece != "" {
					t.Fatalf("%s: %q appears in %v", name, piece, err)
				}
			}
			if !strings.Contains(logs.String(), "proxy refused") {
				t.Fatalf("transport errors not logged: %s", logs.String())
			}
			if piece := scan.find(logs.String()); piece != "" {
				t.Fatalf("debug log contains %q", piece)
			}
		})
	}
}
