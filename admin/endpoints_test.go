package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

const (
	assetID  = "4af5a0d1d4047808528b5425d166c101"
	assetID2 = "9bd2c3e0f1a2b3c4d5e6f708192a3b4c"
	cursor   = "db27cfb02b3f69cb39049969c23ca430"
	resJSON  = `{"asset_id":"` + assetID + `","public_id":"folder/sample image","format":"jpg","version":1312461204,"resource_type":"image","type":"upload","created_at":"2017-08-11T12:24:32Z","bytes":120253,"width":864,"height":576,"url":"http://res.cloudinary.com/demo/image/upload/v1312461204/folder/sample%20image.jpg","secure_url":"https://res.cloudinary.com/demo/image/upload/v1312461204/folder/sample%20image.jpg","tags":["a","b"],"context":{"custom":{"alt":"A dog"}}}`
	listJSON = `{"resources":[` + resJSON + `],"next_cursor":"` + cursor + `"}`
	delJSON  = `{"deleted":{"a":"deleted","b":"not_found"},"deleted_counts":{"a":{"original":1,"derived":2}},"partial":false}`
	relJSON  = `{"success":[{"message":"success","code":"success_ids","asset":"image/upload/dog","status":200}],"failed":[]}`
	dsJSON   = `{"values":[{"external_id":"red","value":"Red","state":"active"}]}`
)

// endpointCase is one Admin endpoint: the call, the exact request it must
// produce, a canned answer and one decoded value to check.
type endpointCase struct {
	name   string
	call   func(ctx context.Context, s *Service) (any, error)
	method string
	path   string     // escaped, after /v1_1/<cloud>/
	query  url.Values // nil: no query string
	body   string     // expected JSON body; "" for none
	resp   string
	got    func(v any) any
	want   any
}

func endpointCases() []endpointCase {
	firstID := func(v any) any { return v.(*ResourceList).Resources[0].PublicID }
	ctxAlt := func(v any) any { return v.(*ResourceList).Resources[0].Context["alt"] }
	deleted := func(v any) any {
		return v.(*DeleteResult).Deleted["a"] + "/" + sp(v.(*DeleteResult).DeletedCounts["a"].Derived)
	}
	relAsset := func(v any) any { return v.(*RelatedAssetsResult).Success[0].Asset }
	msg := func(v any) any { return v.(*MessageResult).Message }
	dsFirst := func(v any) any { return v.(*Datasource).Values[0].Value }
	details := func(v any) any { return v.(*ResourceDetails).AssetID + " " + v.(*ResourceDetails).PublicID }
	return append([]endpointCase{
		// Account.
		{name: "Ping", call: func(ctx context.Context, s *Service) (any, error) { return s.Ping(ctx) },
			method: "GET", path: "ping", resp: `{"status":"ok"}`,
			got: func(v any) any { return v.(*PingResult).Status }, want: "ok"},
		{name: "Config", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Config(ctx, &ConfigOptions{Settings: true})
		},
			method: "GET", path: "config", query: url.Values{"settings": {"true"}},
			resp: `{"cloud_name":"demo","created_at":"2020-01-02T03:04:05Z","settings":{"folder_mode":"dynamic"}}`,
			got:  func(v any) any { return v.(*ConfigResult).Settings.FolderMode }, want: "dynamic"},
		{name: "Usage", call: func(ctx context.Context, s *Service) (any, error) { return s.Usage(ctx, nil) },
			method: "GET", path: "usage",
			resp: `{"plan":"Free","last_updated":"2024-01-01","storage":{"usage":1234,"limit":0},"resources":42,"media_limits":{"image_max_size_bytes":10485760}}`,
			got: func(v any) any {
				return sp(v.(*UsageResult).Plan, v.(*UsageResult).Resources, v.(*UsageResult).MediaLimits.ImageMaxSizeBytes)
			}, want: "Free 42 10485760"},
		{name: "UsageByDate", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Usage(ctx, &UsageOptions{Date: time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC)})
		},
			method: "GET", path: "usage/07-03-2024", resp: `{"plan":"Plus"}`,
			got: func(v any) any { return v.(*UsageResult).Plan }, want: "Plus"},
		{name: "ResourceTypes", call: func(ctx context.Context, s *Service) (any, error) { return s.ResourceTypes(ctx) },
			method: "GET", path: "resources", resp: `{"resource_types":["image","raw","video"]}`,
			got: func(v any) any { return v.(*ResourceTypesResult).ResourceTypes }, want: []ResourceType{Image, Raw, Video}},
		{name: "Tags", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Tags(ctx, &TagsOptions{ResourceType: Video, Prefix: "su", MaxResults: 5, NextCursor: cursor})
		},
			method: "GET", path: "tags/video", query: url.Values{"prefix": {"su"}, "max_results": {"5"}, "next_cursor": {cursor}},
			resp: `{"tags":["summer","sun"]}`,
			got:  func(v any) any { return v.(*TagList).Tags }, want: []string{"summer", "sun"}},

		// Resource listings.
		{name: "ListResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ListResources(ctx, &ListResourcesOptions{Prefix: "f/", ListFlags: ListFlags{Tags: true, Fields: []string{"tags", "secure_url"}, Direction: Desc, ListOptions: ListOptions{MaxResults: 500}}})
		},
			method: "GET", path: "resources/image/upload",
			query: url.Values{"prefix": {"f/"}, "tags": {"true"}, "max_results": {"500"}, "fields": {"tags,secure_url"}, "direction": {"desc"}},
			resp:  listJSON, got: firstID, want: "folder/sample image"},
		{name: "ListResourcesAllTypes", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ListResources(ctx, &ListResourcesOptions{ResourceType: Raw, StartAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), ListFlags: ListFlags{ListOptions: ListOptions{NextCursor: cursor}}})
		},
			method: "GET", path: "resources/raw", query: url.Values{"start_at": {"2024-01-02T03:04:05Z"}, "next_cursor": {cursor}},
			resp: listJSON, got: func(v any) any { return v.(*ResourceList).NextCursor }, want: cursor},
		{name: "ResourcesByPublicIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByPublicIDs(ctx, []string{"a", "b/c"}, &ResourcesByIDsOptions{Type: Private, Context: true})
		},
			method: "GET", path: "resources/image/private", query: url.Values{"public_ids[]": {"a", "b/c"}, "context": {"true"}},
			resp: listJSON, got: ctxAlt, want: "A dog"},
		{name: "ResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByAssetIDs(ctx, []string{assetID, assetID2}, nil)
		},
			method: "GET", path: "resources/by_asset_ids", query: url.Values{"asset_ids[]": {assetID, assetID2}},
			resp: listJSON, got: func(v any) any { return v.(*ResourceList).Resources[0].AssetID }, want: assetID},
		{name: "ResourcesByTag", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByTag(ctx, "summer sale", &ResourcesByTagOptions{ListFlags: ListFlags{Metadata: true}})
		},
			method: "GET", path: "resources/image/tags/summer%20sale", query: url.Values{"metadata": {"true"}},
			resp: listJSON, got: firstID, want: "folder/sample image"},
		{name: "ResourcesByContext", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByContext(ctx, "alt", "A dog", &ResourcesByContextOptions{ResourceType: Video})
		},
			method: "GET", path: "resources/video/context", query: url.Values{"key": {"alt"}, "value": {"A dog"}},
			resp: `{"resources":[{"public_id":"v","context":[{"key":"alt","value":"A dog"}]}]}`, got: ctxAlt, want: "A dog"},
		{name: "ResourcesByModeration", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByModeration(ctx, "manual", "pending", &ResourcesByModerationOptions{ListFlags: ListFlags{Moderations: true}})
		},
			method: "GET", path: "resources/image/moderations/manual/pending", query: url.Values{"moderations": {"true"}},
			resp: listJSON, got: firstID, want: "folder/sample image"},
		{name: "ResourcesByAssetFolder", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourcesByAssetFolder(ctx, "shoes/red", &ResourcesByAssetFolderOptions{ListFlags{ListOptions: ListOptions{MaxResults: 20}}})
		},
			method: "GET", path: "resources/by_asset_folder", query: url.Values{"asset_folder": {"shoes/red"}, "max_results": {"20"}},
			resp: listJSON, got: firstID, want: "folder/sample image"},
		{name: "VisualSearch", call: func(ctx context.Context, s *Service) (any, error) {
			return s.VisualSearch(ctx, &VisualSearchOptions{Text: "a red shoe"})
		},
			method: "GET", path: "resources/visual_search", query: url.Values{"text": {"a red shoe"}},
			resp: `{"resources":[` + resJSON + `],"total_count":1}`, got: func(v any) any { return v.(*ResourceList).TotalCount }, want: 1},

		// One resource.
		{name: "Resource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Resource(ctx, "folder/sample image", &ResourceOptions{Colors: true, Versions: true, MaxResults: 3, DerivedNextCursor: cursor})
		},
			method: "GET", path: "resources/image/upload/folder%2Fsample%20image",
			query: url.Values{"colors": {"true"}, "versions": {"true"}, "max_results": {"3"}, "derived_next_cursor": {cursor}},
			resp:  strings.TrimSuffix(resJSON, "}") + `,"derived":[{"id":"d1","transformation":"c_fill,w_100","format":"jpg","bytes":10}],"versions":[{"version_id":"v1","restorable":true}],"last_updated":{"updated_at":"2024-01-01T00:00:00Z"}}`,
			got: func(v any) any {
				r := v.(*ResourceDetails)
				return r.Derived[0].ID + " " + r.Versions[0].VersionID + " " + r.LastUpdated.UpdatedAt.Format("2006")
			}, want: "d1 v1 2024"},
		{name: "ResourceByAssetID", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ResourceByAssetID(ctx, assetID, &ResourceOptions{Faces: true, Related: true})
		},
			method: "GET", path: "resources/" + assetID, query: url.Values{"faces": {"true"}, "related": {"true"}},
			resp: resJSON, got: details, want: assetID + " folder/sample image"},
		{name: "UpdateResource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateResource(ctx, "s", &UpdateResourceParams{Tags: Tags{"a", "b"}, Context: ContextMap{"k": "v", "alt": "x=y|z"}, ModerationStatus: "approved", VisualSearch: bptr(false)})
		},
			method: "POST", path: "resources/image/upload/s",
			body: `{"tags":"a,b","context":"alt=x\\=y\\|z|k=v","moderation_status":"approved","visual_search":false}`,
			resp: resJSON, got: details, want: assetID + " folder/sample image"},
		{name: "UpdateResourceByAssetID", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateResourceByAssetID(ctx, assetID, &UpdateResourceParams{DisplayName: "Dog", FaceCoordinates: Coordinates{{X: 1, Y: 2, Width: 3, Height: 4}, {X: 5, Y: 6, Width: 7, Height: 8}}})
		},
			method: "PUT", path: "resources/" + assetID, body: `{"display_name":"Dog","face_coordinates":"1,2,3,4|5,6,7,8"}`,
			resp: resJSON, got: details, want: assetID + " folder/sample image"},
		{name: "RestoreResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RestoreResources(ctx, []string{"a", "b"}, &RestoreOptions{Type: Private, Versions: []string{"v1", "v2"}})
		},
			method: "POST", path: "resources/image/private/restore", body: `{"public_ids":["a","b"],"versions":["v1","v2"]}`,
			resp: `{"a":` + resJSON + `,"b":{"error":"no_backup"}}`,
			got:  func(v any) any { r := v.(*RestoreResult); return sp(r.IDs(), r.Restored["b"].Error) }, want: "[a b] no_backup"},
		{name: "RestoreResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RestoreResourcesByAssetIDs(ctx, []string{assetID}, nil)
		},
			method: "POST", path: "resources/restore", body: `{"asset_ids":["` + assetID + `"]}`,
			resp: `{"` + assetID + `":` + resJSON + `}`, got: func(v any) any { return v.(*RestoreResult).IDs() }, want: []string{assetID}},

		// Deletes.
		{name: "DeleteResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResources(ctx, []string{"a", "b"}, &DeleteOptions{KeepOriginal: true, Invalidate: true})
		},
			method: "DELETE", path: "resources/image/upload", body: `{"public_ids":["a","b"],"keep_original":true,"invalidate":true}`,
			resp: delJSON, got: deleted, want: "deleted/2"},
		{name: "DeleteResourcesByPrefix", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResourcesByPrefix(ctx, "tmp/", &DeleteOptions{ResourceType: Video, NextCursor: cursor})
		},
			method: "DELETE", path: "resources/video/upload", body: `{"prefix":"tmp/","next_cursor":"` + cursor + `"}`,
			resp: `{"deleted":{"tmp/x":"deleted"},"partial":true,"next_cursor":"c2"}`,
			got:  func(v any) any { r := v.(*DeleteResult); return sp(r.Partial, r.NextCursor) }, want: "true c2"},
		{name: "DeleteResourcesByTag", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResourcesByTag(ctx, "t1", nil)
		},
			method: "DELETE", path: "resources/image/tags/t1", body: `{}`, resp: delJSON, got: deleted, want: "deleted/2"},
		{name: "DeleteAllResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteAllResources(ctx, &DeleteOptions{Type: Fetch})
		},
			method: "DELETE", path: "resources/image/fetch", body: `{"all":true}`, resp: delJSON, got: deleted, want: "deleted/2"},
		{name: "DeleteResourcesByAssetIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteResourcesByAssetIDs(ctx, []string{assetID}, nil)
		},
			method: "DELETE", path: "resources", body: `{"asset_ids":["` + assetID + `"]}`, resp: delJSON, got: deleted, want: "deleted/2"},
		{name: "DeleteDerivedResources", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteDerivedResources(ctx, []string{"d1", "d2"})
		},
			method: "DELETE", path: "derived_resources", body: `{"derived_resource_ids":["d1","d2"]}`,
			resp: `{"deleted":{"d1":"deleted","d2":"not_found"}}`, got: func(v any) any { return v.(*DeleteResult).Deleted["d2"] }, want: "not_found"},
		{name: "DeleteDerivedByTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteDerivedByTransformation(ctx, []string{"a"}, []string{"c_fill,w_100", "e_sepia"}, nil)
		},
			method: "DELETE", path: "resources/image/upload", body: `{"public_ids":["a"],"keep_original":true,"transformations":"c_fill,w_100|e_sepia"}`,
			resp: delJSON, got: deleted, want: "deleted/2"},

		// Related assets.
		{name: "AddRelatedAssets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.AddRelatedAssets(ctx, "a/b", []string{"image/upload/dog", "raw/upload/doc.pdf"}, nil)
		},
			method: "POST", path: "resources/related_assets/image/upload/a%2Fb", body: `{"assets_to_relate":["image/upload/dog","raw/upload/doc.pdf"]}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},
		{name: "DeleteRelatedAssets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteRelatedAssets(ctx, "a", []string{"image/upload/dog"}, &RelatedOptions{ResourceType: Video, Type: Authenticated})
		},
			method: "DELETE", path: "resources/related_assets/video/authenticated/a", body: `{"assets_to_unrelate":["image/upload/dog"]}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},
		{name: "AddRelatedAssetsByAssetID", call: func(ctx context.Context, s *Service) (any, error) {
			return s.AddRelatedAssetsByAssetID(ctx, assetID, []string{assetID2})
		},
			method: "POST", path: "resources/related_assets/" + assetID, body: `{"assets_to_relate":["` + assetID2 + `"]}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},
		{name: "DeleteRelatedAssetsByAssetID", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteRelatedAssetsByAssetID(ctx, assetID, []string{assetID2})
		},
			method: "DELETE", path: "resources/related_assets/" + assetID, body: `{"assets_to_unrelate":["` + assetID2 + `"]}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},
		{name: "AddRelatedComplementaryAssets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.AddRelatedComplementaryAssets(ctx, assetID, &ComplementaryParams{RelatedAssetIDs: []string{assetID2}, ComplementaryType: "caption"})
		},
			method: "POST", path: "resources/related_complementary_assets/" + assetID, body: `{"related_asset_ids":["` + assetID2 + `"],"complementary_type":"caption"}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},
		{name: "DeleteRelatedComplementaryAssets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteRelatedComplementaryAssets(ctx, assetID, &ComplementaryParams{RelatedAssetIDs: []string{assetID2}, ComplementaryType: "caption"})
		},
			method: "DELETE", path: "resources/related_complementary_assets/" + assetID, body: `{"related_asset_ids":["` + assetID2 + `"],"complementary_type":"caption"}`,
			resp: relJSON, got: relAsset, want: "image/upload/dog"},

		// Folders.
		{name: "RootFolders", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RootFolders(ctx, &FoldersOptions{MaxResults: 2})
		},
			method: "GET", path: "folders", query: url.Values{"max_results": {"2"}},
			resp: `{"folders":[{"name":"a","path":"a","external_id":"x1"}],"next_cursor":null,"total_count":1}`,
			got:  func(v any) any { return v.(*FolderList).Folders[0].ExternalID }, want: "x1"},
		{name: "SubFolders", call: func(ctx context.Context, s *Service) (any, error) { return s.SubFolders(ctx, "a/b c", nil) },
			method: "GET", path: "folders/a%2Fb%20c",
			resp: `{"folders":[{"name":"d","path":"a/b c/d"}],"total_count":1}`,
			got:  func(v any) any { return v.(*FolderList).Folders[0].Path }, want: "a/b c/d"},
		{name: "CreateFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.CreateFolder(ctx, "a/b") },
			method: "POST", path: "folders/a%2Fb", body: `{}`,
			resp: `{"success":true,"path":"a/b","name":"b","external_id":"x2"}`,
			got:  func(v any) any { return sp(v.(*CreateFolderResult).Success, v.(*CreateFolderResult).Path) }, want: "true a/b"},
		{name: "RenameFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.RenameFolder(ctx, "a/b", "a/c") },
			method: "PUT", path: "folders/a%2Fb", body: `{"to_folder":"a/c"}`,
			resp: `{"from":{"name":"b","path":"a/b"},"to":{"name":"c","path":"a/c"}}`,
			got:  func(v any) any { return v.(*RenameFolderResult).To.Path }, want: "a/c"},
		{name: "DeleteFolder", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteFolder(ctx, "a/c") },
			method: "DELETE", path: "folders/a%2Fc", body: `{}`, resp: `{"deleted":["a/c"]}`,
			got: func(v any) any { return v.(*DeleteFolderResult).Deleted }, want: []string{"a/c"}},
		{name: "SearchFolders", call: func(ctx context.Context, s *Service) (any, error) {
			return s.SearchFolders(ctx, &SearchQuery{Expression: Field("name").Eq("shoes").String(), MaxResults: 10})
		},
			method: "POST", path: "folders/search", body: `{"expression":"name=shoes","max_results":10}`,
			resp: `{"total_count":1,"time":3,"folders":[{"name":"shoes","path":"x/shoes","created_at":"2024-01-01T00:00:00Z","external_id":"e"}]}`,
			got:  func(v any) any { return v.(*FolderList).Folders[0].CreatedAt.Year() }, want: 2024},

		// Search.
		{name: "Search", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Search(ctx, &SearchQuery{
				Expression: And(Field("resource_type").Match("image"), Field("tags").Eq("summer sale")).String(),
				SortBy:     []SortBy{{Field: "created_at", Direction: Desc}, {Field: "public_id", Direction: Asc}},
				Aggregate:  []string{"format"},
				WithField:  []string{"tags", "context"},
				Fields:     []string{"public_id"},
				MaxResults: 500,
				NextCursor: cursor,
			})
		},
			method: "POST", path: "resources/search",
			body: `{"expression":"resource_type:image AND tags=\"summer sale\"","sort_by":[{"created_at":"desc"},{"public_id":"asc"}],"aggregate":["format"],"with_field":["tags","context"],"fields":["public_id"],"max_results":500,"next_cursor":"` + cursor + `"}`,
			resp: `{"total_count":7,"time":12,"resources":[` + resJSON + `],"aggregations":{"format":{"jpg":5,"png":2}}}`,
			got: func(v any) any {
				r := v.(*SearchResult)
				return sp(r.TotalCount, r.Counts("format")["png"], r.Resources[0].Tags)
			}, want: "7 2 [a b]"},

		// Structured metadata.
		{name: "MetadataFields", call: func(ctx context.Context, s *Service) (any, error) { return s.MetadataFields(ctx) },
			method: "GET", path: "metadata_fields",
			resp: `{"metadata_fields":[{"external_id":"color","type":"enum","label":"Color","datasource":` + dsJSON + `}]}`,
			got:  func(v any) any { return v.(*MetadataFieldList).MetadataFields[0].Datasource.Values[0].ExternalID }, want: "red"},
		{name: "MetadataField", call: func(ctx context.Context, s *Service) (any, error) { return s.MetadataField(ctx, "color") },
			method: "GET", path: "metadata_fields/color", resp: `{"external_id":"color","type":"enum","label":"Color","mandatory":true}`,
			got: func(v any) any { return v.(*MetadataField).Mandatory }, want: true},
		{name: "CreateMetadataField", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateMetadataField(ctx, &MetadataField{ExternalID: "size", Type: MetadataInteger, Label: "Size", DefaultValue: 3, Validation: map[string]any{"type": "greater_than", "value": 0}})
		},
			method: "POST", path: "metadata_fields", body: `{"external_id":"size","type":"integer","label":"Size","default_value":3,"validation":{"type":"greater_than","value":0}}`,
			resp: `{"external_id":"size","type":"integer","label":"Size","default_value":3}`,
			got:  func(v any) any { return v.(*MetadataField).DefaultValue }, want: float64(3)},
		{name: "UpdateMetadataField", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateMetadataField(ctx, "size", &MetadataField{Label: "Size (cm)"})
		},
			method: "PUT", path: "metadata_fields/size", body: `{"label":"Size (cm)"}`, resp: `{"external_id":"size","label":"Size (cm)"}`,
			got: func(v any) any { return v.(*MetadataField).Label }, want: "Size (cm)"},
		{name: "DeleteMetadataField", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteMetadataField(ctx, "size") },
			method: "DELETE", path: "metadata_fields/size", body: `{}`, resp: `{"message":"ok"}`, got: msg, want: "ok"},
		{name: "UpdateMetadataDatasource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateMetadataDatasource(ctx, "color", []DatasourceValue{{ExternalID: "red", Value: "Red"}})
		},
			method: "PUT", path: "metadata_fields/color/datasource", body: `{"values":[{"external_id":"red","value":"Red"}]}`,
			resp: dsJSON, got: dsFirst, want: "Red"},
		{name: "DeleteMetadataDatasourceEntries", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteMetadataDatasourceEntries(ctx, "color", []string{"red"})
		},
			method: "DELETE", path: "metadata_fields/color/datasource", body: `{"external_ids":["red"]}`, resp: dsJSON, got: dsFirst, want: "Red"},
		{name: "RestoreMetadataDatasourceEntries", call: func(ctx context.Context, s *Service) (any, error) {
			return s.RestoreMetadataDatasourceEntries(ctx, "color", []string{"red"})
		},
			method: "POST", path: "metadata_fields/color/datasource_restore", body: `{"external_ids":["red"]}`, resp: dsJSON, got: dsFirst, want: "Red"},
		{name: "OrderMetadataDatasource", call: func(ctx context.Context, s *Service) (any, error) {
			return s.OrderMetadataDatasource(ctx, "color", "value", Asc)
		},
			method: "POST", path: "metadata_fields/color/datasource/order", body: `{"order_by":"value","direction":"asc"}`, resp: dsJSON, got: dsFirst, want: "Red"},
		{name: "ReorderMetadataFields", call: func(ctx context.Context, s *Service) (any, error) {
			return s.ReorderMetadataFields(ctx, "label", Desc)
		},
			method: "PUT", path: "metadata_fields/order", body: `{"order_by":"label","direction":"desc"}`,
			resp: `{"metadata_fields":[{"external_id":"b"},{"external_id":"a"}]}`,
			got:  func(v any) any { return v.(*MetadataFieldList).MetadataFields[1].ExternalID }, want: "a"},

		// Streaming profiles.
		{name: "StreamingProfiles", call: func(ctx context.Context, s *Service) (any, error) { return s.StreamingProfiles(ctx) },
			method: "GET", path: "streaming_profiles", resp: `{"data":[{"name":"4k","display_name":"4K","predefined":true}]}`,
			got: func(v any) any { return v.(*StreamingProfileList).Data[0].Predefined }, want: true},
		{name: "StreamingProfile", call: func(ctx context.Context, s *Service) (any, error) { return s.StreamingProfile(ctx, "hd") },
			method: "GET", path: "streaming_profiles/hd",
			resp: `{"data":{"name":"hd","predefined":true,"representations":[{"transformation":[{"width":1280,"crop":"limit"}]}]}}`,
			got:  func(v any) any { return string(v.(*StreamingProfileResult).Data.Representations[0].Transformation) }, want: `[{"width":1280,"crop":"limit"}]`},
		{name: "CreateStreamingProfile", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateStreamingProfile(ctx, "mine", &StreamingProfileParams{DisplayName: "Mine", Representations: []string{"c_limit,w_1280", "c_limit,w_640"}})
		},
			method: "POST", path: "streaming_profiles",
			body: `{"name":"mine","display_name":"Mine","representations":"[{\"transformation\":\"c_limit,w_1280\"},{\"transformation\":\"c_limit,w_640\"}]"}`,
			resp: `{"message":"created","data":{"name":"mine","display_name":"Mine","predefined":false}}`,
			got:  func(v any) any { return v.(*StreamingProfileResult).Data.DisplayName }, want: "Mine"},
		{name: "UpdateStreamingProfile", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateStreamingProfile(ctx, "mine", &StreamingProfileParams{Representations: []string{"w_320"}})
		},
			method: "PUT", path: "streaming_profiles/mine", body: `{"representations":"[{\"transformation\":\"w_320\"}]"}`,
			resp: `{"message":"updated","data":{"name":"mine"}}`, got: func(v any) any { return v.(*StreamingProfileResult).Message }, want: "updated"},
		{name: "DeleteStreamingProfile", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteStreamingProfile(ctx, "mine") },
			method: "DELETE", path: "streaming_profiles/mine", body: `{}`, resp: `{"message":"deleted"}`,
			got: func(v any) any { return v.(*StreamingProfileResult).Message }, want: "deleted"},

		// Transformations.
		{name: "Transformations", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Transformations(ctx, &TransformationsOptions{Named: bptr(false), MaxResults: 2})
		},
			method: "GET", path: "transformations", query: url.Values{"named": {"false"}, "max_results": {"2"}},
			resp: `{"transformations":[{"name":"t_thumb","allowed_for_strict":true,"used":false,"named":true}],"next_cursor":"n"}`,
			got:  func(v any) any { return v.(*TransformationList).Transformations[0].AllowedForStrict }, want: true},
		{name: "Transformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Transformation(ctx, "c_fill,w_100", &TransformationOptions{MaxResults: 1})
		},
			method: "GET", path: "transformations", query: url.Values{"transformation": {"c_fill,w_100"}, "max_results": {"1"}},
			resp: `{"name":"c_fill,w_100","used":true,"info":[{"crop":"fill","width":100}],"derived":[{"public_id":"s","id":"d9"}]}`,
			got:  func(v any) any { return v.(*TransformationDetails).Derived[0].ID }, want: "d9"},
		{name: "CreateTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateTransformation(ctx, "thumb", "c_fill,w_100")
		},
			method: "POST", path: "transformations", body: `{"name":"thumb","transformation":"c_fill,w_100"}`, resp: `{"message":"created"}`, got: msg, want: "created"},
		{name: "UpdateTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateTransformation(ctx, "thumb", &UpdateTransformationParams{AllowedForStrict: bptr(false), UnsafeUpdate: "c_fill,w_200"})
		},
			method: "PUT", path: "transformations", body: `{"transformation":"thumb","allowed_for_strict":false,"unsafe_update":"c_fill,w_200"}`,
			resp: `{"message":"updated"}`, got: msg, want: "updated"},
		{name: "DeleteTransformation", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteTransformation(ctx, "thumb")
		},
			method: "DELETE", path: "transformations", body: `{"transformation":"thumb"}`, resp: `{"message":"deleted"}`, got: msg, want: "deleted"},

		// Triggers.
		{name: "Triggers", call: func(ctx context.Context, s *Service) (any, error) { return s.Triggers(ctx) },
			method: "GET", path: "triggers", resp: `{"triggers":[{"id":"tr1","uri":"https://example.com/hook","event_type":"upload"}]}`,
			got: func(v any) any { return v.(*TriggerList).Triggers[0].ID }, want: "tr1"},
		{name: "CreateTrigger", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateTrigger(ctx, &TriggerParams{URI: "https://example.com/hook", EventType: "upload"})
		},
			method: "POST", path: "triggers", body: `{"uri":"https://example.com/hook","event_type":"upload"}`,
			resp: `{"id":"tr2","uri":"https://example.com/hook","event_type":"upload"}`, got: func(v any) any { return v.(*Trigger).ID }, want: "tr2"},
		{name: "UpdateTrigger", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateTrigger(ctx, "tr2", &TriggerParams{URI: "https://example.com/new", Additive: bptr(false)})
		},
			method: "PUT", path: "triggers/tr2", body: `{"uri":"https://example.com/new","additive":false}`,
			resp: `{"id":"tr2","uri":"https://example.com/new"}`, got: func(v any) any { return v.(*Trigger).URI }, want: "https://example.com/new"},
		{name: "DeleteTrigger", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteTrigger(ctx, "tr2") },
			method: "DELETE", path: "triggers/tr2", body: `{}`, resp: `{"message":"ok"}`, got: msg, want: "ok"},

		// Upload mappings.
		{name: "UploadMappings", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UploadMappings(ctx, &ListOptions{MaxResults: 3})
		},
			method: "GET", path: "upload_mappings", query: url.Values{"max_results": {"3"}},
			resp: `{"mappings":[{"folder":"wiki","template":"https://upload.wikimedia.org/wikipedia"}]}`,
			got:  func(v any) any { return v.(*UploadMappingList).Mappings[0].Folder }, want: "wiki"},
		{name: "UploadMapping", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadMapping(ctx, "wiki") },
			method: "GET", path: "upload_mappings", query: url.Values{"folder": {"wiki"}},
			resp: `{"folder":"wiki","template":"https://upload.wikimedia.org/wikipedia"}`,
			got:  func(v any) any { return v.(*UploadMapping).Template }, want: "https://upload.wikimedia.org/wikipedia"},
		{name: "CreateUploadMapping", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateUploadMapping(ctx, "wiki", "https://example.com/w/")
		},
			method: "POST", path: "upload_mappings", body: `{"folder":"wiki","template":"https://example.com/w/"}`,
			resp: `{"message":"created","folder":"wiki"}`, got: func(v any) any { return v.(*MessageResult).Folder }, want: "wiki"},
		{name: "UpdateUploadMapping", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateUploadMapping(ctx, "wiki", "https://example.com/x/")
		},
			method: "PUT", path: "upload_mappings", body: `{"folder":"wiki","template":"https://example.com/x/"}`, resp: `{"message":"updated"}`, got: msg, want: "updated"},
		{name: "DeleteUploadMapping", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUploadMapping(ctx, "wiki") },
			method: "DELETE", path: "upload_mappings", query: url.Values{"folder": {"wiki"}}, resp: `{"message":"deleted"}`, got: msg, want: "deleted"},

		// Upload presets.
		{name: "UploadPresets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UploadPresets(ctx, &ListOptions{NextCursor: cursor})
		},
			method: "GET", path: "upload_presets", query: url.Values{"next_cursor": {cursor}},
			resp: `{"presets":[{"name":"p1","unsigned":true,"settings":{"folder":"in"}}]}`,
			got:  func(v any) any { return v.(*UploadPresetList).Presets[0].Settings["folder"] }, want: "in"},
		{name: "UploadPreset", call: func(ctx context.Context, s *Service) (any, error) { return s.UploadPreset(ctx, "p1") },
			method: "GET", path: "upload_presets/p1", resp: `{"name":"p1","unsigned":true,"settings":{"tags":["a"]},"external_id":"e1"}`,
			got: func(v any) any { return v.(*UploadPreset).ExternalID }, want: "e1"},
		{name: "CreateUploadPreset", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateUploadPreset(ctx, &UploadPresetParams{Name: "p2", Unsigned: bptr(true), Settings: map[string]any{"folder": "in", "tags": "a,b"}})
		},
			method: "POST", path: "upload_presets", body: `{"name":"p2","unsigned":true,"folder":"in","tags":"a,b"}`,
			resp: `{"message":"created","name":"p2","external_id":"e2"}`, got: func(v any) any { return v.(*MessageResult).Name }, want: "p2"},
		{name: "UpdateUploadPreset", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateUploadPreset(ctx, "p2", &UploadPresetParams{Live: bptr(true)})
		},
			method: "PUT", path: "upload_presets/p2", body: `{"live":true}`, resp: `{"message":"updated"}`, got: msg, want: "updated"},
		{name: "DeleteUploadPreset", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUploadPreset(ctx, "p2") },
			method: "DELETE", path: "upload_presets/p2", body: `{}`, resp: `{"message":"deleted"}`, got: msg, want: "deleted"},
	}, parityEndpointCases()...)
}

// TestEndpoints calls every endpoint once against a recording server and
// checks the method, escaped path, query, JSON body, auth, decoded result,
// response metadata and LastRateLimit. The whole wire transcript is also
// pinned in testdata/endpoints.golden.
func TestEndpoints(t *testing.T) {
	t.Parallel()
	var transcript strings.Builder
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, tc.resp)
			})
			if _, ok := f.svc.LastRateLimit(); ok {
				t.Fatal("LastRateLimit reported a budget before any call")
			}
			v, err := tc.call(t.Context(), f.svc)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			apitest.CheckCall(t, r, tc.method, tc.path, tc.query, tc.body, testKey, testSecret)
			if got := tc.got(v); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %#v, want %#v", got, tc.want)
			}
			resp, ok := metaOf(v)
			if !ok || resp == nil {
				t.Fatalf("result %T has no Meta.Response", v)
			}
			if resp.RequestID != "req-1" || resp.RateLimit.Limit != 500 || resp.RateLimit.Remaining != 499 {
				t.Errorf("response meta: request id %q, rate limit %+v", resp.RequestID, resp.RateLimit)
			}
			if !apitest.JSONEqual(resp.Raw, []byte(tc.resp)) {
				t.Errorf("Raw %s, want the response body", resp.Raw)
			}
			last, ok := f.svc.LastRateLimit()
			want := client.RateLimit{Limit: 500, Remaining: 499, Reset: time.Date(2017, 4, 1, 22, 0, 0, 0, time.UTC)}
			if !ok || last.Limit != want.Limit || last.Remaining != want.Remaining || !last.Reset.Equal(want.Reset) {
				t.Errorf("LastRateLimit %+v %v, want %+v", last, ok, want)
			}
			transcript.WriteString(r.Transcript())
		})
	}
	if !t.Failed() {
		apitest.Golden(t, "endpoints.golden", []byte(transcript.String()))
	}
}

// TestEndpointErrors checks that a non-2xx answer comes back as a typed
// *client.APIError for every method of the endpoint table, with no result
// and with the rate limit still recorded.
func TestEndpointErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"error":{"message":"Resource not found - x"}}`)
			})
			v, err := tc.call(t.Context(), f.svc)
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
				t.Fatalf("err = %v, want *client.APIError 404", err)
			}
			if !errors.Is(err, client.ErrNotFound) {
				t.Errorf("errors.Is(err, client.ErrNotFound) = false for %v", err)
			}
			if !reflect.ValueOf(v).IsNil() {
				t.Errorf("result %v, want nil on error", v)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Error("error text contains the API secret")
			}
			if rl, ok := f.svc.LastRateLimit(); !ok || rl.Limit != 500 {
				t.Errorf("rate limit not recorded: %+v %v", rl, ok)
			}
		})
	}
}
