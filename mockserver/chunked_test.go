package mockserver

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sendChunk posts one chunk of data [start, end] with the given total ("-1" allowed).
func sendChunk(t testing.TB, s *Server, id string, data []byte, start, end int, total string, params url.Values) result {
	t.Helper()
	p := signed(t, params, DefaultAPIKey, DefaultAPISecret, testNow)
	body, ct := multipartBody(t, p, "big.bin", data[start:end+1])
	req := newReq("POST", "/v1_1/demo/raw/upload", body, ct)
	req.Header.Set("X-Unique-Upload-Id", id)
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%s", start, end, total))
	return serve(t, s, req)
}

// storages returns a constructor per storage kind, each with the fixed
// clock and opts.
func storages(t *testing.T, opts ...Option) map[string]func() *Server {
	with := func(more ...Option) []Option { return append(append([]Option{fixedClock()}, opts...), more...) }
	return map[string]func() *Server{
		"memory":        func() *Server { return New(with()...) },
		"metadata-only": func() *Server { return New(with(WithStorage(MetadataOnly), WithTempDir(t.TempDir()))...) },
		"dir": func() *Server {
			s, err := Open(with(WithStorage(Dir(t.TempDir())))...)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

// smallChunk is the smallest non-final chunk (withMinChunkSize) of the
// tests that do not depend on 5 MiB: larger than the blocks a blob is hashed
// in and than the prefix kept for sniffing, as 5 MiB is, 16 times smaller.
const smallChunk = 320 << 10

// withMinChunkSize lowers the smallest accepted non-final chunk from
// MinChunkSize to n. The real limit has its own tests: TestChunkedErrors
// (one byte less is refused), TestChunkParamsCarryOver (exactly 5 MiB passes).
func withMinChunkSize(n int64) Option { return func(c *config) { c.minChunk = n } }

// TestChunkedUpload: chunks in order or not, with real or -1 totals, make
// one asset of the right bytes with every storage, and a retried final
// chunk answers the same result.
func TestChunkedUpload(t *testing.T) {
	t.Parallel()
	const c = smallChunk
	data := randomBytes(3*c+1234, 7)
	n := len(data)
	total := fmt.Sprint(n)
	etag := md5hex(data)
	type chunk struct {
		start, end int
		total      string
	}
	orders := map[string][]chunk{
		"in order, real totals (Go)":  {{0, c - 1, total}, {c, 2*c - 1, total}, {2 * c, 3*c - 1, total}, {3 * c, n - 1, total}},
		"in order, -1 totals (Node)":  {{0, c - 1, "-1"}, {c, 2*c - 1, "-1"}, {2 * c, 3*c - 1, "-1"}, {3 * c, n - 1, total}},
		"middle chunks out of order":  {{0, c - 1, total}, {2 * c, 3*c - 1, total}, {c, 2*c - 1, total}, {3 * c, n - 1, total}},
		"final before a middle chunk": {{0, c - 1, "-1"}, {2 * c, 3*c - 1, "-1"}, {3 * c, n - 1, total}, {c, 2*c - 1, "-1"}},
	}
	for sname, mk := range storages(t, withMinChunkSize(c)) {
		for oname, order := range orders {
			t.Run(sname+"/"+oname, func(t *testing.T) {
				s := mk()
				defer s.Close()
				params := url.Values{"public_id": {"big.bin"}}
				var last result
				for i, ch := range order {
					last = sendChunk(t, s, "u1", data, ch.start, ch.end, ch.total, params)
					mustStatus(t, last, 200)
					if i < len(order)-1 {
						if last.json["done"] != false || last.str("public_id") != "big.bin" {
							t.Fatalf("chunk %d: want done:false, got %s", i, last.body)
						}
					}
				}
				if last.num("bytes") != int64(n) || last.str("etag") != etag || last.str("public_id") != "big.bin" {
					t.Fatalf("final: %s", last.body)
				}
				if s.blobs.keepsBytes() {
					d := serve(t, s, newReq("GET", "/demo/raw/upload/big.bin", nil, ""))
					mustStatus(t, d, 200)
					if !bytes.Equal(d.body, data) {
						t.Fatalf("assembled bytes differ")
					}
				}
				// A retried final chunk gets the same result and creates nothing new.
				again := sendChunk(t, s, "u1", data, 3*c, n-1, total, params)
				mustStatus(t, again, 200)
				if again.str("asset_id") != last.str("asset_id") || again.num("version") != last.num("version") {
					t.Fatalf("retry of final chunk: %s", again.body)
				}
				if len(s.st.assets) != 1 {
					t.Fatalf("%d assets", len(s.st.assets))
				}
			})
		}
	}
}

func TestChunkedErrors(t *testing.T) {
	data := randomBytes(MinChunkSize+100, 3)
	s := New(fixedClock())
	r := sendChunk(t, s, "small", data, 0, MinChunkSize-2, "-1", nil)
	mustStatus(t, r, 400)
	if r.msg() != "All parts except EOF-chunk must be larger than 5mb" {
		t.Fatalf("%q", r.msg())
	}
	r = sendChunk(t, s, "small2", data, 0, 999, fmt.Sprint(len(data)), nil)
	mustStatus(t, r, 400)
	if r.msg() != "All parts except EOF-chunk must be larger than 5mb" {
		t.Fatalf("%q", r.msg())
	}
	// Content-Range that disagrees with the part size.
	p := signed(t, nil, DefaultAPIKey, DefaultAPISecret, testNow)
	body, ct := multipartBody(t, p, "x", data[:10])
	req := newReq("POST", "/v1_1/demo/raw/upload", body, ct)
	req.Header.Set("X-Unique-Upload-Id", "mismatch")
	req.Header.Set("Content-Range", "bytes 0-19/20")
	r = serve(t, s, req)
	mustStatus(t, r, 400)
	// Malformed Content-Range.
	for _, cr := range []string{"0-1/2", "bytes 5-1/10", "bytes 0-9/5", "bytes a-b/c"} {
		body, ct := multipartBody(t, p, "x", data[:10])
		req := newReq("POST", "/v1_1/demo/raw/upload", body, ct)
		req.Header.Set("X-Unique-Upload-Id", "bad")
		req.Header.Set("Content-Range", cr)
		if r := serve(t, s, req); r.status != 400 {
			t.Fatalf("%q: status %d", cr, r.status)
		}
	}
	// Bad signature on a chunk: the chunk is not kept.
	bad := url.Values{"timestamp": {fmt.Sprint(testNow.Unix())}, "api_key": {DefaultAPIKey}, "signature": {"0000000000000000000000000000000000000000"}}
	body, ct = multipartBody(t, bad, "x", data[:MinChunkSize])
	req = newReq("POST", "/v1_1/demo/raw/upload", body, ct)
	req.Header.Set("X-Unique-Upload-Id", "unauth")
	req.Header.Set("Content-Range", "bytes 0-5242879/-1")
	mustStatus(t, serve(t, s, req), 401)
	if got := s.sessions.get(s, "unauth").pendingOffsets(); len(got) != 0 || s.sessions.get(s, "unauth").received != 0 {
		t.Fatalf("unauthenticated chunk kept: %v", got)
	}
}

func TestChunkSessionsExpire(t *testing.T) {
	tmp := t.TempDir()
	const c = smallChunk
	s := New(fixedClock(), WithStorage(MetadataOnly), WithTempDir(tmp), WithMaxChunkIdle(30*time.Minute), withMinChunkSize(c))
	data := randomBytes(2*c+10, 9)
	// An out-of-order chunk is parked in a temporary file.
	mustStatus(t, sendChunk(t, s, "idle", data, c, 2*c-1, "-1", nil), 200)
	if ents, _ := os.ReadDir(tmp); len(ents) != 1 {
		t.Fatalf("want 1 parked chunk file, got %d", len(ents))
	}
	s.Advance(31 * time.Minute)
	if s.sessions.count() != 0 {
		t.Fatalf("session survived its idle limit")
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Fatalf("parked chunk not removed: %v", ents)
	}
	r := sendChunk(t, s, "idle", data, 2*c, len(data)-1, fmt.Sprint(len(data)), nil)
	mustStatus(t, r, 200)
	if r.json["done"] != false {
		t.Fatalf("expired session must not complete: %s", r.body)
	}
}

// TestChunkParamsCarryOver: public_id and tags sent only with the first chunk
// still apply to the asset.
func TestChunkParamsCarryOver(t *testing.T) {
	s := New(fixedClock())
	data := randomBytes(MinChunkSize+10, 5)
	r := sendChunk(t, s, "carry", data, 0, MinChunkSize-1, "-1", url.Values{"public_id": {"first.bin"}, "tags": {"x"}})
	mustStatus(t, r, 200)
	r = sendChunk(t, s, "carry", data, MinChunkSize, len(data)-1, fmt.Sprint(len(data)), nil)
	mustStatus(t, r, 200)
	if r.str("public_id") != "first.bin" || fmt.Sprint(r.json["tags"]) != "[x]" {
		t.Fatalf("%s", r.body)
	}
}

// An upload without chunks may carry at most the size limit; chunked
// uploads of any total pass.
func TestMaxUploadSizeWithoutChunks(t *testing.T) {
	const c = smallChunk
	const limit = c + 10
	s := New(fixedClock(), WithMaxUploadSize(limit), withMinChunkSize(c))
	data := randomBytes(limit+1, 3)

	r := uploadFile(t, s, "raw", url.Values{"public_id": {"at-limit"}}, "a.bin", data[:limit])
	mustStatus(t, r, 200)
	if r.num("bytes") != limit {
		t.Fatalf("bytes %d", r.num("bytes"))
	}

	r = uploadFile(t, s, "raw", url.Values{"public_id": {"over"}}, "b.bin", data)
	mustStatus(t, r, 400)
	want := fmt.Sprintf("File size too large. Got %d. Maximum is %d.", limit+1, limit)
	if !bytes.HasPrefix([]byte(r.msg()), []byte(want)) {
		t.Fatalf("message %q, want it to start with %q", r.msg(), want)
	}
	s.mu.RLock()
	stored := s.st.assets[assetKey{"raw", "upload", "over"}]
	s.mu.RUnlock()
	if stored != nil {
		t.Fatal("refused upload stored an asset")
	}

	for i, rg := range [][2]int{{0, c - 1}, {c, limit}} {
		r = sendChunk(t, s, "big-upload", data, rg[0], rg[1], fmt.Sprint(len(data)), url.Values{"public_id": {"chunked"}})
		mustStatus(t, r, 200)
		if i == 1 && r.num("bytes") != limit+1 {
			t.Fatalf("chunked upload stored %d bytes", r.num("bytes"))
		}
	}

	if r := uploadFile(t, New(fixedClock(), WithMaxUploadSize(0)), "raw", nil, "c.bin", data); r.status != 200 {
		t.Fatalf("unlimited server refused: %d %s", r.status, r.msg())
	}
}

// TestChunkConflicts: chunks of two different files under one
// X-Unique-Upload-Id are refused instead of mixed, an identical repeated
// chunk stays a retry, and a chunk announcing another total is a conflict;
// with every storage (metadata-only included, which keeps no bytes).
func TestChunkConflicts(t *testing.T) {
	t.Parallel()
	const c = smallChunk
	a := randomBytes(c+1000, 21)
	b := randomBytes(c+1000, 22) // same size, other bytes
	two := randomBytes(2*c, 23)
	total := fmt.Sprint(len(a))
	etagA := md5hex(a)
	for sname, mk := range storages(t, withMinChunkSize(c)) {
		t.Run(sname, func(t *testing.T) {
			s := mk()
			defer s.Close()
			params := url.Values{"public_id": {"mixed.bin"}}
			mustStatus(t, sendChunk(t, s, "same-id", a, 0, c-1, total, params), 200)
			mustStatus(t, sendChunk(t, s, "same-id", a, 0, c-1, total, params), 200) // a retry
			r := sendChunk(t, s, "same-id", b, 0, c-1, total, params)
			mustStatus(t, r, 400)
			if !strings.Contains(r.msg(), fmt.Sprintf("Conflict: bytes 0-%d of upload same-id differ from the bytes received earlier", c-1)) {
				t.Fatalf("%q", r.msg())
			}
			// Another total for the same upload.
			other := append(append([]byte(nil), a...), 'x')
			r = sendChunk(t, s, "same-id", other, c, len(other)-1, fmt.Sprint(len(other)), params)
			mustStatus(t, r, 400)
			if !strings.Contains(r.msg(), fmt.Sprintf("Conflict: Content-Range total %d differs from the total %s sent earlier", len(other), total)) {
				t.Fatalf("%q", r.msg())
			}
			last := sendChunk(t, s, "same-id", a, c, len(a)-1, total, params)
			mustStatus(t, last, 200)
			if last.str("etag") != etagA || last.num("bytes") != int64(len(a)) {
				t.Fatalf("file A was mixed: %s", last.body)
			}
			// A completed upload: the same final chunk again is a retry,
			// other bytes are a conflict.
			again := sendChunk(t, s, "same-id", a, c, len(a)-1, total, params)
			mustStatus(t, again, 200)
			if again.str("etag") != etagA {
				t.Fatalf("retry of the final chunk: %s", again.body)
			}
			r = sendChunk(t, s, "same-id", b, c, len(b)-1, total, params)
			mustStatus(t, r, 400)
			if !strings.HasPrefix(r.msg(), "Conflict: bytes") {
				t.Fatalf("%q", r.msg())
			}
			// Node-style -1 totals: a real total that ends before a chunk
			// received earlier.
			mustStatus(t, sendChunk(t, s, "node", two, c, 2*c-1, "-1", nil), 200)
			r = sendChunk(t, s, "node", two, 0, c-1, fmt.Sprint(c), nil)
			mustStatus(t, r, 400)
			if !strings.HasPrefix(r.msg(), fmt.Sprintf("Conflict: Content-Range total %d is smaller than the end of bytes %d-%d received earlier", c, c, 2*c-1)) {
				t.Fatalf("%q", r.msg())
			}
		})
	}
}
