package apiroute_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/internal/apiroute"
	"github.com/cldrest/cldrest/mockserver"
)

func TestIsUpload(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"image/upload", true},
		{"/image/upload", true},
		{"video/destroy", true},
		{"raw/explicit", true},
		{"auto/upload", true},
		{"all/generate_archive", true},
		{"image/download", true},
		{"upload", true},
		{"asset/destroy", true},
		{"download_backup", true},
		{"resources/image", false},
		{"resources/image/upload/sample", false},
		{"resources/search", false},
		{"tags/image", false},
		{"ping", false},
		{"usage", false},
		{"folders/a/b", false},
		{"upload_presets", false},
		{"upload_mappings", false},
		{"metadata_fields", false},
		{"images/upload", false},
		{"", false},
	} {
		if got := apiroute.IsUpload(tc.path); got != tc.want {
			t.Errorf("IsUpload(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// TestMockAgrees sends each path to the mock server and checks that the
// route it picked (recorded in its journal) is an Upload API route exactly
// when IsUpload says so: the client side and the mock must not disagree.
func TestMockAgrees(t *testing.T) {
	m := mockserver.Start(t)
	for _, p := range []string{
		"image/upload", "video/upload", "raw/upload", "auto/upload", "upload", "image/destroy", "raw/explicit",
		"image/tags", "image/context", "image/rename", "image/download", "all/generate_archive", "asset/destroy",
		"download_backup", "resources/image", "resources/search", "tags/image", "folders", "ping", "usage",
		"upload_presets", "upload_mappings", "transformations", "metadata_fields", "streaming_profiles",
		"derived_resources", "resources_last_updated", "config",
	} {
		resp, err := http.Post(m.APIBase()+"/"+p, "application/x-www-form-urlencoded", strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		entries := m.Journal()
		route := entries[len(entries)-1].Route
		if got := strings.HasPrefix(route, "upload/"); got != apiroute.IsUpload(p) {
			t.Errorf("%s: the mock routes it to %s, IsUpload says %v", p, route, apiroute.IsUpload(p))
		}
	}
}
