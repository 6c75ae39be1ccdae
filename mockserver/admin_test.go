package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

func ids(r result, key string) []string {
	var out []string
	list, _ := r.json[key].([]any)
	for _, x := range list {
		m := x.(map[string]any)
		out = append(out, m["public_id"].(string))
	}
	return out
}

// seed uploads n images named prefix0..prefixN-1, one second apart.
func seedAssets(t *testing.T, s *Server, now *time.Time, prefix string, n int, params url.Values) {
	t.Helper()
	for i := 0; i < n; i++ {
		p := url.Values{"public_id": {fmt.Sprintf("%s%d", prefix, i)}}
		for k, v := range params {
			p[k] = v
		}
		mustStatus(t, uploadFile(t, s, "image", p, "f.png", pngBytes(i+1, 1, 100+i)), 200)
		*now = now.Add(time.Second)
	}
}

func TestAdminListAndPaginate(t *testing.T) {
	now := testNow
	s := New(WithClock(func() time.Time { return now }))
	seedAssets(t, s, &now, "p/", 25, url.Values{"tags": {"t"}})
	seedAssets(t, s, &now, "q/", 3, url.Values{"asset_folder": {"af"}, "context": {"k=v"}, "moderation": {"manual"}})
	var all []string
	cursor := ""
	for page := 0; page < 10; page++ {
		q := url.Values{"prefix": {"p/"}, "max_results": {"10"}}
		if cursor != "" {
			q.Set("next_cursor", cursor)
		}
		r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload?"+q.Encode(), nil)
		mustStatus(t, r, 200)
		all = append(all, ids(r, "resources")...)
		cursor = r.str("next_cursor")
		if cursor == "" {
			break
		}
	}
	if len(all) != 25 || all[0] != "p/24" || all[24] != "p/0" {
		t.Fatalf("paged listing (newest first): %v", all)
	}
	cases := []struct {
		path string
		want []string
	}{
		{"/v1_1/demo/resources/image/tags/t?max_results=2", []string{"p/24", "p/23"}},
		{"/v1_1/demo/resources/image/context?key=k&value=v", []string{"q/2", "q/1", "q/0"}},
		{"/v1_1/demo/resources/image/moderations/manual/pending", []string{"q/2", "q/1", "q/0"}},
		{"/v1_1/demo/resources/image/upload?public_ids%5B%5D=p/3&public_ids%5B%5D=q/1", []string{"q/1", "p/3"}},
		{"/v1_1/demo/resources/image/upload?public_ids=p/3,q/1&direction=asc", []string{"p/3", "q/1"}},
		{"/v1_1/demo/resources/by_asset_folder?asset_folder=af&max_results=1", []string{"q/2"}},
	}
	for _, c := range cases {
		r := admin(t, s, "GET", c.path, nil)
		mustStatus(t, r, 200)
		if got := ids(r, "resources"); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: %v, want %v", c.path, got, c.want)
		}
	}
	r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload?max_results=501", nil)
	mustStatus(t, r, 400)
	// Details by public ID (Node encodes "/" as %2F) and by asset ID.
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/p%2F3", nil)
	mustStatus(t, d, 200)
	byID := admin(t, s, "GET", "/v1_1/demo/resources/"+d.str("asset_id"), nil)
	mustStatus(t, byID, 200)
	if byID.str("public_id") != "p/3" {
		t.Fatalf("%s", byID.body)
	}
	ai := admin(t, s, "GET", "/v1_1/demo/resources/by_asset_ids?asset_ids[]="+d.str("asset_id"), nil)
	if got := ids(ai, "resources"); len(got) != 1 || got[0] != "p/3" {
		t.Fatalf("%v", got)
	}
	nf := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/nope", nil)
	mustStatus(t, nf, 404)
	if nf.msg() != "Resource not found - nope" {
		t.Fatalf("%q", nf.msg())
	}
	// Update (Go sends JSON with comma strings).
	up := admin(t, s, "POST", "/v1_1/demo/resources/image/upload/p/3", map[string]any{"tags": "x,y", "context": "a=b", "display_name": "Three", "moderation_status": "approved"})
	mustStatus(t, up, 200)
	if up.str("display_name") != "Three" || fmt.Sprint(up.json["tags"]) != "[x y]" || up.json["moderation_status"] != "approved" {
		t.Fatalf("%s", up.body)
	}
	tags := admin(t, s, "GET", "/v1_1/demo/tags/image?prefix=", nil)
	if fmt.Sprint(tags.json["tags"]) != "[t x y]" {
		t.Fatalf("%s", tags.body)
	}
	types := admin(t, s, "GET", "/v1_1/demo/resources", nil)
	if fmt.Sprint(types.json["resource_types"]) != "[image]" {
		t.Fatalf("%s", types.body)
	}
}

func TestAdminDeleteAndRestore(t *testing.T) {
	now := testNow
	s := New(WithClock(func() time.Time { return now }))
	seedAssets(t, s, &now, "a", 3, nil)
	r := admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": "a0,zz"})
	mustStatus(t, r, 200)
	del := r.json["deleted"].(map[string]any)
	if del["a0"] != "deleted" || del["zz"] != "not_found" || r.json["partial"] != false {
		t.Fatalf("%s", r.body)
	}
	res := admin(t, s, "POST", "/v1_1/demo/resources/image/upload/restore", map[string]any{"public_ids": []string{"a0", "never"}})
	mustStatus(t, res, 200)
	if res.json["a0"].(map[string]any)["public_id"] != "a0" || res.json["never"].(map[string]any)["error"] != "no_backup" {
		t.Fatalf("%s", res.body)
	}
	if d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/a0", nil); d.status != 200 {
		t.Fatalf("restored asset missing")
	}
	// By tag and prefix.
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/tags", url.Values{"command": {"add"}, "tag": {"gone"}, "public_ids": {"a1"}}), 200)
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/tags/gone", nil)
	if fmt.Sprint(r.json["deleted"]) != "map[a1:deleted]" {
		t.Fatalf("%s", r.body)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?prefix=a", nil)
	if len(r.json["deleted"].(map[string]any)) != 2 {
		t.Fatalf("%s", r.body)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": "a", "prefix": "b"})
	mustStatus(t, r, 400)
}

func TestAdminDeleteAllIsPartialOver1000(t *testing.T) {
	s := New(fixedClock())
	// Ten real uploads, the rest stored directly: the API path is the same.
	for i := 0; i < 10; i++ {
		mustStatus(t, postForm(t, s, "/v1_1/demo/raw/upload", url.Values{"public_id": {fmt.Sprint(i)}, "file": {"data:text/plain;base64,eA=="}}), 200)
	}
	for i := 10; i < 1001; i++ {
		s.st.put(&asset{AssetID: fmt.Sprintf("%032x", i), PublicID: fmt.Sprint(i), ResourceType: "raw", Type: "upload",
			VersionID: fmt.Sprintf("%032x", i), Blob: fmt.Sprintf("%032x", i), CreatedAt: testNow.Add(time.Duration(i) * time.Second)})
	}
	r := admin(t, s, "DELETE", "/v1_1/demo/resources/raw/upload?all=true", nil)
	mustStatus(t, r, 200)
	if r.json["partial"] != true || len(r.json["deleted"].(map[string]any)) != 1000 || r.str("next_cursor") == "" {
		t.Fatalf("partial=%v deleted=%d", r.json["partial"], len(r.json["deleted"].(map[string]any)))
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/raw/upload?all=true&next_cursor="+r.str("next_cursor"), nil)
	if r.json["partial"] != false || len(r.json["deleted"].(map[string]any)) != 1 {
		t.Fatalf("%s", r.body)
	}
}

func TestAdminRateLimit(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 59, 0, 0, time.UTC)
	s := New(WithClock(func() time.Time { return now }), WithAdminBudget(3))
	for i := 0; i < 3; i++ {
		r := admin(t, s, "GET", "/v1_1/demo/ping", nil)
		mustStatus(t, r, 200)
		if r.header.Get("X-FeatureRateLimit-Limit") != "3" || r.header.Get("X-FeatureRateLimit-Remaining") != fmt.Sprint(2-i) ||
			r.header.Get("X-FeatureRateLimit-Reset") != "Sun, 01 Mar 2026 13:00:00 GMT" || r.header.Get("X-Request-Id") == "" {
			t.Fatalf("headers %v", r.header)
		}
	}
	r := admin(t, s, "GET", "/v1_1/demo/ping", nil)
	mustStatus(t, r, 420)
	if r.msg() != "Rate Limit Exceeded" || r.header.Get("Retry-After") != "61" {
		t.Fatalf("%s %v", r.body, r.header)
	}
	// Uploads are not rate limited.
	mustStatus(t, uploadFile(t, s, "image", nil, "a.png", pngBytes(1, 1, 30)), 200)
	now = now.Add(time.Minute)
	mustStatus(t, admin(t, s, "GET", "/v1_1/demo/ping", nil), 200)
}

func TestAdminFoldersPresetsMappingsTransformations(t *testing.T) {
	s := New(fixedClock())
	steps := []struct {
		method, path string
		body         any
		status       int
		check        func(r result) bool
	}{
		{"POST", "/v1_1/demo/folders/a/b", nil, 200, func(r result) bool { return r.json["success"] == true && r.str("path") == "a/b" }},
		{"POST", "/v1_1/demo/folders/a/b", nil, 409, nil},
		{"POST", "/v1_1/demo/folders/x", nil, 200, nil},
		{"GET", "/v1_1/demo/folders", nil, 200, func(r result) bool { return fmt.Sprint(folderPaths(r)) == "[a x]" }},
		{"GET", "/v1_1/demo/folders/a", nil, 200, func(r result) bool { return fmt.Sprint(folderPaths(r)) == "[a/b]" }},
		{"GET", "/v1_1/demo/folders/nope", nil, 404, func(r result) bool { return r.msg() == "Can't find folder with path nope" }},
		{"PUT", "/v1_1/demo/folders/a/b", map[string]any{"to_folder": "a/c"}, 200, func(r result) bool { return r.json["to"].(map[string]any)["path"] == "a/c" }},
		{"GET", "/v1_1/demo/folders/a", nil, 200, func(r result) bool { return fmt.Sprint(folderPaths(r)) == "[a/c]" }},
		{"DELETE", "/v1_1/demo/folders/x", nil, 200, func(r result) bool { return fmt.Sprint(r.json["deleted"]) == "[x]" }},
		{"POST", "/v1_1/demo/folders/..", nil, 400, nil},
		{"POST", "/v1_1/demo/upload_presets", map[string]any{"name": "p1", "unsigned": true, "folder": "uploads", "tags": "u"}, 200, func(r result) bool { return r.str("name") == "p1" }},
		{"POST", "/v1_1/demo/upload_presets", map[string]any{"name": "p1"}, 409, nil},
		{"GET", "/v1_1/demo/upload_presets/p1", nil, 200, func(r result) bool {
			return r.json["unsigned"] == true && r.json["settings"].(map[string]any)["folder"] == "uploads"
		}},
		{"PUT", "/v1_1/demo/upload_presets/p1", map[string]any{"tags": "v"}, 200, nil},
		{"GET", "/v1_1/demo/upload_presets", nil, 200, func(r result) bool { return len(r.json["presets"].([]any)) == 1 }},
		{"POST", "/v1_1/demo/upload_mappings", map[string]any{"folder": "remote", "template": "https://example.com/"}, 200, nil},
		{"GET", "/v1_1/demo/upload_mappings?folder=remote", nil, 200, func(r result) bool { return r.str("template") == "https://example.com/" }},
		{"DELETE", "/v1_1/demo/upload_mappings?folder=remote", nil, 200, nil},
		{"GET", "/v1_1/demo/upload_mappings", nil, 200, func(r result) bool { return len(r.json["mappings"].([]any)) == 0 }},
		{"POST", "/v1_1/demo/transformations", map[string]any{"name": "thumb", "transformation": "c_fill,w_100"}, 200, nil},
		{"POST", "/v1_1/demo/transformations/thumb", map[string]any{"transformation": "c_fill,w_100"}, 409, nil},
		{"GET", "/v1_1/demo/transformations?transformation=t_thumb", nil, 200, func(r result) bool { return r.str("name") == "t_thumb" }},
		{"GET", "/v1_1/demo/transformations", nil, 200, func(r result) bool { return len(r.json["transformations"].([]any)) == 1 }},
		{"DELETE", "/v1_1/demo/transformations?transformation=thumb", nil, 200, nil},
		{"POST", "/v1_1/demo/metadata_fields", map[string]any{"type": "enum", "external_id": "size", "label": "Size"}, 200, nil},
		{"POST", "/v1_1/demo/metadata_fields", map[string]any{"type": "enum", "external_id": "size", "label": "Size"}, 409, func(r result) bool { return r.msg() == "external id size already exists" }},
		{"GET", "/v1_1/demo/metadata_fields/size", nil, 200, func(r result) bool { return r.str("label") == "Size" }},
		{"PUT", "/v1_1/demo/metadata_fields/size", map[string]any{"label": "Sz"}, 200, func(r result) bool { return r.str("label") == "Sz" }},
		{"DELETE", "/v1_1/demo/metadata_fields/size", nil, 200, nil},
		{"GET", "/v1_1/demo/metadata_fields", nil, 200, func(r result) bool { return len(r.json["metadata_fields"].([]any)) == 0 }},
		{"GET", "/v1_1/demo/streaming_profiles", nil, 200, func(r result) bool {
			d := r.json["data"].([]any)
			return len(d) == 7 && d[4].(map[string]any)["name"] == "hd" && d[4].(map[string]any)["predefined"] == true
		}},
		{"DELETE", "/v1_1/demo/streaming_profiles/hd", nil, 400, func(r result) bool { return strings.Contains(r.msg(), "predefined") }},
		{"POST", "/v1_1/demo/streaming_profiles", map[string]any{"name": "mine", "display_name": "Mine",
			"representations": `[{"transformation":"c_limit,w_640,h_360/e_sepia"},{"transformation":[{"crop":"scale","width":320}]}]`}, 200,
			func(r result) bool { return r.str("message") == "created" }},
		{"GET", "/v1_1/demo/streaming_profiles/mine", nil, 200, func(r result) bool {
			b, _ := json.Marshal(r.json["data"].(map[string]any)["representations"])
			return string(b) == `[{"transformation":[{"crop":"limit","height":360,"width":640},{"effect":"sepia"}]},{"transformation":[{"crop":"scale","width":320}]}]`
		}},
		{"POST", "/v1_1/demo/streaming_profiles", map[string]any{"name": "mine", "representations": `[{"transformation":"w_1"}]`}, 409, nil},
		{"DELETE", "/v1_1/demo/streaming_profiles/mine", nil, 200, func(r result) bool { return r.str("message") == "deleted" }},
		{"GET", "/v1_1/demo/streaming_profiles/mine", nil, 404, nil},
		{"POST", "/v1_1/demo/triggers", map[string]any{"uri": "ftp://x", "event_type": "upload"}, 400, nil},
		{"POST", "/v1_1/demo/triggers", map[string]any{"uri": "https://example.com/h", "event_type": "upload"}, 200,
			func(r result) bool { return r.str("uri_type") == "webhook" && len(r.str("id")) == 32 }},
		{"GET", "/v1_1/demo/triggers", nil, 200, func(r result) bool { return len(r.json["triggers"].([]any)) == 1 }},
		{"POST", "/v1_1/demo/metadata_fields", map[string]any{"type": "enum", "external_id": "color", "label": "Color",
			"datasource": map[string]any{"values": []any{map[string]any{"external_id": "r", "value": "Red"}, map[string]any{"external_id": "b", "value": "Blue"}}}}, 200, nil},
		{"POST", "/v1_1/demo/metadata_fields", map[string]any{"type": "string", "external_id": "alpha", "label": "Alpha"}, 200, nil},
		{"PUT", "/v1_1/demo/metadata_fields/color/datasource", map[string]any{"values": []any{map[string]any{"external_id": "g", "value": "Green"}}}, 200,
			func(r result) bool { return len(r.json["values"].([]any)) == 3 }},
		{"DELETE", "/v1_1/demo/metadata_fields/color/datasource", map[string]any{"external_ids": []string{"r"}}, 200, func(r result) bool {
			return r.json["values"].([]any)[0].(map[string]any)["state"] == "inactive"
		}},
		{"DELETE", "/v1_1/demo/metadata_fields/color/datasource", map[string]any{"external_ids": []string{"nope"}}, 404, nil},
		{"POST", "/v1_1/demo/metadata_fields/color/datasource_restore", map[string]any{"external_ids": []string{"r"}}, 200, func(r result) bool {
			return r.json["values"].([]any)[0].(map[string]any)["state"] == "active"
		}},
		{"POST", "/v1_1/demo/metadata_fields/color/datasource/order", map[string]any{"order_by": "value", "direction": "desc"}, 200, func(r result) bool {
			v := r.json["values"].([]any)
			return v[0].(map[string]any)["value"] == "Red" && v[2].(map[string]any)["value"] == "Blue"
		}},
		{"PUT", "/v1_1/demo/metadata_fields/alpha/datasource", map[string]any{"values": []any{map[string]any{"value": "x"}}}, 400, nil},
		{"PUT", "/v1_1/demo/metadata_fields/order", map[string]any{"order_by": "label", "direction": "asc"}, 200, func(r result) bool {
			f := r.json["metadata_fields"].([]any)
			return len(f) == 2 && f[0].(map[string]any)["external_id"] == "alpha"
		}},
		{"PUT", "/v1_1/demo/metadata_fields/order", map[string]any{"order_by": "size"}, 400, nil},
		{"GET", "/v1_1/demo/usage", nil, 200, func(r result) bool { return r.json["plan"] == "Mock" }},
	}
	for i, st := range steps {
		r := admin(t, s, st.method, st.path, st.body)
		if r.status != st.status || (st.check != nil && !st.check(r)) {
			t.Fatalf("step %d %s %s: status %d (want %d): %s", i, st.method, st.path, r.status, st.status, r.body)
		}
	}
	// The unsigned preset created above drives an unsigned upload.
	body, ct := multipartBody(t, url.Values{"upload_preset": {"p1"}}, "a.png", pngBytes(1, 1, 40))
	r := serve(t, s, newReq("POST", "/v1_1/demo/image/upload", body, ct))
	mustStatus(t, r, 200)
	if !strings.HasPrefix(r.str("public_id"), "uploads/") || fmt.Sprint(r.json["tags"]) != "[v]" {
		t.Fatalf("%s", r.body)
	}
	// A folder with an asset cannot be deleted; an asset's folder is listed.
	del := admin(t, s, "DELETE", "/v1_1/demo/folders/uploads", nil)
	mustStatus(t, del, 400)
}

func folderPaths(r result) []string {
	var out []string
	for _, f := range r.json["folders"].([]any) {
		out = append(out, f.(map[string]any)["path"].(string))
	}
	sort.Strings(out)
	return out
}

func TestSearch(t *testing.T) {
	now := testNow
	s := New(WithClock(func() time.Time { return now }))
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"cats/tom"}, "tags": {"cat,pet"}}, "a.png", pngBytes(100, 50, 2000)), 200)
	now = now.Add(48 * time.Hour)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"cats/kit"}, "tags": {"cat"}, "context": {"color=black"}}, "b.gif", append([]byte("GIF89a"), 20, 0, 10, 0)), 200)
	now = now.Add(time.Second)
	mustStatus(t, uploadFile(t, s, "raw", url.Values{"public_id": {"docs/readme.txt"}}, "readme.txt", []byte(strings.Repeat("x", 5000))), 200)
	cases := []struct {
		expr string
		want string
	}{
		{"tags=cat", "cats/kit,cats/tom"},
		{"tags:pet", "cats/tom"},
		{"resource_type:image AND NOT tags=pet", "cats/kit"},
		{"resource_type:raw OR format=gif", "docs/readme.txt,cats/kit"},
		{"bytes>3000", "docs/readme.txt"},
		{"bytes>1kb AND bytes<4kb", "cats/tom"},
		{"width>=50", "cats/tom"},
		{"bytes:[1kb TO 4kb]", "cats/tom"},
		{"bytes:{* TO 5000}", "cats/kit,cats/tom"},
		{"bytes:[* TO 5000]", "docs/readme.txt,cats/kit,cats/tom"},
		{"width:[20 TO 100]", "cats/kit,cats/tom"},
		{"width:{20 TO 100]", "cats/tom"},
		{"resource_type:image AND width:[21 TO *]", "cats/tom"},
		{"public_id:cats/*", "cats/kit,cats/tom"},
		{"(tags=cat AND width<50) OR public_id=docs/readme.txt", "docs/readme.txt,cats/kit"},
		{"created_at>1d", "docs/readme.txt,cats/kit"},
		{"uploaded_at<2026-03-02", "cats/tom"},
		{"context.color=black", "cats/kit"},
		{"-tags=pet AND resource_type=image", "cats/kit"},
		{"tags:(pet OR nothing)", "cats/tom"},
		{"tom", "cats/tom"},
		{"", "docs/readme.txt,cats/kit,cats/tom"},
	}
	for _, c := range cases {
		r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": c.expr})
		mustStatus(t, r, 200)
		if got := strings.Join(ids(r, "resources"), ","); got != c.want {
			t.Errorf("%q: %s, want %s", c.expr, got, c.want)
		}
		if int(r.num("total_count")) != len(strings.Split(c.want, ",")) {
			t.Errorf("%q: total_count %d", c.expr, r.num("total_count"))
		}
	}
	// sort_by, max_results, next_cursor, with_field, aggregate.
	r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": "", "sort_by": []map[string]string{{"public_id": "asc"}},
		"max_results": 2, "with_field": []string{"tags"}, "aggregate": []string{"format", "resource_type"}})
	mustStatus(t, r, 200)
	if got := strings.Join(ids(r, "resources"), ","); got != "cats/kit,cats/tom" || r.str("next_cursor") == "" {
		t.Fatalf("%s", r.body)
	}
	if _, ok := r.json["resources"].([]any)[0].(map[string]any)["tags"]; !ok {
		t.Fatalf("with_field tags missing")
	}
	agg := r.json["aggregations"].(map[string]any)
	if fmt.Sprint(agg["format"]) != "map[gif:1 png:1]" || fmt.Sprint(agg["resource_type"]) != "map[image:2 raw:1]" {
		t.Fatalf("aggregations %v", agg)
	}
	r2 := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"sort_by": []map[string]string{{"public_id": "asc"}}, "max_results": 2, "next_cursor": r.str("next_cursor")})
	if got := strings.Join(ids(r2, "resources"), ","); got != "docs/readme.txt" || r2.str("next_cursor") != "" {
		t.Fatalf("page 2: %s", r2.body)
	}
	for _, bad := range []string{"*", "tags=(", "(tags=cat", "tags=cat AND", `public_id:"open`} {
		r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": bad})
		mustStatus(t, r, 400)
		if !strings.HasPrefix(r.msg(), "Query Error (at position ") {
			t.Errorf("%q: %q", bad, r.msg())
		}
	}
	// GET with query parameters works too (Node's cached search form aside).
	g := admin(t, s, "GET", "/v1_1/demo/resources/search?expression=tags%3Dpet", nil)
	if got := strings.Join(ids(g, "resources"), ","); got != "cats/tom" {
		t.Fatalf("GET search: %s", g.body)
	}
	_ = http.MethodGet
}

// TestLastUpdatedPerAttribute: the details' last_updated carries the time
// each attribute last changed, from every handler that changes it, and
// leaves out the attributes never changed since the upload.
func TestLastUpdatedPerAttribute(t *testing.T) {
	s := New(fixedClock())
	if err := s.PutMetadataField([]byte(`{"type":"string","external_id":"note","label":"Note"}`)); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"lu"}, "tags": {"a"}}, "a.png", pngBytes(2, 2, 1)), 200)
	details := func(id string) map[string]any {
		t.Helper()
		r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/"+id, nil)
		mustStatus(t, r, 200)
		return r.json["last_updated"].(map[string]any)
	}
	at := func(minutes int) string {
		return testNow.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
	}
	step := 0
	next := func() { step++; s.Advance(time.Minute) }
	want := map[string]any{"updated_at": at(0)}
	check := func(what, id string) {
		t.Helper()
		if got := details(id); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after %s: last_updated %v, want %v", what, got, want)
		}
	}
	check("upload", "lu")

	next()
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/tags", url.Values{"command": {"add"}, "tag": {"b"}, "public_ids[]": {"lu"}}), 200)
	want["tags_updated_at"], want["updated_at"] = at(step), at(step)
	check("tags add", "lu")

	next() // a tag command that changes nothing stamps nothing
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/tags", url.Values{"command": {"remove"}, "tag": {"zz"}, "public_ids[]": {"lu"}}), 200)
	check("a tags remove that changes nothing", "lu")

	next()
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/context", url.Values{"command": {"add"}, "context": {"alt=x"}, "public_ids[]": {"lu"}}), 200)
	want["context_updated_at"], want["updated_at"] = at(step), at(step)
	check("context add", "lu")

	next()
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/metadata", url.Values{"metadata": {"note=hi"}, "public_ids[]": {"lu"}}), 200)
	want["metadata_updated_at"], want["updated_at"] = at(step), at(step)
	check("metadata", "lu")

	next()
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {"lu"}, "type": {"upload"}, "tags": {"c"}}), 200)
	want["tags_updated_at"], want["updated_at"] = at(step), at(step)
	check("explicit tags", "lu")

	next()
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"lu"}, "to_public_id": {"lu2"}}), 200)
	want["public_id_updated_at"], want["updated_at"] = at(step), at(step)
	check("rename", "lu2")

	next()
	mustStatus(t, admin(t, s, "POST", "/v1_1/demo/resources/image/upload/lu2", map[string]any{
		"access_control": `[{"access_type":"anonymous"}]`, "context": "alt=y"}), 200)
	want["access_control_updated_at"], want["context_updated_at"], want["updated_at"] = at(step), at(step), at(step)
	check("admin update", "lu2")
}

// TestDerivedTransformationsAndDeleteCounts: GET /transformations lists the
// transformations derived assets were made with (used, not named) next to
// the named ones, details list the derived assets, and deletes count the
// derived assets they remove.
func TestDerivedTransformationsAndDeleteCounts(t *testing.T) {
	s := New(fixedClock())
	if err := s.PutTransformation("thumb", "c_fill,w_50", false); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"d1"}, "eager": {"c_fill,h_10,w_20|w_0.5"}}, "a.png", pngBytes(40, 20, 1)), 200)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"d2"}, "eager": {"w_0.5"}}, "b.png", pngBytes(40, 20, 2)), 200)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"d3"}, "eager": {"w_0.5"}}, "c.png", pngBytes(40, 20, 3)), 200)

	type info struct {
		Name             string `json:"name"`
		AllowedForStrict bool   `json:"allowed_for_strict"`
		Used             bool   `json:"used"`
		Named            bool   `json:"named"`
	}
	list := func(query string) []info {
		t.Helper()
		r := admin(t, s, "GET", "/v1_1/demo/transformations"+query, nil)
		mustStatus(t, r, 200)
		var out struct{ Transformations []info }
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		return out.Transformations
	}
	want := []info{{Name: "c_fill,h_10,w_20", Used: true}, {Name: "t_thumb", Named: true}, {Name: "w_0.5", Used: true}}
	if got := list(""); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("transformations %v, want %v", got, want)
	}
	if got := list("?named=false"); fmt.Sprint(got) != fmt.Sprint([]info{want[0], want[2]}) {
		t.Errorf("named=false: %v", got)
	}
	if got := list("?named=true"); fmt.Sprint(got) != fmt.Sprint([]info{want[1]}) {
		t.Errorf("named=true: %v", got)
	}
	r := admin(t, s, "GET", "/v1_1/demo/transformations?transformation=w_0.5", nil)
	mustStatus(t, r, 200)
	derived, _ := r.json["derived"].([]any)
	if len(derived) != 3 || r.json["named"] != false || r.json["used"] != true {
		t.Fatalf("details of w_0.5: %s", r.body)
	}
	if d := derived[0].(map[string]any); d["public_id"] != "d1" || d["format"] != "png" || !strings.Contains(d["url"].(string), "/w_0.5/") {
		t.Errorf("first derived of w_0.5: %v", d)
	}
	if r := admin(t, s, "GET", "/v1_1/demo/transformations?transformation=w_0.25", nil); r.status != 404 {
		t.Errorf("a transformation nothing was derived with: %d %s", r.status, r.body)
	}

	counts := func(r result, id string) (float64, float64) {
		t.Helper()
		mustStatus(t, r, 200)
		c, _ := r.json["deleted_counts"].(map[string]any)[id].(map[string]any)
		o, _ := c["original"].(float64)
		d, _ := c["derived"].(float64)
		return o, d
	}
	// Only the derived of one transformation, keeping the original.
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": []string{"d1"}, "transformations": "c_fill,w_20,h_10", "keep_original": true})
	if o, d := counts(r, "d1"); o != 0 || d != 1 {
		t.Errorf("derived delete by transformation: original %v derived %v, want 0 1: %s", o, d, r.body)
	}
	if got := list("?named=false"); fmt.Sprint(got) != fmt.Sprint([]info{want[2]}) {
		t.Errorf("after deleting the only c_fill derived: %v", got)
	}
	// The original with its remaining derived asset.
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"public_ids": []string{"d1"}})
	if o, d := counts(r, "d1"); o != 1 || d != 1 {
		t.Errorf("delete by public ID: original %v derived %v, want 1 1: %s", o, d, r.body)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload", map[string]any{"prefix": "d2"})
	if o, d := counts(r, "d2"); o != 1 || d != 1 {
		t.Errorf("delete by prefix: original %v derived %v, want 1 1: %s", o, d, r.body)
	}
	up := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/d3", nil)
	r = admin(t, s, "DELETE", "/v1_1/demo/resources", map[string]any{"asset_ids": []string{up.str("asset_id")}})
	if o, d := counts(r, up.str("asset_id")); o != 1 || d != 1 {
		t.Errorf("delete by asset ID: original %v derived %v, want 1 1: %s", o, d, r.body)
	}
	if got := list(""); fmt.Sprint(got) != fmt.Sprint([]info{want[1]}) {
		t.Errorf("after deleting every derived asset: %v", got)
	}
	// A restored asset comes back without its derived assets, as on Cloudinary.
	mustStatus(t, admin(t, s, "POST", "/v1_1/demo/resources/image/upload/restore", map[string]any{"public_ids": []string{"d1"}}), 200)
	if r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/d1", nil); len(r.json["derived"].([]any)) != 0 {
		t.Errorf("restored asset lists derived: %s", r.body)
	}
}
