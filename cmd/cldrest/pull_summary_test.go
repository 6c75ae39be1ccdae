package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/upload"
)

// deliveryProxy forwards API calls to the mock and answers every delivery
// (any path outside /v1_1/) with deliver.
func deliveryProxy(t *testing.T, m *mockProc, deliver http.HandlerFunc) string {
	t.Helper()
	target, err := url.Parse(m.base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1_1/") {
			rp.ServeHTTP(w, r)
			return
		}
		deliver(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestE2EPullFailureSummary: pull's summary is upload's (batch.WriteSummary):
// the first 10 failures and a count, and advice that follows whether a
// rerun can help. A failed download is the client's *APIError
// (client.NewAPIError), with Cloudinary's message and request id. pull
// used to name 20 failures on one line and always advise running again.
func TestE2EPullFailureSummary(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	assets := map[string]string{}
	for i := range 12 {
		assets[fmt.Sprintf("gone/f%02d.txt", i)] = fmt.Sprintf("asset %d", i)
	}
	seedMock(t, m.url, assets, upload.Params{ResourceType: "raw"})
	prefix := deliveryProxy(t, m, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		if strings.HasSuffix(r.URL.Path, "/f07.txt") {
			w.WriteHeader(http.StatusServiceUnavailable) // a rerun may fix this one
			return
		}
		w.Header().Set("X-Cld-Error", "Resource not found")
		w.WriteHeader(http.StatusNotFound)
	})
	env := e2eEnv(withUploadPrefix(t, m.url, prefix))

	r := runBin(t, env, "", "pull", "--progress", "none", "gone/", t.TempDir())
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	_, summary, ok := strings.Cut(r.stdout, "\nfailed (12):\n")
	if !ok {
		t.Fatalf("no failure list:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimRight(summary, "\n"), "\n")
	want := "12 assets failed: 1 may succeed if you run the same command again; fix the others, or leave them out by narrowing PREFIX, --tag, --folder, --resource-type or --type (see above)"
	if len(lines) != 12 || lines[10] != "  ... and 2 more (--json lists them all)" || lines[11] != want {
		t.Fatalf("summary lists %d lines, want 10 failures, a count and the advice:\n%s", len(lines), summary)
	}
	for _, l := range lines[:10] {
		if !strings.HasPrefix(l, "  raw/upload/gone/f") {
			t.Errorf("failure line %q", l)
		}
	}
	if !strings.Contains(r.stdout, "failed     raw/upload/gone/f03.txt -> ") ||
		!strings.Contains(r.stdout, "cloudinary: GET download of raw/upload/gone/f03.txt: 404 Not Found: Resource not found (request id rid-f03.txt)") {
		t.Errorf("the 404 is not the client's APIError with message and request id:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "signature") || strings.Contains(r.stdout, "http://") {
		t.Errorf("a failure names a URL:\n%s", r.stdout)
	}
}

// TestE2EPullTimeouts: a download is bounded by the client's timeout rule
// (client.Config): a body that stops flowing for Timeout fails the try as
// stalled, a transfer longer than UploadTimeout as timed out; both are
// retried (three tries) and leave no file. pull used to wait forever.
func TestE2EPullTimeouts(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	seedMock(t, m.url, map[string]string{"slow/stall.txt": strings.Repeat("s", 10000), "slow/trickle.txt": strings.Repeat("t", 10000)},
		upload.Params{ResourceType: "raw"})
	prefix := deliveryProxy(t, m, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		if strings.HasSuffix(r.URL.Path, "/stall.txt") {
			_, _ = w.Write([]byte(strings.Repeat("s", 5000))) // half, then nothing
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		tick := time.NewTicker(time.Millisecond) // a byte at a time, never stalling
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := w.Write([]byte("t")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	})
	for _, tc := range []struct {
		asset, query, want string
	}{
		// Short timeouts: each case waits them out three times. The stall
		// timeout bounds the API calls too, which the mock answers in
		// far less.
		{"slow/stall.txt", "timeout=0.05", "transfer stalled"},
		{"slow/trickle.txt", "timeout=60&upload_timeout=0.03", "attempt timed out"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel() // each waits out its own timeouts
			u := withUploadPrefix(t, m.url, prefix) + "&" + tc.query
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, e2eBin, "pull", "--json", tc.asset, dir)
			cmd.Env = e2eEnv(u)
			var stdout, stderr apitest.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			_ = cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("pull did not end: a download has no timeout; stderr %s", stderr.String())
			}
			files, sum := jsonLines(t, stdout.String())
			if cmd.ProcessState.ExitCode() != 1 || len(files) != 1 || sum["failed"] != 1.0 {
				t.Fatalf("exit %d, %v, %v; stderr %s", cmd.ProcessState.ExitCode(), files, sum, stderr.String())
			}
			f := files[0]
			if f["status"] != "failed" || f["attempts"] != 3.0 || f["retryable"] != true || !strings.Contains(f["error"].(string), tc.want) {
				t.Errorf("want a retried, retryable failure saying %q: %v", tc.want, f)
			}
			if got := filesMD5(t, dir); len(got) != 0 {
				t.Errorf("a timed-out download left files: %v", got)
			}
		})
	}
}

// TestE2EPullStopsOnNetworkFailures: pull has upload's circuit breaker
// (batch.Breaker): downloads that get no answer five tries in a row stop
// the run with exit 2 and one line of advice, starting no more assets,
// while an answer (a 404) fails only its asset. pull used to try every
// asset three times.
func TestE2EPullStopsOnNetworkFailures(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	assets := map[string]string{}
	for i := range 12 {
		assets[fmt.Sprintf("net/f%02d.txt", i)] = fmt.Sprintf("asset %d", i)
	}
	seedMock(t, m.url, assets, upload.Params{ResourceType: "raw"})
	prefix := deliveryProxy(t, m, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with a reset
		}
		_ = conn.Close()
	})
	r := runBin(t, e2eEnv(withUploadPrefix(t, m.url, prefix)), "", "pull", "--json", "--concurrency", "1", "net/", t.TempDir())
	files, sum := jsonLines(t, r.stdout)
	if r.code != 2 || !strings.Contains(r.stderr, "cldrest: stopped, 12 of 12 assets not done: cannot reach the download host") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if sum["failed"] != 2.0 || sum["not_started"] != 10.0 || sum["exit_code"] != 2.0 || len(files) != 2 {
		t.Errorf("summary %v after %d assets; want 2 failed (3 tries and 2), 10 not started", sum, len(files))
	}
}
