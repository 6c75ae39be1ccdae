package client_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

const (
	testKey    = "123456789012345"
	testSecret = "CANARY-s3cr3t-7f3a9c1e" // the canary: must never appear in any output
	testCloud  = "demo"
)

func testConfig(base string) client.Config {
	return client.Config{CloudName: testCloud, APIKey: testKey, APISecret: client.NewSecret(testSecret), UploadPrefix: base}
}

// hit is one request as the server saw it.
type hit struct {
	at       time.Time
	method   string
	path     string
	rawPath  string
	query    url.Values
	header   http.Header
	form     url.Values // urlencoded or multipart fields
	fileSize int64
	fileName string
	body     []byte // raw body (only when not multipart)
	clen     int64
	te       []string
}

// recorder is a scripted httptest server: each request gets the next step.
type recorder struct {
	mu    sync.Mutex
	hits  []hit
	steps []func(w http.ResponseWriter, r *http.Request)
	srv   *httptest.Server
}

func newRecorder(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) *recorder {
	t.Helper()
	rec := &recorder{steps: steps}
	rec.srv = httptest.NewServer(http.HandlerFunc(rec.serve))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (rec *recorder) serve(w http.ResponseWriter, r *http.Request) {
	h := hit{at: time.Now(), method: r.Method, path: r.URL.Path, rawPath: r.URL.EscapedPath(), query: r.URL.Query(),
		header: r.Header.Clone(), form: url.Values{}, clen: r.ContentLength, te: r.TransferEncoding}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				h.fileName = p.FileName()
				h.fileSize, _ = io.Copy(io.Discard, p)
				continue
			}
			b, _ := io.ReadAll(p)
			h.form.Add(p.FormName(), string(b))
		}
	case "application/x-www-form-urlencoded":
		b, _ := io.ReadAll(r.Body)
		h.body = b
		h.form, _ = url.ParseQuery(string(b))
	default:
		h.body, _ = io.ReadAll(r.Body)
	}
	rec.mu.Lock()
	i := len(rec.hits)
	rec.hits = append(rec.hits, h)
	rec.mu.Unlock()
	if i < len(rec.steps) {
		rec.steps[i](w, r)
		return
	}
	http.Error(w, `{"error":{"message":"unexpected extra request"}}`, http.StatusTeapot)
}

func (rec *recorder) Hits() []hit {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]hit(nil), rec.hits...)
}

func status(code int, body string, headers ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func ok(body string) func(w http.ResponseWriter, r *http.Request) { return status(200, body) }

// newTestClient builds a client against rec with short retry waits.
func newTestClient(t *testing.T, rec *recorder, opts ...client.Option) *client.Client {
	t.Helper()
	all := append([]client.Option{client.WithHTTPClient(rec.srv.Client()), client.WithRetry(4, time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := client.New(testConfig(rec.srv.URL), all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustContainNone(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, testSecret) {
		t.Errorf("%s contains the secret canary: %s", where, s)
	}
}
