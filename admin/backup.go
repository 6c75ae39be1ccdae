package admin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// DeleteBackupResult names the backed-up versions that were deleted.
// Failures, when present (a 207 answer), describes the versions that were
// not, as Cloudinary sent them.
type DeleteBackupResult struct {
	client.Meta
	AssetID           string            `json:"asset_id"`
	DeletedVersionIDs []string          `json:"deleted_version_ids"`
	Failures          []json.RawMessage `json:"failures,omitempty"`
}

// DeleteBackedUpAssets permanently deletes backed-up versions of an asset
// (the version IDs come from Resource with Versions set). The asset itself
// and its other versions stay; a deleted version can no longer be restored.
//
// DELETE /resources/backup/<asset_id> {"version_ids":[…]}
func (s *Service) DeleteBackedUpAssets(ctx context.Context, assetID string, versionIDs []string) (*DeleteBackupResult, error) {
	const op = "DeleteBackedUpAssets"
	if err := checkAssetID(op, assetID); err != nil {
		return nil, err
	}
	if err := checkIDs(op, "version ID", versionIDs); err != nil {
		return nil, err
	}
	body := struct {
		VersionIDs []string `json:"version_ids"`
	}{versionIDs}
	var r DeleteBackupResult
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("resources", "backup", assetID), Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
