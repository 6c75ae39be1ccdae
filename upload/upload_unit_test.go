package upload

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cldrest/cldrest/client"
)

const testChunk = client.MinChunkSize

// randomPool is random bytes shared by the package's tests, generated
// (and paged in) once rather than by every test: about 31 MB, more than
// the largest source a test uploads.
var randomPool = sync.OnceValue(func() []byte {
	b := make([]byte, 6*testChunk)
	_, _ = rand.NewChaCha8([32]byte{}).Read(b)
	return b
})

// randomBytes returns n random bytes, a view of randomPool that callers
// must not change; seed picks where in the pool it starts, so that tests
// differ in their bytes.
func randomBytes(n int, seed uint64) []byte {
	pool := randomPool()
	off := int(seed*1_000_003) % (len(pool) - n + 1)
	return pool[off : off+n : off+n]
}

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// shortReaderAt is a ReaderAt without a Size method.
type shortReaderAt struct{ b []byte }

func (s shortReaderAt) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(s.b).ReadAt(p, off)
}

func TestBadInputSendsNothing(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.bin")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.bin")
	if err := os.WriteFile(ok, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeOnly, err := os.OpenFile(ok, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writeOnly.Close()

	cases := []struct {
		name   string
		src    Source
		p      *Params
		opts   []Option
		preset string // unsigned upload when set
		kind   error
	}{
		{"missing file", FromPath(filepath.Join(dir, "nope.jpg")), nil, nil, "", ErrFileNotFound},
		{"empty path", FromPath(""), nil, nil, "", ErrFileNotFound},
		{"directory", FromPath(dir), nil, nil, "", ErrIsDirectory},
		{"unreadable file", FromFile(writeOnly), nil, nil, "", ErrUnreadable},
		{"empty file", FromPath(empty), nil, nil, "", ErrEmptySource},
		{"empty bytes", FromBytes(nil), nil, nil, "", ErrEmptySource},
		{"empty reader", FromReader(strings.NewReader("")), nil, nil, "", ErrEmptySource},
		{"nil reader", FromReader(nil), nil, nil, "", ErrBadSource},
		{"zero source", Source{}, nil, nil, "", ErrBadSource},
		{"size larger than Size()", FromReaderAt(bytes.NewReader([]byte("abc")), 4), nil, nil, "", ErrSizeMismatch},
		{"size smaller than Size()", FromReaderAt(bytes.NewReader([]byte("abc")), 2), nil, nil, "", ErrSizeMismatch},
		{"probe: too short", FromReaderAt(shortReaderAt{[]byte("abc")}, 10), nil, nil, "", ErrSizeMismatch},
		{"probe: too long", FromReaderAt(shortReaderAt{[]byte("abc")}, 2), nil, nil, "", ErrSizeMismatch},
		{"zero size", FromReaderAt(shortReaderAt{[]byte("abc")}, 0), nil, nil, "", ErrEmptySource},
		{"file size mismatch", FromReaderAt(writeOnly, 99), nil, nil, "", ErrSizeMismatch},
		{"bad URL scheme", FromURL("file:///etc/passwd"), nil, nil, "", ErrBadSource},
		{"not a URL", FromURL("just words"), nil, nil, "", ErrBadSource},
		{"bad data URI", FromURL("data:image/png,notbase64"), nil, nil, "", ErrBadSource},
		{"chunk size below minimum", FromBytes([]byte("x")), nil, []Option{WithChunkSize(client.MinChunkSize - 1)}, "", ErrChunkSize},
		{"bad concurrency", FromBytes([]byte("x")), nil, []Option{WithConcurrency(0)}, "", ErrInvalidParam},
		{"bad upload id", FromBytes([]byte("x")), nil, []Option{WithUploadID("a b")}, "", ErrInvalidParam},
		{"unknown resource type", FromBytes([]byte("x")), &Params{ResourceType: "pdf"}, nil, "", ErrResourceType},
		{"unsigned with a signature in Extra", FromBytes([]byte("x")), &Params{Extra: map[string][]string{"signature": {"abc"}}}, nil, "preset", ErrInvalidParam},
		{"unsigned preset conflict", FromBytes([]byte("x")), &Params{UploadPreset: "other"}, nil, "preset", ErrUnsignedParam},
		{"bad param", FromBytes([]byte("x")), &Params{Context: Context{"a|b": "x"}}, nil, "", ErrInvalidParam},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var err error
			if tc.preset != "" {
				_, err = f.service().UploadUnsigned(t.Context(), tc.src, tc.preset, tc.p, tc.opts...)
			} else {
				_, err = f.service().Upload(t.Context(), tc.src, tc.p, tc.opts...)
			}
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			oneLine(t, err)
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent for bad input", n)
			}
		})
	}
	t.Run("missing file unwraps to fs.ErrNotExist", func(t *testing.T) {
		_, err := newFake(t).service().Upload(t.Context(), FromPath(filepath.Join(dir, "nope")), nil)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unsigned without preset", func(t *testing.T) {
		_, err := newFake(t).service().UploadUnsigned(t.Context(), FromBytes([]byte("x")), "", nil)
		if !errors.Is(err, ErrUnsignedParam) {
			t.Errorf("err = %v", err)
		}
	})
	if os.Geteuid() != 0 {
		t.Run("chmod 000 file", func(t *testing.T) {
			p := filepath.Join(dir, "secret.bin")
			if err := os.WriteFile(p, []byte("x"), 0o000); err != nil {
				t.Fatal(err)
			}
			_, err := newFake(t).service().Upload(t.Context(), FromPath(p), nil)
			if !errors.Is(err, ErrUnreadable) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestSingleUploadRequests(t *testing.T) {
	t.Parallel()
	data := randomBytes(1000, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f0, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f0.Close()
	cases := []struct {
		name     string
		src      Source
		filename string
	}{
		{"path", FromPath(path), "photo.jpg"},
		{"file", FromFile(f0), "photo.jpg"},
		{"readerat", FromReaderAt(shortReaderAt{data}, int64(len(data))), "file"},
		{"bytes named", FromBytes(data).WithName("x.bin"), "x.bin"},
		{"reader", FromReader(bytes.NewBuffer(data)), "file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var progress [][2]int64
			res, err := f.service().Upload(t.Context(), tc.src, &Params{ResourceType: "raw", PublicID: "p"}, WithProgress(func(a, b int64) { progress = append(progress, [2]int64{a, b}) }))
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0].req
			if r.Path != "raw/upload" || r.Params.Get("public_id") != "p" || r.File.Name != tc.filename {
				t.Errorf("request = %s %v file %q", r.Path, r.Params, r.File.Name)
			}
			if r.Header.Get("Content-Range") != "" || r.Idempotent {
				t.Errorf("single upload has Content-Range %q / idempotent %v", r.Header.Get("Content-Range"), r.Idempotent)
			}
			if !bytes.Equal(reqs[0].data, data) {
				t.Error("bytes sent differ from the source")
			}
			if res.LocalMD5 != md5hex(data) {
				t.Errorf("LocalMD5 = %s, want %s", res.LocalMD5, md5hex(data))
			}
			if !slices.Equal(progress, [][2]int64{{1000, 1000}}) {
				t.Errorf("progress = %v", progress)
			}
			if res.Response == nil || len(res.Response.Raw) == 0 {
				t.Error("raw response not kept")
			}
		})
	}
}

func TestRemoteSources(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url, md5 string
	}{
		{"https://example.com/a.jpg", ""},
		{"s3://bucket/key.png", ""},
		{"gs://bucket/key.png", ""},
		{"data:text/plain;base64,aGVsbG8=", md5hex([]byte("hello"))},
	}
	for _, tc := range cases {
		f := newFake(t)
		res, err := f.service().Upload(t.Context(), FromURL(tc.url), &Params{PublicID: "x", Overwrite: Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		r := f.requests()[0].req
		if r.File != nil || r.Params.Get("file") != tc.url || r.Path != "auto/upload" || !r.Idempotent {
			t.Errorf("%s: request file=%v params=%v path=%s idem=%v", tc.url, r.File, r.Params, r.Path, r.Idempotent)
		}
		if res.LocalMD5 != tc.md5 {
			t.Errorf("%s: LocalMD5 = %q, want %q", tc.url, res.LocalMD5, tc.md5)
		}
	}
}

func TestUnsignedRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	_, err := f.service().UploadUnsigned(t.Context(), FromBytes([]byte("x")), "unsigned_preset", &Params{PublicID: "a", Folder: "f", Tags: []string{"t"}, Context: Context{"k": "v"}, Overwrite: Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0].req
	if !r.Unsigned || r.Params.Get("upload_preset") != "unsigned_preset" || r.Idempotent {
		t.Errorf("unsigned=%v preset=%q idem=%v", r.Unsigned, r.Params.Get("upload_preset"), r.Idempotent)
	}
}

func TestChunkedSequential(t *testing.T) {
	t.Parallel()
	size := 2*testChunk + 123 // first, middle and final chunk
	data := randomBytes(size, 2)
	sum := md5hex(data)
	for _, tc := range []struct {
		name      string
		p         *Params
		finalIdem bool
	}{
		{"random id", nil, false},
		{"fixed id overwrite", &Params{PublicID: "big", Overwrite: Bool(true)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.reply = chunkReply
			var progress []int64
			res, err := f.service().Upload(t.Context(), FromBytes(data), tc.p, WithChunkSize(testChunk), WithProgress(func(a, total int64) {
				if total != int64(size) {
					t.Errorf("progress total %d", total)
				}
				progress = append(progress, a)
			}))
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 3 {
				t.Fatalf("%d requests, want 3", len(reqs))
			}
			id := reqs[0].req.Header.Get("X-Unique-Upload-Id")
			if len(id) != 16 {
				t.Errorf("upload id %q", id)
			}
			for i, rec := range reqs {
				off := int64(i) * testChunk
				end := min(off+testChunk, int64(size)) - 1
				want := "bytes " + itoa(off) + "-" + itoa(end) + "/" + itoa(int64(size))
				if got := rec.req.Header.Get("Content-Range"); got != want {
					t.Errorf("chunk %d Content-Range %q, want %q", i, got, want)
				}
				if !bytes.Equal(rec.data, data[off:end+1]) {
					t.Errorf("chunk %d does not carry bytes %d-%d of the source", i, off, end)
				}
				if rec.req.Header.Get("X-Unique-Upload-Id") != id {
					t.Errorf("chunk %d has another upload id", i)
				}
				final := i == 2
				if wantIdem := !final || tc.finalIdem; rec.req.Idempotent != wantIdem {
					t.Errorf("chunk %d idempotent = %v, want %v", i, rec.req.Idempotent, wantIdem)
				}
			}
			if res.LocalMD5 != sum || res.PublicID != "pid" {
				t.Errorf("result md5 %s public_id %s", res.LocalMD5, res.PublicID)
			}
			if want := []int64{testChunk, 2 * testChunk, int64(size)}; !slices.Equal(progress, want) {
				t.Errorf("progress %v, want %v", progress, want)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fmtSscanf(cr string, s, e, total *int64) (int, error) {
	return fmt.Sscanf(cr, "bytes %d-%d/%d", s, e, total)
}

func TestChunkFailureStops(t *testing.T) {
	t.Parallel()
	size := 4*testChunk + 10
	data := randomBytes(size, 3)
	f := newFake(t)
	f.keepBytes = false
	f.reply = func(n int, r *client.Request, part int64) (any, error) {
		if n == 1 {
			return nil, errPermanent
		}
		return chunkReply(n, r, part)
	}
	_, err := f.service().Upload(t.Context(), FromBytes(data), nil, WithChunkSize(testChunk), WithUploadID("fixed-id"))
	var ce *ChunkError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ChunkError", err)
	}
	if ce.UploadID != "fixed-id" || ce.Offset != testChunk || ce.Chunk != 1 || !errors.Is(err, errPermanent) {
		t.Errorf("ChunkError = %+v", ce)
	}
	oneLine(t, err)
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests sent, want 2 (no chunk after the failure)", n)
	}
}

func TestChunkIncompleteFinal(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply = func(int, *client.Request, int64) (any, error) { return map[string]any{"done": false}, nil }
	_, err := f.service().Upload(t.Context(), FromBytes(randomBytes(testChunk+1, 4)), nil, WithChunkSize(testChunk))
	var ce *ChunkError
	if !errors.As(err, &ce) || !errors.Is(err, ErrIncomplete) || ce.Offset != testChunk {
		t.Fatalf("err = %v", err)
	}
	_, err = f.service().Upload(t.Context(), FromBytes([]byte("x")), nil)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("single upload with done:false: err = %v", err)
	}
}

func TestStreamChunks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		size   int
		ranges []string
	}{
		{"uneven", 2*testChunk + 7, []string{"bytes 0-5242879/-1", "bytes 5242880-10485759/-1", "bytes 10485760-10485766/10485767"}},
		{"exact multiple", 2 * testChunk, []string{"bytes 0-5242879/-1", "bytes 5242880-10485759/10485760"}},
		{"one chunk exactly", testChunk, []string{""}},
		{"small", 10, []string{""}},
		{"probe-sized", streamProbe, []string{""}},
		{"probe+1", streamProbe + 1, []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := randomBytes(tc.size, 5)
			f := newFake(t)
			f.reply = chunkReply
			var progress [][2]int64
			// iotest-style reader that returns small, odd-sized reads.
			src := FromReader(&oddReader{r: bytes.NewReader(data)})
			res, err := f.service().Upload(t.Context(), src, nil, WithChunkSize(testChunk), WithProgress(func(a, b int64) { progress = append(progress, [2]int64{a, b}) }))
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			var got []string
			rest := data // the source's bytes after the chunks so far
			for _, r := range reqs {
				got = append(got, r.req.Header.Get("Content-Range"))
				if !bytes.HasPrefix(rest, r.data) {
					t.Errorf("request %d does not carry the source's next bytes", len(got)-1)
				}
				rest = rest[min(len(r.data), len(rest)):]
			}
			if !slices.Equal(got, tc.ranges) {
				t.Errorf("ranges %q, want %q", got, tc.ranges)
			}
			if len(rest) != 0 {
				t.Errorf("the requests left the source's last %d bytes out", len(rest))
			}
			if res.LocalMD5 != md5hex(data) {
				t.Error("LocalMD5 wrong")
			}
			last := progress[len(progress)-1]
			if last != [2]int64{int64(tc.size), int64(tc.size)} {
				t.Errorf("last progress %v", last)
			}
			for _, p := range progress[:len(progress)-1] {
				if p[1] != -1 {
					t.Errorf("intermediate progress total %d, want -1", p[1])
				}
			}
		})
	}
}

type oddReader struct {
	r io.Reader
	n int
}

func (o *oddReader) Read(p []byte) (int, error) {
	o.n++
	if k := 1 + (o.n*7919)%50000; len(p) > k {
		p = p[:k]
	}
	return o.r.Read(p)
}

type failingReader struct {
	data []byte
	off  int
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.off >= len(f.data) {
		return 0, f.err
	}
	n := copy(p, f.data[f.off:])
	f.off += n
	return n, nil
}

func TestStreamReadErrorStops(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	f := newFake(t)
	f.reply = chunkReply
	_, err := f.service().Upload(t.Context(), FromReader(&failingReader{data: randomBytes(testChunk+100, 6), err: boom}), nil, WithChunkSize(testChunk))
	var ce *ChunkError
	if !errors.As(err, &ce) || !errors.Is(err, boom) || ce.Offset != testChunk {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// An error before a full chunk is read sends nothing.
	f2 := newFake(t)
	_, err = f2.service().Upload(t.Context(), FromReader(&failingReader{data: []byte("abc"), err: boom}), nil)
	if !errors.Is(err, boom) || len(f2.requests()) != 0 {
		t.Fatalf("err = %v, requests %d", err, len(f2.requests()))
	}
}

func TestParallelChunks(t *testing.T) {
	t.Parallel()
	size := 5*testChunk + 99 // 6 chunks: 4 in the middle for 3 workers
	data := randomBytes(size, 7)
	f := newFake(t)
	var mu sync.Mutex
	inFlight, maxInFlight := 0, 0
	gate := make(chan struct{})
	var once sync.Once
	f.reply = func(n int, r *client.Request, part int64) (any, error) {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		reached := inFlight >= 3
		mu.Unlock()
		if n > 0 && !isFinalRange(r.Header.Get("Content-Range")) {
			if reached {
				once.Do(func() { close(gate) })
			}
			<-gate // hold middle chunks until three run at once
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return chunkReply(n, r, part)
	}
	var last int64
	res, err := f.service().Upload(t.Context(), FromBytes(data), nil, WithChunkSize(testChunk), WithConcurrency(3), WithProgress(func(a, total int64) {
		if a < last {
			t.Errorf("progress went back from %d to %d", last, a)
		}
		last = a
	}))
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests", len(reqs))
	}
	if reqs[0].req.Header.Get("Content-Range") != "bytes 0-5242879/26214499" {
		t.Errorf("first request %q", reqs[0].req.Header.Get("Content-Range"))
	}
	if !isFinalRange(reqs[5].req.Header.Get("Content-Range")) {
		t.Errorf("last request is not the final chunk: %q", reqs[5].req.Header.Get("Content-Range"))
	}
	if maxInFlight < 3 {
		t.Errorf("max concurrent chunks %d, want 3", maxInFlight)
	}
	// Each chunk carries its range of the source, and the ranges tile it.
	starts := make(map[int64]int64) // start -> end of every range sent
	for _, r := range reqs {
		var s, e, total int64
		if _, err := fmtSscanf(r.req.Header.Get("Content-Range"), &s, &e, &total); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.data, data[s:e+1]) {
			t.Errorf("chunk %d-%d does not carry those bytes of the source", s, e)
		}
		starts[s] = e
	}
	var next int64 // the ranges from 0 on without a gap end before next
	for e, ok := starts[next]; ok; e, ok = starts[next] {
		next = e + 1
	}
	if next != int64(size) {
		t.Errorf("the chunks cover bytes 0-%d of %d, then leave a gap", next-1, size)
	}
	if res.LocalMD5 != md5hex(data) || last != int64(size) {
		t.Errorf("parallel upload: md5 %s, last progress %d", res.LocalMD5, last)
	}
}

func TestParallelFailureStopsStartingChunks(t *testing.T) {
	t.Parallel()
	size := 4*testChunk + 1 // 5 chunks: 3 and the final one must not start
	f := newFake(t)
	f.keepBytes = false
	f.reply = func(n int, r *client.Request, part int64) (any, error) {
		if strings.HasPrefix(r.Header.Get("Content-Range"), "bytes 10485760-") { // chunk 2
			return nil, errPermanent
		}
		return chunkReply(n, r, part)
	}
	// Chunk 1 stays in flight until the upload stops, so the other worker
	// gets chunk 2, fails, and nothing may start after that: exactly
	// chunks 0, 1 and 2 are sent, whatever the scheduling.
	f.hold = func(ctx context.Context, r *client.Request) {
		if strings.HasPrefix(r.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-", testChunk)) {
			<-ctx.Done()
		}
	}
	_, err := f.service().Upload(t.Context(), FromBytes(randomBytes(size, 8)), nil, WithChunkSize(testChunk), WithConcurrency(2))
	var ce *ChunkError
	if !errors.As(err, &ce) || !errors.Is(err, errPermanent) || ce.Chunk != 2 {
		t.Fatalf("err = %v", err)
	}
	for _, r := range f.requests() {
		if isFinalRange(r.req.Header.Get("Content-Range")) {
			t.Error("final chunk sent after a failure")
		}
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want chunks 0, 1 and 2 only: chunks kept starting after the failure", n)
	}
	if ce.Offset != 2*testChunk && ce.Offset != testChunk {
		t.Errorf("offset %d", ce.Offset)
	}
}

func TestChunkContextCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	f := newFake(t)
	f.keepBytes = false
	f.reply = func(n int, r *client.Request, part int64) (any, error) {
		if n == 1 {
			cancel()
			return nil, context.Canceled
		}
		return chunkReply(n, r, part)
	}
	_, err := f.service().Upload(ctx, FromBytes(randomBytes(3*testChunk, 9)), nil, WithChunkSize(testChunk))
	var ce *ChunkError
	if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) || len(f.requests()) != 2 {
		t.Fatalf("err = %v, %d requests", err, len(f.requests()))
	}
}

// A parallel upload cancelled between chunks still says where it stopped.
func TestParallelCancelBetweenChunksIsChunkError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := newFake(t)
	f.keepBytes = false
	f.reply = chunkReply
	_, err := f.service().Upload(ctx, FromBytes(randomBytes(2*testChunk+1, 10)), nil, WithChunkSize(testChunk), WithConcurrency(2),
		WithProgress(func(acked, _ int64) {
			if acked == 2*testChunk {
				cancel() // after the only middle chunk, before the final one
			}
		}))
	ce, ok := errors.AsType[*ChunkError](err)
	if !ok || !errors.Is(err, context.Canceled) || ce.Chunk != 2 || ce.Offset != 2*testChunk || ce.UploadID == "" {
		t.Fatalf("err = %#v, want a *ChunkError for chunk 2 at offset %d wrapping context.Canceled", err, 2*testChunk)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (the final chunk is not sent)", n)
	}
}
