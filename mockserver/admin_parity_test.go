package mockserver

import (
	"bytes"
	"github.com/cldrest/cldrest/mockserver/transform"

	"net/url"
	"strings"
	"testing"
)

// TestPublishMovesAssetsToUpload publishes a private asset by tag and checks
// that later reads find it as type upload (and no longer as private), and
// that a clash with an existing public asset fails without overwrite.
func TestPublishMovesAssetsToUpload(t *testing.T) {
	s := New(fixedClock())
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"p/one"}, "type": {"private"}, "tags": {"launch"}}, "a.png", pngBytes(4, 4, 64)), 200)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"p/two"}, "type": {"authenticated"}, "tags": {"launch"}}, "b.png", pngBytes(4, 4, 64)), 200)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"p/two"}, "tags": {"old"}}, "c.png", pngBytes(4, 4, 64)), 200)

	r := admin(t, s, "POST", "/v1_1/demo/resources/image/publish_resources", map[string]any{"tag": "launch"})
	mustStatus(t, r, 200)
	pub := r.json["published"].([]any)
	failed := r.json["failed"].([]any)
	if len(pub) != 1 || pub[0].(map[string]any)["public_id"] != "p/one" || pub[0].(map[string]any)["type"] != "upload" {
		t.Fatalf("published %v", pub)
	}
	if len(failed) != 1 || failed[0].(map[string]any)["public_id"] != "p/two" || !strings.Contains(failed[0].(map[string]any)["error"].(string), "already exists") {
		t.Fatalf("failed %v", failed)
	}
	mustStatus(t, admin(t, s, "GET", "/v1_1/demo/resources/image/upload/p/one", nil), 200)
	mustStatus(t, admin(t, s, "GET", "/v1_1/demo/resources/image/private/p/one", nil), 404)

	// Overwrite replaces the public asset; publishing by IDs (form, as the
	// Node SDK sends it) reports an unknown ID as failed.
	r = serveForm(t, s, "/v1_1/demo/resources/image/publish_resources", url.Values{"public_ids[]": {"p/two", "nope"}, "overwrite": {"true"}})
	mustStatus(t, r, 200)
	if pub := r.json["published"].([]any); len(pub) != 1 || pub[0].(map[string]any)["public_id"] != "p/two" {
		t.Fatalf("published %v", pub)
	}
	if f := r.json["failed"].([]any); len(f) != 1 || f[0].(map[string]any)["public_id"] != "nope" {
		t.Fatalf("failed %v", f)
	}
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/p/two", nil)
	if tags := d.json["tags"].([]any); len(tags) != 1 || tags[0] != "launch" {
		t.Fatalf("overwritten asset has tags %v, want the published one's", tags)
	}

	for _, tc := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{}, "exactly one of public_ids, prefix or tag"},
		{map[string]any{"prefix": "p/", "tag": "x"}, "exactly one"},
		{map[string]any{"prefix": "p/", "type": "upload"}, "Invalid type upload"},
	} {
		r := admin(t, s, "POST", "/v1_1/demo/resources/image/publish_resources", tc.body)
		if r.status != 400 || !strings.Contains(r.msg(), tc.msg) {
			t.Errorf("%v: %d %q, want 400 %q", tc.body, r.status, r.msg(), tc.msg)
		}
	}
}

// TestUpdateAccessMode changes access_mode by prefix and by IDs and checks
// later reads (details and listings) show it.
func TestUpdateAccessMode(t *testing.T) {
	s := New(fixedClock())
	for _, id := range []string{"docs/a", "docs/b", "img/c"} {
		mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {id}, "tags": {"t"}}, "a.png", pngBytes(4, 4, 64)), 200)
	}
	r := admin(t, s, "POST", "/v1_1/demo/resources/image/upload/update_access_mode", map[string]any{"access_mode": "authenticated", "prefix": "docs/"})
	mustStatus(t, r, 200)
	if u := r.json["updated"].([]any); len(u) != 2 || u[0].(map[string]any)["access_mode"] != "authenticated" {
		t.Fatalf("updated %v", u)
	}
	modes := func() map[string]string {
		l := admin(t, s, "GET", "/v1_1/demo/resources/image/upload", nil)
		out := map[string]string{}
		for _, it := range l.json["resources"].([]any) {
			m := it.(map[string]any)
			out[m["public_id"].(string)] = m["access_mode"].(string)
		}
		return out
	}
	if m := modes(); m["docs/a"] != "authenticated" || m["docs/b"] != "authenticated" || m["img/c"] != "public" {
		t.Fatalf("modes after prefix %v", m)
	}
	r = serveForm(t, s, "/v1_1/demo/resources/image/upload/update_access_mode", url.Values{"access_mode": {"public"}, "public_ids[]": {"docs/a", "gone"}})
	mustStatus(t, r, 200)
	if f := r.json["failed"].([]any); len(f) != 1 || f[0].(map[string]any)["public_id"] != "gone" {
		t.Fatalf("failed %v", f)
	}
	if d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/docs/a", nil); d.str("access_mode") != "public" {
		t.Fatalf("details access_mode %q", d.str("access_mode"))
	}
	for _, tc := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"tag": "t"}, "Missing required parameter - access_mode"},
		{map[string]any{"access_mode": "private", "tag": "t"}, "Invalid access_mode private"},
	} {
		r := admin(t, s, "POST", "/v1_1/demo/resources/image/upload/update_access_mode", tc.body)
		if r.status != 400 || r.msg() != tc.msg && !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("%v: %d %q, want 400 %q", tc.body, r.status, r.msg(), tc.msg)
		}
	}
}

// TestDeleteBackup deletes the backup of a deleted asset: restore then
// answers no_backup.
func TestDeleteBackup(t *testing.T) {
	s := New(fixedClock())
	up := uploadFile(t, s, "image", url.Values{"public_id": {"b1"}}, "a.png", pngBytes(4, 4, 64))
	mustStatus(t, up, 200)
	assetID, versionID := up.str("asset_id"), up.str("version_id")
	mustStatus(t, admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": []string{"b1"}}), 200)

	r := admin(t, s, "DELETE", "/v1_1/demo/resources/backup/"+assetID, map[string]any{"version_ids": []string{"v-unknown"}})
	if r.status != 404 || !strings.Contains(r.msg(), "v-unknown") {
		t.Fatalf("unknown version: %d %s", r.status, r.body)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/backup/"+assetID, map[string]any{"version_ids": []string{versionID}})
	mustStatus(t, r, 200)
	if r.str("asset_id") != assetID || r.json["deleted_version_ids"].([]any)[0] != versionID {
		t.Fatalf("answer %s", r.body)
	}
	r = admin(t, s, "POST", "/v1_1/demo/resources/image/upload/restore", map[string]any{"public_ids": []string{"b1"}})
	mustStatus(t, r, 200)
	if e := r.json["b1"].(map[string]any)["error"]; e != "no_backup" {
		t.Fatalf("restore after deleting the backup: %s", r.body)
	}
	mustStatus(t, admin(t, s, "DELETE", "/v1_1/demo/resources/backup/"+strings.Repeat("0", 32), map[string]any{"version_ids": []string{"v"}}), 404)
	if r := admin(t, s, "DELETE", "/v1_1/demo/resources/backup/"+assetID, nil); r.status != 400 && r.status != 404 {
		t.Fatalf("no version_ids: %d %s", r.status, r.body)
	}
}

// TestDownloadBackup: the signed GET download_backup serves the bytes of a
// backed-up version (of a live or a deleted asset), refuses a bad signature,
// and answers 404 once the backup is deleted.
func TestDownloadBackup(t *testing.T) {
	s := New(fixedClock())
	data := pngBytes(5, 3, 77)
	up := uploadFile(t, s, "image", url.Values{"public_id": {"bk"}}, "a.png", data)
	mustStatus(t, up, 200)
	assetID, versionID := up.str("asset_id"), up.str("version_id")
	get := func(p url.Values) result {
		return serve(t, s, newReq("GET", "/v1_1/demo/download_backup?"+p.Encode(), nil, ""))
	}
	q := url.Values{"asset_id": {assetID}, "version_id": {versionID}}
	r := get(signed(t, q, DefaultAPIKey, DefaultAPISecret, testNow))
	mustStatus(t, r, 200)
	if !bytes.Equal(r.body, data) || !strings.Contains(r.header.Get("Content-Disposition"), `filename="bk.png"`) {
		t.Fatalf("live backup: %d bytes, disposition %q", len(r.body), r.header.Get("Content-Disposition"))
	}
	if r := get(signed(t, q, DefaultAPIKey, "wrong-secret", testNow)); r.status != 401 {
		t.Errorf("bad signature: %d %s", r.status, r.body)
	}
	mustStatus(t, admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": []string{"bk"}}), 200)
	if r := get(signed(t, q, DefaultAPIKey, DefaultAPISecret, testNow)); r.status != 200 || !bytes.Equal(r.body, data) {
		t.Errorf("backup of a deleted asset: %d %.100s", r.status, r.body)
	}
	if r := get(signed(t, url.Values{"asset_id": {assetID}, "version_id": {"nope"}}, DefaultAPIKey, DefaultAPISecret, testNow)); r.status != 404 || r.msg() != "Backup version not found - nope" {
		t.Errorf("unknown version: %d %s", r.status, r.body)
	}
	mustStatus(t, admin(t, s, "DELETE", "/v1_1/demo/resources/backup/"+assetID, map[string]any{"version_ids": []string{versionID}}), 200)
	if r := get(signed(t, q, DefaultAPIKey, DefaultAPISecret, testNow)); r.status != 404 {
		t.Errorf("deleted backup: %d %s", r.status, r.body)
	}
	if r := get(signed(t, url.Values{"asset_id": {assetID}}, DefaultAPIKey, DefaultAPISecret, testNow)); r.status != 400 || r.msg() != "Missing required parameter - version_id" {
		t.Errorf("no version_id: %d %s", r.status, r.body)
	}
}

// TestMetadataRules runs list, add, update and delete with real state and
// Cloudinary's validation.
func TestMetadataRules(t *testing.T) {
	s := New(fixedClock())
	mustStatus(t, admin(t, s, "POST", "/v1_1/demo/metadata_fields", map[string]any{"external_id": "team", "type": "string", "label": "Team"}), 200)
	rule := map[string]any{"metadata_field_id": "team", "name": "employees",
		"condition": map[string]any{"metadata_field_id": "team", "populated": true}, "result": map[string]any{"enable": true}}
	r := admin(t, s, "POST", "/v1_1/demo/metadata_rules", rule)
	mustStatus(t, r, 200)
	id := r.str("external_id")
	if id == "" || r.str("state") != "active" || r.num("position") != 1 || r.str("condition_signature") == "" {
		t.Fatalf("created %s", r.body)
	}
	r = admin(t, s, "PUT", "/v1_1/demo/metadata_rules/"+id, map[string]any{"state": "inactive", "name": "staff"})
	mustStatus(t, r, 200)
	l := admin(t, s, "GET", "/v1_1/demo/metadata_rules", nil)
	rules := l.json["metadata_rules"].([]any)
	if len(rules) != 1 || rules[0].(map[string]any)["state"] != "inactive" || rules[0].(map[string]any)["name"] != "staff" {
		t.Fatalf("list %s", l.body)
	}
	for _, tc := range []struct {
		method, path string
		body         map[string]any
		status       int
		msg          string
	}{
		{"POST", "/v1_1/demo/metadata_rules", map[string]any{"name": "x"}, 400, "Missing required parameter - metadata_field_id"},
		{"POST", "/v1_1/demo/metadata_rules", map[string]any{"metadata_field_id": "nope", "name": "x", "condition": map[string]any{}, "result": map[string]any{}}, 404, "Metadata field nope not found"},
		{"POST", "/v1_1/demo/metadata_rules", map[string]any{"metadata_field_id": "team", "name": "x", "condition": "[1]", "result": map[string]any{}}, 400, "Invalid condition"},
		{"PUT", "/v1_1/demo/metadata_rules/" + id, map[string]any{"state": "on"}, 400, "Invalid state on"},
		{"PUT", "/v1_1/demo/metadata_rules/missing", map[string]any{"name": "y"}, 404, "Metadata rule missing not found"},
	} {
		r := admin(t, s, tc.method, tc.path, tc.body)
		if r.status != tc.status || !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("%s %s %v: %d %q, want %d %q", tc.method, tc.path, tc.body, r.status, r.msg(), tc.status, tc.msg)
		}
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/metadata_rules/"+id, nil)
	mustStatus(t, r, 200)
	if r.json["success"] != true {
		t.Fatalf("delete %s", r.body)
	}
	if l := admin(t, s, "GET", "/v1_1/demo/metadata_rules", nil); len(l.json["metadata_rules"].([]any)) != 0 {
		t.Fatalf("after delete %s", l.body)
	}
}

// TestAnalysisAPI answers /v2/<cloud>/analysis/analyze/uri with the
// Analysis API's envelope, authenticated and rate limited like the Admin API.
func TestAnalysisAPI(t *testing.T) {
	s := New(fixedClock())
	r := admin(t, s, "POST", "/v2/demo/analysis/analyze/uri", map[string]any{"uri": "https://example.com/a.jpg", "analysis_type": "captioning"})
	mustStatus(t, r, 200)
	data := r.json["data"].(map[string]any)
	if data["entity"] != "https://example.com/a.jpg" || r.str("request_id") != r.header.Get("X-Request-Id") || r.header.Get("X-FeatureRateLimit-Limit") == "" {
		t.Fatalf("answer %s %v", r.body, r.header)
	}
	if _, ok := data["analysis"].(map[string]any)["data"].(map[string]any)["caption"]; !ok {
		t.Fatalf("captioning answer without a caption: %s", r.body)
	}
	for _, tc := range []struct {
		path   string
		body   map[string]any
		status int
		msg    string
	}{
		{"/v2/demo/analysis/analyze/uri", map[string]any{"analysis_type": "coco"}, 400, "Missing required parameter - uri"},
		{"/v2/demo/analysis/analyze/uri", map[string]any{"uri": "u", "analysis_type": "bogus"}, 400, "Invalid analysis_type bogus"},
		{"/v2/demo/analysis/analyze/uri", map[string]any{"uri": "u", "analysis_type": "custom"}, 400, "Analysis type custom requires"},
		{"/v2/other/analysis/analyze/uri", map[string]any{"uri": "u", "analysis_type": "coco"}, 401, "Invalid cloud_name other"},
		{"/v2/demo/analysis/analyze/nope", map[string]any{"uri": "u", "analysis_type": "coco"}, 404, "Unknown API route"},
	} {
		r := admin(t, s, "POST", tc.path, tc.body)
		if r.status != tc.status || !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("%s %v: %d %q, want %d %q", tc.path, tc.body, r.status, r.msg(), tc.status, tc.msg)
		}
	}
	custom := admin(t, s, "POST", "/v2/demo/analysis/analyze/uri", map[string]any{"uri": "u", "analysis_type": "custom",
		"parameters": map[string]any{"custom": map[string]any{"model_name": "m", "model_version": 1}}})
	mustStatus(t, custom, 200)
	req := newReq("POST", "/v2/demo/analysis/analyze/uri", strings.NewReader(`{"uri":"u","analysis_type":"coco"}`), "application/json")
	if r := serve(t, s, req); r.status != 401 {
		t.Fatalf("no credentials: %d", r.status)
	}
}

// serveForm sends an Admin call with a urlencoded body (the Node SDK's
// form) and Basic auth.
func serveForm(t testing.TB, s *Server, path string, form url.Values) result {
	t.Helper()
	req := newReq("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
	return serve(t, s, req)
}

// TestSpriteMultiDownloadGET: the signed download URLs of sprite and multi
// (GET with mode=download) serve the generated image itself.
func TestSpriteMultiDownloadGET(t *testing.T) {
	s := New(fixedClock())
	mustStatus(t, uploadFile(t, s, "image", url.Values{"tags": {"t"}}, "a.png", pngBytes(6, 4, 100)), 200)
	for action, format := range map[string]string{"sprite": "png", "multi": "gif"} {
		p := signed(t, url.Values{"tag": {"t"}, "mode": {"download"}}, DefaultAPIKey, DefaultAPISecret, testNow)
		r := serve(t, s, newReq("GET", "/v1_1/demo/image/"+action+"?"+p.Encode(), nil, ""))
		mustStatus(t, r, 200)
		if info, err := transform.DecodeInfo(r.body); err != nil || info.Format != format || info.Width != 6 || info.Height != 4 {
			t.Errorf("GET %s: %+v %v", action, info, err)
		}
	}
	p := signed(t, url.Values{"tag": {"none"}, "mode": {"download"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	if r := serve(t, s, newReq("GET", "/v1_1/demo/image/sprite?"+p.Encode(), nil, "")); r.status != 404 || r.msg() != "No images found with tag none" {
		t.Errorf("sprite of no images: %d %s", r.status, r.body)
	}
}
