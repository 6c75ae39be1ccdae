package apitest

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata instead of comparing with them")

// Golden compares got with the golden file testdata/name of the test's
// package, or under -update writes it (and its folder). A difference fails
// the test with the lines that differ.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (- want, + got):\n%s", p, lineDiff(string(want), string(got)))
	}
}

// lineDiff lists the lines that differ, pairwise.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + strconv.Quote(wl) + "\n+ " + strconv.Quote(gl) + "\n")
		}
	}
	return b.String()
}

// JSONEqual reports whether a and b hold equal JSON documents; two empty
// (or blank) ones are equal, an empty and a non-empty one are not.
func JSONEqual(a, b []byte) bool {
	a, b = bytes.TrimSpace(a), bytes.TrimSpace(b)
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// Request is one request as a test server received it, its path relative
// to the API's base path (escaped).
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
	Header http.Header
}

// CheckCall reports (t.Errorf) each way r differs from what an endpoint
// table's row expects: the method and path, the query (nil: none), the JSON
// body ("": none; compared as JSON) sent as JSON, and Basic auth with key
// and secret.
func CheckCall(t testing.TB, r Request, method, path string, query url.Values, body, key, secret string) {
	t.Helper()
	if r.Method != method || r.Path != path {
		t.Errorf("request %s %s, want %s %s", r.Method, r.Path, method, path)
	}
	if query == nil {
		query = url.Values{}
	}
	if !reflect.DeepEqual(r.Query, query) {
		t.Errorf("query %v, want %v", r.Query, query)
	}
	if !JSONEqual(r.Body, []byte(body)) {
		t.Errorf("body %s, want %s", r.Body, body)
	}
	if body != "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
	}
	if user, pass, ok := (&http.Request{Header: r.Header}).BasicAuth(); !ok || user != key || pass != secret {
		t.Errorf("Basic auth %q/%v, want the key %q and its secret", user, ok, key)
	}
}

// Transcript is r as one entry of an endpoint table's golden transcript:
// "METHOD /path?query", then the body on its own indented line.
func (r Request) Transcript() string {
	var b strings.Builder
	b.WriteString(r.Method + " /" + r.Path)
	if q := r.Query.Encode(); q != "" {
		b.WriteString("?" + q)
	}
	b.WriteByte('\n')
	if len(r.Body) > 0 {
		b.WriteString("  " + strings.TrimSpace(string(r.Body)) + "\n")
	}
	return b.String()
}
