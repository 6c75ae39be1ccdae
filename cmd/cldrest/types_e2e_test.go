package main

import (
	"fmt"
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
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
)

// TestE2EEveryResourceType: rm, show, ls, tag and rename find image, video
// and raw assets without --resource-type, as upload creates them; a miss
// names the types tried.
func TestE2EEveryResourceType(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	dir := t.TempDir()
	png, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", "sunset.png"))
	if err != nil {
		t.Fatal(err)
	}
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)
	for name, b := range map[string][]byte{"sunset.png": png, "clip.mp4": mp4, "doc.txt": []byte("hello\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r := runBin(t, env, "", "upload", "--no-journal", "-q", dir); r.code != 0 {
		t.Fatalf("upload: %s %s", r.stdout, r.stderr)
	}
	step := func(code int, want string, args ...string) binResult {
		t.Helper()
		r := runBin(t, env, "", args...)
		if r.code != code || !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("%v: exit %d (want %d), want %q in\n%s%s", args, r.code, code, want, r.stdout, r.stderr)
		}
		return r
	}
	step(0, "video/upload", "show", "clip")
	step(0, "raw/upload", "show", "doc.txt")
	step(1, "nope not found as image, video or raw (delivery type upload)", "show", "nope")
	step(0, "3 assets", "ls")
	step(0, "added t on 3 of 3 assets", "tag", "add", "t", "clip", "doc.txt", "sunset")
	step(0, "3 assets", "ls", "--tag", "t")
	step(0, "renamed clip -> clips/clip", "rename", "clip", "clips/clip")
	step(0, "video/upload", "show", "clips/clip")
	step(1, "1 of 3 public IDs not found as image, video or raw (delivery type upload): gone", "rm", "clips/clip", "doc.txt", "gone")
	step(0, "1 asset\n", "ls")
}

// TestE2EBulkRmListsFirst: a bulk rm names what it will delete (the first
// ten and a count) before it asks.
func TestE2EBulkRmListsFirst(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	dir := t.TempDir()
	for i := range 12 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.txt", i)), []byte(fmt.Sprint(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r := runBin(t, env, "", "upload", "--no-journal", "-q", "--folder", "d", dir); r.code != 0 {
		t.Fatalf("upload: %s", r.stderr)
	}
	cmd := exec.Command(e2eBin, "rm", "--prefix", "d/")
	cmd.Env, cmd.Stdin = env, strings.NewReader("no\n")
	out, _ := cmd.CombinedOutput()
	s := string(out)
	for _, want := range []string{"  ... and 2 more", "Delete 12 assets with prefix \"d/\"", "aborted"} {
		if !strings.Contains(s, want) {
			t.Errorf("rm output lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, " (raw/upload)\n"); n != 10 {
		t.Errorf("rm listed %d assets, want the first ten:\n%s", n, s)
	}
	if n := m.assetCount(t); n != 12 {
		t.Errorf("%d assets left after answering no, want 12", n)
	}
}

// gateProxy is a reverse proxy on 127.0.0.1 in front of the mock that lets
// the first pass upload requests through and holds every later one until
// release is called (or its client goes, once the server notices). It
// reports each upload it holds on held and each ping it forwards on pings.
type gateProxy struct {
	srv     *httptest.Server
	pass    int32
	uploads atomic.Int32
	open    chan struct{}
	release func()
	held    chan struct{}
	pings   chan struct{}
}

func startGateProxy(t *testing.T, target string, pass int32) *gateProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	g := &gateProxy{pass: pass, open: make(chan struct{}), held: make(chan struct{}, 1024), pings: make(chan struct{}, 100)}
	var once sync.Once
	g.release = func() { once.Do(func() { close(g.open) }) }
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/upload"):
			if g.uploads.Add(1) > g.pass {
				select {
				case g.held <- struct{}{}:
				default:
				}
				select {
				case <-g.open:
				case <-r.Context().Done():
					return
				}
			}
		case strings.HasSuffix(r.URL.Path, "/ping"):
			select {
			case g.pings <- struct{}{}:
			default:
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(g.srv.Close)
	t.Cleanup(g.release) // before Close, which waits for the held requests
	return g
}

// TestE2EJournalLock: two runs on one journal do not both upload: while the
// first runs, a second refuses (exit 2, naming --wait), and one with --wait
// runs after the first and skips everything. The first run's uploads after
// its first are held in a proxy until the test lets them go, so it runs for
// as long as the test needs, however slow the machine.
func TestE2EJournalLock(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	n := 6
	dir, want := makeFiles(t, n, "")
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	gate := startGateProxy(t, m.base, 1)
	env := e2eEnv(withUploadPrefix(t, m.url, gate.srv.URL))
	first := exec.Command(e2eBin, "upload", "--concurrency", "2", "--journal", journal, "--json", dir)
	first.Env = env
	var out1 apitest.Buffer
	first.Stdout = &out1
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Process.Kill() }) // after a failure; a no-op once waited for
	// Once the first run has reported a file (after recording it), it
	// holds the lock, and it keeps it: its other uploads are held.
	out1.WaitFor(t, "first result of the first run", func(out string) bool { return strings.Contains(out, "\n") })
	r := runBin(t, env, "", "upload", "--journal", journal, dir)
	if r.code != 2 || !strings.Contains(r.stderr, "another cldrest upload") || !strings.Contains(r.stderr, "--wait") {
		t.Errorf("second run: exit %d, %s", r.code, r.stderr)
	}
	// The waiting run starts while the first holds the lock: its ping (sent
	// before it opens the journal) is seen before the held uploads go.
	for len(gate.pings) > 0 {
		<-gate.pings
	}
	waiter := exec.Command(e2eBin, "upload", "--wait", "--journal", journal, "--json", dir)
	waiter.Env = env
	var out2, err2 apitest.Buffer
	waiter.Stdout, waiter.Stderr = &out2, &err2
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = waiter.Process.Kill() })
	select {
	case <-gate.pings:
	case <-time.After(time.Minute): // a safety net for a hang, not a timing assertion
		t.Fatal("the waiting run sent no ping")
	}
	gate.release()
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if _, sum := jsonLines(t, out1.String()); sum["uploaded"].(float64) != float64(n) {
		t.Errorf("first run: %v", sum)
	}
	err := waiter.Wait()
	if _, sum := jsonLines(t, out2.String()); err != nil || sum["skipped"].(float64) != float64(n) {
		t.Errorf("waiting run: %v, %v, %s", err, sum, err2.String())
	}
	if got := m.uploadRequests(t); got != n {
		t.Errorf("%d upload requests for %d files, want each once", got, n)
	}
	checkAssets(t, m, want)
}

// TestE2EConfigHints: a misspelt CLOUDINARY_URL option is warned about
// (naming the key and the likely option, never a value), and a value
// pasted with its "CLOUDINARY_URL=" prefix gets a hint.
func TestE2EConfigHints(t *testing.T) {
	t.Parallel()
	r := runBin(t, e2eEnv("cloudinary://123:"+cmdCanary+"@demo?upload_prefx=http://127.0.0.1:1&timeout=5"), "", "sign", "a=b")
	if r.code != 0 || strings.Count(r.stderr, "warning") != 1 || !strings.Contains(r.stderr, `option "upload_prefx" is not recognised`) ||
		!strings.Contains(r.stderr, "did you mean upload_prefix?") || strings.Contains(r.stderr, "127.0.0.1") {
		t.Errorf("misspelt option: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runBin(t, e2eEnv("CLOUDINARY_URL=cloudinary://123:"+cmdCanary+"@demo"), "", "ls")
	if r.code != 2 || !strings.Contains(r.stderr, "starts with CLOUDINARY_URL=") || !strings.Contains(r.stderr, "the URL alone") {
		t.Errorf("pasted value: exit %d, stderr %q", r.code, r.stderr)
	}
	noCanary(t, r.stdout, r.stderr)
}
