package admin

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

// walkStep is one row of TestMockWalk: a call of one exported Service
// method with arguments that are valid against the walk's seeded state.
type walkStep struct {
	method string
	call   func(ctx context.Context, s *Service) error
}

// walkAllowed are the methods the mock does not emulate, each with the
// reason. The walk checks that each still fails with the mock's "not
// emulated" answer, so an entry must go when the mock learns the call.
var walkAllowed = map[string]string{}

// notEmulated reports whether err is the mock's answer for a call it does
// not emulate, or a route it does not know (which is the same gap).
func notEmulated(err error) bool {
	var ae *client.APIError
	if !errors.As(err, &ae) {
		return false
	}
	m := ae.Message
	return strings.Contains(m, "does not support") || strings.Contains(m, "not emulated") ||
		strings.Contains(m, "Unsupported method") || strings.Contains(m, "Unknown API route") ||
		strings.Contains(m, "Unknown route") || strings.Contains(m, "Unknown Analysis API route") ||
		(ae.StatusCode == 404 && strings.Contains(m, "Expected "))
}

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
		{"Ping", func(ctx context.Context, s *Service) error { _, err := s.Ping(ctx); return err }},
		{"Config", func(ctx context.Context, s *Service) error {
			_, err := s.Config(ctx, &ConfigOptions{Settings: true})
			return err
		}},
		{"Usage", func(ctx context.Context, s *Service) error { _, err := s.Usage(ctx, nil); return err }},
		{"ResourceTypes", func(ctx context.Context, s *Service) error { _, err := s.ResourceTypes(ctx); return err }},
		{"Tags", func(ctx context.Context, s *Service) error { _, err := s.Tags(ctx, nil); return err }},
		{"TagsAll", func(ctx context.Context, s *Service) error { return first(s.TagsAll(ctx, nil)) }},
		{"ListResources", func(ctx context.Context, s *Service) error { _, err := s.ListResources(ctx, nil); return err }},
		{"ListResourcesAll", func(ctx context.Context, s *Service) error { return first(s.ListResourcesAll(ctx, nil)) }},
		{"ResourcesByPublicIDs", func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByPublicIDs(ctx, []string{"walk/a"}, nil)
			return err
		}},
		{"ResourcesByAssetIDs", func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByAssetIDs(ctx, []string{aID}, nil)
			return err
		}},
		{"ResourcesByTag", func(ctx context.Context, s *Service) error { _, err := s.ResourcesByTag(ctx, "walk", nil); return err }},
		{"ResourcesByTagAll", func(ctx context.Context, s *Service) error { return first(s.ResourcesByTagAll(ctx, "walk", nil)) }},
		{"ResourcesByContext", func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByContext(ctx, "alt", "", nil)
			return err
		}},
		{"ResourcesByContextAll", func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByContextAll(ctx, "alt", "A", nil))
		}},
		{"ResourcesByModeration", func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByModeration(ctx, "manual", "pending", nil)
			return err
		}},
		{"ResourcesByModerationAll", func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByModerationAll(ctx, "manual", "pending", nil))
		}},
		{"ResourcesByAssetFolder", func(ctx context.Context, s *Service) error {
			_, err := s.ResourcesByAssetFolder(ctx, "walk", nil)
			return err
		}},
		{"ResourcesByAssetFolderAll", func(ctx context.Context, s *Service) error {
			return first(s.ResourcesByAssetFolderAll(ctx, "walk", nil))
		}},
		{"VisualSearch", func(ctx context.Context, s *Service) error {
			_, err := s.VisualSearch(ctx, &VisualSearchOptions{Text: "walk"})
			return err
		}},
		{"Resource", func(ctx context.Context, s *Service) error {
			_, err := s.Resource(ctx, "walk/a", &ResourceOptions{Versions: true})
			return err
		}},
		{"ResourceByAssetID", func(ctx context.Context, s *Service) error { _, err := s.ResourceByAssetID(ctx, aID, nil); return err }},
		{"UpdateResource", func(ctx context.Context, s *Service) error {
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
		{"UpdateResourceByAssetID", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateResourceByAssetID(ctx, bID, &UpdateResourceParams{DisplayName: "B"})
			return err
		}},
		{"Search", func(ctx context.Context, s *Service) error {
			_, err := s.Search(ctx, &SearchQuery{Expression: "tags=walk"})
			return err
		}},
		{"SearchAll", func(ctx context.Context, s *Service) error {
			return first(s.SearchAll(ctx, &SearchQuery{Expression: "tags=walk"}))
		}},
		{"SearchFolders", func(ctx context.Context, s *Service) error {
			_, err := s.SearchFolders(ctx, &SearchQuery{Expression: "name=walk"})
			return err
		}},
		{"SearchFoldersAll", func(ctx context.Context, s *Service) error {
			return first(s.SearchFoldersAll(ctx, &SearchQuery{Expression: "name=walk"}))
		}},
		{"AddRelatedAssets", func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedAssets(ctx, "walk/a", []string{"image/upload/walk/b"}, nil)
			return err
		}},
		{"DeleteRelatedAssets", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedAssets(ctx, "walk/a", []string{"image/upload/walk/b"}, nil)
			return err
		}},
		{"AddRelatedAssetsByAssetID", func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedAssetsByAssetID(ctx, aID, []string{bID})
			return err
		}},
		{"DeleteRelatedAssetsByAssetID", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedAssetsByAssetID(ctx, aID, []string{bID})
			return err
		}},
		{"AddRelatedComplementaryAssets", func(ctx context.Context, s *Service) error {
			_, err := s.AddRelatedComplementaryAssets(ctx, aID, &ComplementaryParams{RelatedAssetIDs: []string{eID}, ComplementaryType: "image"})
			return err
		}},
		{"DeleteRelatedComplementaryAssets", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteRelatedComplementaryAssets(ctx, aID, &ComplementaryParams{RelatedAssetIDs: []string{eID}, ComplementaryType: "image"})
			return err
		}},
		{"PublishByIDs", func(ctx context.Context, s *Service) error {
			_, err := s.PublishByIDs(ctx, []string{"walk/q"}, nil)
			return err
		}},
		{"PublishByPrefix", func(ctx context.Context, s *Service) error {
			_, err := s.PublishByPrefix(ctx, "walk/r", nil)
			return err
		}},
		{"PublishByTag", func(ctx context.Context, s *Service) error { _, err := s.PublishByTag(ctx, "pub", nil); return err }},
		{"UpdateAccessModeByIDs", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByIDs(ctx, AccessAuthenticated, []string{"walk/b"}, nil)
			return err
		}},
		{"UpdateAccessModeByPrefix", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByPrefix(ctx, AccessPublic, "walk/b", nil)
			return err
		}},
		{"UpdateAccessModeByTag", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateAccessModeByTag(ctx, AccessPublic, "keep", nil)
			return err
		}},
		{"RootFolders", func(ctx context.Context, s *Service) error { _, err := s.RootFolders(ctx, nil); return err }},
		{"RootFoldersAll", func(ctx context.Context, s *Service) error { return first(s.RootFoldersAll(ctx, nil)) }},
		{"CreateFolder", func(ctx context.Context, s *Service) error { _, err := s.CreateFolder(ctx, "walk/sub"); return err }},
		{"SubFolders", func(ctx context.Context, s *Service) error { _, err := s.SubFolders(ctx, "walk", nil); return err }},
		{"SubFoldersAll", func(ctx context.Context, s *Service) error { return first(s.SubFoldersAll(ctx, "walk", nil)) }},
		{"RenameFolder", func(ctx context.Context, s *Service) error {
			_, err := s.RenameFolder(ctx, "walk/sub", "walk/sub2")
			return err
		}},
		{"DeleteFolder", func(ctx context.Context, s *Service) error { _, err := s.DeleteFolder(ctx, "walk/sub2"); return err }},
		{"CreateUploadPreset", func(ctx context.Context, s *Service) error {
			_, err := s.CreateUploadPreset(ctx, &UploadPresetParams{Name: "walk", Unsigned: &yes, Settings: map[string]any{"tags": "w"}})
			return err
		}},
		{"UploadPresets", func(ctx context.Context, s *Service) error { _, err := s.UploadPresets(ctx, nil); return err }},
		{"UploadPresetsAll", func(ctx context.Context, s *Service) error { return first(s.UploadPresetsAll(ctx, nil)) }},
		{"UploadPreset", func(ctx context.Context, s *Service) error { _, err := s.UploadPreset(ctx, "walk"); return err }},
		{"UpdateUploadPreset", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateUploadPreset(ctx, "walk", &UploadPresetParams{Settings: map[string]any{"folder": "w"}})
			return err
		}},
		{"DeleteUploadPreset", func(ctx context.Context, s *Service) error { _, err := s.DeleteUploadPreset(ctx, "walk"); return err }},
		{"CreateUploadMapping", func(ctx context.Context, s *Service) error {
			_, err := s.CreateUploadMapping(ctx, "wm", "https://example.com/")
			return err
		}},
		{"UploadMappings", func(ctx context.Context, s *Service) error { _, err := s.UploadMappings(ctx, nil); return err }},
		{"UploadMappingsAll", func(ctx context.Context, s *Service) error { return first(s.UploadMappingsAll(ctx, nil)) }},
		{"UploadMapping", func(ctx context.Context, s *Service) error { _, err := s.UploadMapping(ctx, "wm"); return err }},
		{"UpdateUploadMapping", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateUploadMapping(ctx, "wm", "https://example.org/")
			return err
		}},
		{"DeleteUploadMapping", func(ctx context.Context, s *Service) error { _, err := s.DeleteUploadMapping(ctx, "wm"); return err }},
		{"CreateTransformation", func(ctx context.Context, s *Service) error {
			_, err := s.CreateTransformation(ctx, "walk", "c_scale,w_100")
			return err
		}},
		{"Transformations", func(ctx context.Context, s *Service) error { _, err := s.Transformations(ctx, nil); return err }},
		{"TransformationsAll", func(ctx context.Context, s *Service) error { return first(s.TransformationsAll(ctx, nil)) }},
		{"Transformation", func(ctx context.Context, s *Service) error {
			_, err := s.Transformation(ctx, "t_walk", nil)
			return err
		}},
		{"UpdateTransformation", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateTransformation(ctx, "t_walk", &UpdateTransformationParams{AllowedForStrict: &yes, UnsafeUpdate: "c_scale,w_102"})
			return err
		}},
		{"DeleteTransformation", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteTransformation(ctx, "t_walk")
			return err
		}},
		{"StreamingProfiles", func(ctx context.Context, s *Service) error { _, err := s.StreamingProfiles(ctx); return err }},
		{"CreateStreamingProfile", func(ctx context.Context, s *Service) error {
			_, err := s.CreateStreamingProfile(ctx, "walk", &StreamingProfileParams{DisplayName: "Walk", Representations: []string{"c_limit,w_640"}})
			return err
		}},
		{"StreamingProfile", func(ctx context.Context, s *Service) error { _, err := s.StreamingProfile(ctx, "walk"); return err }},
		{"UpdateStreamingProfile", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateStreamingProfile(ctx, "walk", &StreamingProfileParams{DisplayName: "Walk 2"})
			return err
		}},
		{"DeleteStreamingProfile", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteStreamingProfile(ctx, "walk")
			return err
		}},
		{"CreateMetadataField", func(ctx context.Context, s *Service) error {
			_, err := s.CreateMetadataField(ctx, &MetadataField{ExternalID: "color", Type: "enum", Label: "Color",
				Datasource: &Datasource{Values: []DatasourceValue{{ExternalID: "red", Value: "Red"}, {ExternalID: "blue", Value: "Blue"}}}})
			return err
		}},
		{"MetadataFields", func(ctx context.Context, s *Service) error { _, err := s.MetadataFields(ctx); return err }},
		{"MetadataField", func(ctx context.Context, s *Service) error { _, err := s.MetadataField(ctx, "color"); return err }},
		{"UpdateMetadataField", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataField(ctx, "color", &MetadataField{Label: "Colour"})
			return err
		}},
		{"UpdateMetadataDatasource", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataDatasource(ctx, "color", []DatasourceValue{{ExternalID: "green", Value: "Green"}})
			return err
		}},
		{"DeleteMetadataDatasourceEntries", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteMetadataDatasourceEntries(ctx, "color", []string{"red"})
			return err
		}},
		{"RestoreMetadataDatasourceEntries", func(ctx context.Context, s *Service) error {
			_, err := s.RestoreMetadataDatasourceEntries(ctx, "color", []string{"red"})
			return err
		}},
		{"OrderMetadataDatasource", func(ctx context.Context, s *Service) error {
			_, err := s.OrderMetadataDatasource(ctx, "color", "value", Asc)
			return err
		}},
		{"ReorderMetadataFields", func(ctx context.Context, s *Service) error {
			_, err := s.ReorderMetadataFields(ctx, "label", Desc)
			return err
		}},
		{"AddMetadataRule", func(ctx context.Context, s *Service) error {
			r, err := s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "color", Name: "walk",
				Condition: []byte(`{"metadata_field_id":"color","equals":"red"}`), Result: []byte(`{"enable":true}`)})
			if r != nil {
				ruleID = r.ExternalID
			}
			return err
		}},
		{"MetadataRules", func(ctx context.Context, s *Service) error { _, err := s.MetadataRules(ctx); return err }},
		{"UpdateMetadataRule", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadataRule(ctx, ruleID, &MetadataRule{Name: "walk 2"})
			return err
		}},
		{"DeleteMetadataRule", func(ctx context.Context, s *Service) error { _, err := s.DeleteMetadataRule(ctx, ruleID); return err }},
		{"DeleteMetadataField", func(ctx context.Context, s *Service) error { _, err := s.DeleteMetadataField(ctx, "color"); return err }},
		{"CreateTrigger", func(ctx context.Context, s *Service) error {
			tr, err := s.CreateTrigger(ctx, &TriggerParams{URI: "https://example.com/hook", EventType: "upload"})
			if tr != nil {
				triggerID = tr.ID
			}
			return err
		}},
		{"Triggers", func(ctx context.Context, s *Service) error { _, err := s.Triggers(ctx); return err }},
		{"UpdateTrigger", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateTrigger(ctx, triggerID, &TriggerParams{URI: "https://example.com/hook2"})
			return err
		}},
		{"DeleteTrigger", func(ctx context.Context, s *Service) error { _, err := s.DeleteTrigger(ctx, triggerID); return err }},
		{"Analyze", func(ctx context.Context, s *Service) error {
			_, err := s.Analyze(ctx, &AnalyzeParams{URI: "https://example.com/a.jpg", AnalysisType: "captioning"})
			return err
		}},
		{"DeleteDerivedResources", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteDerivedResources(ctx, []string{"0123456789abcdef"})
			return err
		}},
		{"DeleteDerivedByTransformation", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteDerivedByTransformation(ctx, []string{"walk/a"}, []string{"c_scale,w_100"}, nil)
			return err
		}},
		{"DeleteResources", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResources(ctx, []string{"walk/g"}, nil)
			return err
		}},
		{"DeleteResourcesAll", func(ctx context.Context, s *Service) error {
			sum, err := s.DeleteResourcesAll(ctx, []string{"walk/g", "walk/never-there"}, nil)
			if err == nil && (len(sum.NotFoundIDs) != 2 || sum.NotFoundIDs[1] != "walk/never-there") {
				return fmt.Errorf("not found %v, want walk/g (deleted just before) and walk/never-there", sum.NotFoundIDs)
			}
			return err
		}},
		{"RestoreResources", func(ctx context.Context, s *Service) error {
			_, err := s.RestoreResources(ctx, []string{"walk/g"}, nil)
			return err
		}},
		{"DeleteResourcesByAssetIDs", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByAssetIDs(ctx, []string{eID}, nil)
			return err
		}},
		{"RestoreResourcesByAssetIDs", func(ctx context.Context, s *Service) error {
			_, err := s.RestoreResourcesByAssetIDs(ctx, []string{eID}, nil)
			return err
		}},
		{"DeleteBackedUpAssets", func(ctx context.Context, s *Service) error {
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
		{"DeleteResourcesByPrefix", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByPrefix(ctx, "walk/f", nil)
			return err
		}},
		{"DeleteResourcesByTag", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteResourcesByTag(ctx, "gone", nil)
			return err
		}},
		{"DeleteAllByPrefix", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteAllByPrefix(ctx, "walk/e", nil)
			return err
		}},
		{"DeleteAllByTag", func(ctx context.Context, s *Service) error { _, err := s.DeleteAllByTag(ctx, "pub", nil); return err }},
		{"DeleteAllResources", func(ctx context.Context, s *Service) error {
			_, err := s.DeleteAllResources(ctx, &DeleteOptions{Type: Private})
			return err
		}},
	}

	// Every exported method has a row; helpers that make no call are exempt.
	exempt := map[string]bool{"Client": true, "LastRateLimit": true}
	rows := map[string]bool{}
	for _, st := range steps {
		if rows[st.method] {
			t.Errorf("two rows for %s", st.method)
		}
		rows[st.method] = true
	}
	typ := reflect.TypeFor[*Service]()
	var missing []string
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if !exempt[name] && !rows[name] {
			missing = append(missing, name)
		}
		delete(rows, name)
	}
	if len(missing) > 0 {
		t.Errorf("methods without a walk row (add one, and make the mock answer them): %v", missing)
	}
	for name := range rows {
		t.Errorf("walk row %s names no method of Service", name)
	}
	for name := range walkAllowed {
		if !slices.ContainsFunc(steps, func(st walkStep) bool { return st.method == name }) {
			t.Errorf("allow-list entry %s has no row", name)
		}
	}

	for _, st := range steps {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := st.call(ctx, s)
		cancel()
		reason, allowed := walkAllowed[st.method]
		switch {
		case allowed && err == nil:
			t.Errorf("%s: succeeds now; remove it from walkAllowed (%s)", st.method, reason)
		case allowed && !notEmulated(err):
			t.Errorf("%s: allow-listed as not emulated, but failed otherwise: %v", st.method, err)
		case allowed:
		case notEmulated(err):
			t.Errorf("%s: the mock does not emulate it: %v", st.method, err)
		case err != nil:
			t.Errorf("%s: %v", st.method, err)
		}
	}
}
