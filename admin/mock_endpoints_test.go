package admin

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/cldrest/cldrest/mockserver"
)

// mockStep is one call of TestMockEndpoints: run against the mock's real
// state, then its journal entry and decoded result are checked.
type mockStep struct {
	name   string
	call   func(ctx context.Context, s *Service) (any, error)
	method string
	path   string              // decoded, after /v1_1/demo/
	params map[string][]string // subset of the merged query+body params the mock saw
	check  func(v any) string  // "" when the result is right, else what is wrong
}

func expect(got, want any) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	return fmt.Sprintf("got %#v, want %#v", got, want)
}

// TestMockEndpoints runs every endpoint the mock emulates against it, in an
// order that builds and tears down real state (the rest are covered by
// TestEndpoints' recording server).
func TestMockEndpoints(t *testing.T) {
	t.Parallel()
	m, s := startMock(t, nil)
	seed(t, s, []seedAsset{
		{"shoes/red", url.Values{"tags": {"sale,red"}, "context": {"alt=Red shoe"}, "asset_folder": {"shop/shoes"}, "moderation": {"manual"}}},
		{"shoes/blue", url.Values{"tags": {"sale"}, "asset_folder": {"shop/shoes"}}},
		{"hats/green", url.Values{"tags": {"hat"}}},
	})
	red, err := s.Resource(t.Context(), "shoes/red", nil)
	if err != nil {
		t.Fatalf("Resource: %v", err)
	}
	redID := red.AssetID
	ids := func(v any) []string {
		var out []string
		for _, r := range v.(*ResourceList).Resources {
			out = append(out, r.PublicID)
		}
		slices.Sort(out)
		return out
	}
	steps := []mockStep{
		{name: "Ping", call: func(ctx context.Context, s *Service) (any, error) { return s.Ping(ctx) },
			method: "GET", path: "ping", check: func(v any) string { return expect(v.(*PingResult).Status, "ok") }},
		{name: "Config", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Config(ctx, &ConfigOptions{Settings: true})
		},
			method: "GET", path: "config", params: map[string][]string{"settings": {"true"}},
			check: func(v any) string {
				return expect(v.(*ConfigResult).CloudName+"/"+v.(*ConfigResult).Settings.FolderMode, "demo/dynamic")
			}},
		{name: "Usage", call: func(ctx context.Context, s *Service) (any, error) { return s.Usage(ctx, nil) },
			method: "GET", path: "usage", check: func(v any) string { return expect(v.(*UsageResult).Resources, int64(3)) }},
		{name: "ResourceTypes", call: func(ctx context.Context, s *Service) (any, error) { return s.ResourceTypes(ctx) },
			method: "GET", path: "resources", check: func(v any) string { return expect(v.(*ResourceTypesResult).ResourceTypes, []ResourceType{Image}) }},
		{name: "Tags", call: func(ctx context.Context, s *Service) (any, error) { return s.Tags(ctx, &TagsOptions{Prefix: "s"}) },
			method: "GET", path: "tags/image", params: map[string][]string{"prefix": {"s"}},
			check: func(v any) string { return expect(v.(*TagList).Tags, []string{"sale"}) }},
		{name: "ListResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ListResources(ctx, &ListResourcesOptions{Prefix: "shoes/", ListFlags: ListFlags{Tags: true}})
		},
			method: "GET", path: "resources/image/upload", params: map[string][]string{"prefix": {"shoes/"}, "tags": {"true"}},
			check: func(v any) string { return expect(ids(v), []string{"shoes/blue", "shoes/red"}) }},
		{name: "ResourcesByPublicIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByPublicIDs(ctx, []string{"hats/green", "shoes/red"}, nil)
		},
			method: "GET", path: "resources/image/upload", params: map[string][]string{"public_ids[]": {"hats/green", "shoes/red"}},
			check: func(v any) string { return expect(ids(v), []string{"hats/green", "shoes/red"}) }},
		{name: "ResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByAssetIDs(ctx, []string{redID}, nil)
		},
			method: "GET", path: "resources/by_asset_ids", params: map[string][]string{"asset_ids[]": {redID}},
			check: func(v any) string { return expect(ids(v), []string{"shoes/red"}) }},
		{name: "ResourcesByTag", call: func(ctx context.Context, s *Service) (any, error) { return s.ResourcesByTag(ctx, "sale", nil) },
			method: "GET", path: "resources/image/tags/sale", check: func(v any) string { return expect(ids(v), []string{"shoes/blue", "shoes/red"}) }},
		{name: "ResourcesByContext", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByContext(ctx, "alt", "Red shoe", &ResourcesByContextOptions{ListFlags: ListFlags{Context: true}})
		},
			method: "GET", path: "resources/image/context", params: map[string][]string{"key": {"alt"}, "value": {"Red shoe"}},
			check: func(v any) string { return expect(v.(*ResourceList).Resources[0].Context["alt"], "Red shoe") }},
		{name: "ResourcesByModeration", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByModeration(ctx, "manual", "pending", &ResourcesByModerationOptions{ListFlags: ListFlags{Moderations: true}})
		},
			method: "GET", path: "resources/image/moderations/manual/pending",
			check: func(v any) string {
				r := v.(*ResourceList).Resources
				return expect(sp(len(r), r[0].ModerationStatus), "1 pending")
			}},
		{name: "ResourcesByAssetFolder", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByAssetFolder(ctx, "shop/shoes", nil)
		},
			method: "GET", path: "resources/by_asset_folder", params: map[string][]string{"asset_folder": {"shop/shoes"}},
			check: func(v any) string { return expect(ids(v), []string{"shoes/blue", "shoes/red"}) }},
		{name: "Resource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Resource(ctx, "shoes/red", &ResourceOptions{Versions: true})
		},
			method: "GET", path: "resources/image/upload/shoes/red", params: map[string][]string{"versions": {"true"}},
			check: func(v any) string {
				r := v.(*ResourceDetails)
				return expect(sp(r.AssetID == redID, len(r.Versions), r.Tags), "true 1 [sale red]")
			}},
		{name: "ResourceByAssetID", call: func(ctx context.Context, s *Service) (any, error) { return s.ResourceByAssetID(ctx, redID, nil) },
			method: "GET", path: "resources/" + redID, check: func(v any) string { return expect(v.(*ResourceDetails).PublicID, "shoes/red") }},
		{name: "UpdateResource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateResource(ctx, "shoes/red", &UpdateResourceParams{Tags: Tags{"x", "y"}, Context: Context{"alt": `a=b C:\dir`}, ModerationStatus: "approved"})
		},
			method: "POST", path: "resources/image/upload/shoes/red", params: map[string][]string{"tags": {"x,y"}, "context": {`alt=a\=b C:\\dir`}},
			check: func(v any) string {
				r := v.(*ResourceDetails)
				return expect(sp(r.Tags, r.Context["alt"], r.ModerationStatus), `[x y] a=b C:\dir approved`)
			}},
		{name: "UpdateResourceByAssetID", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateResourceByAssetID(ctx, redID, &UpdateResourceParams{DisplayName: "Red"})
		},
			method: "PUT", path: "resources/" + redID, params: map[string][]string{"display_name": {"Red"}},
			check: func(v any) string { return expect(v.(*ResourceDetails).DisplayName, "Red") }},
		{name: "DeleteDerivedByTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteDerivedByTransformation(ctx, []string{"shoes/red"}, []string{"c_fill,w_10"}, nil)
		},
			method: "DELETE", path: "resources/image/upload", params: map[string][]string{"keep_original": {"true"}, "transformations": {"c_fill,w_10"}},
			check: func(v any) string { return expect(v.(*DeleteResult).DeletedCounts["shoes/red"], DeleteCounts{}) }},
		{name: "DeleteResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResources(ctx, []string{"shoes/red", "nope"}, nil)
		},
			method: "DELETE", path: "resources/image/upload", params: map[string][]string{"public_ids[]": {"shoes/red", "nope"}},
			check: func(v any) string {
				return expect(v.(*DeleteResult).Deleted, map[string]string{"shoes/red": "deleted", "nope": "not_found"})
			}},
		{name: "RestoreResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RestoreResources(ctx, []string{"shoes/red", "nope"}, nil)
		},
			method: "POST", path: "resources/image/upload/restore", params: map[string][]string{"public_ids[]": {"shoes/red", "nope"}},
			check: func(v any) string {
				r := v.(*RestoreResult)
				return expect(r.Restored["shoes/red"].AssetID+" "+r.Restored["nope"].Error, redID+" no_backup")
			}},
		{name: "DeleteResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResourcesByAssetIDs(ctx, []string{redID}, nil)
		},
			method: "DELETE", path: "resources", params: map[string][]string{"asset_ids[]": {redID}},
			check: func(v any) string { return expect(v.(*DeleteResult).Deleted[redID], "deleted") }},
		{name: "RestoreResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RestoreResourcesByAssetIDs(ctx, []string{redID}, nil)
		},
			method: "POST", path: "resources/restore", params: map[string][]string{"asset_ids[]": {redID}},
			check: func(v any) string { return expect(v.(*RestoreResult).Restored[redID].PublicID, "shoes/red") }},
		{name: "Search", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Search(ctx, &SearchQuery{Expression: And(Field("tags").Eq("sale"), Field("public_id").Prefix("shoes/")).String(),
				SortBy: []SortBy{{Field: "public_id", Direction: Asc}}, WithField: []string{"tags"}, MaxResults: 1})
		},
			method: "POST", path: "resources/search", params: map[string][]string{"expression": {"tags=sale AND public_id:shoes/*"}, "max_results": {"1"}},
			check: func(v any) string {
				r := v.(*SearchResult)
				return expect(sp(r.TotalCount, len(r.Resources), r.Resources[0].PublicID, r.NextCursor != ""), "1 1 shoes/blue false")
			}},
		{name: "DeleteResourcesByTag", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteResourcesByTag(ctx, "hat", nil) },
			method: "DELETE", path: "resources/image/tags/hat", check: func(v any) string {
				return expect(v.(*DeleteResult).Deleted, map[string]string{"hats/green": "deleted"})
			}},
		{name: "DeleteResourcesByPrefix", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResourcesByPrefix(ctx, "shoes/b", nil)
		},
			method: "DELETE", path: "resources/image/upload", params: map[string][]string{"prefix": {"shoes/b"}},
			check: func(v any) string {
				return expect(v.(*DeleteResult).Deleted, map[string]string{"shoes/blue": "deleted"})
			}},
		{name: "DeleteAllResources", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteAllResources(ctx, nil) },
			method: "DELETE", path: "resources/image/upload", params: map[string][]string{"all": {"true"}},
			check: func(v any) string {
				r := v.(*DeleteResult)
				return expect(sp(r.Deleted, r.Partial), "map[shoes/red:deleted] false")
			}},

		// Folders.
		{name: "CreateFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.CreateFolder(ctx, "a/b c") },
			method: "POST", path: "folders/a/b c", check: func(v any) string { return expect(v.(*CreateFolderResult).Path, "a/b c") }},
		{name: "RootFolders", call: func(ctx context.Context, s *Service) (any, error) { return s.RootFolders(ctx, nil) },
			method: "GET", path: "folders", check: func(v any) string {
				var names []string
				for _, f := range v.(*FolderList).Folders {
					names = append(names, f.Path)
				}
				return expect(names, []string{"a", "shop"})
			}},
		{name: "SubFolders", call: func(ctx context.Context, s *Service) (any, error) { return s.SubFolders(ctx, "a", nil) },
			method: "GET", path: "folders/a", check: func(v any) string { return expect(v.(*FolderList).Folders[0].Name, "b c") }},
		{name: "RenameFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.RenameFolder(ctx, "a/b c", "a/d") },
			method: "PUT", path: "folders/a/b c", params: map[string][]string{"to_folder": {"a/d"}},
			check: func(v any) string { return expect(v.(*RenameFolderResult).To.Path, "a/d") }},
		{name: "DeleteFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteFolder(ctx, "a") },
			method: "DELETE", path: "folders/a", check: func(v any) string { return expect(v.(*DeleteFolderResult).Deleted, []string{"a", "a/d"}) }},

		// Upload presets.
		{name: "CreateUploadPreset", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateUploadPreset(ctx, &UploadPresetParams{Name: "p1", Unsigned: bptr(true), Settings: map[string]any{"folder": "in", "tags": "a,b"}})
		},
			method: "POST", path: "upload_presets", params: map[string][]string{"name": {"p1"}, "unsigned": {"true"}, "folder": {"in"}},
			check: func(v any) string {
				return expect(v.(*MessageResult).Message+" "+v.(*MessageResult).Name, "created p1")
			}},
		{name: "UpdateUploadPreset", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateUploadPreset(ctx, "p1", &UploadPresetParams{Settings: map[string]any{"folder": "out"}})
		},
			method: "PUT", path: "upload_presets/p1", params: map[string][]string{"folder": {"out"}},
			check: func(v any) string { return expect(v.(*MessageResult).Message, "updated") }},
		{name: "UploadPreset", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadPreset(ctx, "p1") },
			method: "GET", path: "upload_presets/p1",
			check: func(v any) string {
				p := v.(*UploadPreset)
				return expect(sp(p.Unsigned, p.Settings["folder"]), "true out")
			}},
		{name: "UploadPresets", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadPresets(ctx, nil) },
			method: "GET", path: "upload_presets", check: func(v any) string { return expect(v.(*UploadPresetList).Presets[0].Name, "p1") }},
		{name: "DeleteUploadPreset", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUploadPreset(ctx, "p1") },
			method: "DELETE", path: "upload_presets/p1", check: func(v any) string { return expect(v.(*MessageResult).Message, "deleted") }},

		// Upload mappings.
		{name: "CreateUploadMapping", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateUploadMapping(ctx, "wiki", "https://example.com/w/")
		},
			method: "POST", path: "upload_mappings", params: map[string][]string{"folder": {"wiki"}, "template": {"https://example.com/w/"}},
			check: func(v any) string { return expect(v.(*MessageResult).Folder, "wiki") }},
		{name: "UpdateUploadMapping", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateUploadMapping(ctx, "wiki", "https://example.com/x/")
		},
			method: "PUT", path: "upload_mappings", check: func(v any) string { return expect(v.(*MessageResult).Message, "updated") }},
		{name: "UploadMapping", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadMapping(ctx, "wiki") },
			method: "GET", path: "upload_mappings", params: map[string][]string{"folder": {"wiki"}},
			check: func(v any) string { return expect(v.(*UploadMapping).Template, "https://example.com/x/") }},
		{name: "UploadMappings", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadMappings(ctx, nil) },
			method: "GET", path: "upload_mappings", check: func(v any) string { return expect(len(v.(*UploadMappingList).Mappings), 1) }},
		{name: "DeleteUploadMapping", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUploadMapping(ctx, "wiki") },
			method: "DELETE", path: "upload_mappings", params: map[string][]string{"folder": {"wiki"}},
			check: func(v any) string { return expect(v.(*MessageResult).Message, "deleted") }},

		// Named transformations.
		{name: "CreateTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateTransformation(ctx, "thumb", "c_fill,w_100")
		},
			method: "POST", path: "transformations", params: map[string][]string{"name": {"thumb"}, "transformation": {"c_fill,w_100"}},
			check: func(v any) string { return expect(v.(*MessageResult).Message, "created") }},
		{name: "UpdateTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateTransformation(ctx, "thumb", &UpdateTransformationParams{AllowedForStrict: bptr(true)})
		},
			method: "PUT", path: "transformations", params: map[string][]string{"transformation": {"thumb"}, "allowed_for_strict": {"true"}},
			check: func(v any) string { return expect(v.(*MessageResult).Message, "updated") }},
		{name: "Transformation", call: func(ctx context.Context, s *Service) (any, error) { return s.Transformation(ctx, "thumb", nil) },
			method: "GET", path: "transformations", params: map[string][]string{"transformation": {"thumb"}},
			check: func(v any) string {
				d := v.(*TransformationDetails)
				return expect(sp(d.Name, d.AllowedForStrict), "t_thumb true")
			}},
		{name: "Transformations", call: func(ctx context.Context, s *Service) (any, error) { return s.Transformations(ctx, nil) },
			method: "GET", path: "transformations", check: func(v any) string { return expect(v.(*TransformationList).Transformations[0].Name, "t_thumb") }},
		{name: "DeleteTransformation", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteTransformation(ctx, "thumb") },
			method: "DELETE", path: "transformations", check: func(v any) string { return expect(v.(*MessageResult).Message, "deleted") }},

		// Structured metadata fields.
		{name: "CreateMetadataField", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateMetadataField(ctx, &MetadataField{ExternalID: "color", Type: MetadataEnum, Label: "Color",
				Datasource: &Datasource{Values: []DatasourceValue{{ExternalID: "red", Value: "Red"}}}})
		},
			method: "POST", path: "metadata_fields", params: map[string][]string{"external_id": {"color"}, "type": {"enum"}},
			check: func(v any) string {
				f := v.(*MetadataField)
				return expect(sp(f.ExternalID, f.Datasource != nil && len(f.Datasource.Values) == 1), "color true")
			}},
		{name: "UpdateMetadataField", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateMetadataField(ctx, "color", &MetadataField{Label: "Colour"})
		},
			method: "PUT", path: "metadata_fields/color", check: func(v any) string { return expect(v.(*MetadataField).Label, "Colour") }},
		{name: "MetadataField", call: func(ctx context.Context, s *Service) (any, error) { return s.MetadataField(ctx, "color") },
			method: "GET", path: "metadata_fields/color", check: func(v any) string { return expect(v.(*MetadataField).Type, MetadataEnum) }},
		{name: "MetadataFields", call: func(ctx context.Context, s *Service) (any, error) { return s.MetadataFields(ctx) },
			method: "GET", path: "metadata_fields", check: func(v any) string { return expect(len(v.(*MetadataFieldList).MetadataFields), 1) }},
		{name: "DeleteMetadataField", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteMetadataField(ctx, "color") },
			method: "DELETE", path: "metadata_fields/color", check: func(v any) string { return "" }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			since := lastSeq(m)
			v, err := st.call(t.Context(), s)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if msg := st.check(v); msg != "" {
				t.Errorf("result: %s", msg)
			}
			if resp, ok := metaOf(v); !ok || resp == nil || resp.RateLimit.Limit == 0 || resp.RequestID == "" {
				t.Errorf("result has no response metadata: %+v", resp)
			}
			entries := m.JournalSince(since)
			if len(entries) != 1 {
				t.Fatalf("%d requests, want 1", len(entries))
			}
			e := entries[0]
			if e.Method != st.method || e.Path != basePath+st.path || e.Auth != "basic" || e.Status != 200 {
				t.Errorf("request %s %s auth %s status %d, want %s %s basic 200", e.Method, e.Path, e.Auth, e.Status, st.method, basePath+st.path)
			}
			for k, want := range st.params {
				if got := e.Params[k]; !reflect.DeepEqual(got, want) {
					t.Errorf("param %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func lastSeq(m *mockserver.Running) int64 {
	j := m.Journal()
	if len(j) == 0 {
		return 0
	}
	return j[len(j)-1].Seq
}
