package client_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
)

// TestRequestRoot sends a request below another root (the Analysis API's
// v2/<cloud>, the Provisioning API's v1_1/provisioning/accounts/<id>) with
// the same auth and retries as any Admin call.
func TestRequestRoot(t *testing.T) {
	rec := newRecorder(t, status(503, `{"error":{"message":"busy"}}`), ok(`{"data":{"entity":"x"}}`))
	c := newTestClient(t, rec)
	_, err := c.Do(context.Background(), &client.Request{Method: "POST", API: client.AdminAPI, Root: "v2/" + testCloud,
		Path: "analysis/analyze/uri", Body: map[string]string{"uri": "x"}, Idempotent: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hits := rec.Hits()
	if len(hits) != 2 {
		t.Fatalf("%d attempts, want 2 (one retry of the 503)", len(hits))
	}
	for _, h := range hits {
		if h.rawPath != "/v2/demo/analysis/analyze/uri" {
			t.Errorf("path %s, want /v2/demo/analysis/analyze/uri", h.rawPath)
		}
		if user, pass, ok := (&http.Request{Header: h.header}).BasicAuth(); !ok || user != testKey || pass != testSecret {
			t.Errorf("Basic auth %q/%v", user, ok)
		}
	}
	// Without Root the usual v1_1/<cloud> root applies.
	rec2 := newRecorder(t, ok(`{}`))
	if _, err := newTestClient(t, rec2).Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil); err != nil {
		t.Fatal(err)
	}
	if p := rec2.Hits()[0].rawPath; p != "/v1_1/demo/ping" {
		t.Errorf("path %s, want /v1_1/demo/ping", p)
	}
}

func TestRequestRootRejected(t *testing.T) {
	c := newTestClient(t, newRecorder(t))
	for _, root := range []string{"/v2/demo", "v2/../x", "v2?x=1", "a b"} {
		_, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Root: root, Path: "ping"}, nil)
		if err == nil || !strings.Contains(err.Error(), "Root: ") {
			t.Errorf("Root %q: err %v, want a Root error before any request", root, err)
		}
	}
}
