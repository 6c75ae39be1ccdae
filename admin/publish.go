package admin

import (
	"context"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// PublishOptions refines the publish calls.
type PublishOptions struct {
	// ResourceType defaults to image.
	ResourceType ResourceType `json:"-"`
	// Type limits the call to assets of this delivery type (private or
	// authenticated); empty publishes both.
	Type DeliveryType `json:"type,omitempty"`
	// Overwrite replaces a public asset that already has the same public ID.
	Overwrite bool `json:"overwrite,omitempty"`
	// Invalidate purges CDN caches of the published assets.
	Invalidate bool `json:"invalidate,omitempty"`
}

// FailedAsset is one asset a bulk call could not change, with the reason.
type FailedAsset struct {
	PublicID string `json:"public_id"`
	Error    string `json:"error,omitempty"`
}

// PublishResult lists the assets made public (as they are now, with type
// upload) and those that could not be.
type PublishResult struct {
	client.Meta
	Published []Resource    `json:"published"`
	Failed    []FailedAsset `json:"failed"`
}

type publishBody struct {
	*PublishOptions
	PublicIDs []string `json:"public_ids,omitempty"`
	Prefix    string   `json:"prefix,omitempty"`
	Tag       string   `json:"tag,omitempty"`
}

// PublishByIDs makes private or authenticated assets public (delivery type
// upload), at most 100 per call.
//
// POST /resources/<resource_type>/publish_resources {"public_ids":[…]}
func (s *Service) PublishByIDs(ctx context.Context, publicIDs []string, opts *PublishOptions) (*PublishResult, error) {
	const op = "PublishByIDs"
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	return s.publish(ctx, op, publishBody{PublicIDs: publicIDs}, opts)
}

// PublishByPrefix makes public the private or authenticated assets whose
// public ID starts with prefix.
//
// POST /resources/<resource_type>/publish_resources {"prefix":…}
func (s *Service) PublishByPrefix(ctx context.Context, prefix string, opts *PublishOptions) (*PublishResult, error) {
	const op = "PublishByPrefix"
	if prefix == "" {
		return nil, invalid(op, "empty prefix; pass the public ID prefix of the assets to publish")
	}
	return s.publish(ctx, op, publishBody{Prefix: prefix}, opts)
}

// PublishByTag makes public the private or authenticated assets carrying tag.
//
// POST /resources/<resource_type>/publish_resources {"tag":…}
func (s *Service) PublishByTag(ctx context.Context, tag string, opts *PublishOptions) (*PublishResult, error) {
	const op = "PublishByTag"
	if tag == "" {
		return nil, invalid(op, "empty tag; pass the tag of the assets to publish")
	}
	return s.publish(ctx, op, publishBody{Tag: tag}, opts)
}

func (s *Service) publish(ctx context.Context, op string, b publishBody, opts *PublishOptions) (*PublishResult, error) {
	b.PublishOptions = copyOpts(opts)
	if err := checkTypes(op, b.ResourceType, b.Type); err != nil {
		return nil, err
	}
	var r PublishResult
	// Publishing sets the delivery type to upload: repeating it is harmless.
	p := path("resources", string(rtOrDefault(b.ResourceType)), "publish_resources")
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: p, Body: b, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AccessMode is who may deliver an asset of delivery type upload.
type AccessMode string

// Access modes.
const (
	// AccessPublic lets anyone deliver the asset.
	AccessPublic AccessMode = "public"
	// AccessAuthenticated requires a signed URL or a token.
	AccessAuthenticated AccessMode = "authenticated"
)

// AccessModeOptions selects the assets' types.
type AccessModeOptions struct {
	// ResourceType defaults to image; Type defaults to upload.
	ResourceType ResourceType
	Type         DeliveryType
}

// AccessModeChange is one asset whose access mode changed.
type AccessModeChange struct {
	PublicID   string     `json:"public_id"`
	AccessMode AccessMode `json:"access_mode"`
}

// AccessModeResult lists the assets whose access mode changed and those
// that could not be changed.
type AccessModeResult struct {
	client.Meta
	Updated []AccessModeChange `json:"updated"`
	Failed  []FailedAsset      `json:"failed"`
}

type accessModeBody struct {
	AccessMode AccessMode `json:"access_mode"`
	PublicIDs  []string   `json:"public_ids,omitempty"`
	Prefix     string     `json:"prefix,omitempty"`
	Tag        string     `json:"tag,omitempty"`
}

// UpdateAccessModeByIDs sets the access mode of assets by public ID, at
// most 100 per call.
//
// POST /resources/<resource_type>/<type>/update_access_mode {"access_mode":…,"public_ids":[…]}
func (s *Service) UpdateAccessModeByIDs(ctx context.Context, mode AccessMode, publicIDs []string, opts *AccessModeOptions) (*AccessModeResult, error) {
	const op = "UpdateAccessModeByIDs"
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	return s.accessMode(ctx, op, accessModeBody{AccessMode: mode, PublicIDs: publicIDs}, opts)
}

// UpdateAccessModeByPrefix sets the access mode of the assets whose public
// ID starts with prefix.
//
// POST /resources/<resource_type>/<type>/update_access_mode {"access_mode":…,"prefix":…}
func (s *Service) UpdateAccessModeByPrefix(ctx context.Context, mode AccessMode, prefix string, opts *AccessModeOptions) (*AccessModeResult, error) {
	const op = "UpdateAccessModeByPrefix"
	if prefix == "" {
		return nil, invalid(op, "empty prefix; pass the public ID prefix of the assets to change")
	}
	return s.accessMode(ctx, op, accessModeBody{AccessMode: mode, Prefix: prefix}, opts)
}

// UpdateAccessModeByTag sets the access mode of the assets carrying tag.
//
// POST /resources/<resource_type>/<type>/update_access_mode {"access_mode":…,"tag":…}
func (s *Service) UpdateAccessModeByTag(ctx context.Context, mode AccessMode, tag string, opts *AccessModeOptions) (*AccessModeResult, error) {
	const op = "UpdateAccessModeByTag"
	if tag == "" {
		return nil, invalid(op, "empty tag; pass the tag of the assets to change")
	}
	return s.accessMode(ctx, op, accessModeBody{AccessMode: mode, Tag: tag}, opts)
}

func (s *Service) accessMode(ctx context.Context, op string, b accessModeBody, opts *AccessModeOptions) (*AccessModeResult, error) {
	o := copyOpts(opts)
	if b.AccessMode != AccessPublic && b.AccessMode != AccessAuthenticated {
		return nil, invalid(op, "access mode %q; use public or authenticated", b.AccessMode)
	}
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return nil, err
	}
	var r AccessModeResult
	// Setting a mode is a set-to-value: repeating it is harmless.
	p := path("resources", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type)), "update_access_mode")
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: p, Body: b, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
