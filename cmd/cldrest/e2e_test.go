package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/mockserver"
)

// The end-to-end tests run the cldrest binary offline against a mock:
// "cldrest mock" running as a child process (startMockProc) where the mock
// command is under test or a README says the test runs against it (the
// figures of README.md, examples/k8s-shards), else the same mockserver
// served in this process (startMockInProc).
//
// The binary is this test binary: run under the name "cldrest" (e2eBin, a
// symbolic link to it), TestMain runs main instead of the tests, so no
// second binary is linked. Under the race detector, whose binaries are
// slower and several times larger in memory (which TestE2EPeakRSS
// measures), TestMain builds a plain cldrest instead.

var e2eBin string

func TestMain(m *testing.M) {
	// The preflight's retry waits a millisecond, not 200 ms, here and in
	// the binaries that are this test binary.
	preflightRetryWait = time.Millisecond
	switch filepath.Base(os.Args[0]) {
	case "cldrest":
		main()
		return
	case "maxrss":
		os.Exit(runMeasured(os.Args[1:]))
	}
	// A file tried again waits a millisecond, not a second, in this
	// process and in every binary it runs.
	if err := os.Setenv(batch.EnvRetryWait, "1ms"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "cldrest-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The shared trees (sharedFiles) and every temporary directory of the
	// tests and of the binaries they run (in tmp, a directory like the
	// system's: sticky, writable by all) are new directories of dir or
	// tmp, with random names: spread over the file system (spreadDirs).
	spreadDirs(dir)
	tmp, err := os.MkdirTemp(dir, "tmp-")
	if err == nil {
		spreadDirs(tmp)
		err = errors.Join(os.Chmod(dir, 0o755), os.Chmod(tmp, 0o777|os.ModeSticky), os.Setenv("TMPDIR", tmp))
	}
	e2eBin = filepath.Join(dir, "cldrest")
	maxrssBin = filepath.Join(dir, "maxrss")
	if err == nil {
		err = linkE2EBin(e2eBin)
	}
	if self, serr := os.Executable(); err == nil {
		err = errors.Join(serr, os.Symlink(self, maxrssBin))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// maxrssBin runs a command and reports its peak RSS (see runMeasured).
var maxrssBin string

// runMeasured runs argv with this process's stdio and writes the peak RSS
// of its process, in KiB, to file descriptor 3; it returns argv's exit
// code. A child's peak RSS as the kernel counts it includes the RSS of the
// process it was forked from at the time of its exec, so a child of the
// test process (tens of MiB, hundreds under -race) cannot be measured
// directly: it is measured as a grandchild, through this small process.
func runMeasured(argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		return 127
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		fmt.Fprintln(os.NewFile(3, "maxrss"), ru.Maxrss)
	}
	return cmd.ProcessState.ExitCode()
}

// linkE2EBin makes bin run cldrest: a symbolic link to this test binary, or
// under the race detector a plain build of the command.
func linkE2EBin(bin string) error {
	race := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			race = race || s.Key == "-race" && s.Value == "true"
		}
	}
	if !race {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		return os.Symlink(self, bin)
	}
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("building cldrest: %v\n%s", err, out)
	}
	return nil
}

// sizes returns n, or small under -short.
func sizes(n, small int) int {
	if testing.Short() {
		return small
	}
	return n
}

// mockProc is the mock the binaries under test talk to: a "cldrest mock
// --control" child process (startMockProc, cmd set) or a mockserver in this
// process (startMockInProc, cmd nil). Tests drive either through its
// /_mock/ control endpoints (ctl).
type mockProc struct {
	url        string // CLOUDINARY_URL
	accountURL string // CLOUDINARY_ACCOUNT_URL (its second line)
	base       string // http://127.0.0.1:PORT
	cmd        *exec.Cmd
}

// startMockInProc serves the mock of "cldrest mock --control --admin-budget
// 0" in this process, with opts, until the test ends: a test that is not
// about the mock command saves starting one.
func startMockInProc(t *testing.T, opts ...mockserver.Option) *mockProc {
	t.Helper()
	r := mockserver.Start(t, append([]mockserver.Option{mockserver.WithControl(), mockserver.WithAdminBudget(0)}, opts...)...)
	return &mockProc{url: r.CloudinaryURL(), accountURL: r.AccountURL(), base: r.URL}
}

func startMockProc(t *testing.T, extra ...string) *mockProc {
	t.Helper()
	args := append([]string{"mock", "--control", "--admin-budget", "0"}, extra...)
	cmd := exec.Command(e2eBin, args...)
	cmd.Env = e2eEnv("")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr apitest.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan []string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		var got []string
		for range 2 {
			l, _ := r.ReadString('\n')
			got = append(got, strings.TrimSpace(l))
		}
		lines <- got
		_, _ = io.Copy(io.Discard, r)
	}()
	var got []string
	select {
	case got = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("mock did not start; stderr: %s", stderr.String())
	}
	raw, ok1 := strings.CutPrefix(got[0], "CLOUDINARY_URL=")
	acct, ok2 := strings.CutPrefix(got[1], "CLOUDINARY_ACCOUNT_URL=")
	if !ok1 || !ok2 {
		t.Fatalf("mock printed %q; stderr: %s", got, stderr.String())
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &mockProc{url: raw, accountURL: acct, base: u.Query().Get("upload_prefix"), cmd: cmd}
}

// ctl calls a /_mock/ control endpoint and decodes the answer into out.
func (m *mockProc) ctl(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, m.base+"/_mock/"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

type mockAsset struct {
	PublicID     string `json:"public_id"`
	ResourceType string `json:"resource_type"`
	Etag         string `json:"etag"`
}

// assets lists every asset of the mock (via the Search API, all pages),
// with etags.
func (m *mockProc) assets(t *testing.T) []mockAsset {
	t.Helper()
	cfg, err := client.ParseURL(m.url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	adm := admin.New(c)
	var out []mockAsset
	q := &admin.SearchQuery{MaxResults: 500}
	for range 1000 {
		page, err := adm.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("search: %v", err)
		}
		var raw struct {
			Resources []mockAsset `json:"resources"`
		}
		if err := json.Unmarshal(page.Response.Raw, &raw); err != nil {
			t.Fatal(err)
		}
		out = append(out, raw.Resources...)
		if page.NextCursor == "" {
			return out
		}
		q.NextCursor = page.NextCursor
	}
	t.Fatal("search did not end")
	return nil
}

func (m *mockProc) assetCount(t *testing.T) int {
	var st struct {
		Assets int `json:"assets"`
	}
	m.ctl(t, "GET", "state", nil, &st)
	return st.Assets
}

// e2eEnv is the environment without CLOUDINARY_*, plus CLOUDINARY_URL when
// given.
func e2eEnv(cloudinaryURL string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLOUDINARY_") {
			env = append(env, kv)
		}
	}
	if cloudinaryURL != "" {
		env = append(env, "CLOUDINARY_URL="+cloudinaryURL)
	}
	return env
}

type binResult struct {
	stdout, stderr string
	code           int
	dur            time.Duration
}

// runBin runs the binary to completion (bounded by a timeout).
func runBin(t *testing.T, env []string, dir string, args ...string) binResult {
	t.Helper()
	r, _ := runBinVia(t, env, dir, false, args...)
	return r
}

// runBinRSS is runBin that also returns the binary's peak RSS in KiB.
func runBinRSS(t *testing.T, env []string, dir string, args ...string) (binResult, int64) {
	t.Helper()
	return runBinVia(t, env, dir, true, args...)
}

func runBinVia(t *testing.T, env []string, dir string, measure bool, args ...string) (binResult, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e2eBin, args...)
	var rss, rssW *os.File
	if measure {
		cmd = exec.CommandContext(ctx, maxrssBin, append([]string{e2eBin}, args...)...)
		var err error
		if rss, rssW, err = os.Pipe(); err != nil {
			t.Fatal(err)
		}
		defer rss.Close()
		defer rssW.Close()
		cmd.ExtraFiles = []*os.File{rssW}
	}
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := binResult{stdout: stdout.String(), stderr: stderr.String(), dur: time.Since(start)}
	if cmd.ProcessState == nil {
		t.Fatalf("cldrest %v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	var kib int64
	if measure {
		rssW.Close() // the reader sees EOF once the processes have exited
		b, _ := io.ReadAll(rss)
		if _, err := fmt.Sscan(string(b), &kib); err != nil {
			t.Fatalf("no peak RSS from %s: %q", maxrssBin, b)
		}
	}
	return r, kib
}

// makeFiles writes n small files with distinct contents under a new
// directory and returns it with the expected MD5 per public ID (raw files
// keep their .txt extension) under folder.
func makeFiles(t *testing.T, n int, folder string) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	return dir, writeNumbered(t, dir, n, folder)
}

// sharedFiles is makeFiles for a test that only reads the files (its
// journal, if any, lives elsewhere): the tree of n files is written once
// and shared by every such test of the process.
func sharedFiles(t *testing.T, n int, folder string) (string, map[string]string) {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	key := fmt.Sprintf("files-%d", n)
	dir := shared.dirs[key]
	if dir == "" {
		dir = sharedDir(t, key)
		writeNumbered(t, dir, n, "")
		shared.dirs[key] = dir
	}
	return dir, filesWant(n, folder)
}

// sharedDir makes a new directory for the shared tree named key (held
// under shared.mu), beside e2eBin: with a random name (see spreadDirs).
func sharedDir(t *testing.T, key string) string {
	t.Helper()
	dir, err := os.MkdirTemp(filepath.Dir(e2eBin), key+"-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var shared = struct {
	mu   sync.Mutex
	dirs map[string]string // the shared trees written, by files-N
}{dirs: map[string]string{}}

// writeNumbered writes the n files of makeFiles into dir and returns
// filesWant(n, folder).
func writeNumbered(t *testing.T, dir string, n int, folder string) map[string]string {
	t.Helper()
	for i := range n {
		rel, content := fileAt(i, n)
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filesWant(n, folder)
}

// fileAt is the relative path and content of file i of n.
func fileAt(i, n int) (rel, content string) {
	return fmt.Sprintf("d%02d/f%04d.txt", i%10, i), fmt.Sprintf("file %d of %d: %s\n", i, n, strings.Repeat("x", i%97))
}

// filesWant maps the public ID of each of the n files under folder to the
// MD5 of its content.
func filesWant(n int, folder string) map[string]string {
	want := map[string]string{}
	for i := range n {
		rel, content := fileAt(i, n)
		sum := md5.Sum([]byte(content))
		want[batch.PublicID(rel, folder, "")] = hex.EncodeToString(sum[:])
	}
	return want
}

// checkAssets asserts the mock holds exactly the expected assets, each once,
// each with etag == local MD5.
func checkAssets(t *testing.T, m *mockProc, want map[string]string) {
	t.Helper()
	got := m.assets(t)
	seen := map[string]int{}
	for _, a := range got {
		seen[a.PublicID]++
		if w, ok := want[a.PublicID]; !ok {
			t.Errorf("unexpected asset %q (a duplicate under another public ID?)", a.PublicID)
		} else if a.Etag != w {
			t.Errorf("%s: etag %s, local MD5 %s", a.PublicID, a.Etag, w)
		}
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("%s stored %d times, want once", id, seen[id])
		}
	}
	if len(got) != len(want) || m.assetCount(t) != len(want) {
		t.Errorf("mock holds %d assets (state %d), want %d", len(got), m.assetCount(t), len(want))
	}
}

// jsonLines decodes --json output into file results and the summary.
func jsonLines(t *testing.T, out string) ([]map[string]any, map[string]any) {
	t.Helper()
	var files []map[string]any
	var summary map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		switch m["type"] {
		case "file":
			files = append(files, m)
		case "summary":
			summary = m
		default:
			t.Fatalf("unknown object type in %q", l)
		}
	}
	if summary == nil {
		t.Fatalf("no summary object in output:\n%s", out)
	}
	return files, summary
}

func countStatus(files []map[string]any) map[string]int {
	c := map[string]int{}
	for _, f := range files {
		c[f["status"].(string)]++
	}
	return c
}

func TestE2EUploadWithFaults(t *testing.T) {
	t.Parallel()
	n := sizes(1000, 300)
	m := startMockProc(t)
	dir, want := sharedFiles(t, n, "faulty")
	m.ctl(t, "POST", "faults", []map[string]any{
		{"route": "upload", "kind": "status", "status": 503, "probability": 0.20, "seed": 1},
		{"route": "upload", "kind": "reset", "probability": 0.05, "seed": 2},
		{"route": "upload", "kind": "commit_drop", "probability": 0.02, "seed": 3},
	}, nil)
	r := runBin(t, e2eEnv(m.url), "", "upload", "--folder", "faulty", "--concurrency", "16", "--retry-wait", "10ms",
		"--journal", filepath.Join(t.TempDir(), "j.jsonl"), "--json", dir)
	t.Logf("%d files with faults: exit %d in %v", n, r.code, r.dur)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, tail(r.stderr))
	}
	var faults struct {
		Faults []struct {
			Kind  string `json:"kind"`
			Fired int    `json:"fired"`
		} `json:"faults"`
	}
	m.ctl(t, "GET", "faults", nil, &faults)
	for _, f := range faults.Faults {
		t.Logf("fault %s fired %d times", f.Kind, f.Fired)
		if f.Fired == 0 {
			t.Errorf("fault %s never fired: the test proves nothing", f.Kind)
		}
	}
	m.ctl(t, "DELETE", "faults", nil, nil)
	files, summary := jsonLines(t, r.stdout)
	if c := countStatus(files); c["uploaded"] != n || len(files) != n {
		t.Errorf("statuses %v, want %d uploaded", c, n)
	}
	retried := 0
	for _, f := range files {
		if f["etag"] != want[f["public_id"].(string)] || f["md5"] != f["etag"] {
			t.Errorf("result %v: etag/md5 mismatch", f)
		}
		if f["attempts"].(float64) > 1 {
			retried++
		}
	}
	t.Logf("%d files needed more than one attempt; summary attempts %v", retried, summary["attempts"])
	if retried == 0 {
		t.Error("no file was retried")
	}
	checkAssets(t, m, want)
}

func TestE2EKillAndResume(t *testing.T) {
	t.Parallel()
	m := startMockProc(t)
	// The files of the shared tree in the first of its 10 directories: the
	// count is not the point.
	dir, all := sharedFiles(t, sizes(1000, 300), "")
	want := map[string]string{}
	for id, sum := range all {
		if strings.HasPrefix(id, "d00/") {
			want[id] = sum
		}
	}
	n := len(want)
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	upload := []string{"upload", "--concurrency", "8", "--exclude", "d0[1-9]", "--journal", journal, "--json", dir}
	// Journal lines before the kill, from a fixed seed: a failure names
	// the same kill point on every run.
	killAt := n/10 + rand.New(rand.NewPCG(uint64(n), 7)).IntN(n*7/10)
	t.Logf("kill after %d of %d journal lines", killAt, n)
	// The uploads after the first killAt hang until the kill, so the kill
	// lands mid-run, among uploads in flight, however late the test gets
	// to send it.
	m.ctl(t, "POST", "faults", map[string]any{"route": "upload", "kind": "delay", "delay": "1h", "skip": killAt}, nil)
	// The hanging handlers cannot see their client die (Go's server
	// notices a closed connection only once the request body is read), so a
	// graceful stop of the mock would wait out its shutdown timeout.
	// Cleanups run last-in first-out: this kill comes before the SIGTERM.
	t.Cleanup(func() { _ = m.cmd.Process.Kill() })
	cmd := exec.Command(e2eBin, upload...)
	cmd.Env = e2eEnv(m.url)
	var stdout apitest.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A file is reported once its journal line is on disk: the killAt-th
	// report means killAt lines.
	stdout.WaitFor(t, fmt.Sprintf("%d file results", killAt), func(out string) bool {
		return strings.Count(out, `{"type":"file"`) >= killAt
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	entries, torn, err := batch.ReadJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	completed := map[string]bool{}
	for _, e := range entries {
		if e.Status == batch.StatusUploaded {
			completed[e.PublicID] = true
		}
	}
	t.Logf("killed after %d journal lines (%d completed, %d torn); mock holds %d assets", len(entries), len(completed), torn, m.assetCount(t))
	if len(completed) != killAt || torn != 0 {
		t.Fatalf("killed after the %d uploads that were answered: %d completed, %d torn", killAt, len(completed), torn)
	}
	m.ctl(t, "DELETE", "faults", nil, nil)

	r := runBin(t, e2eEnv(m.url), "", upload...)
	if r.code != 0 {
		t.Fatalf("rerun exit %d: %s", r.code, tail(r.stderr))
	}
	files, _ := jsonLines(t, r.stdout)
	c := countStatus(files)
	if c["uploaded"] != n-len(completed) || c["skipped"] != len(completed) {
		t.Errorf("rerun statuses %v, want %d uploaded and %d skipped", c, n-len(completed), len(completed))
	}
	for _, f := range files {
		id := f["public_id"].(string)
		if f["status"] == "uploaded" && completed[id] {
			t.Errorf("%s was completed before the kill but uploaded again", id)
		}
		if f["status"] == "skipped" && (!completed[id] || f["reason"] != "journal") {
			t.Errorf("%s skipped without a completed journal entry: %v", id, f)
		}
	}
	checkAssets(t, m, want)
}

func TestE2EDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 10, "")
	m.ctl(t, "DELETE", "journal", nil, nil)
	r := runBin(t, e2eEnv(m.url), "", "upload", "--dry-run", "--json", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	files, summary := jsonLines(t, r.stdout)
	if c := countStatus(files); c["planned"] != len(want) || summary["dry_run"] != true {
		t.Errorf("statuses %v summary %v", c, summary)
	}
	var j struct {
		Entries []struct {
			Method  string `json:"method"`
			Route   string `json:"route"`
			Applied bool   `json:"applied"`
		} `json:"entries"`
	}
	m.ctl(t, "GET", "journal", nil, &j)
	for _, e := range j.Entries {
		if e.Applied || e.Method != http.MethodGet {
			t.Errorf("dry run sent a mutating request: %+v", e)
		}
	}
	if m.assetCount(t) != 0 {
		t.Errorf("dry run stored %d assets", m.assetCount(t))
	}
	if _, err := os.Stat(filepath.Join(dir, batch.DefaultJournalName)); !os.IsNotExist(err) {
		t.Errorf("dry run wrote a journal: %v", err)
	}
}

func TestE2EInterrupt(t *testing.T) {
	t.Parallel()
	n := sizes(1000, 300)
	m := startMockInProc(t)
	dir, _ := sharedFiles(t, n, "")
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	// The first 16 uploads go through; every later one is held by a gate
	// until the test ends. A cldrest that waited for its in-flight uploads
	// instead of canceling them would never exit, so exiting at all proves
	// the cancellation; no clock is read.
	const through, conc = 16, 8
	gate := startGateProxy(t, m.base, through)
	cmd := exec.Command(e2eBin, "upload", "--concurrency", fmt.Sprint(conc), "--journal", journal, dir)
	cmd.Env = e2eEnv(withUploadPrefix(t, m.url, gate.srv.URL))
	var stdout, stderr apitest.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until every worker is stuck in a held upload.
	for range conc {
		select {
		case <-gate.held:
		case <-time.After(time.Minute): // a safety net for a hang, not a timing assertion
			_ = cmd.Process.Kill()
			t.Fatalf("uploads not in flight within a minute; stderr: %s", tail(stderr.String()))
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // a safety net for a hang, not a timing assertion
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("cldrest did not exit after SIGINT with uploads in flight")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code %d, want 130; stderr: %s", code, tail(stderr.String()))
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stdout.String(), "not started") {
		t.Errorf("no interruption report:\nstdout: %s\nstderr: %s", tail(stdout.String()), tail(stderr.String()))
	}
	entries, torn, err := batch.ReadJournal(journal)
	if err != nil || torn != 0 || len(entries) != through {
		t.Errorf("journal after SIGINT: %d entries, %d torn, %v; want the %d uploads that went through", len(entries), torn, err, through)
	}
	for _, e := range entries {
		if e.Status != batch.StatusUploaded || e.MD5 == "" {
			t.Errorf("journal entry %+v", e)
		}
	}
}

// documented JSON fields of --json.
var (
	jsonFileFields    = []string{"attempts", "bytes", "error", "etag", "md5", "path", "public_id", "retryable", "secure_url", "status", "type"}
	jsonSummaryFields = []string{"attempts", "bytes", "bytes_uploaded", "canceled", "dry_run", "duration_seconds", "exists", "exit_code",
		"failed", "files", "interrupted", "journal", "not_started", "planned", "skipped", "type", "uploaded"}
)

func TestE2EJSONOutput(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 10, "j")
	// One file fails with a non-retryable 400; the uploads are held until
	// a progress line appears.
	m.ctl(t, "POST", "faults", map[string]any{"route": "upload", "kind": "status", "status": 400, "message": "Invalid file", "count": 1}, nil)
	gate := startGateProxy(t, m.base, 0)
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	cmd := exec.Command(e2eBin, "upload", "--folder", "j", "--json", "--concurrency", "2", "--progress-interval", "10ms", "--journal", journal, dir)
	cmd.Env = e2eEnv(withUploadPrefix(t, m.url, gate.srv.URL))
	var stdout, stderr apitest.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // after a failure; a no-op once waited for
	stderr.WaitFor(t, "progress line", func(out string) bool { return strings.Contains(out, "progress: ") })
	gate.release()
	_ = cmd.Wait()
	r := binResult{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (one file failed); stderr %s", r.code, tail(r.stderr))
	}
	for name, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		if strings.ContainsAny(s, "\x1b\r") {
			t.Errorf("%s has escape codes or carriage returns though it is not a terminal: %q", name, s)
		}
	}
	if !strings.Contains(r.stderr, "progress: ") || !strings.Contains(r.stderr, "1 of 10 files failed") {
		t.Errorf("stderr lacks plain progress lines or the failure line:\n%s", r.stderr)
	}
	for i, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		wantKeys := jsonFileFields
		if string(obj["type"]) == `"summary"` {
			wantKeys = jsonSummaryFields
		}
		if strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
			t.Errorf("line %d keys %v, want %v", i, keys, wantKeys)
		}
	}
	files, summary := jsonLines(t, r.stdout)
	failed := 0
	for _, f := range files {
		for _, k := range []string{"path", "public_id", "status", "md5", "etag", "secure_url", "error"} {
			if _, ok := f[k].(string); !ok {
				t.Errorf("%s is not a string in %v", k, f)
			}
		}
		for _, k := range []string{"bytes", "attempts"} {
			if v, ok := f[k].(float64); !ok || v < 1 {
				t.Errorf("%s is not a positive number in %v", k, f)
			}
		}
		switch f["status"] {
		case "uploaded":
			id := f["public_id"].(string)
			if f["etag"] != want[id] || f["md5"] != want[id] || !strings.HasPrefix(f["secure_url"].(string), "http") || f["error"] != "" {
				t.Errorf("uploaded result %v", f)
			}
			if !strings.HasPrefix(f["path"].(string), dir) {
				t.Errorf("path %v not under %s", f["path"], dir)
			}
		case "failed":
			failed++
			if !strings.Contains(f["error"].(string), "Invalid file") || f["etag"] != "" {
				t.Errorf("failed result %v", f)
			}
		default:
			t.Errorf("status %v", f["status"])
		}
	}
	if failed != 1 || summary["failed"] != 1.0 || summary["uploaded"] != 9.0 || summary["exit_code"] != 1.0 || summary["journal"] != journal {
		t.Errorf("failed %d, summary %v", failed, summary)
	}
}

func TestE2EShards(t *testing.T) {
	t.Parallel()
	n := 30
	m := startMockInProc(t)
	dir, want := makeFiles(t, n, "")
	perShard := map[string]int{}
	for i := range 3 {
		r := runBin(t, e2eEnv(m.url), "", "upload", "--shard", fmt.Sprintf("%d/3", i), "--no-journal", "--json", dir)
		if r.code != 0 {
			t.Fatalf("shard %d/3: exit %d %s", i, r.code, r.stderr)
		}
		files, summary := jsonLines(t, r.stdout)
		t.Logf("shard %d/3: %d files", i, len(files))
		if len(files) == 0 || len(files) == n || summary["files"] != float64(len(files)) {
			t.Errorf("shard %d/3 took %d of %d files", i, len(files), n)
		}
		for _, f := range files {
			perShard[f["public_id"].(string)]++
		}
	}
	for id := range want {
		if perShard[id] != 1 {
			t.Errorf("%s uploaded by %d shards", id, perShard[id])
		}
	}
	// The mock's journal: exactly one applied upload per public ID.
	var j struct {
		Entries []struct {
			Route   string              `json:"route"`
			Applied bool                `json:"applied"`
			Params  map[string][]string `json:"params"`
		} `json:"entries"`
	}
	m.ctl(t, "GET", "journal", nil, &j)
	applied := map[string]int{}
	for _, e := range j.Entries {
		if e.Route == "upload/upload" && e.Applied && len(e.Params["public_id"]) == 1 {
			applied[e.Params["public_id"][0]]++
		}
	}
	if len(applied) != n {
		t.Errorf("mock journal shows %d applied uploads, want %d", len(applied), n)
	}
	for id, c := range applied {
		if c != 1 {
			t.Errorf("%s applied %d times", id, c)
		}
	}
	checkAssets(t, m, want)
}

func TestE2EPeakRSS(t *testing.T) {
	t.Parallel()
	n := sizes(2000, 500)
	m := startMockProc(t, "--metadata-only")
	dir, _ := makeFiles(t, n, "")
	r, kib := runBinRSS(t, e2eEnv(m.url), "", "upload", "--concurrency", "16", "--no-journal", "--json", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, tail(r.stderr))
	}
	_, summary := jsonLines(t, r.stdout)
	mib := float64(kib) / 1024
	t.Logf("%d files at concurrency 16: peak RSS %.1f MiB, %v", n, mib, r.dur)
	if summary["uploaded"] != float64(n) {
		t.Errorf("summary %v", summary)
	}
	if kib <= 0 || mib >= 100 {
		t.Errorf("peak RSS %.1f MiB, want < 100 MiB", mib)
	}
}

func TestE2EReadmeCommand(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(filepath.Join(root, "testdata", "images"))
	r := runBin(t, e2eEnv(""), root, "upload", "--mock", "./testdata/images")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("README command output:\n%s%s", r.stderr, r.stdout)
	if c := strings.Count(r.stdout, "\nuploaded  ") + boolInt(strings.HasPrefix(r.stdout, "uploaded  ")); c != 6 {
		t.Errorf("%d uploaded lines, want 6:\n%s", c, r.stdout)
	}
	for _, s := range []string{"STATUS", "uploaded       6", "failed       0", "total       6", "done in"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("summary lacks %q:\n%s", s, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "in-process mock") {
		t.Errorf("stderr: %s", r.stderr)
	}
	after, _ := os.ReadDir(filepath.Join(root, "testdata", "images"))
	if len(after) != len(before) {
		t.Errorf("the README command left files in testdata/images (a journal?)")
	}
}

func TestE2ENoConfig(t *testing.T) {
	t.Parallel()
	r := runBin(t, e2eEnv(""), t.TempDir(), "upload", ".")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, "CLOUDINARY_URL") || !strings.Contains(r.stderr, "--mock") {
		t.Errorf("exit %d, stderr %q: want exit 2 and one line naming CLOUDINARY_URL and --mock", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
}

// TestE2EBadRetryWait: a CLDREST_RETRY_WAIT that is not a duration stops
// the commands that retry files before any work, with one line naming it.
func TestE2EBadRetryWait(t *testing.T) {
	t.Parallel()
	dir, _ := makeFiles(t, 1, "")
	for _, args := range [][]string{{"upload", "--mock", dir}, {"pull", "--mock", "x", t.TempDir()}} {
		r := runBin(t, append(e2eEnv(""), batch.EnvRetryWait+"=fast"), "", args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, batch.EnvRetryWait+`="fast"`) || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q: want exit 2 and one line naming %s", args, r.code, r.stdout, r.stderr, batch.EnvRetryWait)
		}
	}
}

func TestE2ECompletion(t *testing.T) {
	t.Parallel()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runBin(t, e2eEnv(""), "", "completion", sh)
		if r.code != 0 || !strings.Contains(r.stdout, "cldrest") || len(r.stdout) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %s", sh, r.code, len(r.stdout), r.stderr)
		}
	}
	// The completion script's hook answers with the commands.
	r := runBin(t, e2eEnv(""), "", "__complete", "")
	for _, c := range []string{"upload", "ls", "rm", "folders", "presets"} {
		if !strings.Contains(r.stdout, c) {
			t.Errorf("__complete lacks %s:\n%s", c, r.stdout)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func tail(s string) string {
	if len(s) > 3000 {
		return "..." + s[len(s)-3000:]
	}
	return s
}

// TestE2EMockSeed: the binary's --seed loads the repository's example
// fixtures before it prints its URL, and the CLI lists what they hold.
func TestE2EMockSeed(t *testing.T) {
	t.Parallel()
	m := startMockProc(t, "--seed", filepath.Join("..", "..", "testdata", "mock-seed"))
	if n := m.assetCount(t); n != 3 {
		t.Fatalf("seeded assets: %d, want 3", n)
	}
	r := runBin(t, e2eEnv(m.url), "", "ls", "--tag", "summer", "--json")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `"public_id":"shop/beach"`) {
		t.Fatalf("ls --tag summer: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
