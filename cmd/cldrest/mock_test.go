package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMockCommandServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	dir := t.TempDir()
	go func() {
		done <- run(ctx, []string{"mock", "--addr", "127.0.0.1:0", "--dir", dir, "--cloud", "c1", "--api-key", "k1", "--api-secret", "s1-canary", "--control"}, nil, pw, &stderr)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no CLOUDINARY_URL line: %v (stderr %s)", err, stderr.String())
	}
	raw, ok := strings.CutPrefix(strings.TrimSpace(line), "CLOUDINARY_URL=")
	if !ok {
		t.Fatalf("first line %q", line)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "cloudinary" || u.Host != "c1" || u.User.Username() != "k1" {
		t.Fatalf("bad URL %q: %v", raw, err)
	}
	if pw, _ := u.User.Password(); pw != "s1-canary" {
		t.Fatalf("secret %q", pw)
	}
	prefix := u.Query().Get("upload_prefix")
	if !strings.HasPrefix(prefix, "http://127.0.0.1:") || strings.HasSuffix(prefix, ":0") {
		t.Fatalf("upload_prefix %q", prefix)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	req, _ := http.NewRequest("GET", prefix+"/v1_1/c1/ping", nil)
	req.SetBasicAuth("k1", "s1-canary")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-FeatureRateLimit-Limit") == "" {
		t.Fatalf("ping: %d %v", resp.StatusCode, resp.Header)
	}
	resp, err = http.Get(prefix + "/_mock/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("--control: %v %v", err, resp)
	}
	_ = resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop after cancel")
	}
	if strings.Contains(stderr.String(), "s1-canary") {
		t.Fatal("secret on stderr")
	}
}

func TestMockCommandUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"mock", "--dir", "x", "--metadata-only"}, "--dir and --metadata-only cannot be combined"},
		{[]string{"mock", "--addr", "256.0.0.1:bad"}, "cannot listen on"},
		{[]string{"mock", "--api-secret", ""}, "must not be empty"},
		{[]string{"mock", "extra"}, "unknown command"},
		{[]string{"mock", "--body-timeout", "-1s"}, "--body-timeout -1s: use a positive duration"},
		{[]string{"mock", "--max-unverified-size", "lots"}, "--max-unverified-size: invalid size"},
		{[]string{"mock", "--control-token", "t"}, "--control-token and --control-host need --control"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, nil, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("%v: stdout %q", tc.args, out.String())
		}
	}
}

// TestMockCommandGuards: the flags reach the server: --control-token and
// --control-host guard /_mock/, --body-timeout answers 408 to a trickling
// body.
func TestMockCommandGuards(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "--control", "--control-token", "t0ken", "--control-host", "mock.internal", "--body-timeout", "20ms"}, nil, pw, &stderr)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no CLOUDINARY_URL line: %v (stderr %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	u, _ := url.Parse(strings.TrimPrefix(strings.TrimSpace(line), "CLOUDINARY_URL="))
	prefix := u.Query().Get("upload_prefix")
	for _, tc := range []struct {
		host, token string
		status      int
	}{
		{"", "", 403}, {"", "wrong", 403}, {"", "t0ken", 200},
		{"mock.internal:1", "t0ken", 200}, {"evil.example", "t0ken", 403},
	} {
		req, _ := http.NewRequest("GET", prefix+"/_mock/health", nil)
		if tc.host != "" {
			req.Host = tc.host
		}
		if tc.token != "" {
			req.Header.Set("X-Mock-Control-Token", tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("host %q token %q: status %d, want %d", tc.host, tc.token, resp.StatusCode, tc.status)
		}
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(prefix, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /v1_1/demo/image/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n\r\n--b\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // a safety net, not a timing assertion
	status, err := bufio.NewReader(conn).ReadString('\n')
	if !strings.HasPrefix(status, "HTTP/1.1 408 ") {
		t.Errorf("a stalled body: %q %v, want 408", status, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop after cancel")
	}
}

// TestMockCommandSeedAndFixedFolders: --seed loads fixtures before the URL
// is printed, --fixed-folders switches the folder mode, a broken fixture
// is a usage error that names it.
func TestMockCommandSeedAndFixedFolders(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seed, []byte(`{"assets":[{"public_id":"shop/shoe","tags":["sale"]}],"presets":[{"name":"web","unsigned":true}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "--seed", seed, "--fixed-folders"}, nil, pw, &stderr)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no CLOUDINARY_URL line: %v (stderr %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	u, err := url.Parse(strings.TrimPrefix(strings.TrimSpace(line), "CLOUDINARY_URL="))
	if err != nil {
		t.Fatal(err)
	}
	prefix := u.Query().Get("upload_prefix")
	get := func(p string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("GET", prefix+"/v1_1/"+u.Host+"/"+p, nil)
		pass, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", p, resp.StatusCode, err)
		}
		return v
	}
	if r := get("resources/image/tags/sale"); len(r["resources"].([]any)) != 1 || r["resources"].([]any)[0].(map[string]any)["folder"] != "shop" {
		t.Fatalf("seeded asset in fixed folder mode: %v", r)
	}
	if r := get("config?settings=true"); r["settings"].(map[string]any)["folder_mode"] != "fixed" {
		t.Fatalf("config: %v", r)
	}
	if r := get("upload_presets/web"); r["unsigned"] != true {
		t.Fatalf("seeded preset: %v", r)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"assets":[{"public_id":""}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"mock", "--seed", bad}, nil, &out, &errb); code != exitUsage ||
		!strings.Contains(errb.String(), "--seed: mockserver: seed "+bad) || out.Len() != 0 {
		t.Fatalf("broken fixture: exit %d, stderr %q, stdout %q", code, errb.String(), out.String())
	}
}
