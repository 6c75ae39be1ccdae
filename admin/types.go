package admin

import (
	"bytes"
	"encoding/json"
	"time"

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
	CreatedAt    time.Time    `json:"created_at"`
	UploadedAt   time.Time    `json:"uploaded_at,omitzero"`
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
	Context          Context           `json:"context,omitzero"`
	Metadata         map[string]any    `json:"metadata,omitempty"`
	ModerationKind   string            `json:"moderation_kind,omitempty"`
	ModerationStatus string            `json:"moderation_status,omitempty"`
	Moderation       []json.RawMessage `json:"moderation,omitempty"`
	ImageMetadata    map[string]any    `json:"image_metadata,omitempty"`
	ImageAnalysis    json.RawMessage   `json:"image_analysis,omitempty"`
	Error            string            `json:"error,omitempty"`
}

// Context is an asset's contextual metadata. The API answers either
// {"custom":{"k":"v"}} or a list of {"key","value"}; both decode into Custom.
type Context struct {
	Custom map[string]string `json:"custom,omitempty"`
}

// contextObject has Context's fields without its UnmarshalJSON method.
type contextObject Context

// UnmarshalJSON accepts the object and the key/value-list forms.
func (c *Context) UnmarshalJSON(b []byte) error {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '[' {
		return json.Unmarshal(b, (*contextObject)(c))
	}
	var kv []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal(b, &kv); err != nil {
		return err
	}
	c.Custom = make(map[string]string, len(kv))
	for _, e := range kv {
		c.Custom[e.Key] = e.Value
	}
	return nil
}

// ResourceList is one page of a resource listing.
type ResourceList struct {
	client.Meta
	Resources  []Resource `json:"resources"`
	NextCursor string     `json:"next_cursor,omitempty"`
	// TotalCount is set by visual search only.
	TotalCount int `json:"total_count,omitempty"`
}

// Derived is one derived (transformed) version of an asset.
type Derived struct {
	ID             string `json:"id"`
	Transformation string `json:"transformation"`
	Format         string `json:"format"`
	Bytes          int64  `json:"bytes"`
	URL            string `json:"url"`
	SecureURL      string `json:"secure_url"`
	PublicID       string `json:"public_id,omitempty"`
	ResourceType   string `json:"resource_type,omitempty"`
	Type           string `json:"type,omitempty"`
}

// LastUpdated holds the times an asset's attributes last changed.
type LastUpdated struct {
	AccessControlUpdatedAt time.Time `json:"access_control_updated_at,omitzero"`
	ContextUpdatedAt       time.Time `json:"context_updated_at,omitzero"`
	MetadataUpdatedAt      time.Time `json:"metadata_updated_at,omitzero"`
	PublicIDUpdatedAt      time.Time `json:"public_id_updated_at,omitzero"`
	TagsUpdatedAt          time.Time `json:"tags_updated_at,omitzero"`
	UpdatedAt              time.Time `json:"updated_at,omitzero"`
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
