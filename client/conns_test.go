package client_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

// connServer counts the TCP connections clients open to it. The first
// `warm` requests are held until all of them are in flight, so each of the
// first concurrent callers owns its own connection and no dial races a
// returning one; after that every new connection is one the client's idle
// pool failed to keep. The first attempt of every 5th upload is answered
// 503 (with a body longer than the error-body limit for every 50th), so
// retries must reuse their connection too.
type connServer struct {
	srv      *httptest.Server
	newConns atomic.Int64
	requests atomic.Int64
	warm     int64
	arrived  atomic.Int64
	ready    chan struct{}
	once     sync.Once
	seen     sync.Map // public_id number → answered once
}

func newConnServer(t *testing.T, warm int) *connServer {
	t.Helper()
	cs := &connServer{warm: int64(warm), ready: make(chan struct{})}
	big := strings.Repeat("x", 1<<20+100<<10)
	cs.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if cs.arrived.Add(1) <= cs.warm {
			if cs.arrived.Load() == cs.warm {
				cs.once.Do(func() { close(cs.ready) })
			}
			select {
			case <-cs.ready:
			case <-r.Context().Done():
				return
			}
		}
		cs.requests.Add(1)
		var i int
		fmt.Sscanf(r.FormValue("public_id"), "f%d", &i)
		_, retried := cs.seen.LoadOrStore(i, true)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case !retried && i%50 == 0:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"error":{"message":"`+big+`"}}`)
		case !retried && i%5 == 0:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"error":{"message":"busy"}}`)
		default:
			_, _ = io.WriteString(w, `{"public_id":"p"}`)
		}
	}))
	cs.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			cs.newConns.Add(1)
		}
	}
	cs.srv.Start()
	t.Cleanup(cs.srv.Close)
	return cs
}

// runBatch sends n uploads from c goroutines and fails the test on any
// error.
func runBatch(t *testing.T, cl *client.Client, n, c int) {
	t.Helper()
	body := bytes.Repeat([]byte("a"), 16<<10)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				req := &client.Request{API: client.UploadAPI, Path: "image/upload", Idempotent: true,
					Params: url.Values{"public_id": {fmt.Sprint("f", i)}, "overwrite": {"true"}},
					File:   &client.File{Name: "f.bin", ReaderAt: bytes.NewReader(body), Size: int64(len(body))}}
				var out struct {
					PublicID string `json:"public_id"`
				}
				if _, err := cl.Do(context.Background(), req, &out); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestConnectionsReusedAtConcurrency(t *testing.T) {
	noWait := client.WithSleepForTest(func(time.Duration) time.Duration { return 0 })
	tests := []struct {
		name        string
		concurrency int
		opts        []client.Option
	}{
		{"default pool at the CLI's default concurrency", 8, nil},
		{"WithMaxIdleConnsPerHost above the default", 32, []client.Option{client.WithMaxIdleConnsPerHost(32)}},
		{"WithMaxIdleConnsPerHost on a caller's transport", 12, []client.Option{
			client.WithHTTPClient(&http.Client{Transport: &http.Transport{MaxIdleConns: 4}}),
			client.WithMaxIdleConnsPerHost(12)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := newConnServer(t, tt.concurrency)
			cl, err := client.New(testConfig(cs.srv.URL), append(tt.opts, noWait)...)
			if err != nil {
				t.Fatal(err)
			}
			const n = 300
			runBatch(t, cl, n, tt.concurrency)
			if got := cs.requests.Load(); got <= n {
				t.Fatalf("server answered %d requests for %d uploads; the 503s were not retried", got, n)
			}
			if got := cs.newConns.Load(); got > int64(tt.concurrency) {
				t.Errorf("%d uploads (with retries) at concurrency %d opened %d connections, want at most %d", n, tt.concurrency, got, tt.concurrency)
			}
		})
	}
}

func TestWithMaxIdleConnsPerHostErrors(t *testing.T) {
	cfg := testConfig("http://127.0.0.1:1")
	if _, err := client.New(cfg, client.WithMaxIdleConnsPerHost(0)); err == nil || !strings.Contains(err.Error(), "use 1 or more") {
		t.Errorf("WithMaxIdleConnsPerHost(0): err = %v, want a usage error", err)
	}
	other := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, io.EOF })}
	_, err := client.New(cfg, client.WithHTTPClient(other), client.WithMaxIdleConnsPerHost(8))
	if err == nil || !strings.Contains(err.Error(), "not an *http.Transport") {
		t.Errorf("custom RoundTripper: err = %v, want an error naming the transport", err)
	}
	tr := &http.Transport{}
	if _, err := client.New(cfg, client.WithHTTPClient(&http.Client{Transport: tr}), client.WithMaxIdleConnsPerHost(8)); err != nil {
		t.Fatal(err)
	}
	if tr.MaxIdleConnsPerHost != 0 {
		t.Errorf("the caller's transport was modified: MaxIdleConnsPerHost = %d", tr.MaxIdleConnsPerHost)
	}
}
