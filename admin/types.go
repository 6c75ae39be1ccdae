package admin

import (
	"encoding/json"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
)

// Resource is one asset as listed by the resources and search endpoints.
// Optional fields are filled only when requested (tags, context, metadata,
// moderation, with_field in search).
type Resource struct {
	AssetID      string       `json:"asset_id"`
	PublicID     string       `json:"public_id"`
	Format       string       `json:"format"`
	Version      int64        `json:"version"`
	ResourceType ResourceType `json:"resource_type"`
	Type         DeliveryType `json:"type"`
	CreatedAt    Time         `json:"created_at"`
	UploadedAt   Time         `json:"uploaded_at,omitzero"`
	Bytes        int64        `json:"bytes"`
	Etag         string       `json:"etag,omitempty"` // MD5 of the original, in search results and details
	Width        int          `json:"width"`
	Height       int          `json:"height"`
	AspectRatio  float64      `json:"aspect_ratio,omitempty"`
	Pixels       int64        `json:"pixels,omitempty"`
	Duration     float64      `json:"duration,omitempty"`
	Folder       string       `json:"folder,omitempty"`
	AssetFolder  string       `json:"asset_folder,omitempty"`
	DisplayName  string       `json:"display_name,omitempty"`
	Filename     string       `json:"filename,omitempty"`
	Backup       bool         `json:"backup,omitempty"`
	AccessMode   string       `json:"access_mode,omitempty"`
	Status       string       `json:"status,omitempty"`
	URL          string       `json:"url"`
	SecureURL    string       `json:"secure_url"`
	Placeholder  bool         `json:"placeholder,omitempty"`

	Tags             []string          `json:"tags,omitempty"`
	Context          Context           `json:"context,omitempty"`
	Metadata         map[string]any    `json:"metadata,omitempty"`
	ModerationKind   string            `json:"moderation_kind,omitempty"`
	ModerationStatus string            `json:"moderation_status,omitempty"`
	Moderation       []json.RawMessage `json:"moderation,omitempty"`
	ImageMetadata    map[string]any    `json:"image_metadata,omitempty"`
	ImageAnalysis    json.RawMessage   `json:"image_analysis,omitempty"`
	Error            string            `json:"error,omitempty"`
}

// The structured values are defined once, in package cld, where their wire
// and JSON forms are documented; these aliases keep their admin names (and
// package upload has the same ones).
type (
	// Context is cld.Context: contextual metadata, key to value.
	Context = cld.Context
	// ContextMap is the former name of Context in parameters.
	//
	// Deprecated: use Context; both name cld.Context.
	ContextMap = cld.Context
	// Metadata is cld.Metadata: structured metadata by external field ID.
	Metadata = cld.Metadata
	// Rect is cld.Rect: one rectangle of face or custom coordinates.
	Rect = cld.Rect
	// Coordinates is cld.Coordinates: rectangles.
	Coordinates = cld.Coordinates
	// Time is cld.Time: a timestamp in a response.
	Time = cld.Time
)

// ResourceList is one page of a resource listing.
type ResourceList struct {
	client.Meta
	Resources  []Resource `json:"resources"`
	NextCursor string     `json:"next_cursor,omitempty"`
	// TotalCount is set by visual search only.
	TotalCount int `json:"total_count,omitempty"`
}

// Derived is one derived (transformed) version of an asset (cld.Derived).
type Derived = cld.Derived

// LastUpdated holds the times an asset's attributes last changed.
type LastUpdated struct {
	AccessControlUpdatedAt Time `json:"access_control_updated_at,omitzero"`
	ContextUpdatedAt       Time `json:"context_updated_at,omitzero"`
	MetadataUpdatedAt      Time `json:"metadata_updated_at,omitzero"`
	PublicIDUpdatedAt      Time `json:"public_id_updated_at,omitzero"`
	TagsUpdatedAt          Time `json:"tags_updated_at,omitzero"`
	UpdatedAt              Time `json:"updated_at,omitzero"`
}

// Version is one backed-up version of an asset.
type Version struct {
	VersionID  string `json:"version_id"`
	Version    string `json:"version"`
	Format     string `json:"format"`
	Size       int64  `json:"size"`
	Time       string `json:"time"`
	Restorable bool   `json:"restorable"`
}

// ResourceDetails is the full description of one asset (resource details,
// update, restore). Analysis fields are kept raw: their shapes vary.
type ResourceDetails struct {
	client.Meta
	Resource
	OriginalFilename   string           `json:"original_filename,omitempty"`
	Pages              int              `json:"pages,omitempty"`
	Derived            []Derived        `json:"derived,omitempty"`
	NextCursor         string           `json:"next_cursor,omitempty"`
	LastUpdated        LastUpdated      `json:"last_updated,omitzero"`
	Versions           []Version        `json:"versions,omitempty"`
	Related            []Resource       `json:"related_assets,omitempty"`
	RelatedNextCursor  string           `json:"related_next_cursor,omitempty"`
	Colors             json.RawMessage  `json:"colors,omitempty"`
	Predominant        json.RawMessage  `json:"predominant,omitempty"`
	Faces              [][]int          `json:"faces,omitempty"`
	Coordinates        json.RawMessage  `json:"coordinates,omitempty"`
	Exif               map[string]any   `json:"exif,omitempty"`
	MediaMetadata      map[string]any   `json:"media_metadata,omitempty"`
	VideoMetadata      map[string]any   `json:"video_metadata,omitempty"`
	Phash              string           `json:"phash,omitempty"`
	QualityAnalysis    json.RawMessage  `json:"quality_analysis,omitempty"`
	QualityScore       float64          `json:"quality_score,omitempty"`
	AccessibilityScore json.RawMessage  `json:"accessibility_analysis,omitempty"`
	Cinemagraph        json.RawMessage  `json:"cinemagraph_analysis,omitempty"`
	AccessControl      json.RawMessage  `json:"access_control,omitempty"`
	Info               json.RawMessage  `json:"info,omitempty"`
	Usage              json.RawMessage  `json:"usage,omitempty"`
	Grayscale          bool             `json:"grayscale,omitempty"`
	SemiTransparent    bool             `json:"semi_transparent,omitempty"`
	IllustrationScore  float64          `json:"illustration_score,omitempty"`
	AdminContext       []map[string]any `json:"admin_context,omitempty"`
}

// MessageResult is the answer of calls that only confirm an action
// ({"message":"created"|"updated"|"deleted"}, plus a name or folder for some).
type MessageResult struct {
	client.Meta
	Message    string `json:"message"`
	Name       string `json:"name,omitempty"`
	Folder     string `json:"folder,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
}
