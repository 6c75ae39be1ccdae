package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cldrest/cldrest/cld"
)

// Bool returns a pointer to b, for the *bool parameters where false must be
// sent (Overwrite, UniqueFilename, ...).
func Bool(b bool) *bool { return &b }

// Params are the parameters of an upload (spec §4.2); they also serve
// Explicit. Zero values are not sent. Pointer booleans are sent when non-nil
// (so Overwrite: upload.Bool(false) sends overwrite=false). Fields are
// encoded with their `url` tags (go-querystring) plus the encoders of the
// structured types (Context, Metadata, Coordinates, ...); Extra carries
// parameters this type does not model.
type Params struct {
	// ResourceType goes into the URL path: image, video, raw or auto.
	// Empty means auto for uploads and image for the other actions.
	ResourceType ResourceType `url:"-"`

	PublicID                       string `url:"public_id,omitempty"`
	PublicIDPrefix                 string `url:"public_id_prefix,omitempty"`
	Folder                         string `url:"folder,omitempty"`
	AssetFolder                    string `url:"asset_folder,omitempty"`
	UseAssetFolderAsPublicIDPrefix bool   `url:"use_asset_folder_as_public_id_prefix,omitempty"`
	DisplayName                    string `url:"display_name,omitempty"`
	UniqueDisplayName              *bool  `url:"unique_display_name,omitempty"`
	UseFilenameAsDisplayName       bool   `url:"use_filename_as_display_name,omitempty"`
	UseFilename                    bool   `url:"use_filename,omitempty"`
	// UniqueFilename defaults to true on the server; set Bool(false) to send false.
	UniqueFilename          *bool  `url:"unique_filename,omitempty"`
	FilenameOverride        string `url:"filename_override,omitempty"`
	DiscardOriginalFilename bool   `url:"discard_original_filename,omitempty"`
	// Overwrite defaults to true on the server for signed uploads. An upload
	// with a PublicID and Overwrite: Bool(true) is idempotent (retried after
	// ambiguous failures).
	Overwrite  *bool `url:"overwrite,omitempty"`
	Invalidate bool  `url:"invalidate,omitempty"`

	// Type is the delivery type: upload (default), private, authenticated, asset.
	Type          string        `url:"type,omitempty"`
	AccessMode    string        `url:"access_mode,omitempty"`
	AccessControl AccessControl `url:"access_control,omitempty"`

	Tags         []string `url:"tags,omitempty,comma"`
	Context      Context  `url:"context,omitempty"`
	Metadata     Metadata `url:"metadata,omitempty"`
	ClearInvalid bool     `url:"clear_invalid,omitempty"`

	Transformation string   `url:"transformation,omitempty"`
	Format         string   `url:"format,omitempty"`
	AllowedFormats []string `url:"allowed_formats,omitempty,comma"`
	// Eager transformations, each optionally followed by "/<format>";
	// sent joined with "|".
	Eager                []string `url:"eager,omitempty" del:"|"`
	EagerAsync           bool     `url:"eager_async,omitempty"`
	EagerNotificationURL string   `url:"eager_notification_url,omitempty"`
	NotificationURL      string   `url:"notification_url,omitempty"`
	Async                bool     `url:"async,omitempty"`
	Backup               *bool    `url:"backup,omitempty"`
	ReturnDeleteToken    bool     `url:"return_delete_token,omitempty"`
	// Moderation kinds (manual, webpurify, aws_rek, duplicate:0.8, ...), sent joined with "|".
	Moderation []string `url:"moderation,omitempty" del:"|"`

	// Analysis flags.
	Faces                 bool `url:"faces,omitempty"`
	Colors                bool `url:"colors,omitempty"`
	ImageMetadata         bool `url:"image_metadata,omitempty"`
	MediaMetadata         bool `url:"media_metadata,omitempty"`
	Exif                  bool `url:"exif,omitempty"`
	Phash                 bool `url:"phash,omitempty"`
	QualityAnalysis       bool `url:"quality_analysis,omitempty"`
	AccessibilityAnalysis bool `url:"accessibility_analysis,omitempty"`
	CinemagraphAnalysis   bool `url:"cinemagraph_analysis,omitempty"`
	VisualSearch          bool `url:"visual_search,omitempty"`

	FaceCoordinates       Coordinates           `url:"face_coordinates,omitempty"`
	CustomCoordinates     Coordinates           `url:"custom_coordinates,omitempty"`
	Regions               Regions               `url:"regions,omitempty"`
	ResponsiveBreakpoints ResponsiveBreakpoints `url:"responsive_breakpoints,omitempty"`

	// AutoTagging is a confidence threshold in (0, 1], used with Categorization or Detection.
	AutoTagging       float64            `url:"auto_tagging,omitempty"`
	Categorization    string             `url:"categorization,omitempty"`
	Detection         string             `url:"detection,omitempty"`
	OCR               string             `url:"ocr,omitempty"`
	BackgroundRemoval string             `url:"background_removal,omitempty"`
	RawConvert        string             `url:"raw_convert,omitempty"`
	SimilaritySearch  string             `url:"similarity_search,omitempty"`
	QualityOverride   string             `url:"quality_override,omitempty"`
	AutoTranscription *AutoTranscription `url:"auto_transcription,omitempty"`
	AutoChaptering    bool               `url:"auto_chaptering,omitempty"`
	AutoVideoDetails  *AutoVideoDetails  `url:"auto_video_details,omitempty"`

	Eval      string  `url:"eval,omitempty"`
	OnSuccess string  `url:"on_success,omitempty"`
	Headers   Headers `url:"headers,omitempty"`
	Proxy     string  `url:"proxy,omitempty"`
	// Callback is deprecated by Cloudinary (302 redirect with the result).
	Callback     string `url:"callback,omitempty"`
	UploadPreset string `url:"upload_preset,omitempty"`
	BatchID      string `url:"batch_id,omitempty"`

	// Extra holds parameters this type does not model. They are sent (and
	// signed) as given; a key set here replaces the same key from the typed
	// fields. Empty values are dropped.
	Extra url.Values `url:"-"`
}

// idempotent reports whether repeating an upload with the encoded
// parameters vals cannot create a second asset: a fixed public ID with
// overwrite explicitly true. It looks at what is sent, so Extra can neither
// drop the public ID of an upload still treated as idempotent nor go
// unnoticed when it sets both.
func idempotent(vals url.Values) bool {
	return vals.Get("public_id") != "" && vals.Get("overwrite") == "true"
}

// ResourceType is the resource type of an upload or an action
// (cld.ResourceType): image, video, raw, and auto for uploads.
type ResourceType = cld.ResourceType

// The resource types each call accepts, from cld's one list.
var (
	uploadResourceTypes  = cld.UploadResourceTypes()
	actionResourceTypes  = cld.AssetResourceTypes()
	archiveResourceTypes = append(cld.AssetResourceTypes(), cld.All)
)

// resourceType validates rt against allowed, returning def for "".
func resourceType(rt, def ResourceType, allowed []ResourceType) (string, error) {
	if rt == "" {
		return string(def), nil
	}
	if !slices.Contains(allowed, rt) {
		names := make([]string, len(allowed))
		for i, t := range allowed {
			names[i] = string(t)
		}
		slices.Sort(names)
		return "", inputErr(ErrResourceType, "resource type", fmt.Sprintf("%q is not one of %s", rt, strings.Join(names, ", ")), "use one of "+strings.Join(names, ", "))
	}
	return string(rt), nil
}

// values encodes p (without the resource type) into form values.
func (p *Params) values() (url.Values, error) {
	if p == nil {
		return url.Values{}, nil
	}
	if p.AutoTagging < 0 || p.AutoTagging > 1 || math.IsNaN(p.AutoTagging) {
		return nil, inputErr(ErrInvalidParam, "auto_tagging", fmt.Sprintf("%v is outside 0..1", p.AutoTagging), "use a confidence between 0 and 1")
	}
	if p.AccessMode != "" && p.AccessMode != "public" && p.AccessMode != "authenticated" {
		return nil, inputErr(ErrInvalidParam, "access_mode", fmt.Sprintf("%q is not public or authenticated", p.AccessMode), "use public or authenticated, or AccessControl")
	}
	return encode(p, p.Extra)
}

// encode turns a url-tagged struct plus extra values into clean form values:
// empty values dropped, keys the client adds itself rejected.
// actionValues checks an action's resource type (image by default) and
// encodes its parameters.
func actionValues(rtIn ResourceType, p any) (string, url.Values, error) {
	rt, err := resourceType(rtIn, "image", actionResourceTypes)
	if err != nil {
		return "", nil, err
	}
	vals, err := encode(p, nil)
	if err != nil {
		return "", nil, err
	}
	return rt, vals, nil
}

func encode(v any, extra url.Values) (url.Values, error) {
	vals, err := structValues(v)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, ie
		}
		var ve *cld.ValueError
		if errors.As(err, &ve) {
			return nil, &InputError{Op: "upload", What: ve.Param, Reason: ve.Reason, Kind: ErrInvalidParam, Err: err}
		}
		return nil, &InputError{Op: "upload", What: "parameters", Reason: err.Error(), Kind: ErrInvalidParam, Err: err}
	}
	for k, vs := range extra {
		switch k {
		case "file", "resource_type", "api_key", "signature", "timestamp", "cloud_name":
			return nil, inputErr(ErrInvalidParam, "Extra["+k+"]", "is set by the library", "use the Source, Params.ResourceType or the client configuration instead")
		}
		vals[k] = append([]string(nil), vs...)
	}
	for k, vs := range vals {
		kept := vs[:0]
		for _, s := range vs {
			if s != "" {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			delete(vals, k)
		} else {
			vals[k] = kept
		}
	}
	return vals, nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The structured values are defined once, in package cld, where their wire
// and JSON forms are documented; these aliases keep their upload names (and
// package admin has the same ones).
type (
	// Context is cld.Context: contextual metadata, key to value.
	Context = cld.Context
	// ContextMap is the former name of Context in results.
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

// Regions are named polygons (each a list of [x, y] points), sent as a JSON
// object with sorted keys.
type Regions map[string][][2]int

// EncodeValues implements query.Encoder.
func (r Regions) EncodeValues(key string, v *url.Values) error {
	return encodeJSON(key, v, len(r) > 0, map[string][][2]int(r))
}

// AccessRule is one access_control entry.
type AccessRule struct {
	AccessType string    `json:"access_type"` // anonymous or token
	Start      time.Time `json:"start,omitzero"`
	End        time.Time `json:"end,omitzero"`
}

// AccessControl is sent as a JSON array.
type AccessControl []AccessRule

// EncodeValues implements query.Encoder.
func (a AccessControl) EncodeValues(key string, v *url.Values) error {
	rules := make([]AccessRule, len(a))
	for i, r := range a {
		r.Start, r.End = r.Start.UTC(), r.End.UTC() // zero stays zero (omitted)
		rules[i] = r
	}
	return encodeJSON(key, v, len(a) > 0, rules)
}

// BreakpointRequest asks for responsive breakpoints to be computed.
type BreakpointRequest struct {
	CreateDerived  bool   `json:"create_derived"`
	Transformation string `json:"transformation,omitempty"`
	Format         string `json:"format,omitempty"`
	MaxWidth       int    `json:"max_width,omitempty"`
	MinWidth       int    `json:"min_width,omitempty"`
	BytesStep      int    `json:"bytes_step,omitempty"`
	MaxImages      int    `json:"max_images,omitempty"`
}

// ResponsiveBreakpoints are sent as a JSON array.
type ResponsiveBreakpoints []BreakpointRequest

// EncodeValues implements query.Encoder.
func (r ResponsiveBreakpoints) EncodeValues(key string, v *url.Values) error {
	return encodeJSON(key, v, len(r) > 0, []BreakpointRequest(r))
}

// AutoTranscription requests a video transcript. With no languages it is
// sent as "true"; otherwise as {"translate":[...]}.
type AutoTranscription struct {
	Translate []string `json:"translate,omitempty"`
}

// EncodeValues implements query.Encoder.
func (a *AutoTranscription) EncodeValues(key string, v *url.Values) error {
	if a == nil {
		return nil
	}
	if len(a.Translate) == 0 {
		v.Set(key, "true")
		return nil
	}
	return encodeJSON(key, v, true, a)
}

// AutoVideoDetails requests generated video details, sent as {"fields":[...]}.
type AutoVideoDetails struct {
	Fields []string `json:"fields"`
}

// EncodeValues implements query.Encoder.
func (a *AutoVideoDetails) EncodeValues(key string, v *url.Values) error {
	if a == nil {
		return nil
	}
	if a.Fields == nil {
		return encodeJSON(key, v, true, AutoVideoDetails{Fields: []string{}})
	}
	return encodeJSON(key, v, true, a)
}

// Headers are delivery headers of the asset, sent as "Name: value" lines
// joined with "\n", sorted by name.
type Headers map[string]string

// EncodeValues implements query.Encoder.
func (h Headers) EncodeValues(key string, v *url.Values) error {
	if len(h) == 0 {
		return nil
	}
	lines := make([]string, 0, len(h))
	for _, k := range sortedKeys(h) {
		if k == "" || strings.ContainsAny(k, ":\r\n") || strings.ContainsAny(h[k], "\r\n") {
			return inputErr(ErrInvalidParam, key, fmt.Sprintf("header %q has an empty name or a newline or colon in it", k), "use one header line per entry")
		}
		lines = append(lines, k+": "+h[k])
	}
	v.Set(key, strings.Join(lines, "\n"))
	return nil
}

func encodeJSON(key string, v *url.Values, nonEmpty bool, x any) error {
	if !nonEmpty {
		return nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return inputErr(ErrInvalidParam, key, err.Error(), "")
	}
	v.Set(key, string(b))
	return nil
}
