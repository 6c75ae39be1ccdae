package admin

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

const (
	testCloud  = "demo"
	testKey    = "123456789012345"
	testSecret = "canary-SECRET-a8f3e1" // must never appear in any output
	basePath   = "/v1_1/" + testCloud + "/"
)

// seen is one request as the test server received it.
type seen = apitest.Request

// fixture is a go-github style test server: a mux under /v1_1/<cloud>/
// (requests outside it fail the test) and a Service pointing at it.
type fixture struct {
	t   *testing.T
	srv *httptest.Server
	svc *Service
	mux *http.ServeMux

	mu   sync.Mutex
	reqs []seen
}

// setup starts a server that records every request and answers with
// handler. Every answer carries X-FeatureRateLimit-* and X-Request-Id.
func setup(t *testing.T, handler http.HandlerFunc, opts ...client.Option) *fixture {
	t.Helper()
	f := &fixture{t: t, mux: http.NewServeMux()}
	f.mux.HandleFunc(basePath, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{
			Method: r.Method,
			Path:   strings.TrimPrefix(r.URL.EscapedPath(), basePath),
			Query:  r.URL.Query(),
			Body:   body,
			Header: r.Header.Clone(),
		})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("X-FeatureRateLimit-Limit", "500")
		h.Set("X-FeatureRateLimit-Remaining", "499")
		h.Set("X-FeatureRateLimit-Reset", "Sat, 01 Apr 2017 22:00:00 GMT")
		h.Set("X-Request-Id", "req-1")
		handler(w, r)
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, basePath) {
			t.Errorf("request outside the API base path: %s %s", r.Method, r.URL.Path)
			http.Error(w, `{"error":{"message":"bad path"}}`, http.StatusNotFound)
			return
		}
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	c, err := client.New(client.Config{
		CloudName:    testCloud,
		APIKey:       testKey,
		APISecret:    client.NewSecret(testSecret),
		UploadPrefix: f.srv.URL,
		Timeout:      10 * time.Second,
	}, opts...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	f.svc = New(c)
	return f
}

func (f *fixture) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// metaOf returns the client.Response stored in a result embedding client.Meta.
func metaOf(v any) (*client.Response, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, false
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, false
	}
	m := rv.FieldByName("Meta")
	if !m.IsValid() {
		return nil, false
	}
	return m.Interface().(client.Meta).Response, true
}

// sp joins its operands with spaces (fmt.Sprintln without the newline).
func sp(args ...any) string { return strings.TrimSuffix(fmt.Sprintln(args...), "\n") }
