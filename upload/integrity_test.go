package upload_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// flipTransport flips one byte of the file part of every multipart request
// (the first content byte), as a corrupting proxy would, keeping the length.
type flipTransport struct {
	base    http.RoundTripper
	flipped atomic.Int32
	on      atomic.Bool
}

func (f *flipTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !f.on.Load() || r.Body == nil {
		return f.base.RoundTrip(r)
	}
	b, err := readAll(r.Body, r.ContentLength)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	if i := bytes.Index(b, []byte(`name="file"`)); i >= 0 {
		if j := bytes.Index(b[i:], []byte("\r\n\r\n")); j >= 0 {
			b[i+j+4] ^= 0x01
			f.flipped.Add(1)
		}
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.ContentLength = int64(len(b))
	return f.base.RoundTrip(r2)
}

func corruptingEnv(t *testing.T) (*env, *flipTransport) {
	t.Helper()
	ft := &flipTransport{base: http.DefaultTransport.(*http.Transport).Clone()}
	ft.on.Store(true)
	e := startMock(t, metadataOnly, client.WithHTTPClient(&http.Client{Transport: ft}))
	return e, ft
}

// Cloudinary's etag is the MD5 of what it stored: through a proxy that
// flips a byte, single and chunked uploads alike store other bytes. The
// library reports both digests; WithIntegrityCheck makes the difference an
// error, and the check passes once the bytes arrive intact. (The mock keeps
// no bytes: the etags are what the test compares.)
func TestIntegrityCheck(t *testing.T) {
	t.Parallel()
	big := randomBytes(2*minChunk+1234, 7) // three chunks of minChunk: one for a worker
	two := big[:minChunk+1234]             // two chunks
	small := big[:5000]
	bigSum, twoSum := md5hex(big), md5hex(two)
	for _, tc := range []struct {
		name string
		src  func() upload.Source
		sum  string // the source's MD5
		reqs int    // requests of one upload
		opts []upload.Option
	}{
		{"single", func() upload.Source { return upload.FromBytes(small) }, md5hex(small), 1, nil},
		{"chunked", func() upload.Source { return upload.FromReaderAt(bytes.NewReader(two), int64(len(two))) }, twoSum, 2, nil},
		{"chunked parallel", func() upload.Source { return upload.FromBytes(big) }, bigSum, 3, []upload.Option{upload.WithConcurrency(2)}},
		{"reader chunked", func() upload.Source { return upload.FromReader(onlyReader{bytes.NewReader(two)}) }, twoSum, 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ft := corruptingEnv(t)
			want := tc.sum
			p := &upload.Params{PublicID: "integrity", ResourceType: "raw", Overwrite: upload.Bool(true)}
			opts := append([]upload.Option{upload.WithChunkSize(minChunk)}, tc.opts...)

			// Without the option: success, and the two digests differ.
			res, err := e.svc.Upload(t.Context(), tc.src(), p, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if int(ft.flipped.Load()) != tc.reqs || res.LocalMD5 != want || res.Etag == want || res.Etag == "" {
				t.Fatalf("flipped %d requests; local MD5 %s (want %s), etag %s: the proxy did not corrupt the asset", ft.flipped.Load(), res.LocalMD5, want, res.Etag)
			}

			// With it: an *IntegrityError naming both.
			_, err = e.svc.Upload(t.Context(), tc.src(), p, append(opts, upload.WithIntegrityCheck())...)
			var ie *upload.IntegrityError
			if !errors.Is(err, upload.ErrIntegrity) || !errors.As(err, &ie) {
				t.Fatalf("err %v, want an *upload.IntegrityError", err)
			}
			if ie.PublicID != "integrity" || ie.LocalMD5 != want || ie.Etag != res.Etag || ie.Result == nil || ie.Attempts() != tc.reqs {
				t.Fatalf("IntegrityError %+v (attempts %d, want %d)", ie, ie.Attempts(), tc.reqs)
			}
			for _, s := range []string{"etag mismatch", want, res.Etag, `"integrity"`} {
				if !bytes.Contains([]byte(err.Error()), []byte(s)) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}

			// Intact bytes pass the check, and the asset stored under the
			// public ID is repaired: its etag is the source's MD5.
			ft.on.Store(false)
			res, err = e.svc.Upload(t.Context(), tc.src(), p, append(opts, upload.WithIntegrityCheck())...)
			if err != nil || res.Etag != want || res.LocalMD5 != want {
				t.Fatalf("intact upload: %v, etag %s local %s want %s", err, res.Etag, res.LocalMD5, want)
			}
		})
	}
}

// Where the etag cannot equal the MD5 of the bytes sent, the option is
// refused before any request.
func TestIntegrityCheckRefusedWhereItCannotApply(t *testing.T) {
	t.Parallel()
	e := startMock(t, nil)
	for _, tc := range []struct {
		name string
		src  upload.Source
		p    *upload.Params
		opts []upload.Option
	}{
		{"without checksum", upload.FromBytes([]byte("x")), nil, []upload.Option{upload.WithoutChecksum()}},
		{"remote URL", upload.FromURL("https://example.com/a.jpg"), nil, nil},
		{"async", upload.FromBytes([]byte("x")), &upload.Params{Async: true}, nil},
		{"incoming transformation", upload.FromBytes([]byte("x")), &upload.Params{Transformation: "w_100"}, nil},
		{"transformation in Extra", upload.FromBytes([]byte("x")), &upload.Params{Extra: url.Values{"transformation": {"w_100"}}}, nil},
		{"format conversion", upload.FromBytes([]byte("x")), &upload.Params{Format: "png"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.m.Journal())
			_, err := e.svc.Upload(t.Context(), tc.src, tc.p, append(tc.opts, upload.WithIntegrityCheck())...)
			if !errors.Is(err, upload.ErrInvalidInput) || !bytes.Contains([]byte(err.Error()), []byte("WithIntegrityCheck")) {
				t.Fatalf("err %v, want an input error naming WithIntegrityCheck", err)
			}
			if n := len(e.m.Journal()) - before; n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
	t.Run("data URI is checked", func(t *testing.T) {
		res, err := e.svc.Upload(t.Context(), upload.FromURL("data:text/plain;base64,aGVsbG8="), &upload.Params{ResourceType: "raw"}, upload.WithIntegrityCheck())
		if err != nil || res.Etag != md5hex([]byte("hello")) {
			t.Fatalf("data URI: %v %+v", err, res)
		}
	})
}

// Overwrite false on a taken public ID: Cloudinary keeps the old asset and
// says so with existing: true and the old etag. That is not a corrupt
// upload, and the result says which asset is there.
func TestExistingAssetIsNotAnIntegrityFailure(t *testing.T) {
	t.Parallel()
	e := startMock(t, nil)
	old, fresh := []byte("the asset already there"), []byte("bytes that were not stored")
	p := &upload.Params{PublicID: "kept", ResourceType: "raw"}
	if _, err := e.svc.Upload(t.Context(), upload.FromBytes(old), p); err != nil {
		t.Fatal(err)
	}
	p.Overwrite = upload.Bool(false)
	res, err := e.svc.Upload(t.Context(), upload.FromBytes(fresh), p, upload.WithIntegrityCheck())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Existing || res.Etag != md5hex(old) || res.LocalMD5 != md5hex(fresh) {
		t.Fatalf("existing %v etag %s (old %s) local %s (sent %s)", res.Existing, res.Etag, md5hex(old), res.LocalMD5, md5hex(fresh))
	}
}

// Attempts counts every HTTP request of an upload, the ones that ended in
// a connection reset included, through the same method on results and
// errors.
func TestUploadAttemptsCountEveryRequest(t *testing.T) {
	t.Parallel()
	attempts := func(t *testing.T, v any) int {
		t.Helper()
		if err, ok := v.(error); ok {
			var a interface{ Attempts() int }
			if !errors.As(err, &a) {
				t.Fatalf("%T %v has no Attempts() int", err, err)
			}
			return a.Attempts()
		}
		return v.(interface{ Attempts() int }).Attempts()
	}
	p := &upload.Params{PublicID: "counted", ResourceType: "raw", Overwrite: upload.Bool(true)}
	five := client.WithRetry(5, time.Millisecond, 5*time.Millisecond)

	t.Run("four resets then success", func(t *testing.T) {
		e := startMock(t, metadataOnly, five)
		if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultReset, Count: 4}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Upload(t.Context(), upload.FromBytes([]byte("five tries")), p)
		if err != nil {
			t.Fatal(err)
		}
		if got := attempts(t, res); got != 5 {
			t.Fatalf("Attempts() %d, want 5", got)
		}
	})
	t.Run("resets exhaust the attempts", func(t *testing.T) {
		e := startMock(t, metadataOnly) // 4 attempts per request
		if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultReset, Count: 4}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Upload(t.Context(), upload.FromBytes([]byte("four tries")), p)
		if _, ok := errors.AsType[*client.TransportError](err); !ok {
			t.Fatalf("err %T %v, want a *client.TransportError", err, err)
		}
		if got := attempts(t, err); got != 4 {
			t.Fatalf("Attempts() %d, want 4", got)
		}
	})
	t.Run("chunked sums its chunks", func(t *testing.T) {
		e := startMock(t, metadataOnly, five)
		// Chunk 1 of 3 is reset twice, then goes through.
		if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultReset, Skip: 1, Count: 2}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Upload(t.Context(), upload.FromBytes(randomBytes(2*minChunk+10, 5)), p, upload.WithChunkSize(minChunk))
		if err != nil {
			t.Fatal(err)
		}
		if got := attempts(t, res); got != 5 || res.Response.Attempts != 1 {
			t.Fatalf("Attempts() %d, want 5 (3 chunks + 2 resets); final chunk's Response.Attempts %d", got, res.Response.Attempts)
		}
	})
	t.Run("chunk error sums its chunks", func(t *testing.T) {
		e := startMock(t, metadataOnly) // 4 attempts per request
		if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultStatus, Status: 500, Skip: 1}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Upload(t.Context(), upload.FromBytes(randomBytes(2*minChunk+10, 6)), p, upload.WithChunkSize(minChunk))
		if _, ok := errors.AsType[*upload.ChunkError](err); !ok {
			t.Fatalf("err %T %v, want a *upload.ChunkError", err, err)
		}
		if got := attempts(t, err); got != 5 {
			t.Fatalf("Attempts() %d, want 5 (chunk 0 + 4 attempts of chunk 1)", got)
		}
	})
}
