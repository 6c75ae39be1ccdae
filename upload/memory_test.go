package upload_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/memtest"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// zeroReader yields zero bytes forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// memorySize is what the memory-bound uploads send: 1 GiB with
// memtest.Big, else 96 MiB, more than twice the bound.
func memorySize() int64 {
	if memtest.Big() {
		return 1 << 30
	}
	return 96 << 20
}

// TestMemoryBounds uploads a large sparse file and a large unknown-size
// reader (default chunk size, mock in metadata-only mode) and checks the
// heap never grows by more than one chunk plus 16 MiB.
func TestMemoryBounds(t *testing.T) {
	size := memorySize()
	e := startMock(t, metadataOnly)
	chunk := e.c.Config().ChunkSize
	if chunk != client.DefaultChunkSize {
		t.Fatalf("chunk size %d", chunk)
	}
	bound := chunk + 16<<20

	path := filepath.Join(t.TempDir(), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()

	cases := []struct {
		name string
		src  func() upload.Source
	}{
		{"sparse file", func() upload.Source { return upload.FromPath(path) }},
		{"unknown-size reader", func() upload.Source { return upload.FromReader(io.LimitReader(zeroReader{}, size)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src()
			stop := memtest.HeapPeak()
			res, err := e.svc.Upload(t.Context(), src, &upload.Params{ResourceType: "raw"})
			grew, _ := stop()
			if err != nil {
				t.Fatal(err)
			}
			if res.Bytes != size || res.LocalMD5 != res.Etag {
				t.Errorf("bytes %d etag %s local %s", res.Bytes, res.Etag, res.LocalMD5)
			}
			t.Logf("%s: %d MiB uploaded, heap grew by %.1f MiB (bound %.1f MiB)", tc.name, size>>20, float64(grew)/(1<<20), float64(bound)/(1<<20))
			if grew >= bound {
				t.Errorf("heap grew by %d bytes, bound %d", grew, bound)
			}
		})
	}
}

// BenchmarkUpload100MiB uploads one 100 MiB file (sparse, so disk speed does
// not matter) to the in-process mock in metadata-only mode, in chunks of the
// default size.
func BenchmarkUpload100MiB(b *testing.B) {
	const size = 100 << 20
	e := startMock(b, metadataOnly)
	path := filepath.Join(b.TempDir(), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Upload(b.Context(), upload.FromPath(path), &upload.Params{ResourceType: "raw"}); err != nil {
			b.Fatal(err)
		}
	}
}

// headerTransport answers every request with a finished upload without
// reading its body, and records what the request announces: how the
// client cuts an upload shows without a byte of it being sent.
type headerTransport struct {
	mu   sync.Mutex
	reqs []sentRequest
}

type sentRequest struct {
	contentRange, uploadID string
	length                 int64
}

func (h *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	h.mu.Lock()
	h.reqs = append(h.reqs, sentRequest{r.Header.Get("Content-Range"), r.Header.Get("X-Unique-Upload-Id"), r.ContentLength})
	h.mu.Unlock()
	const body = `{"public_id":"p","done":true}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// With a chunk size above 100 MB, a source between 100 MB and the chunk
// size still goes in chunks (here one): Cloudinary, and the mock with its
// default limit, refuse a larger upload without them. The mock's side of
// the boundary (it counts the file's bytes, not the request's, and refuses
// one more without chunks) is mockserver's TestMaxUploadSizeWithoutChunks,
// at a small limit; through the mock each case here would cost 100 MB read,
// hashed and scanned. So the client's side is shown on what it sends: no
// file byte is read, a reader's bytes only into the chunk buffer.
func TestAboveMaxUploadSizeIsChunkedEvenBelowChunkSize(t *testing.T) {
	t.Parallel()
	if mockserver.DefaultMaxUploadSize != client.MaxUploadSize {
		t.Fatalf("the mock's limit %d differs from the client's %d", mockserver.DefaultMaxUploadSize, client.MaxUploadSize)
	}
	const chunk = client.MaxUploadSize + 2 // above every source here
	path := filepath.Join(t.TempDir(), "sparse.bin")
	for _, tc := range []struct {
		name  string
		size  int64
		chunk bool
		src   func(size int64) upload.Source
	}{
		{"file at the limit", client.MaxUploadSize, false, func(int64) upload.Source { return upload.FromPath(path) }},
		{"file over the limit", client.MaxUploadSize + 1, true, func(int64) upload.Source { return upload.FromPath(path) }},
		{"reader at the limit", client.MaxUploadSize, false, func(n int64) upload.Source { return upload.FromReader(io.LimitReader(zeroReader{}, n)) }},
		{"reader over the limit", client.MaxUploadSize + 1, true, func(n int64) upload.Source { return upload.FromReader(io.LimitReader(zeroReader{}, n)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, tc.size); err != nil {
				t.Fatal(err)
			}
			ht := &headerTransport{}
			c, err := client.New(client.Config{CloudName: "demo", APIKey: "key", APISecret: client.NewSecret("secret")}, client.WithHTTPClient(&http.Client{Transport: ht}))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := upload.New(c).Upload(t.Context(), tc.src(tc.size), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(chunk), upload.WithoutChecksum()); err != nil {
				t.Fatal(err)
			}
			if len(ht.reqs) != 1 {
				t.Fatalf("%d requests, want 1: %+v", len(ht.reqs), ht.reqs)
			}
			got := ht.reqs[0]
			if tc.chunk {
				if want := fmt.Sprintf("bytes 0-%d/%d", tc.size-1, tc.size); got.contentRange != want || got.uploadID == "" {
					t.Errorf("Content-Range %q upload id %q, want %q and an id: one chunk of the whole source", got.contentRange, got.uploadID, want)
				}
			} else if got.contentRange != "" || got.uploadID != "" {
				t.Errorf("Content-Range %q upload id %q: a chunk, want one request without chunks", got.contentRange, got.uploadID)
			}
			// The one body carries the whole file and a few KiB of fields.
			if got.length < tc.size || got.length > tc.size+16<<10 {
				t.Errorf("request of %d bytes for a %d-byte source", got.length, tc.size)
			}
		})
	}
}
