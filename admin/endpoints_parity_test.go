package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

// parityEndpointCases are the Admin calls added for parity with the
// official SDKs (publish, access mode, backups, metadata rules); they run
// in TestEndpoints and are pinned at the end of testdata/endpoints.golden.
func parityEndpointCases() []endpointCase {
	published := func(v any) any {
		r := v.(*PublishResult)
		return sp(r.Published[0].PublicID, r.Published[0].Type, len(r.Failed))
	}
	updated := func(v any) any {
		r := v.(*AccessModeResult)
		return sp(r.Updated[0].PublicID, r.Updated[0].AccessMode, r.Failed[0].PublicID, r.Failed[0].Error)
	}
	const pubJSON = `{"published":[{"public_id":"a","type":"upload","resource_type":"image"}],"failed":[]}`
	const amJSON = `{"updated":[{"public_id":"a","access_mode":"public"}],"failed":[{"public_id":"b","error":"Resource not found"}]}`
	const ruleJSON = `{"external_id":"r1","metadata_field_id":"team","name":"employees","condition":{"metadata_field_id":"category","equals":"employee"},"result":{"enable":true,"activate_values":"all"},"state":"active","position":1}`
	rule := func(v any) any {
		r := v.(*MetadataRule)
		return sp(r.ExternalID, r.MetadataFieldID, r.State, string(r.Condition))
	}
	return []endpointCase{
		// Publish.
		{name: "PublishByIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.PublishByIDs(ctx, []string{"a", "b/c"}, &PublishOptions{Type: Authenticated, Overwrite: true})
		},
			method: "POST", path: "resources/image/publish_resources", body: `{"public_ids":["a","b/c"],"type":"authenticated","overwrite":true}`,
			resp: pubJSON, got: published, want: "a upload 0"},
		{name: "PublishByPrefix", call: func(ctx context.Context, s *Service) (any, error) {
			return s.PublishByPrefix(ctx, "drafts/", &PublishOptions{ResourceType: Video, Invalidate: true})
		},
			method: "POST", path: "resources/video/publish_resources", body: `{"prefix":"drafts/","invalidate":true}`,
			resp: pubJSON, got: published, want: "a upload 0"},
		{name: "PublishByTag", call: func(ctx context.Context, s *Service) (any, error) {
			return s.PublishByTag(ctx, "launch day", nil)
		},
			method: "POST", path: "resources/image/publish_resources", body: `{"tag":"launch day"}`,
			resp: pubJSON, got: published, want: "a upload 0"},

		// Access mode.
		{name: "UpdateAccessModeByIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateAccessModeByIDs(ctx, AccessPublic, []string{"a", "b"}, nil)
		},
			method: "POST", path: "resources/image/upload/update_access_mode", body: `{"access_mode":"public","public_ids":["a","b"]}`,
			resp: amJSON, got: updated, want: "a public b Resource not found"},
		{name: "UpdateAccessModeByPrefix", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateAccessModeByPrefix(ctx, AccessAuthenticated, "secret/", &AccessModeOptions{ResourceType: Raw, Type: Private})
		},
			method: "POST", path: "resources/raw/private/update_access_mode", body: `{"access_mode":"authenticated","prefix":"secret/"}`,
			resp: amJSON, got: updated, want: "a public b Resource not found"},
		{name: "UpdateAccessModeByTag", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateAccessModeByTag(ctx, AccessPublic, "t1", nil)
		},
			method: "POST", path: "resources/image/upload/update_access_mode", body: `{"access_mode":"public","tag":"t1"}`,
			resp: amJSON, got: updated, want: "a public b Resource not found"},

		// Backups.
		{name: "DeleteBackedUpAssets", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteBackedUpAssets(ctx, assetID, []string{"v1", "v2"})
		},
			method: "DELETE", path: "resources/backup/" + assetID, body: `{"version_ids":["v1","v2"]}`,
			resp: `{"asset_id":"` + assetID + `","deleted_version_ids":["v1","v2"]}`,
			got:  func(v any) any { r := v.(*DeleteBackupResult); return sp(r.AssetID, r.DeletedVersionIDs) }, want: assetID + " [v1 v2]"},

		// Metadata rules.
		{name: "MetadataRules", call: func(ctx context.Context, s *Service) (any, error) { return s.MetadataRules(ctx) },
			method: "GET", path: "metadata_rules", resp: `{"metadata_rules":[` + ruleJSON + `]}`,
			got: func(v any) any { return v.(*MetadataRuleList).MetadataRules[0].Position }, want: 1},
		{name: "AddMetadataRule", call: func(ctx context.Context, s *Service) (any, error) {
			return s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "team", Name: "employees",
				Condition: json.RawMessage(`{"metadata_field_id":"category","equals":"employee"}`),
				Result:    json.RawMessage(`{"enable":true,"activate_values":"all"}`)})
		},
			method: "POST", path: "metadata_rules",
			body: `{"metadata_field_id":"team","name":"employees","condition":{"metadata_field_id":"category","equals":"employee"},"result":{"enable":true,"activate_values":"all"}}`,
			resp: ruleJSON, got: rule, want: `r1 team active {"metadata_field_id":"category","equals":"employee"}`},
		{name: "UpdateMetadataRule", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateMetadataRule(ctx, "r1", &MetadataRule{State: RuleInactive, ExternalID: "ignored"})
		},
			method: "PUT", path: "metadata_rules/r1", body: `{"state":"inactive"}`,
			resp: strings.Replace(ruleJSON, `"active"`, `"inactive"`, 1), got: rule, want: `r1 team inactive {"metadata_field_id":"category","equals":"employee"}`},
		{name: "DeleteMetadataRule", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteMetadataRule(ctx, "r1") },
			method: "DELETE", path: "metadata_rules/r1", body: `{}`, resp: `{"success":true}`,
			got: func(v any) any { return v.(*SuccessResult).Success }, want: true},
	}
}

// TestAnalyzeRequest pins the Analysis API request: POST under
// /v2/<cloud>/ (not /v1_1/), Basic auth, the JSON body of the official SDKs
// (parameters.custom for custom models), and the decoded answer.
func TestAnalyzeRequest(t *testing.T) {
	tests := []struct {
		params *AnalyzeParams
		body   string
	}{
		{&AnalyzeParams{URI: "https://example.com/dog.jpg", AnalysisType: AnalysisCaptioning},
			`{"uri":"https://example.com/dog.jpg","analysis_type":"captioning"}`},
		{&AnalyzeParams{URI: "https://example.com/dog.jpg", AnalysisType: AnalysisCustom, ModelName: "dogs", ModelVersion: 2},
			`{"uri":"https://example.com/dog.jpg","analysis_type":"custom","parameters":{"custom":{"model_name":"dogs","model_version":2}}}`},
	}
	var transcript strings.Builder
	for _, tc := range tests {
		var got struct {
			method, path, auth, ctype string
			body                      []byte
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.method, got.path, got.auth, got.ctype = r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"), r.Header.Get("Content-Type")
			got.body, _ = io.ReadAll(r.Body)
			w.Header().Set("X-FeatureRateLimit-Limit", "500")
			fmt.Fprint(w, `{"data":{"entity":"https://example.com/dog.jpg","analysis":{"data":{"caption":"A dog on grass"},"model_version":1}},"request_id":"r-9"}`)
		}))
		c, err := client.New(client.Config{CloudName: testCloud, APIKey: testKey, APISecret: client.NewSecret(testSecret), UploadPrefix: srv.URL, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		res, err := New(c).Analyze(t.Context(), tc.params)
		srv.Close()
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if got.method != "POST" || got.path != "/v2/demo/analysis/analyze/uri" {
			t.Errorf("request %s %s, want POST /v2/demo/analysis/analyze/uri", got.method, got.path)
		}
		if user, pass, ok := (&http.Request{Header: http.Header{"Authorization": {got.auth}}}).BasicAuth(); !ok || user != testKey || pass != testSecret {
			t.Errorf("auth %q is not Basic key:secret", got.auth)
		}
		if !strings.HasPrefix(got.ctype, "application/json") || !apitest.JSONEqual(got.body, []byte(tc.body)) {
			t.Errorf("body %s (%s), want %s", got.body, got.ctype, tc.body)
		}
		caption := res.Data.Analysis["data"].(map[string]any)["caption"]
		if res.Data.Entity != "https://example.com/dog.jpg" || caption != "A dog on grass" || res.RequestID != "r-9" || res.Response.RateLimit.Limit != 500 {
			t.Errorf("decoded %+v", res)
		}
		fmt.Fprintf(&transcript, "%s %s\n  %s\n", got.method, got.path, got.body)
	}
	if !t.Failed() {
		apitest.Golden(t, "analyze.golden", []byte(transcript.String()))
	}
}

// TestParityInvalidInput checks that the parity calls refuse bad arguments
// with one line matching ErrInvalidInput, before any request.
func TestParityInvalidInput(t *testing.T) {
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	s := f.svc
	obj := json.RawMessage(`{"a":1}`)
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"publish no ids", func(ctx context.Context) error { _, err := s.PublishByIDs(ctx, nil, nil); return err }, "no public IDs"},
		{"publish empty prefix", func(ctx context.Context) error { _, err := s.PublishByPrefix(ctx, "", nil); return err }, "empty prefix"},
		{"publish empty tag", func(ctx context.Context) error { _, err := s.PublishByTag(ctx, "", nil); return err }, "empty tag"},
		{"publish bad type", func(ctx context.Context) error {
			_, err := s.PublishByTag(ctx, "t", &PublishOptions{Type: "a/b"})
			return err
		}, "delivery type"},
		{"access mode unknown", func(ctx context.Context) error {
			_, err := s.UpdateAccessModeByTag(ctx, "private", "t", nil)
			return err
		}, "use public or authenticated"},
		{"access mode no ids", func(ctx context.Context) error {
			_, err := s.UpdateAccessModeByIDs(ctx, AccessPublic, []string{""}, nil)
			return err
		}, "#1 is empty"},
		{"access mode empty prefix", func(ctx context.Context) error {
			_, err := s.UpdateAccessModeByPrefix(ctx, AccessPublic, "", nil)
			return err
		}, "empty prefix"},
		{"backup no versions", func(ctx context.Context) error { _, err := s.DeleteBackedUpAssets(ctx, assetID, nil); return err }, "no version IDs"},
		{"backup bad asset id", func(ctx context.Context) error {
			_, err := s.DeleteBackedUpAssets(ctx, "../x", []string{"v"})
			return err
		}, "asset ID"},
		{"rule missing field", func(ctx context.Context) error {
			_, err := s.AddMetadataRule(ctx, &MetadataRule{Name: "n", Condition: obj, Result: obj})
			return err
		}, "MetadataFieldID"},
		{"rule condition not object", func(ctx context.Context) error {
			_, err := s.AddMetadataRule(ctx, &MetadataRule{MetadataFieldID: "f", Name: "n", Condition: json.RawMessage(`[1]`), Result: obj})
			return err
		}, "JSON objects"},
		{"rule bad state", func(ctx context.Context) error {
			_, err := s.UpdateMetadataRule(ctx, "r", &MetadataRule{State: "on"})
			return err
		}, "rule state"},
		{"rule update result not object", func(ctx context.Context) error {
			_, err := s.UpdateMetadataRule(ctx, "r", &MetadataRule{Result: json.RawMessage(`"x"`)})
			return err
		}, "Result must be a JSON object"},
		{"rule delete empty", func(ctx context.Context) error { _, err := s.DeleteMetadataRule(ctx, ""); return err }, "external ID"},
		{"analyze no uri", func(ctx context.Context) error {
			_, err := s.Analyze(ctx, &AnalyzeParams{AnalysisType: AnalysisCoco})
			return err
		}, "no URI"},
		{"analyze no type", func(ctx context.Context) error { _, err := s.Analyze(ctx, &AnalyzeParams{URI: "u"}); return err }, "analysis type"},
		{"analyze custom without model", func(ctx context.Context) error {
			_, err := s.Analyze(ctx, &AnalyzeParams{URI: "u", AnalysisType: AnalysisCustom, ModelName: "m"})
			return err
		}, "ModelVersion"},
		{"analyze model on a stock type", func(ctx context.Context) error {
			_, err := s.Analyze(ctx, &AnalyzeParams{URI: "u", AnalysisType: AnalysisCoco, ModelVersion: 1})
			return err
		}, "not coco"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t.Context())
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "admin.") {
				t.Errorf("message %q: want one line starting with admin. and containing %q", msg, tc.want)
			}
		})
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}
