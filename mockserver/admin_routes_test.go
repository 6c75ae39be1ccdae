package mockserver

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
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

func TestSelectiveAnswersAndUsage(t *testing.T) {
	s := New(fixedClock())
	if _, err := s.PutAsset(Asset{PublicID: "a", Tags: []string{"x"}, Context: map[string]string{"alt": "A"}}); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return strings.Join(ks, ",")
	}
	r := admin(t, s, "GET", "/v1_1/demo/resources/image?fields=bytes,tags&tags=true", nil)
	if got := keys(r.json["resources"].([]any)[0]); got != "asset_id,bytes,public_id,resource_type,tags,type" {
		t.Fatalf("fields= on a list: %s", got)
	}
	r = admin(t, s, "GET", "/v1_1/demo/resources/image?context=true", nil)
	if c := r.json["resources"].([]any)[0].(map[string]any)["context"]; c == nil || c.(map[string]any)["custom"].(map[string]any)["alt"] != "A" {
		t.Fatalf("context=true: %v", r.json)
	}
	r = admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": "tags=x", "fields": []string{"width"}, "with_field": []string{"tags"}})
	if got := keys(r.json["resources"].([]any)[0]); got != "asset_id,public_id,resource_type,type,width" {
		t.Fatalf("fields= on search: %s", got)
	}
	r = admin(t, s, "GET", "/v1_1/demo/usage/01-03-2026", nil)
	for _, k := range []string{"plan", "last_updated", "date_requested", "transformations", "objects", "bandwidth", "storage",
		"impressions", "seconds_delivered", "credits", "requests", "resources", "derived_resources", "media_limits",
		"rate_limit_allowed", "rate_limit_reset_at", "rate_limit_remaining"} {
		if _, ok := r.json[k]; !ok {
			t.Errorf("usage lacks %s", k)
		}
	}
	if r.json["date_requested"] != "2026-03-01T00:00:00Z" || r.json["objects"].(map[string]any)["usage"] != float64(1) {
		t.Fatalf("usage: %v", r.json)
	}
	if r := admin(t, s, "GET", "/v1_1/demo/usage/2026-13-45", nil); r.status != 400 {
		t.Fatalf("bad usage date: %d", r.status)
	}
}

func TestStartAtFormsAndSortBy(t *testing.T) {
	s := New(fixedClock())
	for i, id := range []string{"old", "mid", "new"} {
		if _, err := s.PutAsset(Asset{PublicID: id, CreatedAt: testNow.Add(time.Duration(i-2) * 24 * time.Hour), Width: 10 * (3 - i), Height: 10}); err != nil {
			t.Fatal(err)
		}
	}
	// mid was created 2026-02-28T12:00:00Z; asc from there lists mid and new.
	for _, form := range []string{"2026-02-28T12:00:00Z", "2026-02-28T12:00:00.000Z", "2026-02-28 12:00:00",
		"Sat, 28 Feb 2026 12:00:00 GMT", "Sat Feb 28 2026 12:00:00 GMT+0000 (Coordinated Universal Time)", "1772280000"} {
		r := admin(t, s, "GET", "/v1_1/demo/resources/image?direction=asc&start_at="+url.QueryEscape(form), nil)
		var ids []string
		for _, x := range r.json["resources"].([]any) {
			ids = append(ids, x.(map[string]any)["public_id"].(string))
		}
		if strings.Join(ids, ",") != "mid,new" {
			t.Errorf("start_at %q: %d %v %s", form, r.status, ids, r.msg())
		}
	}
	if r := admin(t, s, "GET", "/v1_1/demo/resources/image?start_at=yesterday", nil); r.status != 400 || !strings.HasPrefix(r.msg(), "Invalid start_at") {
		t.Fatalf("bad start_at: %d %s", r.status, r.msg())
	}
	r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": "resource_type:image", "sort_by": []any{map[string]string{"pixels": "asc"}}})
	first := r.json["resources"].([]any)[0].(map[string]any)["public_id"]
	if first != "new" {
		t.Fatalf("sort_by pixels asc: first %v", first)
	}
	if r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": "", "sort_by": []any{map[string]string{"colour": "asc"}}}); r.status != 400 || r.msg() != "Invalid sort_by field colour" {
		t.Fatalf("unknown sort field: %d %s", r.status, r.msg())
	}
}
