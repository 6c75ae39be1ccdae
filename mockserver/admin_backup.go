package mockserver

import (
	"path"
	"strings"
)

// This file answers DELETE resources/backup/<asset_id>: deleting backed-up
// versions. parityState also holds the metadata rules and the Provisioning
// API state.

// parityState is the state of backups, metadata rules, delete cursors and
// the Provisioning API.
// It lives in state (guarded by Server.mu) so Reset clears it; it is kept in
// memory only, also with Dir storage.
type parityState struct {
	rules          []*metadataRule // in position order
	deletedBackups map[string]bool // "<asset_id>/<version_id>" whose backup copy was deleted
	prov           *provState      // provisioning.go, created on first use
	// deleteCursors are the next_cursor values of partial deletes not yet
	// continued; a delete with any other cursor is refused.
	deleteCursors map[string]bool
}

type deleteBackupResponse struct {
	AssetID           string   `json:"asset_id"`
	DeletedVersionIDs []string `json:"deleted_version_ids"`
}

// deleteBackup deletes backed-up versions of an asset. The mock backs up
// the current version of a live asset and the last version of a deleted
// one; deleting the latter makes a later restore answer no_backup.
func (s *Server) deleteBackup(rc *reqCtx) (any, error) {
	assetID := rc.pv("asset_id")
	ids := rc.p.list("version_ids")
	if len(ids) == 0 {
		return nil, missingParam("version_ids")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	live := s.st.byID[assetID]
	var trashed *asset
	for _, a := range s.st.trash {
		if a.AssetID == assetID {
			trashed = a
		}
	}
	if live == nil && trashed == nil {
		return nil, resourceNotFound(assetID)
	}
	ps := &s.st.parity
	if ps.deletedBackups == nil {
		ps.deletedBackups = map[string]bool{}
	}
	var unknown []string
	for _, id := range ids {
		known := (live != nil && live.VersionID == id) || (trashed != nil && trashed.VersionID == id)
		if !known || ps.deletedBackups[assetID+"/"+id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, notFound("Backup version not found - %s", strings.Join(unknown, ", "))
	}
	for _, id := range ids {
		ps.deletedBackups[assetID+"/"+id] = true
		if trashed != nil && trashed.VersionID == id {
			delete(s.st.trash, trashed.key())
			s.blobs.remove(trashed.Blob)
			s.persist.removeAsset(trashed.AssetID)
		}
	}
	rc.applied = true
	return deleteBackupResponse{AssetID: assetID, DeletedVersionIDs: ids}, nil
}

// handleDownloadBackup serves a backed-up version of an asset (GET
// download_backup?asset_id=..&version_id=.., a signed URL). The backups are
// the ones deleteBackup knows: the current version of a live asset and the
// last version of a deleted one.
func (s *Server) handleDownloadBackup(rc *reqCtx) (any, error) {
	assetID, versionID := rc.p.get("asset_id"), rc.p.get("version_id")
	if assetID == "" {
		return nil, missingParam("asset_id")
	}
	if versionID == "" {
		return nil, missingParam("version_id")
	}
	s.mu.RLock()
	var found asset
	ok := false
	if a := s.st.byID[assetID]; a != nil && a.VersionID == versionID {
		found, ok = *a, true
	}
	for _, a := range s.st.trash {
		if !ok && a.AssetID == assetID && a.VersionID == versionID {
			found, ok = *a, true
		}
	}
	gone := s.st.parity.deletedBackups[assetID+"/"+versionID]
	s.mu.RUnlock()
	if !ok || gone {
		return nil, notFound("Backup version not found - %s", versionID)
	}
	name := path.Base(found.PublicID)
	if found.Format != "" {
		name += "." + found.Format
	}
	return s.serveBlob(rc, found.Blob, contentTypeFor(found.Format, found.PublicID), found.ETag, name, true)
}
