package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

// testNow is the fixed clock of most tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() Option { return WithClock(func() time.Time { return testNow }) }

// signed returns params plus timestamp, api_key and a SHA-1 v2 signature.
func signed(t testing.TB, params url.Values, key, secret string, ts time.Time) url.Values {
	t.Helper()
	out := url.Values{}
	for k, v := range params {
		out[k] = append([]string(nil), v...)
	}
	if out.Get("timestamp") == "" {
		out.Set("timestamp", strconv.FormatInt(ts.Unix(), 10))
	}
	sig, err := signer.Sign(out, secret, signer.SHA1, 2)
	if err != nil {
		t.Fatal(err)
	}
	out.Set("signature", sig)
	out.Set("api_key", key)
	return out
}

// multipartBody builds a multipart body with params and an optional file part.
func multipartBody(t testing.TB, params url.Values, filename string, file []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range params {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

type result struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r result) msg() string {
	if e, ok := r.json["error"].(map[string]any); ok {
		s, _ := e["message"].(string)
		return s
	}
	return ""
}

func (r result) str(k string) string {
	v, _ := r.json[k].(string)
	return v
}

func (r result) num(k string) int64 {
	v, _ := r.json[k].(float64)
	return int64(v)
}

// serve runs one request through h in-process.
func serve(t testing.TB, h http.Handler, req *http.Request) result {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(res.body, &res.json); err != nil {
			t.Fatalf("response is not JSON: %v: %s", err, res.body)
		}
	}
	return res
}

func newReq(method, target string, body io.Reader, ctype string) *http.Request {
	req := httptest.NewRequest(method, target, body)
	req.Host = "mock.test"
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req
}

// uploadFile does a signed multipart upload with the default credentials.
func uploadFile(t testing.TB, h http.Handler, rt string, params url.Values, filename string, data []byte) result {
	t.Helper()
	p := signed(t, params, DefaultAPIKey, DefaultAPISecret, nowOf(h))
	body, ct := multipartBody(t, p, filename, data)
	return serve(t, h, newReq("POST", "/v1_1/demo/"+rt+"/upload", body, ct))
}

// postForm sends a signed urlencoded Upload API call.
func postForm(t testing.TB, h http.Handler, path string, params url.Values) result {
	t.Helper()
	p := signed(t, params, DefaultAPIKey, DefaultAPISecret, nowOf(h))
	return serve(t, h, newReq("POST", path, strings.NewReader(p.Encode()), "application/x-www-form-urlencoded"))
}

// admin sends an Admin API call with Basic auth; body may be nil.
func admin(t testing.TB, h http.Handler, method, path string, body any) result {
	t.Helper()
	var rd io.Reader
	ct := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(b), "application/json"
	}
	req := newReq(method, path, rd, ct)
	req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
	return serve(t, h, req)
}

// pngBytes returns a real w x h PNG (a flat colour), padded after its IEND
// chunk to n bytes when it is shorter.
func pngBytes(w, h, n int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	for len(b) < n {
		b = append(b, byte(len(b)))
	}
	return b
}

func mustStatus(t testing.TB, r result, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

var _ = fmt.Sprintf

// nowOf is the server's clock for a *Server, else testNow.
func nowOf(h http.Handler) time.Time {
	if s, ok := h.(*Server); ok {
		return s.Now()
	}
	return testNow
}
