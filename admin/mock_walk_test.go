package admin

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"testing"

	"github.com/cldrest/cldrest/internal/apitest"
)

// walkStep is one row of TestMockWalk: a call of one exported Service
// method with arguments that are valid against the walk's seeded state.
type walkStep = apitest.Step[*Service]

// walkAllowed are the methods the mock does not emulate, each with the
// reason. The walk checks that each still fails with the mock's "not
// emulated" answer, so an entry must go when the mock learns the call.
var walkAllowed = map[string]string{}

// first runs an iterator to its first element (or its end).
func first[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		return err
	}
	return nil
}

// TestMockWalk calls every exported method of Service against the mock
// and fails on any error, above all on a "not emulated" or unknown-route
// answer. A method without a row fails the test: the mock answers every
// call the client can make, in the same change that adds the call.
func TestMockWalk(t *testing.T) {
	_, s := startMock(t, nil)
	seed(t, s, []seedAsset{
		{"walk/a", url.Values{"tags": {"walk,keep"}, "context": {"alt=A"}, "asset_folder": {"walk"}, "moderation": {"manual"}}},
		{"walk/b", url.Values{"tags": {"walk"}, "asset_folder": {"walk"}}},
		{"walk/c", url.Values{"tags": {"gone"}}},
		{"walk/d", url.Values{"tags": {"gone"}}},
		{"walk/p", url.Values{"type": {"private"}, "tags": {"pub"}}},
		{"walk/q", url.Values{"type": {"private"}}},
		{"walk/r", url.Values{"type": {"private"}}},
		{"walk/e", url.Values{"tags": {"walk"}}},
		{"walk/f", url.Values{"tags": {"walk"}}},
		{"walk/g", url.Values{}},
	})
	ctx := t.Context()
	idOf := func(publicID string) string {
		r, err := s.Resource(ctx, publicID, nil)
		if err != nil {
			t.Fatalf("Resource %s: %v", publicID, err)
		}
		return r.AssetID
	}
	aID, bID, eID := idOf("walk/a"), idOf("walk/b"), idOf("walk/e")
	yes := true
	var ruleID, triggerID string

	steps := []walkStep{
		{Method: "Ping", Call: func(ctx context.Context, s *Service) error { _, err := s.Ping(ctx); return err }},
		{Method: "Config", Call: func(ctx context.Context, s *Service) error {
			_, err := s.Config(ctx, &ConfigOptions{Settings: true})
			return err
		}},
		{Method: "Usage", Call: func(ctx context.Context, s *Service) error { _, err := s.Usage(ctx, nil); return err }},
		{Method: "ResourceTypes", Call: func(ctx context.Context, s *Service) error { _, err := s.ResourceTypes(ctx); return err }},
		{Method: "Tags", Call: func(ctx context.Context, s *Service) error { _, err := s.Tags(ctx, nil); return err }},
		{Method: "TagsAll", Call: func(ctx context.Context, s *Service) error { return first(s.TagsAll(ctx, nil)) }},
		{Method: "ListResources", Call: func(ctx context.Context, s *Service) error { _, err := s.ListResources(ctx, nil); return err }},
		{Method: "ListResourcesAll", Call: func(ctx context.Context, s *Service) error { return first(s.ListResourcesAll(ctx, nil)) }},
		{Method: "ResourcesByPublicIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByPublicIDs(ctx, []string{"walk/a"}, nil)
			return err
		}},
		{Method: "ResourcesByAssetIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByAssetIDs(ctx, []string{aID}, nil)
			return err
		}},
		{Method: "ResourcesByTag", Call: func(ctx context.Context, s *Service) error { _, err := s.ResourcesByTag(ctx, "walk", nil); return err }},
		{Method: "ResourcesByTagAll", Call: func(ctx context.Context, s *Service) error { return first(s.ResourcesByTagAll(ctx, "walk", nil)) }},
		{Method: "ResourcesByContext", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByContext(ctx, "alt", "", nil)
			return err
		}},
		{Method: "ResourcesByContextAll", Call: func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByContextAll(ctx, "alt", "A", nil))
		}},
		{Method: "ResourcesByModeration", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByModeration(ctx, "manual", "pending", nil)
			return err
		}},
		{Method: "ResourcesByModerationAll", Call: func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByModerationAll(ctx, "manual", "pending", nil))
		}},
		{Method: "ResourcesByAssetFolder", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByAssetFolder(ctx, "walk", nil)
			return err
		}},
		{Method: "ResourcesByAssetFolderAll", Call: func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByAssetFolderAll(ctx, "walk", nil))
		}},
		{Method: "VisualSearch", Call: func(ctx context.Context, s *Service) error {
			_, err := s.VisualSearch(ctx, &VisualSearchOptions{Text: "walk"})
			return err
		}},
		{Method: "Resource", Call: func(ctx context.Context, s *Service) error {
			_, err := s.Resource(ctx, "walk/a", &ResourceOptions{Versions: true})
			return err
		}},
		{Method: "ResourceByAssetID", Call: func(ctx context.Context, s *Service) error { _, err := s.ResourceByAssetID(ctx, aID, nil); return err }},
		{Method: "UpdateResource", Call: func(ctx context.Context, s *Service) error {
			r, err := s.UpdateResource(ctx, "walk/a", &UpdateResourceParams{DisplayName: "A", Tags: Tags{"walk", "keep", "upd"}})
			if err != nil {
				return err
			}
			// last_updated dates the tags change; context and metadata were not changed after the upload.
			lu := r.LastUpdated
			if lu.TagsUpdatedAt.IsZero() || !lu.TagsUpdatedAt.Equal(lu.UpdatedAt.Time) || !lu.ContextUpdatedAt.IsZero() || !lu.MetadataUpdatedAt.IsZero() {
				return fmt.Errorf("last_updated %+v, want tags_updated_at = updated_at and no context or metadata times", lu)
			}
			return nil
		}},
		{Method: "UpdateResourceByAssetID", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateResourceByAssetID(ctx, bID, &UpdateResourceParams{DisplayName: "B"})
			return err
		}},
		{Method: "Search", Call: func(ctx context.Context, s *Service) error {
			_, err := s.Search(ctx, &SearchQuery{Expression: "tags=walk"})
			return err
		}},
		{Method: "SearchAll", Call: func(ctx context.Context, s *Service) error {
			return first(s.SearchAll(ctx, &SearchQuery{Expression: "tags=walk"}))
		}},
		{Method: "SearchFolders", Call: func(ctx context.Context, s *Service) error {
			_, err := s.SearchFolders(ctx, &SearchQuery{Expression: "name=walk"})
			return err
		}},
		{Method: "SearchFoldersAll", Call: func(ctx context.Context, s *Service) error {
			return first(s.SearchFoldersAll(ctx, &SearchQuery{Expression: "name=walk"}))
		}},
		{Method: "AddRelatedAssets", Call: func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedAssets(ctx, "walk/a", []string{"image/upload/walk/b"}, nil)
			return err
		}},
		{Method: "DeleteRelatedAssets", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedAssets(ctx, "walk/a", []string{"image/upload/walk/b"}, nil)
			return err
		}},
		{Method: "AddRelatedAssetsByAssetID", Call: func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedAssetsByAssetID(ctx, aID, []string{bID})
			return err
		}},
		{Method: "DeleteRelatedAssetsByAssetID", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedAssetsByAssetID(ctx, aID, []string{bID})
			return err
		}},
		{Method: "AddRelatedComplementaryAssets", Call: func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedComplementaryAssets(ctx, aID, &ComplementaryParams{RelatedAssetIDs: []string{eID}, ComplementaryType: "image"})
			return err
		}},
		{Method: "DeleteRelatedComplementaryAssets", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedComplementaryAssets(ctx, aID, &ComplementaryParams{RelatedAssetIDs: []string{eID}, ComplementaryType: "image"})
			return err
		}},
		{Method: "PublishByIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.PublishByIDs(ctx, []string{"walk/q"}, nil)
			return err
		}},
		{Method: "PublishByPrefix", Call: func(ctx context.Context, s *Service) error {
			_, err := s.PublishByPrefix(ctx, "walk/r", nil)
			return err
		}},
		{Method: "PublishByTag", Call: func(ctx context.Context, s *Service) error { _, err := s.PublishByTag(ctx, "pub", nil); return err }},
		{Method: "UpdateAccessModeByIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByIDs(ctx, AccessAuthenticated, []string{"walk/b"}, nil)
			return err
		}},
		{Method: "UpdateAccessModeByPrefix", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByPrefix(ctx, AccessPublic, "walk/b", nil)
			return err
		}},
		{Method: "UpdateAccessModeByTag", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByTag(ctx, AccessPublic, "keep", nil)
			return err
		}},
		{Method: "RootFolders", Call: func(ctx context.Context, s *Service) error { _, err := s.RootFolders(ctx, nil); return err }},
		{Method: "RootFoldersAll", Call: func(ctx context.Context, s *Service) error { return first(s.RootFoldersAll(ctx, nil)) }},
		{Method: "CreateFolder", Call: func(ctx context.Context, s *Service) error { _, err := s.CreateFolder(ctx, "walk/sub"); return err }},
		{Method: "SubFolders", Call: func(ctx context.Context, s *Service) error { _, err := s.SubFolders(ctx, "walk", nil); return err }},
		{Method: "SubFoldersAll", Call: func(ctx context.Context, s *Service) error { return first(s.SubFoldersAll(ctx, "walk", nil)) }},
		{Method: "RenameFolder", Call: func(ctx context.Context, s *Service) error {
			_, err := s.RenameFolder(ctx, "walk/sub", "walk/sub2")
			return err
		}},
		{Method: "DeleteFolder", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteFolder(ctx, "walk/sub2"); return err }},
		{Method: "CreateUploadPreset", Call: func(ctx context.Context, s *Service) error {
			_, err := s.CreateUploadPreset(ctx, &UploadPresetParams{Name: "walk", Unsigned: &yes, Settings: map[string]any{"tags": "w"}})
			return err
		}},
		{Method: "UploadPresets", Call: func(ctx context.Context, s *Service) error { _, err := s.UploadPresets(ctx, nil); return err }},
		{Method: "UploadPresetsAll", Call: func(ctx context.Context, s *Service) error { return first(s.UploadPresetsAll(ctx, nil)) }},
		{Method: "UploadPreset", Call: func(ctx context.Context, s *Service) error { _, err := s.UploadPreset(ctx, "walk"); return err }},
		{Method: "UpdateUploadPreset", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateUploadPreset(ctx, "walk", &UploadPresetParams{Settings: map[string]any{"folder": "w"}})
			return err
		}},
		{Method: "DeleteUploadPreset", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteUploadPreset(ctx, "walk"); return err }},
		{Method: "CreateUploadMapping", Call: func(ctx context.Context, s *Service) error {
			_, err := s.CreateUploadMapping(ctx, "wm", "https://example.com/")
			return err
		}},
		{Method: "UploadMappings", Call: func(ctx context.Context, s *Service) error { _, err := s.UploadMappings(ctx, nil); return err }},
		{Method: "UploadMappingsAll", Call: func(ctx context.Context, s *Service) error { return first(s.UploadMappingsAll(ctx, nil)) }},
		{Method: "UploadMapping", Call: func(ctx context.Context, s *Service) error { _, err := s.UploadMapping(ctx, "wm"); return err }},
		{Method: "UpdateUploadMapping", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateUploadMapping(ctx, "wm", "https://example.org/")
			return err
		}},
		{Method: "DeleteUploadMapping", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteUploadMapping(ctx, "wm"); return err }},
		{Method: "CreateTransformation", Call: func(ctx context.Context, s *Service) error {
			_, err := s.CreateTransformation(ctx, "walk", "c_scale,w_100")
			return err
		}},
		{Method: "Transformations", Call: func(ctx context.Context, s *Service) error { _, err := s.Transformations(ctx, nil); return err }},
		{Method: "TransformationsAll", Call: func(ctx context.Context, s *Service) error { return first(s.TransformationsAll(ctx, nil)) }},
		{Method: "Transformation", Call: func(ctx context.Context, s *Service) error {
			_, err := s.Transformation(ctx, "t_walk", nil)
			return err
		}},
		{Method: "UpdateTransformation", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateTransformation(ctx, "t_walk", &UpdateTransformationParams{AllowedForStrict: &yes, UnsafeUpdate: "c_scale,w_102"})
			return err
		}},
		{Method: "DeleteTransformation", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteTransformation(ctx, "t_walk")
			return err
		}},
		{Method: "StreamingProfiles", Call: func(ctx context.Context, s *Service) error { _, err := s.StreamingProfiles(ctx); return err }},
		{Method: "CreateStreamingProfile", Call: func(ctx context.Context, s *Service) error {
			_, err := s.CreateStreamingProfile(ctx, "walk", &StreamingProfileParams{DisplayName: "Walk", Representations: []string{"c_limit,w_640"}})
			return err
		}},
		{Method: "StreamingProfile", Call: func(ctx context.Context, s *Service) error { _, err := s.StreamingProfile(ctx, "walk"); return err }},
		{Method: "UpdateStreamingProfile", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateStreamingProfile(ctx, "walk", &StreamingProfileParams{DisplayName: "Walk 2"})
			return err
		}},
		{Method: "DeleteStreamingProfile", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteStreamingProfile(ctx, "walk")
			return err
		}},
		{Method: "CreateMetadataField", Call: func(ctx context.Context, s *Service) error {
			_, err := s.CreateMetadataField(ctx, &MetadataField{ExternalID: "color", Type: "enum", Label: "Color",
				Datasource: &Datasource{Values: []DatasourceValue{{ExternalID: "red", Value: "Red"}, {ExternalID: "blue", Value: "Blue"}}}})
			return err
		}},
		{Method: "MetadataFields", Call: func(ctx context.Context, s *Service) error { _, err := s.MetadataFields(ctx); return err }},
		{Method: "MetadataField", Call: func(ctx context.Context, s *Service) error { _, err := s.MetadataField(ctx, "color"); return err }},
		{Method: "UpdateMetadataField", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataField(ctx, "color", &MetadataField{Label: "Colour"})
			return err
		}},
		{Method: "UpdateMetadataDatasource", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataDatasource(ctx, "color", []DatasourceValue{{ExternalID: "green", Value: "Green"}})
			return err
		}},
		{Method: "DeleteMetadataDatasourceEntries", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteMetadataDatasourceEntries(ctx, "color", []string{"red"})
			return err
		}},
		{Method: "RestoreMetadataDatasourceEntries", Call: func(ctx context.Context, s *Service) error {
			_, err := s.RestoreMetadataDatasourceEntries(ctx, "color", []string{"red"})
			return err
		}},
		{Method: "OrderMetadataDatasource", Call: func(ctx context.Context, s *Service) error {
			_, err := s.OrderMetadataDatasource(ctx, "color", "value", Asc)
			return err
		}},
		{Method: "ReorderMetadataFields", Call: func(ctx context.Context, s *Service) error {
			_, err := s.ReorderMetadataFields(ctx, "label", Desc)
			return err
		}},
		{Method: "AddMetadataRule", Call: func(ctx context.Context, s *Service) error {
			r, err := s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "color", Name: "walk",
				Condition: []byte(`{"metadata_field_id":"color","equals":"red"}`), Result: []byte(`{"enable":true}`)})
			if r != nil {
				ruleID = r.ExternalID
			}
			return err
		}},
		{Method: "MetadataRules", Call: func(ctx context.Context, s *Service) error { _, err := s.MetadataRules(ctx); return err }},
		{Method: "UpdateMetadataRule", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataRule(ctx, ruleID, &MetadataRule{Name: "walk 2"})
			return err
		}},
		{Method: "DeleteMetadataRule", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteMetadataRule(ctx, ruleID); return err }},
		{Method: "DeleteMetadataField", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteMetadataField(ctx, "color"); return err }},
		{Method: "CreateTrigger", Call: func(ctx context.Context, s *Service) error {
			tr, err := s.CreateTrigger(ctx, &TriggerParams{URI: "https://example.com/hook", EventType: "upload"})
			if tr != nil {
				triggerID = tr.ID
			}
			return err
		}},
		{Method: "Triggers", Call: func(ctx context.Context, s *Service) error { _, err := s.Triggers(ctx); return err }},
		{Method: "UpdateTrigger", Call: func(ctx context.Context, s *Service) error {
			_, err := s.UpdateTrigger(ctx, triggerID, &TriggerParams{URI: "https://example.com/hook2"})
			return err
		}},
		{Method: "DeleteTrigger", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteTrigger(ctx, triggerID); return err }},
		{Method: "Analyze", Call: func(ctx context.Context, s *Service) error {
			_, err := s.Analyze(ctx, &AnalyzeParams{URI: "https://example.com/a.jpg", AnalysisType: "captioning"})
			return err
		}},
		{Method: "DeleteDerivedResources", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteDerivedResources(ctx, []string{"0123456789abcdef"})
			return err
		}},
		{Method: "DeleteDerivedByTransformation", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteDerivedByTransformation(ctx, []string{"walk/a"}, []string{"c_scale,w_100"}, nil)
			return err
		}},
		{Method: "DeleteResources", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResources(ctx, []string{"walk/g"}, nil)
			return err
		}},
		{Method: "DeleteResourcesAll", Call: func(ctx context.Context, s *Service) error {
			sum, err := s.DeleteResourcesAll(ctx, []string{"walk/g", "walk/never-there"}, nil)
			if err == nil && (len(sum.NotFoundIDs) != 2 || sum.NotFoundIDs[1] != "walk/never-there") {
				return fmt.Errorf("not found %v, want walk/g (deleted just before) and walk/never-there", sum.NotFoundIDs)
			}
			return err
		}},
		{Method: "RestoreResources", Call: func(ctx context.Context, s *Service) error {
			_, err := s.RestoreResources(ctx, []string{"walk/g"}, nil)
			return err
		}},
		{Method: "DeleteResourcesByAssetIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByAssetIDs(ctx, []string{eID}, nil)
			return err
		}},
		{Method: "RestoreResourcesByAssetIDs", Call: func(ctx context.Context, s *Service) error {
			_, err := s.RestoreResourcesByAssetIDs(ctx, []string{eID}, nil)
			return err
		}},
		{Method: "DeleteBackedUpAssets", Call: func(ctx context.Context, s *Service) error {
			r, err := s.Resource(ctx, "walk/e", &ResourceOptions{Versions: true})
			if err != nil {
				return err
			}
			var vids []string
			for _, v := range r.Versions {
				vids = append(vids, v.VersionID)
			}
			_, err = s.DeleteBackedUpAssets(ctx, eID, vids)
			return err
		}},
		{Method: "DeleteResourcesByPrefix", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByPrefix(ctx, "walk/f", nil)
			return err
		}},
		{Method: "DeleteResourcesByTag", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByTag(ctx, "gone", nil)
			return err
		}},
		{Method: "DeleteAllByPrefix", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteAllByPrefix(ctx, "walk/e", nil)
			return err
		}},
		{Method: "DeleteAllByTag", Call: func(ctx context.Context, s *Service) error { _, err := s.DeleteAllByTag(ctx, "pub", nil); return err }},
		{Method: "DeleteAllResources", Call: func(ctx context.Context, s *Service) error {
			_, err := s.DeleteAllResources(ctx, &DeleteOptions{Type: Private})
			return err
		}},
	}

	// Helpers that make no call are exempt.
	apitest.Walk(t, s, steps, walkAllowed, "Client", "LastRateLimit")
}
