// Package apiroute holds the one rule that tells Upload API paths from
// Admin API paths below /v1_1/<cloud_name>/: the two APIs authenticate
// differently (signed form fields versus HTTP Basic auth), so anything that
// sends an arbitrary path (cldrest api) must pick the right one.
package apiroute

import "strings"

// uploadRoots are the first path segments of the Upload API: a resource
// type ("image/upload", "raw/destroy", "auto/upload", "all/generate_archive"),
// the resource-type-less upload endpoint, "asset/destroy" and
// "download_backup". Every other first segment (resources, tags, folders,
// usage, ping, upload_presets, metadata_fields, ...) is the Admin API.
var uploadRoots = map[string]bool{
	"image": true, "video": true, "raw": true, "auto": true, "all": true,
	"upload": true, "asset": true, "download_backup": true,
}

// IsUpload reports whether p (relative to /v1_1/<cloud_name>/, with or
// without a leading slash) is an Upload API path.
func IsUpload(p string) bool {
	p = strings.TrimPrefix(p, "/")
	head, _, _ := strings.Cut(p, "/")
	return uploadRoots[head]
}
