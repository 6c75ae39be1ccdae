package directupload

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/cld"
)

// Event is a decoded notification: *UploadEvent, *EagerEvent,
// *DeleteEvent, *RenameEvent, or *OtherEvent for the remaining types.
// Switch on the type, or read Meta for what every notification has.
type Event interface {
	Meta() *Envelope
}

// Envelope is what every notification carries.
type Envelope struct {
	// NotificationType is notification_type: "upload", "eager", "delete",
	// "rename", …
	NotificationType string
	// RequestID is request_id, the call that caused the notification.
	RequestID string
	// Time is the body's timestamp field, when it is an RFC 3339 time.
	Time time.Time
	// SignedAt is the X-Cld-Timestamp header (set by NotificationHandler).
	SignedAt time.Time
	// Body is the raw, verified body: decode fields not modelled here from it.
	Body []byte
}

// Meta returns e; it makes every event an Event.
func (e *Envelope) Meta() *Envelope { return e }

// Asset is the asset an upload notification reports, in the Upload API's
// answer shape (spec §7.1).
type Asset struct {
	AssetID          string
	PublicID         string
	Version          int64
	VersionID        string
	Signature        string // the response signature, public_id and version signed
	ResourceType     string
	Type             string
	Format           string
	Width, Height    int64
	Bytes            int64
	ETag             string
	URL, SecureURL   string
	Tags             []string
	Context          map[string]string // context.custom
	Metadata         map[string]any
	AssetFolder      string
	Folder           string
	DisplayName      string
	OriginalFilename string
	AccessMode       string
	Placeholder      bool
	CreatedAt        time.Time
}

// Derived is one eager transformation's result.
type Derived struct {
	Transformation string
	Width, Height  int64
	Bytes          int64
	Format         string
	URL, SecureURL string
	Status         string // e.g. "processing" or "failed", when reported
}

// UploadEvent reports a finished upload: notification_type "upload" (also
// the result of an async upload, which the upload call answered with
// status "pending" and a batch ID) or "explicit".
type UploadEvent struct {
	Envelope
	Asset
	Overwritten bool
	BatchID     string    // set for async uploads when Cloudinary sends it
	Eager       []Derived // eager transformations created with the upload
}

// EagerEvent reports eager transformations that finished in the background
// (eager_async with eager_notification_url).
type EagerEvent struct {
	Envelope
	PublicID     string
	AssetID      string
	ResourceType string
	Type         string
	BatchID      string
	Eager        []Derived
}

// DeletedAsset is one asset of a delete notification.
type DeletedAsset struct {
	PublicID     string
	AssetID      string
	ResourceType string
	Type         string
}

// DeleteEvent reports deleted assets.
type DeleteEvent struct {
	Envelope
	Resources []DeletedAsset
}

// RenameEvent reports a renamed asset.
type RenameEvent struct {
	Envelope
	FromPublicID string
	ToPublicID   string
	AssetID      string
	ResourceType string
	Type         string
}

// OtherEvent is a notification of a type not modelled here (moderation,
// tags changed, …): decode Body for its fields.
type OtherEvent struct {
	Envelope
}

// ParseNotification decodes a notification body into a typed event. Numbers
// Cloudinary sometimes sends as strings ("version": "1555337587") are
// accepted. It does not verify the signature: NotificationHandler does.
func ParseNotification(body []byte) (Event, error) {
	var w wireEvent
	if err := unmarshalNumbers(body, &w); err != nil {
		return nil, errors.New("the body is not a JSON notification object")
	}
	if w.NotificationType == "" {
		return nil, errors.New("the body has no notification_type")
	}
	env := Envelope{NotificationType: w.NotificationType, RequestID: w.RequestID, Body: bytes.Clone(body)}
	env.Time, _ = time.Parse(time.RFC3339, w.Timestamp)
	switch w.NotificationType {
	case "upload", "explicit":
		return &UploadEvent{Envelope: env, Asset: w.asset(), Overwritten: bool(w.Overwritten), BatchID: w.BatchID, Eager: derived(w.Eager)}, nil
	case "eager":
		return &EagerEvent{Envelope: env, PublicID: w.PublicID, AssetID: w.AssetID, ResourceType: w.ResourceType, Type: w.Type, BatchID: w.BatchID, Eager: derived(w.Eager)}, nil
	case "delete":
		ev := &DeleteEvent{Envelope: env}
		for _, r := range w.Resources {
			ev.Resources = append(ev.Resources, DeletedAsset{PublicID: r.PublicID, AssetID: r.AssetID, ResourceType: r.ResourceType, Type: r.Type})
		}
		return ev, nil
	case "rename":
		return &RenameEvent{Envelope: env, FromPublicID: w.FromPublicID, ToPublicID: w.ToPublicID, AssetID: w.AssetID, ResourceType: w.ResourceType, Type: w.Type}, nil
	}
	return &OtherEvent{Envelope: env}, nil
}

// wireEvent is the union of the notification fields modelled here, with
// tolerant number and boolean types.
type wireEvent struct {
	NotificationType string         `json:"notification_type"`
	Timestamp        string         `json:"timestamp"`
	RequestID        string         `json:"request_id"`
	AssetID          string         `json:"asset_id"`
	PublicID         string         `json:"public_id"`
	Version          flexInt        `json:"version"`
	VersionID        string         `json:"version_id"`
	Signature        string         `json:"signature"`
	ResourceType     string         `json:"resource_type"`
	Type             string         `json:"type"`
	Format           string         `json:"format"`
	Width            flexInt        `json:"width"`
	Height           flexInt        `json:"height"`
	Bytes            flexInt        `json:"bytes"`
	ETag             string         `json:"etag"`
	URL              string         `json:"url"`
	SecureURL        string         `json:"secure_url"`
	Tags             flexTags       `json:"tags"`
	Context          flexContext    `json:"context"`
	Metadata         map[string]any `json:"metadata"`
	AssetFolder      string         `json:"asset_folder"`
	Folder           string         `json:"folder"`
	DisplayName      string         `json:"display_name"`
	OriginalFilename string         `json:"original_filename"`
	AccessMode       string         `json:"access_mode"`
	Placeholder      flexBool       `json:"placeholder"`
	CreatedAt        string         `json:"created_at"`
	Overwritten      flexBool       `json:"overwritten"`
	BatchID          string         `json:"batch_id"`
	Eager            []wireDerived  `json:"eager"`
	Resources        []wireDeleted  `json:"resources"`
	FromPublicID     string         `json:"from_public_id"`
	ToPublicID       string         `json:"to_public_id"`
}

type wireDerived struct {
	Transformation string  `json:"transformation"`
	Width          flexInt `json:"width"`
	Height         flexInt `json:"height"`
	Bytes          flexInt `json:"bytes"`
	Format         string  `json:"format"`
	URL            string  `json:"url"`
	SecureURL      string  `json:"secure_url"`
	Status         string  `json:"status"`
}

type wireDeleted struct {
	PublicID     string `json:"public_id"`
	AssetID      string `json:"asset_id"`
	ResourceType string `json:"resource_type"`
	Type         string `json:"type"`
}

func (w *wireEvent) asset() Asset {
	a := Asset{
		AssetID: w.AssetID, PublicID: w.PublicID, Version: int64(w.Version), VersionID: w.VersionID,
		Signature: w.Signature, ResourceType: w.ResourceType, Type: w.Type, Format: w.Format,
		Width: int64(w.Width), Height: int64(w.Height), Bytes: int64(w.Bytes), ETag: w.ETag,
		URL: w.URL, SecureURL: w.SecureURL, Tags: []string(w.Tags), Context: map[string]string(w.Context),
		Metadata: w.Metadata, AssetFolder: w.AssetFolder, Folder: w.Folder, DisplayName: w.DisplayName,
		OriginalFilename: w.OriginalFilename, AccessMode: w.AccessMode, Placeholder: bool(w.Placeholder),
	}
	a.CreatedAt, _ = time.Parse(time.RFC3339, w.CreatedAt)
	return a
}

func derived(ws []wireDerived) []Derived {
	var out []Derived
	for _, d := range ws {
		out = append(out, Derived{Transformation: d.Transformation, Width: int64(d.Width), Height: int64(d.Height),
			Bytes: int64(d.Bytes), Format: d.Format, URL: d.URL, SecureURL: d.SecureURL, Status: d.Status})
	}
	return out
}

// flexInt accepts a JSON number or a string of digits; anything else is 0.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(n)
	} else if x, err := strconv.ParseFloat(s, 64); err == nil && x >= -1<<63 && x < 1<<63 {
		*f = flexInt(x)
	}
	return nil
}

// flexBool accepts true/false, "true"/"false", 1/0.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "true", "1":
		*f = true
	default:
		*f = false
	}
	return nil
}

// flexTags accepts an array of strings or a comma-separated string.
type flexTags []string

func (f *flexTags) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*f = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil && s != "" {
		*f = strings.Split(s, ",")
	}
	return nil
}

// flexContext reads a context in every shape cld.Context decodes
// ({"custom": {k: v}}, the Upload API's form, a flat {k: v}, a list of
// key/value objects, a pipe string); values that are not strings keep
// their JSON text. A context it cannot read is left empty rather than
// failing the notification.
type flexContext map[string]string

func (f *flexContext) UnmarshalJSON(b []byte) error {
	var c cld.Context
	if c.UnmarshalJSON(b) == nil {
		*f = flexContext(c)
	}
	return nil
}
