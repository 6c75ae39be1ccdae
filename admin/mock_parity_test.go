package admin

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

// TestMockParityEndpoints runs the parity calls against the mock's real
// state and checks each change through a later read.
func TestMockParityEndpoints(t *testing.T) {
	m, s := startMock(t, nil)
	seed(t, s, []seedAsset{
		{"drafts/a", url.Values{"type": {"private"}, "tags": {"launch"}}},
		{"drafts/b", url.Values{"type": {"authenticated"}, "tags": {"launch"}}},
		{"drafts/c", url.Values{"type": {"private"}}},
		{"docs/x", url.Values{"tags": {"doc"}}},
		{"docs/y", url.Values{"tags": {"doc"}}},
	})
	ctx := t.Context()
	typeOf := func(id string) DeliveryType {
		t.Helper()
		for _, dt := range []DeliveryType{Upload, Private, Authenticated} {
			if _, err := s.Resource(ctx, id, &ResourceOptions{Type: dt}); err == nil {
				return dt
			} else if !errors.Is(err, client.ErrNotFound) {
				t.Fatalf("Resource %s: %v", id, err)
			}
		}
		return ""
	}
	journaled := func(since int64, method, path string) {
		t.Helper()
		e := m.JournalSince(since)
		if len(e) != 1 || e[0].Method != method || e[0].Path != path || e[0].Status != 200 {
			t.Fatalf("journal %+v, want one %s %s answered 200", e, method, path)
		}
	}

	since := lastSeq(m)
	pub, err := s.PublishByTag(ctx, "launch", &PublishOptions{Type: Private})
	if err != nil {
		t.Fatal(err)
	}
	journaled(since, "POST", basePath+"resources/image/publish_resources")
	if len(pub.Published) != 1 || pub.Published[0].PublicID != "drafts/a" || pub.Published[0].Type != Upload {
		t.Fatalf("published %+v", pub.Published)
	}
	if typeOf("drafts/a") != Upload || typeOf("drafts/b") != Authenticated {
		t.Fatalf("after publish by tag (private only): drafts/a %s, drafts/b %s", typeOf("drafts/a"), typeOf("drafts/b"))
	}
	if _, err := s.PublishByIDs(ctx, []string{"drafts/b"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishByPrefix(ctx, "drafts/", nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"drafts/b", "drafts/c"} {
		if dt := typeOf(id); dt != Upload {
			t.Errorf("%s is %s after publishing, want upload", id, dt)
		}
	}

	since = lastSeq(m)
	am, err := s.UpdateAccessModeByTag(ctx, AccessAuthenticated, "doc", nil)
	if err != nil {
		t.Fatal(err)
	}
	journaled(since, "POST", basePath+"resources/image/upload/update_access_mode")
	if len(am.Updated) != 2 || am.Updated[0].AccessMode != AccessAuthenticated {
		t.Fatalf("updated %+v", am.Updated)
	}
	if _, err := s.UpdateAccessModeByIDs(ctx, AccessPublic, []string{"docs/x", "nope"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAccessModeByPrefix(ctx, AccessAuthenticated, "drafts/", nil); err != nil {
		t.Fatal(err)
	}
	modes := map[string]string{}
	for r, err := range s.ListResourcesAll(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		modes[r.PublicID] = r.AccessMode
	}
	want := map[string]string{"docs/x": "public", "docs/y": "authenticated", "drafts/a": "authenticated", "drafts/b": "authenticated", "drafts/c": "authenticated"}
	if !jsonEqualAny(modes, want) {
		t.Fatalf("access modes %v, want %v", modes, want)
	}

	// Backups: delete docs/y, delete its backed-up version, restore fails.
	y, err := s.Resource(ctx, "docs/y", &ResourceOptions{Versions: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteResources(ctx, []string{"docs/y"}, nil); err != nil {
		t.Fatal(err)
	}
	since = lastSeq(m)
	del, err := s.DeleteBackedUpAssets(ctx, y.AssetID, []string{y.Versions[0].VersionID})
	if err != nil {
		t.Fatal(err)
	}
	journaled(since, "DELETE", basePath+"resources/backup/"+y.AssetID)
	if del.AssetID != y.AssetID || !slices.Equal(del.DeletedVersionIDs, []string{y.Versions[0].VersionID}) {
		t.Fatalf("deleted %+v", del)
	}
	rs, err := s.RestoreResources(ctx, []string{"docs/y"}, nil)
	if err != nil || rs.Restored["docs/y"].Error != "no_backup" {
		t.Fatalf("restore after deleting the backup: %+v %v", rs, err)
	}
	if _, err := s.DeleteBackedUpAssets(ctx, y.AssetID, []string{"v-none"}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown version: %v, want a 404", err)
	}

	// Metadata rules.
	if _, err := s.CreateMetadataField(ctx, &MetadataField{ExternalID: "team", Type: MetadataString, Label: "Team"}); err != nil {
		t.Fatal(err)
	}
	rule, err := s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "team", Name: "teams",
		Condition: json.RawMessage(`{"metadata_field_id":"team","populated":true}`), Result: json.RawMessage(`{"enable":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	if rule.ExternalID == "" || rule.State != RuleActive || rule.Position != 1 {
		t.Fatalf("added %+v", rule)
	}
	if _, err := s.UpdateMetadataRule(ctx, rule.ExternalID, &MetadataRule{State: RuleInactive}); err != nil {
		t.Fatal(err)
	}
	list, err := s.MetadataRules(ctx)
	if err != nil || len(list.MetadataRules) != 1 || list.MetadataRules[0].State != RuleInactive || list.MetadataRules[0].Name != "teams" {
		t.Fatalf("rules %+v %v", list, err)
	}
	if ok, err := s.DeleteMetadataRule(ctx, rule.ExternalID); err != nil || !ok.Success {
		t.Fatalf("delete rule %+v %v", ok, err)
	}
	if _, err := s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "nope", Name: "n", Condition: json.RawMessage(`{}`), Result: json.RawMessage(`{}`)}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("rule for a missing field: %v", err)
	}

	// Analysis.
	since = lastSeq(m)
	an, err := s.Analyze(ctx, &AnalyzeParams{URI: "https://example.com/a.jpg", AnalysisType: AnalysisCaptioning})
	if err != nil {
		t.Fatal(err)
	}
	journaled(since, "POST", "/v2/demo/analysis/analyze/uri")
	if an.Data.Entity != "https://example.com/a.jpg" || an.RequestID == "" || an.Response.RateLimit.Limit == 0 {
		t.Fatalf("analysis %+v", an)
	}
	if _, err := s.Analyze(ctx, &AnalyzeParams{URI: "u", AnalysisType: "bogus"}); !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("unknown analysis type: %v", err)
	}
}

func jsonEqualAny(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return apitest.JSONEqual(ja, jb)
}
