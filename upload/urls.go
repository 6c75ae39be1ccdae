package upload

import (
	"net/url"
	"time"
)

// DownloadParams are the optional parameters of PrivateDownloadURL.
type DownloadParams struct {
	ResourceType ResourceType `url:"-"`                         // image (default), video, raw
	Type         string       `url:"type,omitempty"`            // upload, private, authenticated
	Attachment   bool         `url:"attachment,omitempty"`      // make the browser save the file
	ExpiresAt    time.Time    `url:"expires_at,omitempty,unix"` // default: one hour, decided by Cloudinary
}

// signedURL signs vals with the client's credentials and returns
// <api>/<path>?<signed query>. It makes no request.
func (s *Service) signedURL(path string, vals url.Values) (string, error) {
	signed, err := s.b.SignParams(vals)
	if err != nil {
		return "", err
	}
	return s.b.APIURL(path) + "?" + signed.Encode(), nil
}

// PrivateDownloadURL returns a signed URL that downloads the asset publicID
// in format (GET <resource_type>/download, spec §2.6), for private or
// authenticated assets. It makes no request; the signature's timestamp is
// taken now, so the URL is valid for about an hour unless ExpiresAt says
// otherwise.
func (s *Service) PrivateDownloadURL(publicID, format string, p *DownloadParams) (string, error) {
	if p == nil {
		p = &DownloadParams{}
	}
	if err := required("public_id", publicID, "pass the public ID to download"); err != nil {
		return "", err
	}
	rt, vals, err := actionValues(p.ResourceType, p)
	if err != nil {
		return "", err
	}
	vals.Set("public_id", publicID)
	if format != "" {
		vals.Set("format", format)
	}
	return s.signedURL(rt+"/download", vals)
}

// ArchiveDownloadURL returns a signed URL that builds an archive of the
// selected assets and downloads it directly (GET
// <resource_type>/generate_archive?mode=download). It makes no request.
func (s *Service) ArchiveDownloadURL(p *ArchiveParams) (string, error) {
	rt, vals, err := p.encode("download")
	if err != nil {
		return "", err
	}
	return s.signedURL(rt+"/generate_archive", vals)
}

// ZipDownloadURL is ArchiveDownloadURL with target_format zip.
func (s *Service) ZipDownloadURL(p *ArchiveParams) (string, error) {
	var q ArchiveParams
	if p != nil {
		q = *p
	}
	q.TargetFormat = "zip"
	return s.ArchiveDownloadURL(&q)
}

// BackupDownloadURL returns a signed URL that downloads a backed-up version
// of an asset (GET download_backup?asset_id=..&version_id=..). It makes no
// request.
func (s *Service) BackupDownloadURL(assetID, versionID string) (string, error) {
	if err := required("asset_id", assetID, "pass the asset ID"); err != nil {
		return "", err
	}
	if err := required("version_id", versionID, "pass the backup version ID (from the Admin API's resource versions)"); err != nil {
		return "", err
	}
	return s.signedURL("download_backup", url.Values{"asset_id": {assetID}, "version_id": {versionID}})
}
