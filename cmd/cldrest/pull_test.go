package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/pull"
	"github.com/cldrest/cldrest/upload"
)

// corruptProxy sits in front of the mock and, for delivery and download
// responses, flips the first byte of the body while remaining[path] > 0
// (the length is kept, so only the MD5 check can notice). It counts the
// downloads it served.
type corruptProxy struct {
	srv       *httptest.Server
	mu        sync.Mutex
	remaining map[string]int // by asset name (last path segment or public_id)
	downloads atomic.Int32
}

func startCorruptProxy(t *testing.T, target string) *corruptProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &corruptProxy{remaining: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		ModifyResponse: func(resp *http.Response) error {
			r := resp.Request
			download := !strings.HasPrefix(r.URL.Path, "/v1_1/") || strings.HasSuffix(r.URL.Path, "/download")
			if !download || r.Method != http.MethodGet || resp.StatusCode != 200 {
				return nil
			}
			p.downloads.Add(1)
			name := r.URL.Query().Get("public_id")
			if name == "" {
				name = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			}
			p.mu.Lock()
			n := p.remaining[name]
			if n > 0 {
				p.remaining[name] = n - 1
			}
			p.mu.Unlock()
			if n == 0 {
				return nil
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if len(b) > 0 {
				b[0] ^= 0xff
			}
			resp.Body = io.NopCloser(bytes.NewReader(b))
			return nil
		},
	}
	p.srv = httptest.NewServer(rp)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *corruptProxy) corrupt(name string, times int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.remaining[name] = times
}

func withUploadPrefix(t *testing.T, cloudinaryURL, prefix string) string {
	t.Helper()
	u, err := url.Parse(cloudinaryURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("upload_prefix", prefix)
	u.RawQuery = q.Encode()
	return u.String()
}

// filesMD5 maps every file below dir (slash-separated relative path) to its MD5.
func filesMD5(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s := md5.Sum(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(s[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestE2EPull seeds the mock with raw, image and authenticated assets, pulls
// them through a proxy that corrupts some downloads, and checks that every
// file's MD5 equals its etag, that corrupt downloads were retried (or, when
// always corrupt, failed without leaving a file), and that a rerun downloads
// nothing.
func TestE2EPull(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	n := 30
	raw := map[string]string{}
	want := map[string]string{} // local path -> etag
	for i := range n - 12 {
		id := fmt.Sprintf("pull/d%d/f%03d.txt", i%7, i)
		raw[id] = fmt.Sprintf("asset %d %s", i, strings.Repeat("z", i))
	}
	raw["other/outside.txt"] = "not under the prefix"
	seedMock(t, m.url, raw, upload.Params{ResourceType: "raw"})
	delete(raw, "other/outside.txt")
	for id, c := range raw {
		s := md5.Sum([]byte(c))
		want[id] = hex.EncodeToString(s[:])
	}
	png := testPNG(t)
	pngSum := md5.Sum(png)
	images := map[string]string{}
	for i := range 10 {
		images[fmt.Sprintf("pull/img/p%02d", i)] = string(png)
		want[fmt.Sprintf("pull/img/p%02d.png", i)] = hex.EncodeToString(pngSum[:])
	}
	seedMock(t, m.url, images, upload.Params{})
	auth := map[string]string{"pull/private/a.txt": "secret one", "pull/private/b.txt": "secret two"}
	seedMock(t, m.url, auth, upload.Params{ResourceType: "raw", Type: "authenticated"})
	for id, c := range auth {
		s := md5.Sum([]byte(c))
		want[id] = hex.EncodeToString(s[:])
	}
	if len(want) != n {
		t.Fatalf("seeded %d assets, want %d", len(want), n)
	}

	p := startCorruptProxy(t, m.base)
	env := e2eEnv(withUploadPrefix(t, m.url, p.srv.URL))
	p.corrupt("f005.txt", 1)           // a delivery URL, corrupt once
	p.corrupt("p03.png", 1)            // an image
	p.corrupt("pull/private/a.txt", 1) // a signed download, corrupt once
	p.corrupt("f010.txt", 100)         // always corrupt
	dir := filepath.Join(t.TempDir(), "out")

	r := runBin(t, env, "", "pull", "--json", "--concurrency", "8", "pull/", dir)
	files, sum := jsonLines(t, r.stdout)
	if r.code != 1 || sum["failed"] != 1.0 || sum["downloaded"] != float64(n-1) || len(files) != n {
		t.Fatalf("first pull: exit %d, summary %v, %d lines; stderr %s", r.code, sum, len(files), tail(r.stderr))
	}
	for _, f := range files {
		id := f["public_id"].(string)
		switch {
		case strings.HasSuffix(id, "f010.txt"):
			if f["status"] != "failed" || f["reason"] != "etag_mismatch" || f["attempts"] != 3.0 || f["retryable"] != true {
				t.Errorf("always-corrupt asset: %v", f)
			}
		case strings.HasSuffix(id, "f005.txt"), strings.HasSuffix(id, "p03"), id == "pull/private/a.txt":
			if f["status"] != "downloaded" || f["attempts"] != 2.0 {
				t.Errorf("corrupt-once asset %s: %v", id, f)
			}
		}
	}
	got := filesMD5(t, dir)
	failedPath := "pull/d3/f010.txt"
	for path, etag := range want {
		if path == failedPath {
			if _, ok := got[path]; ok {
				t.Errorf("the always-corrupt asset left a file")
			}
			continue
		}
		if got[path] != etag {
			t.Errorf("%s: MD5 %q, etag %s", path, got[path], etag)
		}
	}
	if len(got) != n-1 {
		t.Errorf("%d files written, want %d (no temporary or extra files): %v", len(got), n-1, got)
	}

	// The rerun downloads only the failed asset, now served intact.
	p.corrupt("f010.txt", 0)
	before := p.downloads.Load()
	r = runBin(t, env, "", "pull", "--json", "pull/", dir)
	_, sum = jsonLines(t, r.stdout)
	if r.code != 0 || sum["downloaded"] != 1.0 || sum["skipped"] != float64(n-1) || p.downloads.Load()-before != 1 {
		t.Fatalf("rerun: exit %d, summary %v, %d downloads; %s", r.code, sum, p.downloads.Load()-before, tail(r.stderr))
	}
	got = filesMD5(t, dir)
	if len(got) != n {
		t.Fatalf("%d files after the rerun, want %d", len(got), n)
	}
	for path, etag := range want {
		if got[path] != etag {
			t.Errorf("%s: MD5 %q, etag %s", path, got[path], etag)
		}
	}
	// And a third run downloads nothing at all.
	before = p.downloads.Load()
	r = runBin(t, env, "", "pull", "pull/", dir)
	if r.code != 0 || p.downloads.Load() != before || !strings.Contains(r.stdout, "downloaded        0") {
		t.Fatalf("third run: exit %d, %d downloads\n%s", r.code, p.downloads.Load()-before, r.stdout)
	}

	// --dry-run writes nothing; --resource-type and --type narrow the listing.
	empty := filepath.Join(t.TempDir(), "dry")
	r = runBin(t, env, "", "pull", "--json", "--dry-run", "--type", "authenticated", "pull/", empty)
	_, sum = jsonLines(t, r.stdout)
	if r.code != 0 || sum["planned"] != 2.0 || sum["assets"] != 2.0 {
		t.Fatalf("dry run: exit %d, %v", r.code, sum)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("dry run created %s", empty)
	}
	r = runBin(t, env, "", "pull", "--json", "--dry-run", "--resource-type", "image", "pull/", empty)
	if _, sum = jsonLines(t, r.stdout); sum["planned"] != 10.0 {
		t.Errorf("--resource-type image: %v", sum)
	}
	// Shards split the assets with no overlap.
	total := 0.0
	for i := range 3 {
		r = runBin(t, env, "", "pull", "--json", "--dry-run", "--shard", fmt.Sprintf("%d/3", i), "pull/", empty)
		_, sum = jsonLines(t, r.stdout)
		if r.code != 0 || sum["planned"] == 0.0 {
			t.Fatalf("shard %d/3: exit %d, %v", i, r.code, sum)
		}
		total += sum["planned"].(float64)
	}
	if total != float64(n) {
		t.Errorf("shards planned %v assets, want %d", total, n)
	}
	// Usage errors: exit 2 before any request.
	r = runBin(t, env, "", "pull", "--type", "fetch", "x", empty)
	if r.code != 2 || !strings.Contains(r.stderr, "--type") {
		t.Errorf("--type fetch: exit %d %q", r.code, r.stderr)
	}
	r = runBin(t, env, "", "pull", "--shard", "3/3", "x", empty)
	if r.code != 2 || !strings.Contains(r.stderr, "invalid --shard") {
		t.Errorf("--shard 3/3: exit %d %q", r.code, r.stderr)
	}
	r = runBin(t, e2eEnv(""), "", "pull", "x", empty)
	if r.code != 2 || !strings.Contains(r.stderr, "--mock") {
		t.Errorf("no config: exit %d %q", r.code, r.stderr)
	}
}

// TestE2EPullInterrupt: SIGINT while downloads hang half-way exits 130 and
// leaves neither a partial target file nor a temporary file; the rerun
// completes the pull.
func TestE2EPullInterrupt(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	assets := map[string]string{}
	for i := range 20 {
		assets[fmt.Sprintf("int/f%02d.txt", i)] = strings.Repeat(fmt.Sprintf("%02d", i), 5000)
	}
	seedMock(t, m.url, assets, upload.Params{ResourceType: "raw"})
	target, _ := url.Parse(m.base)
	var hold atomic.Bool
	hold.Store(true)
	started := make(chan struct{}, 100)
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hold.Load() || strings.HasPrefix(r.URL.Path, "/v1_1/") {
			rp.ServeHTTP(w, r)
			return
		}
		// Half of a delivery, then nothing until the client goes away.
		w.Header().Set("Content-Length", "10000")
		w.WriteHeader(200)
		_, _ = w.Write(bytes.Repeat([]byte("x"), 5000))
		w.(http.Flusher).Flush()
		started <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	env := e2eEnv(withUploadPrefix(t, m.url, srv.URL))
	dir := t.TempDir()

	cmd := exec.Command(e2eBin, "pull", "--progress", "none", "int/", dir)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if got := filesMD5(t, dir); len(got) != 0 {
		t.Fatalf("an interrupted pull left files: %v", got)
	}
	hold.Store(false)
	r := runBin(t, env, "", "pull", "--json", "int/", dir)
	if _, sum := jsonLines(t, r.stdout); r.code != 0 || sum["downloaded"] != 20.0 {
		t.Fatalf("rerun: exit %d, %v", r.code, sum)
	}
	if got := filesMD5(t, dir); len(got) != 20 {
		t.Fatalf("%d files after the rerun", len(got))
	}
}

// TestPullFetcherErrors: a non-200 download is a typed *client.APIError
// that the upload command's retryable classifies (404 final, 503 retried),
// naming the asset but never the (signed) URL.
func TestPullFetcherErrors(t *testing.T) {
	var status atomic.Int32
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.String())
		mu.Unlock()
		w.Header().Set("X-Cld-Error", "Resource not found")
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	cfg, err := client.ParseURL("cloudinary://key1:" + cmdCanary + "@demo?upload_prefix=" + srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fetch, err := newFetcher(&session{client: c, cfg: c.Config()}, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status    int
		typ       string
		retryable bool
	}{{404, "upload", false}, {503, "upload", true}, {404, "authenticated", false}, {429, "private", true}} {
		status.Store(int32(tc.status))
		_, _, err := fetch(context.Background(), pull.Asset{PublicID: "a/b", ResourceType: "image", Type: tc.typ, Format: "jpg", Version: 7})
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.StatusCode != tc.status || retryable(err) != tc.retryable ||
			!strings.Contains(err.Error(), "image/"+tc.typ+"/a/b") || strings.Contains(err.Error(), "signature") || strings.Contains(err.Error(), cmdCanary) {
			t.Errorf("%d %s: %v (retryable %v)", tc.status, tc.typ, err, retryable(err))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 4 || paths[0] != "/demo/image/upload/v7/a/b.jpg" || !strings.HasPrefix(paths[2], "/v1_1/demo/image/download?") || !strings.Contains(paths[2], "signature=") {
		t.Errorf("requests: %v", paths)
	}
}
