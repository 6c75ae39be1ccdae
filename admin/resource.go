package admin

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apicall"
)

// ResourceOptions selects an asset's type and the optional details Resource
// and ResourceByAssetID return.
type ResourceOptions struct {
	// ResourceType defaults to image; Type defaults to upload (ignored by
	// ResourceByAssetID).
	ResourceType ResourceType `url:"-"`
	Type         DeliveryType `url:"-"`

	Colors                bool `url:"colors,omitempty"`
	Faces                 bool `url:"faces,omitempty"`
	ImageMetadata         bool `url:"image_metadata,omitempty"`
	MediaMetadata         bool `url:"media_metadata,omitempty"`
	Exif                  bool `url:"exif,omitempty"`
	QualityAnalysis       bool `url:"quality_analysis,omitempty"`
	AccessibilityAnalysis bool `url:"accessibility_analysis,omitempty"`
	CinemagraphAnalysis   bool `url:"cinemagraph_analysis,omitempty"`
	Pages                 bool `url:"pages,omitempty"`
	Phash                 bool `url:"phash,omitempty"`
	Coordinates           bool `url:"coordinates,omitempty"`
	Versions              bool `url:"versions,omitempty"`
	Related               bool `url:"related,omitempty"`
	// MaxResults bounds the derived list (at most 500);
	// DerivedNextCursor/RelatedNextCursor page the derived/related lists.
	MaxResults        int    `url:"max_results,omitempty"`
	DerivedNextCursor string `url:"derived_next_cursor,omitempty"`
	RelatedNextCursor string `url:"related_next_cursor,omitempty"`
}

// Resource returns the details of one asset by public ID (which may contain
// "/"). A missing asset is a *client.APIError matching client.ErrNotFound.
//
// GET /resources/<resource_type>/<type>/<public_id>
func (s *Service) Resource(ctx context.Context, publicID string, opts *ResourceOptions) (*ResourceDetails, error) {
	const op = "Resource"
	o := copyOpts(opts)
	if err := checkPublicID(op, publicID); err != nil {
		return nil, err
	}
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return nil, err
	}
	var r ResourceDetails
	p := path("resources", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type)), publicID)
	if _, err := s.do(ctx, op, call{Path: p, Query: o}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ResourceByAssetID returns the details of one asset by its immutable asset ID.
//
// GET /resources/<asset_id>
func (s *Service) ResourceByAssetID(ctx context.Context, assetID string, opts *ResourceOptions) (*ResourceDetails, error) {
	const op = "ResourceByAssetID"
	if err := checkAssetID(op, assetID); err != nil {
		return nil, err
	}
	var r ResourceDetails
	if _, err := s.do(ctx, op, call{Path: path("resources", assetID), Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateResourceParams changes an asset's attributes. Empty fields are left
// unchanged.
type UpdateResourceParams struct {
	// ResourceType defaults to image; Type defaults to upload (both ignored
	// by UpdateResourceByAssetID).
	ResourceType ResourceType `json:"-"`
	Type         DeliveryType `json:"-"`

	DisplayName       string `json:"display_name,omitempty"`
	UniqueDisplayName bool   `json:"unique_display_name,omitempty"`
	AssetFolder       string `json:"asset_folder,omitempty"`
	// Tags replaces the asset's tags (sent comma-separated).
	Tags Tags `json:"tags,omitempty"`
	// Context replaces the contextual metadata (sent as k=v|k2=v2, escaped).
	Context Context `json:"context,omitempty"`
	// Metadata sets structured metadata values (sent as k=v|…, escaped;
	// strings, numbers, dates and []string sets). An empty string clears a
	// field.
	Metadata          Metadata        `json:"metadata,omitempty"`
	ClearInvalid      bool            `json:"clear_invalid,omitempty"`
	FaceCoordinates   Coordinates     `json:"face_coordinates,omitempty"`
	CustomCoordinates Coordinates     `json:"custom_coordinates,omitempty"`
	Regions           json.RawMessage `json:"regions,omitempty"`
	QualityOverride   string          `json:"quality_override,omitempty"`
	// ModerationStatus is approved or rejected.
	ModerationStatus  string          `json:"moderation_status,omitempty"`
	AutoTagging       float64         `json:"auto_tagging,omitempty"`
	Detection         string          `json:"detection,omitempty"`
	OCR               string          `json:"ocr,omitempty"`
	RawConvert        string          `json:"raw_convert,omitempty"`
	Categorization    string          `json:"categorization,omitempty"`
	VisualSearch      *bool           `json:"visual_search,omitempty"`
	BackgroundRemoval string          `json:"background_removal,omitempty"`
	AccessControl     json.RawMessage `json:"access_control,omitempty"`
	NotificationURL   string          `json:"notification_url,omitempty"`
}

// UpdateResource updates an asset's attributes by public ID and returns its
// new details. The Upload API's explicit does most of this without the
// Admin rate limit.
//
// POST /resources/<resource_type>/<type>/<public_id>
func (s *Service) UpdateResource(ctx context.Context, publicID string, params *UpdateResourceParams) (*ResourceDetails, error) {
	const op = "UpdateResource"
	p := copyOpts(params)
	if err := checkPublicID(op, publicID); err != nil {
		return nil, err
	}
	if err := checkTypes(op, p.ResourceType, p.Type); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var r ResourceDetails
	pp := path("resources", string(rtOrDefault(p.ResourceType)), string(dtOrDefault(p.Type)), publicID)
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: pp, Body: body, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateResourceByAssetID updates an asset's attributes by asset ID.
//
// PUT /resources/<asset_id>
func (s *Service) UpdateResourceByAssetID(ctx context.Context, assetID string, params *UpdateResourceParams) (*ResourceDetails, error) {
	const op = "UpdateResourceByAssetID"
	if err := checkAssetID(op, assetID); err != nil {
		return nil, err
	}
	body, err := copyOpts(params).body()
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var r ResourceDetails
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("resources", assetID), Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RestoreOptions selects the type and versions of RestoreResources.
type RestoreOptions struct {
	// ResourceType defaults to image; Type defaults to upload.
	ResourceType ResourceType
	Type         DeliveryType
	// Versions, when set, names the version ID to restore for each public ID
	// (same length and order).
	Versions []string
}

// RestoreResult maps each public ID (or asset ID) to the restored asset, or
// to an entry whose Error says why it was not restored (e.g. "no_backup").
type RestoreResult struct {
	client.Meta
	Restored map[string]Resource
}

// UnmarshalJSON decodes the object keyed by ID.
func (r *RestoreResult) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, &r.Restored)
}

// IDs returns the restored map's keys, sorted.
func (r *RestoreResult) IDs() []string {
	return slices.Sorted(maps.Keys(r.Restored))
}

type restoreBody struct {
	PublicIDs []string `json:"public_ids,omitempty"`
	AssetIDs  []string `json:"asset_ids,omitempty"`
	Versions  []string `json:"versions,omitempty"`
}

// RestoreResources restores deleted (backed-up) assets by public ID, at most
// 100 per call.
//
// POST /resources/<resource_type>/<type>/restore
func (s *Service) RestoreResources(ctx context.Context, publicIDs []string, opts *RestoreOptions) (*RestoreResult, error) {
	const op = "RestoreResources"
	o := copyOpts(opts)
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return nil, err
	}
	if len(o.Versions) > 0 && len(o.Versions) != len(publicIDs) {
		return nil, invalid(op, "%d versions for %d public IDs; give one version per public ID or none", len(o.Versions), len(publicIDs))
	}
	var r RestoreResult
	p := path("resources", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type)), "restore")
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: p, Body: restoreBody{PublicIDs: publicIDs, Versions: o.Versions}, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RestoreResourcesByAssetIDs restores deleted assets by asset ID (at most 100).
//
// POST /resources/restore
func (s *Service) RestoreResourcesByAssetIDs(ctx context.Context, assetIDs []string, versions []string) (*RestoreResult, error) {
	const op = "RestoreResourcesByAssetIDs"
	if err := checkIDs(op, "asset ID", assetIDs); err != nil {
		return nil, err
	}
	if len(versions) > 0 && len(versions) != len(assetIDs) {
		return nil, invalid(op, "%d versions for %d asset IDs; give one version per asset ID or none", len(versions), len(assetIDs))
	}
	var r RestoreResult
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "resources/restore", Body: restoreBody{AssetIDs: assetIDs, Versions: versions}, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Tags is a list of tags sent as one comma-separated string.
type Tags []string

// MarshalJSON writes "a,b,c".
func (t Tags) MarshalJSON() ([]byte, error) { return json.Marshal(strings.Join(t, ",")) }

// updateBody is the JSON body of UpdateResource: params with the
// structured values in their wire forms (JSON strings in the pipe and
// x,y,w,h forms, as Cloudinary reads them).
type updateBody struct {
	Context           string `json:"context,omitempty"`
	Metadata          string `json:"metadata,omitempty"`
	FaceCoordinates   string `json:"face_coordinates,omitempty"`
	CustomCoordinates string `json:"custom_coordinates,omitempty"`
	*updateParams
}

// updateParams has UpdateResourceParams' fields without its MarshalJSON.
type updateParams UpdateResourceParams

// body encodes p, refusing a structured value that has no wire form.
func (p *UpdateResourceParams) body() (*updateBody, error) {
	b := &updateBody{updateParams: (*updateParams)(p)}
	for _, f := range []struct {
		param  string
		encode func() (string, error)
		dst    *string
	}{
		{"context", p.Context.Encode, &b.Context},
		{"metadata", p.Metadata.Encode, &b.Metadata},
		{"face_coordinates", p.FaceCoordinates.Encode, &b.FaceCoordinates},
		{"custom_coordinates", p.CustomCoordinates.Encode, &b.CustomCoordinates},
	} {
		s, err := f.encode()
		if ve, ok := errors.AsType[*cld.ValueError](err); ok {
			return nil, &cld.ValueError{Param: f.param, Reason: ve.Reason}
		} else if err != nil {
			return nil, err
		}
		*f.dst = s
	}
	return b, nil
}

// MarshalJSON writes the request body: the structured values in their wire
// forms, which Cloudinary expects as strings.
func (p UpdateResourceParams) MarshalJSON() ([]byte, error) {
	b, err := p.body()
	if err != nil {
		return nil, err
	}
	return json.Marshal(b)
}

func checkPublicID(op, id string) error {
	if id == "" {
		return invalid(op, "empty public ID; pass the asset's public ID")
	}
	return nil
}

func checkAssetID(op, id string) error {
	if !apicall.ValidSegment(id) {
		return invalid(op, "asset ID %q is not valid; pass the 32-hex asset_id of the asset", id)
	}
	return nil
}
