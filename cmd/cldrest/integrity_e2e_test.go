package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cldrest/cldrest/internal/batch"
)

// flipProxy is a reverse proxy on 127.0.0.1 in front of the mock that, while
// corrupt is set, flips the first content byte of the file part of every
// multipart request (each chunk of a chunked upload too), keeping the
// length, so the request stays well-formed and correctly signed.
type flipProxy struct {
	srv     *httptest.Server
	corrupt atomic.Bool
	flipped atomic.Int32
}

func startFlipProxy(t *testing.T, target string) *flipProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &flipProxy{}
	p.corrupt.Store(true)
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		if !p.corrupt.Load() || pr.Out.Body == nil {
			return
		}
		b, err := io.ReadAll(pr.Out.Body)
		pr.Out.Body.Close()
		if err != nil {
			panic(err) // the client went away; the proxy answers 502
		}
		if i := bytes.Index(b, []byte(`name="file"`)); i >= 0 {
			if j := bytes.Index(b[i:], []byte("\r\n\r\n")); j >= 0 && i+j+4 < len(b) {
				b[i+j+4] ^= 0x01
				p.flipped.Add(1)
			}
		}
		pr.Out.Body = io.NopCloser(bytes.NewReader(b))
		pr.Out.ContentLength = int64(len(b))
	}}
	p.srv = httptest.NewServer(rp)
	t.Cleanup(p.srv.Close)
	return p
}

// viaProxy is the mock's CLOUDINARY_URL with upload_prefix pointing at the
// proxy.
func viaProxy(t *testing.T, m *mockProc, p *flipProxy) string {
	t.Helper()
	u, err := url.Parse(m.url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("upload_prefix", p.srv.URL)
	u.RawQuery = q.Encode()
	return u.String()
}

// Through a proxy that flips a byte of every upload, nothing is reported
// uploaded or journaled completed: each file fails with a retryable etag
// mismatch and exit 1. The same command without the corruption (same
// proxy, so the same journal target: a completed entry would skip the
// file) uploads every file, and the stored etags then equal the MD5s.
func TestE2EEtagMismatchThroughCorruptingProxy(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 6, "")
	big := make([]byte, 5<<20+4096) // two chunks, of 5 MiB and 4 KiB
	r := rand.NewChaCha8([32]byte{12})
	_, _ = r.Read(big)
	if err := os.MkdirAll(filepath.Join(dir, "big"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big", "blob.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(big)
	bigID := batch.PublicID("big/blob.bin", "", "")
	want[bigID] = hex.EncodeToString(sum[:])

	proxy := startFlipProxy(t, m.base)
	env := e2eEnv(viaProxy(t, m, proxy))
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	args := []string{"upload", "--chunk-size", "5MiB", "--retry-wait", "1ms", "--journal", journal, "--json", dir}

	res := runBin(t, env, "", args...)
	if res.code != 1 {
		t.Fatalf("exit %d through a corrupting proxy, want 1\nstdout: %s\nstderr: %s", res.code, tail(res.stdout), tail(res.stderr))
	}
	if proxy.flipped.Load() == 0 {
		t.Fatal("the proxy corrupted nothing: the test proves nothing")
	}
	files, summary := jsonLines(t, res.stdout)
	stored := map[string]string{}
	for _, a := range m.assets(t) {
		stored[a.PublicID] = a.Etag
	}
	for _, f := range files {
		id := f["public_id"].(string)
		wantAttempts := 3.0 // three tries of one request each
		if id == bigID {
			wantAttempts = 6 // three tries of two chunks each
		}
		if f["status"] != "failed" || f["reason"] != "etag_mismatch" || f["retryable"] != true ||
			!strings.Contains(f["error"].(string), "etag mismatch") || f["md5"] != want[id] ||
			f["etag"] == want[id] || f["etag"] != stored[id] || f["attempts"] != wantAttempts {
			t.Errorf("through the proxy: %v\nwant failed, etag_mismatch, retryable, md5 %s, etag %s (stored), %v attempts", f, want[id], stored[id], wantAttempts)
		}
	}
	if len(files) != len(want) || summary["failed"] != float64(len(want)) || summary["uploaded"] != 0.0 || summary["exit_code"] != 1.0 {
		t.Errorf("%d results, summary %v", len(files), summary)
	}
	entries, _, err := batch.ReadJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Completed() {
			t.Errorf("journaled as completed through a corrupting proxy: %+v", e)
		}
	}

	proxy.corrupt.Store(false)
	res = runBin(t, env, "", args...)
	if res.code != 0 {
		t.Fatalf("rerun without corruption: exit %d\nstderr: %s", res.code, tail(res.stderr))
	}
	files, _ = jsonLines(t, res.stdout)
	for _, f := range files {
		id := f["public_id"].(string)
		if f["status"] != "uploaded" || f["etag"] != want[id] || f["md5"] != want[id] {
			t.Errorf("rerun: %v, want uploaded with etag = md5 = %s", f, want[id])
		}
	}
	if len(files) != len(want) {
		t.Errorf("rerun reported %d files, want %d", len(files), len(want))
	}
	checkAssets(t, m, want)

	// --verify=false turns the check off (for presets whose incoming
	// transformations rewrite the bytes): the corrupt uploads pass.
	proxy.corrupt.Store(true)
	res = runBin(t, env, "", "upload", "--verify=false", "--no-journal", "--json", "--include", "*.txt", dir)
	files, _ = jsonLines(t, res.stdout)
	if res.code != 0 || len(files) != len(want)-1 {
		t.Fatalf("--verify=false: exit %d, %d files", res.code, len(files))
	}
	for _, f := range files {
		// Nothing needs the MD5 (no check, no journal): none is computed.
		if f["status"] != "uploaded" || f["etag"] == want[f["public_id"].(string)] || f["md5"] != nil && f["md5"] != "" {
			t.Errorf("--verify=false --no-journal through the corrupting proxy: %v", f)
		}
	}
	// With a journal the MD5 is still computed (a rerun skips by it).
	res = runBin(t, env, "", "upload", "--verify=false", "--journal", filepath.Join(t.TempDir(), "j.jsonl"), "--json", "--include", "*.txt", dir)
	files, _ = jsonLines(t, res.stdout)
	if res.code != 0 || len(files) != len(want)-1 {
		t.Fatalf("--verify=false with a journal: exit %d, %d files", res.code, len(files))
	}
	for _, f := range files {
		if id := f["public_id"].(string); f["status"] != "uploaded" || f["md5"] != want[id] {
			t.Errorf("--verify=false with a journal: %v, want md5 %s", f, want[id])
		}
	}
}

// --overwrite=false on public IDs that are taken: Cloudinary keeps its
// assets and answers existing: true. Such files are "exists", not
// uploaded, in --json, in the text lines and in the summary table; the
// journal lets a rerun with --overwrite=false skip them, and a rerun that
// overwrites uploads them.
func TestE2EOverwriteFalseReportsExists(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 5, "")
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	env := e2eEnv(m.url)
	upload := func(extra ...string) binResult {
		t.Helper()
		r := runBin(t, env, "", append(append([]string{"upload", "--progress", "none"}, extra...), dir)...)
		if r.code != 0 {
			t.Fatalf("upload %v: exit %d\nstdout: %s\nstderr: %s", extra, r.code, tail(r.stdout), tail(r.stderr))
		}
		return r
	}
	upload("--journal", journal, "--json")

	// Change two files; the assets keep the old bytes.
	old := map[string]string{}
	changed := map[string]bool{}
	for _, rel := range []string{"d00/f0000.txt", "d01/f0001.txt"} {
		id := batch.PublicID(rel, "", "")
		content := "changed " + rel
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum([]byte(content))
		old[id], want[id], changed[id] = want[id], hex.EncodeToString(sum[:]), true
	}

	r := upload("--journal", journal, "--json", "--overwrite=false")
	files, summary := jsonLines(t, r.stdout)
	for _, f := range files {
		id := f["public_id"].(string)
		switch {
		case changed[id]:
			if f["status"] != "exists" || f["etag"] != old[id] || f["md5"] != want[id] || f["error"] != "" || f["retryable"] != false {
				t.Errorf("changed file with --overwrite=false: %v, want exists with the kept etag %s", f, old[id])
			}
		case f["status"] != "skipped" || f["reason"] != "journal":
			t.Errorf("unchanged file: %v", f)
		}
	}
	if summary["exists"] != 2.0 || summary["uploaded"] != 0.0 || summary["skipped"] != 3.0 || summary["exit_code"] != 0.0 {
		t.Errorf("summary %v, want 2 exists, 0 uploaded, 3 skipped, exit 0", summary)
	}
	for _, a := range m.assets(t) {
		if changed[a.PublicID] && a.Etag != old[a.PublicID] {
			t.Errorf("%s was overwritten despite --overwrite=false", a.PublicID)
		}
	}

	// Text output, without the journal: every file is sent and kept.
	r = upload("--no-journal", "--overwrite=false")
	for id := range want {
		why := "identical to this file"
		if changed[id] {
			why = "which differs from this file"
		}
		if !strings.Contains(r.stdout, " -> "+id+" (kept the existing asset, "+why+")") {
			t.Errorf("text output lacks the exists line of %s (%s):\n%s", id, why, r.stdout)
		}
	}
	for _, s := range []string{"exists       5", "uploaded       0"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("summary table lacks %q:\n%s", s, r.stdout)
		}
	}

	// Same flags with the journal: nothing is sent for the kept files.
	r = upload("--journal", journal, "--json", "--overwrite=false")
	files, _ = jsonLines(t, r.stdout)
	for _, f := range files {
		if id := f["public_id"].(string); changed[id] && (f["status"] != "skipped" || f["reason"] != "exists" || f["attempts"] != 0.0) {
			t.Errorf("rerun with --overwrite=false: %v, want skipped (exists) without a request", f)
		}
	}

	// Overwriting: the changed files are uploaded now.
	r = upload("--journal", journal, "--json")
	files, summary = jsonLines(t, r.stdout)
	if summary["uploaded"] != 2.0 || summary["exists"] != 0.0 {
		t.Errorf("overwriting rerun: summary %v, want the 2 changed files uploaded", summary)
	}
	for _, f := range files {
		if id := f["public_id"].(string); changed[id] && (f["status"] != "uploaded" || f["etag"] != want[id]) {
			t.Errorf("overwriting rerun: %v", f)
		}
	}
	checkAssets(t, m, want)
}

// Four connection resets, then a success: the server saw five requests,
// and --json says five attempts (default --retries 4: the first try of the
// file ends after four resets, the second succeeds).
func TestE2EAttemptsCountConnectionResets(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 1, "")
	m.ctl(t, "POST", "faults", map[string]any{"route": "upload", "kind": "reset", "count": 4}, nil)
	r := runBin(t, e2eEnv(m.url), "", "upload", "--retry-wait", "1ms", "--no-journal", "--json", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, tail(r.stderr))
	}
	var j struct {
		Entries []struct {
			Route  string `json:"route"`
			Status int    `json:"status"`
			Fault  string `json:"fault"`
		} `json:"entries"`
	}
	m.ctl(t, "GET", "journal", nil, &j)
	requests, resets := 0, 0
	for _, e := range j.Entries {
		if e.Route == "upload/upload" {
			requests++
			if e.Status == 0 && e.Fault != "" {
				resets++
			}
		}
	}
	if requests != 5 || resets != 4 {
		t.Fatalf("the mock saw %d upload requests (%d reset), want 5 (4 reset)", requests, resets)
	}
	files, summary := jsonLines(t, r.stdout)
	if len(files) != 1 || files[0]["status"] != "uploaded" || files[0]["attempts"] != 5.0 || summary["attempts"] != 5.0 {
		t.Errorf("file %v, summary attempts %v; want uploaded after 5 attempts", files, summary["attempts"])
	}
	checkAssets(t, m, want)
}
