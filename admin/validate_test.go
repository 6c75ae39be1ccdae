package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-querystring/query"
)

// TestInvalidInput checks that bad arguments fail with a one-line error
// matching ErrInvalidInput before any request is sent.
func TestInvalidInput(t *testing.T) {
	t.Parallel()
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	s := f.svc
	many := make([]string, 101)
	for i := range many {
		many[i] = "id"
	}
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string // part of the message
	}{
		{"list too many ids", func(ctx context.Context) error {
			_, err := s.ListResources(ctx, &ListResourcesOptions{PublicIDs: many})
			return err
		}, "at most 100"},
		{"list start_at with prefix", func(ctx context.Context) error {
			_, err := s.ListResources(ctx, &ListResourcesOptions{Prefix: "a", StartAt: testTime})
			return err
		}, "StartAt"},
		{"bad resource type", func(ctx context.Context) error {
			_, err := s.ListResources(ctx, &ListResourcesOptions{ResourceType: "im/age"})
			return err
		}, "resource type"},
		{"resource type not UTF-8", func(ctx context.Context) error {
			_, err := s.ListResources(ctx, &ListResourcesOptions{ResourceType: "im\xffage"})
			return err
		}, "resource type"},
		{"bad delivery type", func(ctx context.Context) error {
			_, err := s.Resource(ctx, "x", &ResourceOptions{Type: ".."})
			return err
		}, "delivery type"},
		{"by ids empty", func(ctx context.Context) error { _, err := s.ResourcesByPublicIDs(ctx, nil, nil); return err }, "no public IDs"},
		{"by ids empty item", func(ctx context.Context) error {
			_, err := s.ResourcesByAssetIDs(ctx, []string{"a", ""}, nil)
			return err
		}, "#2 is empty"},
		{"tag empty", func(ctx context.Context) error { _, err := s.ResourcesByTag(ctx, "", nil); return err }, "empty tag"},
		{"context key empty", func(ctx context.Context) error { _, err := s.ResourcesByContext(ctx, "", "v", nil); return err }, "context key"},
		{"moderation", func(ctx context.Context) error { _, err := s.ResourcesByModeration(ctx, "manual", "", nil); return err }, "moderation"},
		{"asset folder", func(ctx context.Context) error { _, err := s.ResourcesByAssetFolder(ctx, "", nil); return err }, "asset folder"},
		{"visual search none", func(ctx context.Context) error { _, err := s.VisualSearch(ctx, nil); return err }, "exactly one"},
		{"visual search two", func(ctx context.Context) error {
			_, err := s.VisualSearch(ctx, &VisualSearchOptions{Text: "a", ImageURL: "b"})
			return err
		}, "exactly one"},
		{"resource empty id", func(ctx context.Context) error { _, err := s.Resource(ctx, "", nil); return err }, "public ID"},
		{"asset id with slash", func(ctx context.Context) error { _, err := s.ResourceByAssetID(ctx, "a/b", nil); return err }, "asset ID"},
		{"update empty id", func(ctx context.Context) error { _, err := s.UpdateResource(ctx, "", nil); return err }, "public ID"},
		{"update context key with =", func(ctx context.Context) error {
			_, err := s.UpdateResource(ctx, "x", &UpdateResourceParams{Context: Context{"a=b": "v"}})
			return err
		}, `context: key "a=b" contains "="`},
		{"update metadata of unsupported type", func(ctx context.Context) error {
			_, err := s.UpdateResource(ctx, "x", &UpdateResourceParams{Metadata: Metadata{"flag": true}})
			return err
		}, `metadata: field "flag": unsupported value type bool`},
		{"update by asset id negative rectangle", func(ctx context.Context) error {
			_, err := s.UpdateResourceByAssetID(ctx, "4af5a0d1d4047808528b5425d166c101", &UpdateResourceParams{CustomCoordinates: Coordinates{{Width: -1}}})
			return err
		}, "custom_coordinates: rectangle 0"},
		{"restore version count", func(ctx context.Context) error {
			_, err := s.RestoreResources(ctx, []string{"a", "b"}, &RestoreOptions{Versions: []string{"v"}})
			return err
		}, "1 versions for 2"},
		{"delete prefix empty", func(ctx context.Context) error { _, err := s.DeleteResourcesByPrefix(ctx, "", nil); return err }, "DeleteAllResources"},
		{"delete too many", func(ctx context.Context) error { _, err := s.DeleteResources(ctx, many, nil); return err }, "at most 100"},
		{"delete derived no transformations", func(ctx context.Context) error {
			_, err := s.DeleteDerivedByTransformation(ctx, []string{"a"}, nil, nil)
			return err
		}, "transformations"},
		{"related too many", func(ctx context.Context) error {
			_, err := s.AddRelatedAssets(ctx, "a", many[:11], nil)
			return err
		}, "1 to 10"},
		{"related empty public id", func(ctx context.Context) error {
			_, err := s.DeleteRelatedAssets(ctx, "", []string{"image/upload/x"}, nil)
			return err
		}, "public ID"},
		{"related by asset id empty", func(ctx context.Context) error {
			_, err := s.AddRelatedAssetsByAssetID(ctx, "", []string{"x"})
			return err
		}, "asset ID"},
		{"folder dotdot", func(ctx context.Context) error { _, err := s.SubFolders(ctx, "a/../b", nil); return err }, "segment"},
		{"folder empty", func(ctx context.Context) error { _, err := s.CreateFolder(ctx, "/"); return err }, "empty folder"},
		{"rename to empty", func(ctx context.Context) error { _, err := s.RenameFolder(ctx, "a", ""); return err }, "empty folder"},
		{"search star", func(ctx context.Context) error { _, err := s.Search(ctx, &SearchQuery{Expression: " * "}); return err }, `"*"`},
		{"search max results", func(ctx context.Context) error { _, err := s.Search(ctx, &SearchQuery{MaxResults: 501}); return err }, "MaxResults"},
		{"search sort dir", func(ctx context.Context) error {
			_, err := s.SearchFolders(ctx, &SearchQuery{SortBy: []SortBy{{Field: "x", Direction: "up"}}})
			return err
		}, "direction"},
		{"metadata create", func(ctx context.Context) error {
			_, err := s.CreateMetadataField(ctx, &MetadataField{Label: "x"})
			return err
		}, "Type"},
		{"metadata external id", func(ctx context.Context) error { _, err := s.MetadataField(ctx, ""); return err }, "external ID"},
		{"datasource empty", func(ctx context.Context) error { _, err := s.UpdateMetadataDatasource(ctx, "c", nil); return err }, "datasource values"},
		{"order by", func(ctx context.Context) error { _, err := s.ReorderMetadataFields(ctx, "", Asc); return err }, "order_by"},
		{"streaming no reps", func(ctx context.Context) error {
			_, err := s.CreateStreamingProfile(ctx, "x", &StreamingProfileParams{})
			return err
		}, "representation"},
		{"transformation update nothing", func(ctx context.Context) error {
			_, err := s.UpdateTransformation(ctx, "t", nil)
			return err
		}, "nothing to update"},
		{"trigger create", func(ctx context.Context) error { _, err := s.CreateTrigger(ctx, &TriggerParams{URI: "u"}); return err }, "EventType"},
		{"mapping template", func(ctx context.Context) error { _, err := s.CreateUploadMapping(ctx, "f", ""); return err }, "template"},
		{"preset name", func(ctx context.Context) error { _, err := s.UploadPreset(ctx, ""); return err }, "upload preset"},
		{"nil context", func(context.Context) error { _, err := s.Ping(nil); return err }, "nil context"}, //nolint:staticcheck // testing the guard
		{"nil service", func(ctx context.Context) error { _, err := (*Service)(nil).Ping(ctx); return err }, "no client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t.Context())
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "admin.") {
				t.Errorf("message %q: want one line starting with admin. and containing %q", msg, tc.want)
			}
		})
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

// TestQueryEncoding pins the GET wire forms of option structs.
func TestQueryEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"brackets and comma", byPublicIDsQuery{PublicIDs: []string{"a", "b/c"}, ResourcesByIDsOptions: &ResourcesByIDsOptions{Fields: []string{"tags", "url"}, Tags: true}},
			"fields=tags%2Curl&public_ids%5B%5D=a&public_ids%5B%5D=b%2Fc&tags=true"},
		{"embedded flags, types skipped", &ListResourcesOptions{ResourceType: Video, Type: Private, Prefix: "p", ListFlags: ListFlags{ListOptions: ListOptions{MaxResults: 500, NextCursor: "n"}}},
			"max_results=500&next_cursor=n&prefix=p"},
		{"time", &ListResourcesOptions{StartAt: testTime}, "start_at=2024-05-06T07%3A08%3A09Z"},
		{"zero options send nothing", &ResourceOptions{}, ""},
		{"false pointer is sent", &TransformationsOptions{Named: bptr(false)}, "named=false"},
		{"context query", byContextQuery{Key: "k", Value: "v w", ResourcesByContextOptions: &ResourcesByContextOptions{}}, "key=k&value=v+w"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := query.Values(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Encode(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
