package mockserver

import (
	"bytes"
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
