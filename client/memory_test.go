package client_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/cldrest/cldrest/client"
)

// patternReaderAt generates size bytes of a repeating pattern without
// holding them: a synthetic file for memory tests.
type patternReaderAt struct{ size int64 }

var pattern = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	return b
}()

func (p patternReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := len(b)
	if rem := p.size - off; int64(n) > rem {
		n = int(rem)
	}
	for i := 0; i < n; {
		i += copy(b[i:n], pattern[(off+int64(i))%int64(len(pattern)):])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func TestLargeUploadStreamsWithBoundedHeap(t *testing.T) {
	size := int64(256 << 20)
	if testing.Short() {
		size = 64 << 20 // -race -short: same path, less time
	}
	var received [2]atomic.Int64
	var calls atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		i := calls.Add(1) - 1
		n, _ := io.Copy(io.Discard, r.Body)
		received[min(i, 1)].Store(n)
		if n != r.ContentLength {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if i == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"message":"injected"}}`)
			return
		}
		io.WriteString(w, `{"public_id":"big"}`)
	}
	rec := newRecorder(t)
	rec.srv.Config.Handler = http.HandlerFunc(handler)
	c := newTestClient(t, rec)
	req := &client.Request{Path: "video/upload", File: &client.File{Name: "big.bin", ReaderAt: patternReaderAt{size}, Size: size}}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var res uploadResult
	resp, err := c.Do(context.Background(), req, &res)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || res.PublicID != "big" {
		t.Fatalf("attempts %d result %+v", resp.Attempts, res)
	}
	for i := range received {
		if got := received[i].Load(); got <= size {
			t.Fatalf("attempt %d sent %d bytes for a %d-byte file", i+1, got, size)
		}
	}
	heapGrowth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("file %d MiB ×2 attempts: heap growth %.2f MiB, total allocated during the call %.2f MiB",
		size>>20, float64(heapGrowth)/(1<<20), float64(allocated)/(1<<20))
	if heapGrowth > 16<<20 || allocated > 16<<20 {
		t.Fatalf("heap grew %d bytes, allocated %d bytes: the body is being buffered", heapGrowth, allocated)
	}
}
