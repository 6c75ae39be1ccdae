package upload

import (
	"encoding/json"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
)

// Moderation is one moderation entry of an asset.
type Moderation struct {
	Kind      string          `json:"kind"`
	Status    string          `json:"status"` // pending, approved, rejected, queued, aborted
	Response  json.RawMessage `json:"response,omitempty"`
	UpdatedAt Time            `json:"updated_at"`
}

// Derived is one derived (transformed) version of an asset (cld.Derived).
type Derived = cld.Derived

// Breakpoint is one computed responsive breakpoint.
type Breakpoint struct {
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Bytes     int64  `json:"bytes"`
	URL       string `json:"url"`
	SecureURL string `json:"secure_url"`
}

// BreakpointSet is the breakpoints computed for one transformation.
type BreakpointSet struct {
	Transformation string       `json:"transformation"`
	Breakpoints    []Breakpoint `json:"breakpoints"`
}

// Result is the answer to an upload, explicit, rename, text or
// create_slideshow request (spec §7.1), or to an async upload (§7.2: then
// Status is "pending" and BatchID is set). The full JSON is in
// Response.Raw (via the embedded client.Meta) for fields not modelled here.
type Result struct {
	client.Meta

	AssetID          string         `json:"asset_id"`
	PublicID         string         `json:"public_id"`
	Version          int64          `json:"version"`
	VersionID        string         `json:"version_id"`
	Signature        string         `json:"signature"`
	Width            int            `json:"width"`
	Height           int            `json:"height"`
	Format           string         `json:"format"`
	ResourceType     ResourceType   `json:"resource_type"`
	CreatedAt        Time           `json:"created_at"`
	Tags             []string       `json:"tags"`
	Context          ContextMap     `json:"context"`
	Metadata         map[string]any `json:"metadata"`
	Pages            int            `json:"pages"`
	Bytes            int64          `json:"bytes"`
	Type             string         `json:"type"`
	Etag             string         `json:"etag"`
	Placeholder      bool           `json:"placeholder"`
	URL              string         `json:"url"`
	SecureURL        string         `json:"secure_url"`
	AssetFolder      string         `json:"asset_folder"`
	DisplayName      string         `json:"display_name"`
	Folder           string         `json:"folder"`
	OriginalFilename string         `json:"original_filename"`
	Overwritten      bool           `json:"overwritten"`
	// Existing is set when Overwrite was false and an asset with the public
	// ID existed: Cloudinary kept that asset and did not store the bytes
	// sent; the other fields (Etag, Version, URL) describe the kept asset.
	Existing bool   `json:"existing"`
	APIKey   string `json:"api_key"`

	AccessMode            string          `json:"access_mode"`
	AccessControl         []AccessRule    `json:"access_control"`
	Moderation            []Moderation    `json:"moderation"`
	Eager                 []Derived       `json:"eager"`
	ResponsiveBreakpoints []BreakpointSet `json:"responsive_breakpoints"`

	// Analysis results, present only when requested.
	ImageMetadata         map[string]any      `json:"image_metadata"`
	MediaMetadata         map[string]any      `json:"media_metadata"`
	Exif                  map[string]any      `json:"exif"`
	Colors                [][]any             `json:"colors"`
	Predominant           map[string][][]any  `json:"predominant"`
	Faces                 [][]int             `json:"faces"`
	Coordinates           map[string][][]int  `json:"coordinates"`
	Phash                 string              `json:"phash"`
	IllustrationScore     float64             `json:"illustration_score"`
	SemiTransparent       bool                `json:"semi_transparent"`
	Grayscale             bool                `json:"grayscale"`
	QualityAnalysis       map[string]any      `json:"quality_analysis"`
	AccessibilityAnalysis map[string]any      `json:"accessibility_analysis"`
	CinemagraphAnalysis   map[string]any      `json:"cinemagraph_analysis"`
	Info                  map[string]any      `json:"info"`
	HookExecution         map[string]any      `json:"hook_execution"`
	Regions               map[string][][2]int `json:"regions"`

	// Video and audio.
	PlaybackURL string         `json:"playback_url"`
	Duration    float64        `json:"duration"`
	FrameRate   float64        `json:"frame_rate"`
	BitRate     int64          `json:"bit_rate"`
	Audio       map[string]any `json:"audio"`
	Video       map[string]any `json:"video"`
	IsAudio     bool           `json:"is_audio"`
	Rotation    int            `json:"rotation"`
	NbFrames    int            `json:"nb_frames"`

	DeleteToken string `json:"delete_token"`

	// Async upload (§7.2) and non-final chunk answers (§5).
	Status      string `json:"status"`
	BatchID     string `json:"batch_id"`
	RequesterIP string `json:"requester_ip"`
	Done        *bool  `json:"done"`

	// LocalMD5 is the lowercase hex MD5 of the bytes this process sent (or,
	// for a data URI, of its decoded payload); empty for remote URLs and
	// with WithoutChecksum. Etag is the MD5 of what Cloudinary stored (for a
	// chunked upload, of the assembled asset), so the two are equal unless
	// the bytes changed on the way, Existing is set, or an incoming
	// transformation rewrote them. WithIntegrityCheck makes a difference an
	// *IntegrityError.
	LocalMD5 string `json:"-"`

	attempts int // HTTP attempts of every request of the upload; 0: Response's
}

// Attempts returns the number of HTTP requests the call made, failed
// attempts included: for a chunked upload the sum over all its chunks, for
// a single request its Response.Attempts.
func (r *Result) Attempts() int {
	if r.attempts > 0 {
		return r.attempts
	}
	return r.Meta.Attempts()
}

// Pending reports whether the answer is an async acknowledgement
// (status "pending") rather than a finished asset.
func (r *Result) Pending() bool { return r.Status == "pending" && r.BatchID != "" }

// finished reports whether the answer describes a finished or accepted
// asset (not an intermediate chunk answer).
func (r *Result) finished() bool {
	if r.Done != nil && !*r.Done {
		return false
	}
	return r.PublicID != "" || r.BatchID != ""
}

// DestroyResult is the answer to Destroy: Result is "ok" or "not found".
type DestroyResult struct {
	client.Meta
	Result string `json:"result"`
}

// PublicIDsResult is the answer to the tags, context and metadata actions:
// the public IDs actually changed, and those the caller may not change.
type PublicIDsResult struct {
	client.Meta
	PublicIDs    []string `json:"public_ids"`
	Unauthorized []string `json:"unauthorized"`
}

// BatchResult is the answer to Explode and to async Sprite/Multi requests.
type BatchResult struct {
	client.Meta
	Status  string `json:"status"`
	BatchID string `json:"batch_id"`
}

// MultiResult is the answer to Multi.
type MultiResult struct {
	client.Meta
	URL       string `json:"url"`
	SecureURL string `json:"secure_url"`
	AssetID   string `json:"asset_id"`
	PublicID  string `json:"public_id"`
	Version   int64  `json:"version"`
	// Status and BatchID are set for async requests.
	Status  string `json:"status"`
	BatchID string `json:"batch_id"`
}

// ImageInfo is the placement of one image inside a sprite.
type ImageInfo struct {
	Width  int `json:"width"`
	Height int `json:"height"`
	X      int `json:"x"`
	Y      int `json:"y"`
}

// SpriteResult is the answer to Sprite.
type SpriteResult struct {
	client.Meta
	CSSURL         string               `json:"css_url"`
	ImageURL       string               `json:"image_url"`
	JSONURL        string               `json:"json_url"`
	SecureCSSURL   string               `json:"secure_css_url"`
	SecureImageURL string               `json:"secure_image_url"`
	SecureJSONURL  string               `json:"secure_json_url"`
	Version        int64                `json:"version"`
	PublicID       string               `json:"public_id"`
	AssetID        string               `json:"asset_id"`
	ImageInfos     map[string]ImageInfo `json:"image_infos"`
	Status         string               `json:"status"`
	BatchID        string               `json:"batch_id"`
}

// ArchiveResult is the answer to CreateArchive (a raw asset holding the archive).
type ArchiveResult struct {
	client.Meta
	AssetID           string       `json:"asset_id"`
	PublicID          string       `json:"public_id"`
	Version           int64        `json:"version"`
	VersionID         string       `json:"version_id"`
	Signature         string       `json:"signature"`
	ResourceType      ResourceType `json:"resource_type"`
	CreatedAt         Time         `json:"created_at"`
	Tags              []string     `json:"tags"`
	Bytes             int64        `json:"bytes"`
	Type              string       `json:"type"`
	Etag              string       `json:"etag"`
	Placeholder       bool         `json:"placeholder"`
	URL               string       `json:"url"`
	SecureURL         string       `json:"secure_url"`
	ResourceCount     int          `json:"resource_count"`
	FileCount         int          `json:"file_count"`
	MissingPublicIDs  []string     `json:"missing_public_ids"`
	Status            string       `json:"status"`
	BatchID           string       `json:"batch_id"`
	AssetFolder       string       `json:"asset_folder"`
	DisplayName       string       `json:"display_name"`
	OriginalFilename  string       `json:"original_filename"`
	AccessMode        string       `json:"access_mode"`
	NotificationURL   string       `json:"notification_url"`
	ExpiresAt         Time         `json:"expires_at"`
	DownloadURL       string       `json:"download_url"`
	Overwritten       bool         `json:"overwritten"`
	APIKey            string       `json:"api_key"`
	ProcessedAssetIDs []string     `json:"processed_asset_ids"`
}
