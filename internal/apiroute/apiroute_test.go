package apiroute

import "testing"

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
		if got := IsUpload(tc.path); got != tc.want {
			t.Errorf("IsUpload(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
