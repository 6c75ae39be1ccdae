package mockserver

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPutAssetListsAndDeletesWithIssuedCursorsOnly(t *testing.T) {
	s := New(fixedClock())
	for i := range 1005 {
		if _, err := s.PutAsset(Asset{PublicID: fmt.Sprintf("bulk/%04d", i), Tags: []string{"bulk"},
			CreatedAt: testNow.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	keep, err := s.PutAsset(Asset{PublicID: "keep/me", ResourceType: "raw", Bytes: []byte("hello")})
	if err != nil || len(keep.AssetID) != 32 {
		t.Fatalf("PutAsset raw: %+v %v", keep, err)
	}
	r := admin(t, s, "GET", "/v1_1/demo/resources/raw/upload/keep/me", nil)
	if r.status != 200 || r.json["bytes"] != float64(5) || r.str("asset_id") != keep.AssetID {
		t.Fatalf("seeded raw asset: %d %v", r.status, r.json)
	}
	r = admin(t, s, "GET", "/v1_1/demo/resources/image/tags/bulk?max_results=500", nil)
	if len(r.json["resources"].([]any)) != 500 || r.str("next_cursor") == "" {
		t.Fatalf("list of seeded assets: %d resources, cursor %q", len(r.json["resources"].([]any)), r.str("next_cursor"))
	}
	// A cursor the mock never issued must not widen into "delete everything".
	for _, forged := range []string{"bW9yZQ", "abc", r.str("next_cursor")} {
		r := admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?all=true&next_cursor="+forged, nil)
		if r.status != 400 || !strings.HasPrefix(r.msg(), "Invalid next_cursor") {
			t.Fatalf("delete all with cursor %q: %d %s", forged, r.status, r.msg())
		}
	}
	if n := len(s.st.assets); n != 1006 {
		t.Fatalf("%d assets left after refused deletes, want 1006", n)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?all=true", nil)
	cur := r.str("next_cursor")
	if r.json["partial"] != true || cur == "" || len(r.json["deleted"].(map[string]any)) != 1000 {
		t.Fatalf("first delete: partial %v cursor %q", r.json["partial"], cur)
	}
	r = admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?all=true&next_cursor="+cur, nil)
	if r.status != 200 || r.json["partial"] != false || len(r.json["deleted"].(map[string]any)) != 5 {
		t.Fatalf("continued delete: %d %v", r.status, r.json["partial"])
	}
	if r := admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?all=true&next_cursor="+cur, nil); r.status != 400 {
		t.Fatalf("reusing a spent cursor: %d", r.status)
	}
	if _, ok := s.st.assets[assetKey{"raw", "upload", "keep/me"}]; !ok || len(s.st.assets) != 1 {
		t.Fatalf("delete all of image/upload touched other assets: %d left", len(s.st.assets))
	}
}

func TestPutAssetRefusesBadInput(t *testing.T) {
	s := New(fixedClock())
	for _, a := range []Asset{{}, {PublicID: "a", ResourceType: "pdf"}, {PublicID: "a", Type: "fetch"},
		{PublicID: "a", ResourceType: "video", Bytes: []byte("not a video")}, {PublicID: "a", Metadata: map[string]any{"nope": "x"}}} {
		if _, err := s.PutAsset(a); err == nil {
			t.Errorf("PutAsset(%+v) succeeded", a)
		}
	}
	if len(s.st.assets) != 0 {
		t.Fatalf("refused assets were stored: %d", len(s.st.assets))
	}
}

func TestLoadSeedAndPresetTypes(t *testing.T) {
	dir := t.TempDir()
	gif := filepath.Join(dir, "px.gif")
	if err := os.WriteFile(gif, onePixelGIF, 0o644); err != nil {
		t.Fatal(err)
	}
	fixture := `{
	  "metadata_fields": [{"type":"enum","external_id":"color","label":"Color","default_value":"red",
	    "datasource":{"values":[{"external_id":"red","value":"Red"}]}}],
	  "presets": [{"name":"web","unsigned":true,"settings":{"folder":"web","use_filename":true,"max_file_size":2048,"tags":["a","b"],"eager":[{"width":100}]}}],
	  "folders": ["empty/one"],
	  "transformations": [{"name":"thumb","transformation":"c_scale,w_102/e_sepia"}],
	  "upload_mappings": [{"folder":"remote","template":"https://example.com/"}],
	  "assets": [{"public_id":"shop/px","file":"px.gif","tags":["x"],"metadata":{"color":"red"},"asset_folder":"shop"}]
	}`
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(fixture), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(fixedClock())
	if err := s.LoadSeed(dir); err != nil {
		t.Fatal(err)
	}
	r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/shop/px", nil)
	if r.status != 200 || r.str("format") != "gif" || r.json["width"] != float64(1) || r.str("original_filename") != "px" {
		t.Fatalf("seeded asset: %d %v", r.status, r.json)
	}
	r = admin(t, s, "GET", "/v1_1/demo/upload_presets/web", nil)
	got, _ := json.Marshal(r.json["settings"])
	if string(got) != `{"eager":[{"width":100}],"folder":"web","max_file_size":2048,"tags":"a,b","use_filename":true}` {
		t.Fatalf("preset settings with their JSON types: %s", got)
	}
	r = admin(t, s, "GET", "/v1_1/demo/transformations?transformation=t_thumb", nil)
	got, _ = json.Marshal(r.json["info"])
	if string(got) != `[{"crop":"scale","width":102},{"effect":"sepia"}]` || r.json["allowed_for_strict"] != false {
		t.Fatalf("named transformation info: %s", got)
	}
	if r := admin(t, s, "PUT", "/v1_1/demo/transformations", map[string]any{"transformation": "t_thumb", "unsafe_update": "c_fill,w_50", "allowed_for_strict": true}); r.status != 200 {
		t.Fatalf("unsafe_update: %d %s", r.status, r.msg())
	}
	r = admin(t, s, "GET", "/v1_1/demo/transformations?transformation=t_thumb", nil)
	if got, _ = json.Marshal(r.json["info"]); string(got) != `[{"crop":"fill","width":50}]` || r.json["allowed_for_strict"] != true {
		t.Fatalf("after unsafe_update: %s %v", got, r.json["allowed_for_strict"])
	}
	if r := admin(t, s, "GET", "/v1_1/demo/folders/empty", nil); r.status != 200 || len(r.json["folders"].([]any)) != 1 {
		t.Fatalf("seeded folder: %d %v", r.status, r.json)
	}
	if r := admin(t, s, "GET", "/v1_1/demo/upload_mappings?folder=remote", nil); r.str("template") != "https://example.com/" {
		t.Fatalf("seeded mapping: %v", r.json)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"asset":[{"public_id":"x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := New().LoadSeed(bad); err == nil || !strings.Contains(err.Error(), `unknown field "asset"`) {
		t.Fatalf("misspelt fixture key: %v", err)
	}
}

func TestMetadataDefaultMustPassValidation(t *testing.T) {
	s := New(fixedClock())
	for _, c := range []struct {
		field  map[string]any
		status int
	}{
		{map[string]any{"type": "integer", "external_id": "n", "label": "N", "default_value": 3,
			"validation": map[string]any{"type": "greater_than", "value": 5}}, 400},
		{map[string]any{"type": "integer", "external_id": "n", "label": "N", "default_value": 7,
			"validation": map[string]any{"type": "greater_than", "value": 5}}, 200},
		{map[string]any{"type": "string", "external_id": "s", "label": "S", "default_value": "toolong",
			"validation": map[string]any{"type": "strlen", "max": 3}}, 400},
		{map[string]any{"type": "string", "external_id": "m", "label": "M", "mandatory": true}, 400},
		{map[string]any{"type": "enum", "external_id": "e", "label": "E", "default_value": "z",
			"datasource": map[string]any{"values": []any{map[string]any{"external_id": "a", "value": "A"}}}}, 400},
	} {
		r := admin(t, s, "POST", "/v1_1/demo/metadata_fields", c.field)
		if r.status != c.status {
			t.Errorf("%v: %d %s, want %d", c.field, r.status, r.msg(), c.status)
		}
	}
	r := admin(t, s, "GET", "/v1_1/demo/metadata_fields/n", nil)
	if _, ok := r.json["validation"]; !ok || r.json["default_value"] != float64(7) {
		t.Fatalf("field n: %v", r.json)
	}
	if r := admin(t, s, "PUT", "/v1_1/demo/metadata_fields/n", map[string]any{"default_value": 1}); r.status != 400 {
		t.Fatalf("update to a default breaking validation: %d", r.status)
	}
}
