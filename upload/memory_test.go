package upload_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/memtest"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// zeroReader yields zero bytes forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// bigTestsEnv opts in to the 1 GiB memory-bound uploads (README,
// Development); by default they upload 96 MiB, more than twice the bound.
const bigTestsEnv = "CLDREST_BIG_TESTS"

func memorySize(t testing.TB) int64 {
	if os.Getenv(bigTestsEnv) == "1" && !testing.Short() {
		return 1 << 30
	}
	return 96 << 20
}

// TestMemoryBounds uploads a large sparse file and a large unknown-size
// reader (default chunk size, mock in metadata-only mode) and checks the
// heap never grows by more than one chunk plus 16 MiB.
func TestMemoryBounds(t *testing.T) {
	size := memorySize(t)
	e := startMock(t, []mockserver.Option{mockserver.WithStorage(mockserver.MetadataOnly)})
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
	e := startMock(b, []mockserver.Option{mockserver.WithStorage(mockserver.MetadataOnly)})
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

// With a chunk size above 100 MB, a source between 100 MB and the chunk
// size still goes in chunks (here one): Cloudinary, and the mock with its
// default limit, refuse a larger upload without them.
func TestAboveMaxUploadSizeIsChunkedEvenBelowChunkSize(t *testing.T) {
	t.Parallel()
	if mockserver.DefaultMaxUploadSize != client.MaxUploadSize {
		t.Fatalf("the mock's limit %d differs from the client's %d", mockserver.DefaultMaxUploadSize, client.MaxUploadSize)
	}
	e := startMock(t, []mockserver.Option{mockserver.WithStorage(mockserver.MetadataOnly)})
	const chunk = 128 << 20
	path := filepath.Join(t.TempDir(), "sparse.bin")
	for _, tc := range []struct {
		name   string
		size   int64
		chunks int
		src    func(size int64) upload.Source
	}{
		{"file at the limit", client.MaxUploadSize, 0, func(int64) upload.Source { return upload.FromPath(path) }},
		{"file over the limit", client.MaxUploadSize + 1, 1, func(int64) upload.Source { return upload.FromPath(path) }},
		{"reader over the limit", client.MaxUploadSize + 1, 1, func(n int64) upload.Source { return upload.FromReader(io.LimitReader(zeroReader{}, n)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, tc.size); err != nil {
				t.Fatal(err)
			}
			e.m.ClearJournal()
			res, err := e.svc.Upload(t.Context(), tc.src(tc.size), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(chunk), upload.WithoutChecksum())
			if err != nil {
				t.Fatal(err)
			}
			if res.Bytes != tc.size {
				t.Errorf("stored %d bytes, want %d", res.Bytes, tc.size)
			}
			if n := len(e.chunkEntries()); n != tc.chunks {
				t.Errorf("%d chunk requests, want %d", n, tc.chunks)
			}
		})
	}
}
