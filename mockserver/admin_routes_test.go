package mockserver

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAdminRouteTable(t *testing.T) {
	s := New(fixedClock())
	if _, err := s.PutAsset(Asset{PublicID: "folder/sample", Tags: []string{"t"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, rawPath string
		status          int
		msg             string
	}{
		{"GET", "/v1_1/demo/ping", 200, ""},
		{"HEAD", "/v1_1/demo/ping", 200, ""},
		{"GET", "/v1_1/demo/nothing_here", 404, "Unknown API route /v1_1/demo/nothing_here"},
		{"GET", "/v1_1/demo/resources/image/upload/folder/sample/", 404, "Resource not found"},
		{"PATCH", "/v1_1/demo/upload_presets", 404, "Unsupported method PATCH for /v1_1/demo/upload_presets"},
		{"DELETE", "/v1_1/demo/ping", 404, "Unsupported method DELETE"},
		{"POST", "/v1_1/demo/analysis/analyze/uri", 404, "Unknown API route"}, // the Analysis API lives under /v2
		// Node percent-encodes every segment, even "/" inside paths.
		{"GET", "/v1_1/demo/resources/image/upload/folder%2Fsample", 200, ""},
		{"GET", "/v1_1/demo/resources%2Fimage%2Ftags%2Ft", 200, ""},
		{"GET", "/v1_1/demo/streaming_profiles%2Fhd", 200, ""},
		{"GET", "/v1_1/demo/tags/video", 200, ""},
		{"GET", "/v1_1/demo/tags/pdf", 404, "Unknown API route"},
		{"GET", "/v1_1/demo/resources/00000000000000000000000000000000", 404, "Resource not found - 00000000000000000000000000000000"},
		{"GET", "/v1_1/demo/resources/not-an-asset-id", 404, "Unknown API route"},
	} {
		req := httptest.NewRequest(c.method, "http://mock.test"+c.rawPath, nil)
		req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
		r := serve(t, s, req)
		if r.status != c.status || !strings.HasPrefix(r.msg(), c.msg) {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.rawPath, r.status, r.msg(), c.status, c.msg)
		}
		if c.status != 200 && c.method != "HEAD" && (r.json == nil || r.json["error"] == nil) {
			t.Errorf("%s %s: not Cloudinary's error shape: %s", c.method, c.rawPath, r.body)
		}
	}
	// Every route is labelled for faults and the journal by its root.
	for _, root := range []string{"streaming_profiles", "triggers", "resources", "metadata_rules"} {
		if !s.admin.roots[root] {
			t.Errorf("root %s missing from the route table's roots", root)
		}
	}
}
