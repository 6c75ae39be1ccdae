package upload_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/upload"
)

// discardService is an upload.Service whose server reads and discards
// every body and answers each chunk like Cloudinary (done on the last).
func discardService(t *testing.T) (*upload.Service, *atomic.Int64, *atomic.Value) {
	t.Helper()
	var requests atomic.Int64
	var lastRange atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		cr := r.Header.Get("Content-Range")
		lastRange.Store(cr)
		if cr != "" && strings.HasSuffix(cr, "/-1") {
			fmt.Fprint(w, `{"done":false}`)
			return
		}
		fmt.Fprintf(w, `{"public_id":"p","bytes":%d,"done":true}`, n)
	}))
	t.Cleanup(srv.Close)
	cfg, err := client.ParseURL("cloudinary://123456789012345:s3cr3t@demo?upload_prefix=" + srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return upload.New(c), &requests, &lastRange
}

// allocated returns the bytes the process allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestStreamReusesOneChunkBuffer uploads an unknown-size reader of six
// chunks and checks the process allocated about one chunk buffer, not one
// per chunk (six would be 30 MiB).
func TestStreamReusesOneChunkBuffer(t *testing.T) {
	svc, requests, _ := discardService(t)
	const chunk = client.MinChunkSize
	const size = 6*chunk - 1000
	var err error
	got := allocated(func() {
		_, err = svc.Upload(t.Context(), upload.FromReader(io.LimitReader(zeroReader{}, size)), &upload.Params{ResourceType: "raw"},
			upload.WithChunkSize(chunk), upload.WithoutChecksum())
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 6 {
		t.Fatalf("%d chunk requests, want 6", n)
	}
	t.Logf("allocated %.1f MiB for a %.1f MiB upload in 5 MiB chunks", float64(got)/(1<<20), float64(size)/(1<<20))
	if limit := uint64(chunk + 4<<20); got > limit {
		t.Errorf("allocated %d bytes for %d chunks of %d bytes, want at most one chunk + 4 MiB (%d): the buffer is reallocated", got, 6, chunk, limit)
	}
}

// TestStreamOfKnownSizeNeedsNoChunkBuffer: a reader that reports its
// remaining size and can be read at offsets (bytes.Reader, strings.Reader)
// is sent from where it stands, without a chunk buffer.
func TestStreamOfKnownSizeNeedsNoChunkBuffer(t *testing.T) {
	svc, requests, lastRange := discardService(t)
	const chunk = client.MinChunkSize
	data := strings.Repeat("z", 3*chunk+10)
	r := strings.NewReader(data)
	if _, err := r.Seek(10, io.SeekStart); err != nil { // only what is unread is sent
		t.Fatal(err)
	}
	var err error
	got := allocated(func() {
		_, err = svc.Upload(t.Context(), upload.FromReader(r), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(chunk), upload.WithoutChecksum())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lastRange.Load(), fmt.Sprintf("bytes %d-%d/%d", 2*chunk, 3*chunk-1, 3*chunk); got != want {
		t.Errorf("last Content-Range %q, want %q (the unread bytes, total known from the start)", got, want)
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d chunk requests, want 3", n)
	}
	if r.Len() != 0 {
		t.Errorf("reader has %d unread bytes after the upload, want 0 (consumed like any reader)", r.Len())
	}
	if limit := uint64(2 << 20); got > limit {
		t.Errorf("allocated %d bytes, want under %d: a known-size reader needs no chunk buffer", got, limit)
	}
}
