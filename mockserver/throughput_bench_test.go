package mockserver

import (
	"bytes"
	"io"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
)

// The benchmarks of bench/'s mock-throughput scenario, in process: what
// `cldrest mock --metadata-only --max-upload-size 0` does per request,
// without the network. Profile with
//
//	go test ./mockserver -run '^$' -bench 'Upload(Small|Big)' -cpuprofile /tmp/cpu.out -memprofile /tmp/mem.out

// BenchmarkUploadSmall measures signed 16 KiB raw uploads with MetadataOnly
// storage, the small uploads of the mock-throughput scenario.
func BenchmarkUploadSmall(b *testing.B) {
	s := New(fixedClock(), WithStorage(MetadataOnly), WithMaxUploadSize(0), WithTempDir(b.TempDir()))
	p := signed(b, nil, DefaultAPIKey, DefaultAPISecret, testNow)
	body, ct := multipartBody(b, p, "load.bin", randomBytes(16<<10, 16))
	raw := body.(*bytes.Buffer).Bytes()
	want := []byte(`"bytes":` + strconv.Itoa(16<<10))
	b.SetBytes(16 << 10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/v1_1/demo/raw/upload", bytes.NewReader(raw))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), want) {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
}

// repeated yields n bytes repeating one pseudo-random 64 KiB block, as
// bench's load generator sends its big body.
type repeated struct {
	block []byte
	off   int
	n     int64
}

func (p *repeated) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	k := 0
	for k < len(b) {
		c := copy(b[k:], p.block[p.off:])
		k += c
		p.off = (p.off + c) % len(p.block)
	}
	p.n -= int64(k)
	return k, nil
}

// BenchmarkUploadBig measures one signed 256 MiB raw upload without chunks
// with MetadataOnly storage, the big body of the mock-throughput scenario.
func BenchmarkUploadBig(b *testing.B) {
	const size = 256 << 20
	s := New(fixedClock(), WithStorage(MetadataOnly), WithMaxUploadSize(0), WithTempDir(b.TempDir()))
	p := signed(b, url.Values{}, DefaultAPIKey, DefaultAPISecret, testNow)
	block := randomBytes(64<<10, 2)
	want := []byte(`"bytes":` + strconv.Itoa(size))
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, ct := streamingMultipart(b, p, &repeated{block: block, n: size}, size)
		req := httptest.NewRequest("POST", "/v1_1/demo/raw/upload", body)
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), want) {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
}
