package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/signer"
)

func TestAdminBasicAuthQueryAndJSON(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, ok(`{"resources":[{"public_id":"a"}],"next_cursor":"c2"}`), ok(`{"deleted":{"a":"deleted"}}`))
	c := newTestClient(t, rec)
	var list struct {
		client.Meta
		NextCursor string `json:"next_cursor"`
	}
	resp, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "resources/image/upload/" + client.PathEscape("folder/sample"),
		Params: url.Values{"max_results": {"10"}, "prefix": {""}, "tags[]": {"x", "y"}}}, &list)
	if err != nil || list.NextCursor != "c2" || list.Response != resp || !bytes.Contains(resp.Raw, []byte(`"resources"`)) {
		t.Fatalf("err %v list %+v", err, list)
	}
	body := map[string]any{"public_ids": []string{"a"}, "invalidate": true}
	if _, err := c.Do(context.Background(), &client.Request{Method: "DELETE", API: client.AdminAPI, Path: "resources/image/upload", Body: body}, nil); err != nil {
		t.Fatal(err)
	}
	hits := rec.Hits()
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":"+testSecret))
	for i, h := range hits {
		if h.header.Get("Authorization") != wantAuth {
			t.Errorf("hit %d: Authorization %q", i, h.header.Get("Authorization"))
		}
		if !strings.HasPrefix(h.header.Get("User-Agent"), "cldrest/") || !strings.Contains(h.header.Get("User-Agent"), "(go") {
			t.Errorf("User-Agent %q", h.header.Get("User-Agent"))
		}
	}
	if hits[0].rawPath != "/v1_1/demo/resources/image/upload/folder%2Fsample" {
		t.Errorf("path %q", hits[0].rawPath)
	}
	if q := hits[0].query; q.Get("max_results") != "10" || len(q["tags[]"]) != 2 || q.Has("prefix") || q.Has("signature") || q.Has("api_key") {
		t.Errorf("query %v", q)
	}
	if hits[1].method != "DELETE" || hits[1].header.Get("Content-Type") != "application/json" || string(hits[1].body) != `{"invalidate":true,"public_ids":["a"]}` {
		t.Errorf("DELETE %s %q %q", hits[1].method, hits[1].header.Get("Content-Type"), hits[1].body)
	}
}

func TestAuthModes(t *testing.T) {
	t.Parallel()
	const token = "MTQ0NjJkZmQ5OTM2NDE1ZTZjNGZmZjI4"
	cases := []struct {
		name     string
		cfg      func(client.Config) client.Config
		opts     []client.Option
		req      client.Request
		auth     string
		signed   bool
		wantErr  string
		noAPIKey bool
	}{
		{name: "signed upload", req: client.Request{Path: "image/upload"}, signed: true},
		{name: "basic upload", opts: []client.Option{client.WithBasicAuthUploads()}, req: client.Request{Path: "image/upload"},
			auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":"+testSecret)), noAPIKey: true},
		{name: "oauth upload", cfg: func(c client.Config) client.Config { c.OAuthToken = client.NewSecret(token); return c },
			req: client.Request{Path: "image/upload"}, auth: "Bearer " + token, noAPIKey: true},
		{name: "oauth admin", cfg: func(c client.Config) client.Config { c.OAuthToken = client.NewSecret(token); return c },
			req: client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, auth: "Bearer " + token, noAPIKey: true},
		{name: "unsigned preset", req: client.Request{Path: "image/upload", Unsigned: true, Params: url.Values{"upload_preset": {"p1"}}}, noAPIKey: true},
		{name: "no key for signed upload", cfg: func(c client.Config) client.Config { c.APIKey, c.APISecret = "", client.Secret{}; return c },
			req: client.Request{Path: "image/upload"}, wantErr: "needs api_key and api_secret"},
		{name: "no key for admin", cfg: func(c client.Config) client.Config { c.APIKey, c.APISecret = "", client.Secret{}; return c },
			req: client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, wantErr: "needs api_key and api_secret"},
		{name: "sha256 v1", cfg: func(c client.Config) client.Config {
			c.SignatureAlgorithm, c.SignatureVersion = signer.SHA256, 1
			return c
		},
			req: client.Request{Path: "image/destroy", Params: url.Values{"public_id": {"a&b"}}}, signed: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, ok(`{}`))
			cfg := testConfig(rec.srv.URL)
			if tc.cfg != nil {
				cfg = tc.cfg(cfg)
			}
			c, err := client.New(cfg, append([]client.Option{client.WithHTTPClient(rec.srv.Client())}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			req := tc.req
			_, err = c.Do(context.Background(), &req, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || len(rec.Hits()) != 0 {
					t.Fatalf("err %v hits %d", err, len(rec.Hits()))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := rec.Hits()[0]
			if got := h.header.Get("Authorization"); got != tc.auth {
				t.Errorf("Authorization %q, want %q", got, tc.auth)
			}
			all := url.Values{}
			for k, v := range h.form {
				all[k] = v
			}
			for k, v := range h.query {
				all[k] = v
			}
			if tc.signed {
				alg, ver, ok := signer.VerifyDetail(all, testSecret, all.Get("signature"))
				if !ok || alg != cfg.WithDefaults().SignatureAlgorithm || ver != cfg.WithDefaults().SignatureVersion {
					t.Errorf("signature: ok %v alg %v v%d (%v)", ok, alg, ver, all)
				}
			}
			if tc.noAPIKey && (all.Has("api_key") || all.Has("signature") || all.Has("timestamp")) {
				t.Errorf("credentials in params: %v", all)
			}
		})
	}
}

func TestCredentialsNeverFollowRedirectsToOtherHosts(t *testing.T) {
	t.Parallel()
	var otherAuth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth = append(otherAuth, r.Header.Get("Authorization"), r.URL.RawQuery)
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(other.Close)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	c := newTestClient(t, rec)
	if _, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(otherAuth) != 2 || otherAuth[0] != "" || otherAuth[1] != "" {
		t.Fatalf("redirect target saw %q", otherAuth)
	}
	if rec.Hits()[0].header.Get("Authorization") == "" {
		t.Fatal("API host got no credentials")
	}
}

func TestRateLimitSpacesAdminCalls(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, ok(`{}`), ok(`{}`), ok(`{}`), ok(`{}`))
	// One call an hour: the burst allows the first admin call; the second
	// cannot meet any deadline short of an hour and fails at once with
	// DeadlineExceeded (the limiter never sleeps past a deadline), while
	// an upload under the same deadline is not limited.
	c := newTestClient(t, rec, client.WithRateLimit(rate.Every(time.Hour), 1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.Do(ctx, &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.Do(ctx, &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) || len(rec.Hits()) != 1 {
		t.Fatalf("second admin call: err %v, %d hits", err, len(rec.Hits()))
	}
	if _, err := c.Do(ctx, uploadReq(false), nil); err != nil || len(rec.Hits()) != 2 {
		t.Fatalf("upload limited or failed: %v", err)
	}
}

func TestSignParams(t *testing.T) {
	t.Parallel()
	c, err := client.New(testConfig(""), client.WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }))
	if err != nil {
		t.Fatal(err)
	}
	in := url.Values{"public_id": {"x"}, "empty": {""}}
	out, err := c.SignParams(in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Has("timestamp") || len(in) != 2 {
		t.Fatal("SignParams modified its input")
	}
	if out.Get("timestamp") != "1700000000" || out.Get("api_key") != testKey || out.Has("empty") || !signer.Verify(out, testSecret, out.Get("signature")) {
		t.Fatalf("out %v", out)
	}
	if got := c.Now(); !got.Equal(time.Unix(1_700_000_000, 0)) {
		t.Fatalf("Now %v", got)
	}
	out2, _ := c.SignParams(url.Values{"timestamp": {"42"}})
	if out2.Get("timestamp") != "42" {
		t.Fatalf("caller timestamp replaced: %v", out2)
	}
	noKey, _ := client.New(client.Config{CloudName: "demo"})
	if _, err := noKey.SignParams(in); err == nil {
		t.Fatal("signing without a key succeeded")
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]client.Option{
		"nil http client":  client.WithHTTPClient(nil),
		"bad base url":     client.WithBaseURL("ftp://x"),
		"base url w/ user": client.WithBaseURL("http://k:s@host"),
		"nil logger":       client.WithLogger(nil),
		"empty ua":         client.WithUserAgent(" "),
		"ua newline":       client.WithUserAgent("a\r\nX-Evil: 1"),
		"zero attempts":    client.WithRetry(0, 0, 0),
		"max < min":        client.WithRetry(2, time.Second, time.Millisecond),
		"negative wait":    client.WithRetry(2, -1, time.Millisecond),
		"zero rate":        client.WithRateLimit(0, 1),
		"zero burst":       client.WithRateLimit(1, 0),
		"neg attempt":      client.WithAttemptTimeout(-1),
		"neg upload":       client.WithUploadTimeout(-1),
		"neg stall":        client.WithStallTimeout(-1),
		"nil clock":        client.WithClock(nil),
	}
	for name, opt := range bad {
		if _, err := client.New(testConfig(""), opt); err == nil || strings.Count(err.Error(), "\n") > 0 || !strings.Contains(err.Error(), "client.With") {
			t.Errorf("%s: err %v", name, err)
		}
	}
	if _, err := client.New(client.Config{}); !errors.Is(err, client.ErrInvalidConfig) {
		t.Errorf("empty config: %v", err)
	}
	hc := &http.Client{Timeout: 7 * time.Second}
	c, err := client.New(testConfig(""), client.WithHTTPClient(hc), client.WithBaseURL("http://127.0.0.1:9/"))
	if err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil {
		t.Error("WithHTTPClient modified the caller's client")
	}
	if c.BaseURL() != "http://127.0.0.1:9" || c.Config().UploadPrefix != "http://127.0.0.1:9" || c.APIURL("image/upload") != "http://127.0.0.1:9/v1_1/demo/image/upload" {
		t.Errorf("base %q %q", c.BaseURL(), c.APIURL("image/upload"))
	}
}

func TestRequestValidationBeforeIO(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	c := newTestClient(t, rec)
	cases := map[string]*client.Request{
		"nil":            nil,
		"empty path":     {},
		"leading slash":  {Path: "/image/upload"},
		"dotdot":         {Path: "image/../admin"},
		"query in path":  {Path: "image/upload?x=1"},
		"bad method":     {Method: "PATCH", Path: "image/upload"},
		"file on admin":  {API: client.AdminAPI, Path: "x", File: &client.File{Stream: strings.NewReader("")}},
		"body on upload": {Path: "image/upload", Body: map[string]int{}},
		"get with body":  {Method: "GET", API: client.AdminAPI, Path: "x", Body: 1},
		"file both":      {Path: "image/upload", File: &client.File{ReaderAt: strings.NewReader(""), Stream: strings.NewReader("")}},
		"file neither":   {Path: "image/upload", File: &client.File{}},
		"file negative":  {Path: "image/upload", File: &client.File{ReaderAt: strings.NewReader(""), Size: -1}},
		"file on GET":    {Method: "GET", Path: "image/upload", File: &client.File{ReaderAt: strings.NewReader(""), Size: 0}},
		"unencodable":    {Method: "POST", API: client.AdminAPI, Path: "x", Body: func() {}},
		"unknown api":    {API: client.API(9), Path: "x"},
	}
	for name, req := range cases {
		if _, err := c.Do(context.Background(), req, nil); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err %v", name, err)
		}
	}
	if n := len(rec.Hits()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestResponseBodies(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, ok(``), ok(`not json`), ok(`{"public_id":"w"}`))
	c := newTestClient(t, rec)
	var res uploadResult
	resp, err := c.Do(context.Background(), uploadReq(true), &res)
	if err != nil || resp.StatusCode != 200 || res.Response != resp || resp.Raw != nil {
		t.Fatalf("empty body: err %v resp %+v", err, resp)
	}
	_, err = c.Do(context.Background(), uploadReq(true), &res)
	var de *client.DecodeError
	if !errors.As(err, &de) || de.Snippet != "not json" {
		t.Fatalf("non-JSON 2xx: %v", err)
	}
	var buf bytes.Buffer
	if _, err := c.Do(context.Background(), uploadReq(true), &buf); err != nil || buf.String() != `{"public_id":"w"}` {
		t.Fatalf("io.Writer: %v %q", err, buf.String())
	}
}

// TestGoldenBodies pins the exact urlencoded and multipart bodies (fixed
// clock and boundary). Regenerate with go test ./client -run Golden -update.
func TestGoldenBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  client.Request
	}{
		{"urlencoded", client.Request{Path: "image/tags", Params: url.Values{"command": {"add"}, "tag": {"t1"}, "public_ids[]": {"a", "b/c"}, "empty": {""}}}},
		{"multipart", client.Request{Path: "image/upload", Params: url.Values{"public_id": {"folder/sample"}, "tags": {"x,y"}, "context": {"alt=A \"q\"|k=v"}, "overwrite": {"true"}},
			File: &client.File{Name: "sample \"1\".jpg", ContentType: "image/jpeg", ReaderAt: strings.NewReader("\xff\xd8\xff\xe0fakejpeg\r\n--not-a-boundary\r\n\xff\xd9"), Size: 34}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			var hdr http.Header
			var clen int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, _ = io.ReadAll(r.Body)
				hdr, clen = r.Header.Clone(), r.ContentLength
				io.WriteString(w, `{}`)
			}))
			t.Cleanup(srv.Close)
			c, err := client.New(testConfig(srv.URL), client.WithHTTPClient(srv.Client()), client.WithUserAgent("cldrest-test"),
				client.WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }), client.WithBoundaryForTest("cldrestgoldenboundary0123456789"))
			if err != nil {
				t.Fatal(err)
			}
			req := tc.req
			if _, err := c.Do(context.Background(), &req, nil); err != nil {
				t.Fatal(err)
			}
			if clen != int64(len(got)) {
				t.Fatalf("Content-Length %d, body %d", clen, len(got))
			}
			full := append([]byte("Content-Type: "+hdr.Get("Content-Type")+"\n\n"), got...)
			apitest.Golden(t, filepath.Join("golden", tc.name+".golden"), full)
		})
	}
}

func TestDebugLogRecordsAttempts(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := newRecorder(t, status(503, `{}`), ok(`{}`))
	c := newTestClient(t, rec, client.WithLogger(logger))
	if _, err := c.Do(context.Background(), uploadReq(true), nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"method":"POST"`, `"path":"/v1_1/demo/image/upload"`, `"status":503`, `"status":200`, `"attempt":1`, `"attempt":2`, `"duration"`, `"msg":"cloudinary retry"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}
