package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkUpload1KiB measures signed 1 KiB multipart uploads per second
// against the in-process server (memory storage, random public IDs).
//
//	go test ./mockserver -run '^$' -bench Upload1KiB -benchtime 3s
func BenchmarkUpload1KiB(b *testing.B) {
	s := New(fixedClock())
	p := signed(b, url.Values{"tags": {"bench"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	body, ct := multipartBody(b, p, "bench.png", pngBytes(16, 16, 1024))
	raw := body.(*bytes.Buffer).Bytes()
	b.SetBytes(1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/v1_1/demo/image/upload", bytes.NewReader(raw))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
}

// BenchmarkUpload1KiBParallel is BenchmarkUpload1KiB from GOMAXPROCS goroutines.
func BenchmarkUpload1KiBParallel(b *testing.B) {
	s := New(fixedClock())
	p := signed(b, nil, DefaultAPIKey, DefaultAPISecret, testNow)
	body, ct := multipartBody(b, p, "bench.png", pngBytes(16, 16, 1024))
	raw := body.(*bytes.Buffer).Bytes()
	b.SetBytes(1024)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1_1/demo/image/upload", bytes.NewReader(raw))
			req.Header.Set("Content-Type", ct)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// streamingMultipart returns a multipart body whose file part streams n
// bytes from data without buffering them.
func streamingMultipart(b testing.TB, params url.Values, data io.Reader, n int64) (io.Reader, string) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, vs := range params {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if _, err := mw.CreateFormFile("file", "big.bin"); err != nil {
		b.Fatal(err)
	}
	split := head.Len()
	_ = mw.Close()
	all := head.Bytes()
	return io.MultiReader(bytes.NewReader(all[:split]), io.LimitReader(data, n), bytes.NewReader(all[split:])), mw.FormDataContentType()
}

// BenchmarkChunkedMetadataOnly measures chunked upload throughput with
// MetadataOnly storage (20,000,000-byte chunks, in order, 100 MB per op).
//
//	go test ./mockserver -run '^$' -bench ChunkedMetadataOnly
func BenchmarkChunkedMetadataOnly(b *testing.B) {
	const chunk, total = 20_000_000, 100_000_000
	s := New(fixedClock(), WithStorage(MetadataOnly), WithTempDir(b.TempDir()))
	p := signed(b, url.Values{"public_id": {"big"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	b.SetBytes(total)
	for i := 0; i < b.N; i++ {
		id := fmt.Sprint("bench-", i)
		for start := int64(0); start < total; start += chunk {
			end := min(start+chunk, total) - 1
			body, ct := streamingMultipart(b, p, zeros{}, end-start+1)
			req := httptest.NewRequest("POST", "/v1_1/demo/raw/upload", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("X-Unique-Upload-Id", id)
			req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, int64(total)))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
			}
		}
	}
}
