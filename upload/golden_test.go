package upload

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/signer"
)

// wireRecorder is an httptest server that records each request as text
// (method, path, the headers that matter, body with the multipart boundary
// replaced by BOUNDARY) and answers with a finished upload.
type wireRecorder struct {
	mu   sync.Mutex
	reqs []string
}

func (w *wireRecorder) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ct := r.Header.Get("Content-Type")
	if _, params, err := mime.ParseMediaType(ct); err == nil && params["boundary"] != "" {
		body = bytes.ReplaceAll(body, []byte(params["boundary"]), []byte("BOUNDARY"))
		ct = strings.ReplaceAll(ct, params["boundary"], "BOUNDARY")
	}
	var b strings.Builder
	b.WriteString(r.Method + " " + r.URL.RequestURI() + "\n")
	for _, h := range []string{"Authorization", "Content-Length", "Content-Range", "Content-Type", "X-Unique-Upload-Id"} {
		v := r.Header.Get(h)
		if h == "Content-Type" {
			v = ct
		}
		if h == "Content-Length" && r.ContentLength >= 0 {
			v = itoa(r.ContentLength)
		}
		if v != "" {
			b.WriteString(h + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	b.Write(body)
	b.WriteString("\n")
	w.mu.Lock()
	w.reqs = append(w.reqs, b.String())
	w.mu.Unlock()
	rw.Header().Set("Content-Type", "application/json")
	io.WriteString(rw, `{"public_id":"sample","secure_url":"https://example/sample","done":true,"public_ids":["a"]}`)
}

// goldenService returns a Service on the real client pipeline with a fixed
// clock, sending to a recorder.
func goldenService(t *testing.T, opts ...client.Option) (*Service, *wireRecorder) {
	rec := &wireRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	cfg := client.Config{CloudName: "demo", APIKey: "key", APISecret: client.NewSecret("secret"), UploadPrefix: srv.URL}
	c, err := client.New(cfg, append([]client.Option{client.WithClock(func() time.Time { return time.Unix(1700000000, 0) })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return New(c), rec
}

// TestGoldenBodies pins the exact request bodies the real client builds for
// a fully populated parameter set (signed, fixed clock), byte for byte.
// Regenerate with: go test ./upload -run TestGoldenBodies -update
func TestGoldenBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file string
		run  func(t *testing.T, s *Service) error
		opts []client.Option
	}{
		{"upload_url_full.golden", func(t *testing.T, s *Service) error {
			_, err := s.Upload(t.Context(), FromURL("https://example.com/sample.jpg"), fullParams())
			return err
		}, nil},
		{"upload_bytes_full.golden", func(t *testing.T, s *Service) error {
			_, err := s.Upload(t.Context(), FromBytes([]byte("GIF89a fake image bytes")).WithName("sample.gif"), fullParams())
			return err
		}, nil},
		{"upload_bytes_basic_auth.golden", func(t *testing.T, s *Service) error {
			_, err := s.Upload(t.Context(), FromBytes([]byte("hello")), &Params{PublicID: "p", Tags: []string{"a"}})
			return err
		}, []client.Option{client.WithBasicAuthUploads()}},
		{"upload_unsigned.golden", func(t *testing.T, s *Service) error {
			_, err := s.UploadUnsigned(t.Context(), FromURL("data:text/plain;base64,aGVsbG8="), "preset1", &Params{PublicID: "p", Context: Context{"k": "v|w"}})
			return err
		}, nil},
		{"tags_add.golden", func(t *testing.T, s *Service) error {
			_, err := s.AddTags(t.Context(), []string{"t1", "t2"}, []string{"a", "b/c"}, nil)
			return err
		}, nil},
		{"explicit.golden", func(t *testing.T, s *Service) error {
			_, err := s.Explicit(t.Context(), "sample", &Params{Eager: []string{"c_fill,w_100", "w_200/png"}, Metadata: Metadata{"k": "v=1"}, Invalidate: true})
			return err
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			var got [2]string
			for i := range got { // twice: the output must be stable
				s, rec := goldenService(t, tc.opts...)
				if err := tc.run(t, s); err != nil {
					t.Fatal(err)
				}
				if len(rec.reqs) != 1 {
					t.Fatalf("%d requests", len(rec.reqs))
				}
				got[i] = rec.reqs[0]
			}
			if got[0] != got[1] {
				t.Fatal("request body is not stable across runs")
			}
			if strings.Contains(got[0], "secret") && !strings.Contains(tc.file, "basic") {
				t.Fatal("secret in body")
			}
			apitest.Golden(t, tc.file, []byte(got[0]))
			// Urlencoded signed bodies must verify with the shared signer.
			if _, body, _ := strings.Cut(got[0], "\n\n"); strings.Contains(got[0], "x-www-form-urlencoded") && strings.Contains(body, "signature=") {
				vals, err := url.ParseQuery(strings.TrimSpace(body))
				if err != nil {
					t.Fatal(err)
				}
				if !signer.Verify(vals, "secret", vals.Get("signature")) {
					t.Errorf("signature of %s does not verify", tc.file)
				}
			}
		})
	}
}
