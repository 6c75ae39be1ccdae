package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type liveClient struct {
	t  *testing.T
	m  *Running
	hc *http.Client
}

func newLive(t *testing.T, opts ...Option) *liveClient {
	m := Start(t, append([]Option{WithControl()}, opts...)...)
	return &liveClient{t: t, m: m, hc: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
}

// do sends a request and returns the response body; err is a transport error.
func (c *liveClient) do(method, path string, body io.Reader, ctype, auth string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, c.m.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth == "basic" {
		req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (c *liveClient) control(method, path string, v any) map[string]any {
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	resp, b, err := c.do(method, "/_mock/"+path, body, "application/json", "")
	if err != nil || resp.StatusCode != 200 {
		c.t.Fatalf("control %s %s: %v %s", method, path, err, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (c *liveClient) upload(id string) (*http.Response, []byte, error) {
	p := signed(c.t, url.Values{"public_id": {id}}, DefaultAPIKey, DefaultAPISecret, c.m.Now())
	body, ct := multipartBody(c.t, p, "f.png", pngBytes(1, 1, 64))
	return c.do("POST", "/v1_1/demo/image/upload", body, ct, "")
}

func (c *liveClient) exists(id string) bool {
	resp, b, err := c.do("GET", "/v1_1/demo/resources/image/upload/"+id, nil, "", "basic")
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != 200 && resp.StatusCode != 404 {
		c.t.Fatalf("exists %s: %d %s", id, resp.StatusCode, b)
	}
	return resp.StatusCode == 200
}

// withFaultWait makes delay faults call wait instead of waiting.
func withFaultWait(wait func(ctx context.Context, d time.Duration)) Option {
	return func(c *config) { c.faultWait = wait }
}

func TestFaultsOverHTTP(t *testing.T) {
	waits := make(chan time.Duration, 1)
	c := newLive(t, WithClock(func() time.Time { return testNow }), withFaultWait(func(_ context.Context, d time.Duration) {
		select { // never block a handler: a second wait would be a bug the count checks catch
		case waits <- d:
		default:
		}
	}))
	t.Run("status with Retry-After, counted", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "upload/upload", "kind": "status", "status": 503, "retry_after": 2, "count": 2})
		for i := 0; i < 2; i++ {
			resp, b, err := c.upload("s")
			if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(b), "Injected fault: 503") {
				t.Fatalf("attempt %d: %v %v %s", i, err, resp, b)
			}
		}
		if c.exists("s") {
			t.Fatal("a status fault must not apply the request")
		}
		resp, _, err := c.upload("s")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("third attempt: %v %v", err, resp)
		}
		if n := len(c.control("GET", "faults", nil)["faults"].([]any)); n != 0 {
			t.Fatalf("exhausted fault still listed (%d)", n)
		}
	})
	t.Run("html error page", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "admin", "kind": "html", "count": 1})
		resp, b, err := c.do("GET", "/v1_1/demo/ping", nil, "", "basic")
		if err != nil || resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(b), "<html>") {
			t.Fatalf("%v %v %s", err, resp, b)
		}
	})
	t.Run("reset before processing", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "upload/*", "kind": "reset", "count": 1})
		if _, _, err := c.upload("r"); err == nil {
			t.Fatal("want a transport error")
		}
		if c.exists("r") {
			t.Fatal("reset must happen before processing")
		}
	})
	t.Run("commit then drop", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "upload", "kind": "commit_drop", "count": 1})
		if _, _, err := c.upload("cd"); err == nil {
			t.Fatal("want a transport error")
		}
		if !c.exists("cd") {
			t.Fatal("commit_drop must apply the upload")
		}
	})
	t.Run("truncated body", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "upload/upload", "kind": "truncate", "count": 1})
		resp, _, err := c.upload("tr")
		if err == nil {
			t.Fatalf("want a read error, got %v", resp.StatusCode)
		}
		if !c.exists("tr") {
			t.Fatal("truncate must apply the upload")
		}
	})
	t.Run("delay", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "admin/ping", "kind": "delay", "delay": "60ms", "count": 1})
		resp, _, err := c.do("GET", "/v1_1/demo/ping", nil, "", "basic")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", err, resp)
		}
		select {
		case d := <-waits:
			if d != 60*time.Millisecond {
				t.Fatalf("the delay fault waited %v, want 60ms", d)
			}
		default:
			t.Fatal("the delay fault answered without waiting")
		}
	})
	t.Run("skip and method", func(t *testing.T) {
		c.control("POST", "faults", map[string]any{"route": "admin/*", "method": "GET", "kind": "status", "status": 500, "skip": 1, "count": 1})
		codes := []int{}
		for i := 0; i < 3; i++ {
			resp, _, _ := c.do("GET", "/v1_1/demo/ping", nil, "", "basic")
			codes = append(codes, resp.StatusCode)
		}
		if codes[0] != 200 || codes[1] != 500 || codes[2] != 200 {
			t.Fatalf("codes %v", codes)
		}
	})
	t.Run("journal", func(t *testing.T) {
		entries := c.control("GET", "journal", nil)["entries"].([]any)
		var cd, st map[string]any
		for _, e := range entries {
			m := e.(map[string]any)
			if f, _ := m["fault"].(string); strings.HasSuffix(f, ":status") && st == nil {
				st = m // answered before the body was read: no params
			}
			if p, _ := m["params"].(map[string]any); p != nil && len(p["public_id"].([]any)) > 0 && p["public_id"].([]any)[0] == "cd" {
				cd = m
			}
		}
		if cd == nil || cd["applied"] != true || !strings.HasSuffix(cd["fault"].(string), ":commit_drop") || cd["route"] != "upload/upload" {
			t.Fatalf("commit_drop entry %v", cd)
		}
		if st == nil || st["applied"] != false || st["status"].(float64) != 503 || st["auth"] != "none" || st["route"] != "upload/upload" {
			t.Fatalf("status entry %v", st)
		}
		if h := st["headers"].(map[string]any); !strings.HasPrefix(h["Content-Type"].(string), "multipart/form-data") {
			t.Fatalf("headers %v", h)
		}
		last := entries[len(entries)-1].(map[string]any)["seq"].(float64)
		if n := len(c.control("GET", "journal?since="+jsonNum(last), nil)["entries"].([]any)); n != 0 {
			t.Fatalf("since=last returned %d entries", n)
		}
		for _, e := range entries {
			if b, _ := json.Marshal(e); bytes.Contains(b, []byte(DefaultAPISecret)) {
				t.Fatalf("journal leaks the secret: %s", b)
			}
		}
	})
	t.Run("clock and reset", func(t *testing.T) {
		before := c.m.Now()
		out := c.control("POST", "clock", map[string]any{"advance": "2h"})
		if int64(out["unix"].(float64)) != before.Add(2*time.Hour).Unix() {
			t.Fatalf("clock %v", out)
		}
		p := signed(t, url.Values{"public_id": {"late"}}, DefaultAPIKey, DefaultAPISecret, before)
		body, ct := multipartBody(t, p, "f.png", pngBytes(1, 1, 64))
		resp, b, _ := c.do("POST", "/v1_1/demo/image/upload", body, ct, "")
		if resp.StatusCode != 400 || !strings.Contains(string(b), "Stale request") {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		c.control("POST", "clock", map[string]any{"now": testNow.Format(time.RFC3339)})
		if !c.m.Now().Equal(testNow) {
			t.Fatalf("SetNow: %v", c.m.Now())
		}
		c.control("POST", "reset", nil)
		if c.exists("cd") {
			t.Fatal("reset kept assets")
		}
		st := c.control("GET", "state", nil)
		if st["assets"].(float64) != 0 {
			t.Fatalf("%v", st)
		}
	})
	t.Run("bad fault", func(t *testing.T) {
		resp, b, _ := c.do("POST", "/_mock/faults", strings.NewReader(`{"kind":"explode"}`), "application/json", "")
		if resp.StatusCode != 400 || !strings.Contains(string(b), "unknown fault kind") {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	})
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func() []int {
		s := New(fixedClock())
		if _, err := s.AddFault(Fault{Route: "admin", Kind: FaultStatus, Status: 503, Probability: 0.2, Seed: 42}); err != nil {
			t.Fatal(err)
		}
		var failed []int
		for i := 0; i < 200; i++ {
			if r := admin(t, s, "GET", "/v1_1/demo/ping", nil); r.status == 503 {
				failed = append(failed, i)
			}
		}
		return failed
	}
	a, b := run(), run()
	if len(a) < 20 || len(a) > 60 {
		t.Fatalf("20%% of 200 failed %d times", len(a))
	}
	if len(a) != len(b) || a[0] != b[0] || a[len(a)-1] != b[len(b)-1] {
		t.Fatalf("same seed, different failures: %v vs %v", a, b)
	}
}

func TestControlDisabledByDefault(t *testing.T) {
	s := New()
	r := serve(t, s, newReq("GET", "/_mock/journal", nil, ""))
	mustStatus(t, r, 404)
	if !strings.Contains(r.msg(), "disabled") {
		t.Fatalf("%q", r.msg())
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Fatal("X-Request-Id missing")
	}
}

// TestFaultsOnChunks: a status fault on a large chunk still reaches the
// client as a status, and a commit_drop on the final chunk followed by a
// retry yields exactly one asset.
func TestFaultsOnChunks(t *testing.T) {
	c := newLive(t, WithClock(func() time.Time { return testNow }))
	data := randomBytes(MinChunkSize+500, 11)
	send := func(start, end int) (*http.Response, []byte, error) {
		p := signed(t, url.Values{"public_id": {"big.bin"}}, DefaultAPIKey, DefaultAPISecret, testNow)
		body, ct := multipartBody(t, p, "big.bin", data[start:end+1])
		req, _ := http.NewRequest("POST", c.m.URL+"/v1_1/demo/raw/upload", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Unique-Upload-Id", "cf")
		req.Header.Set("Content-Range", "bytes "+itoa(int64(start))+"-"+itoa(int64(end))+"/"+itoa(int64(len(data))))
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	if _, err := c.m.AddFault(Fault{Route: "upload/upload", Kind: FaultStatus, Status: 503, RetryAfter: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	resp, b, err := send(0, MinChunkSize-1)
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("want 503 on a 5 MiB chunk, got %v %v %s", err, resp, b)
	}
	if resp, b, err = send(0, MinChunkSize-1); err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), `"done":false`) {
		t.Fatalf("retry of chunk 0: %v %s", err, b)
	}
	if _, err := c.m.AddFault(Fault{Route: "upload/upload", Kind: FaultCommitDrop, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := send(MinChunkSize, len(data)-1); err == nil {
		t.Fatal("commit_drop: want a transport error")
	}
	resp, b, err = send(MinChunkSize, len(data)-1)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), `"public_id":"big.bin"`) {
		t.Fatalf("retry of the final chunk: %v %s", err, b)
	}
	c.m.mu.RLock()
	n := len(c.m.st.assets)
	c.m.mu.RUnlock()
	if n != 1 {
		t.Fatalf("%d assets", n)
	}
}
