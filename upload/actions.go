package upload

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cldrest/cldrest/client"
)

// post sends one urlencoded Upload API action for resource type rt and
// decodes the answer into a new T.
func post[T any](ctx context.Context, s *Service, rt, action string, vals url.Values, idempotent bool) (*T, error) {
	req := &client.Request{
		Method:     http.MethodPost,
		API:        client.UploadAPI,
		Path:       rt + "/" + action,
		Params:     vals,
		Idempotent: idempotent,
	}
	res := new(T)
	if _, err := s.b.Do(ctx, req, res); err != nil {
		return nil, err
	}
	return res, nil
}

func idempotentOpt(s *Service, opts []Option) (bool, error) {
	st, err := s.settings(opts)
	if err != nil {
		return false, err
	}
	return st.idempotent, nil
}

func required(name, value, fix string) error {
	if strings.TrimSpace(value) == "" {
		return inputErr(ErrInvalidParam, name, "missing", fix)
	}
	return nil
}

func checkPublicIDs(ids []string) error {
	if len(ids) == 0 {
		return inputErr(ErrInvalidParam, "public_ids", "none given", "pass at least one public ID")
	}
	if len(ids) > MaxTagIDs {
		return inputErr(ErrInvalidParam, "public_ids", fmt.Sprintf("%d given, at most %d allowed", len(ids), MaxTagIDs), fmt.Sprintf("split the call into batches of %d", MaxTagIDs))
	}
	for _, id := range ids {
		if id == "" {
			return inputErr(ErrInvalidParam, "public_ids", "contains an empty ID", "remove empty IDs")
		}
	}
	return nil
}

// Explicit applies upload-style operations (eager transformations, tags,
// context, metadata, moderation, responsive breakpoints, invalidate, ...)
// to the existing asset publicID (POST <resource_type>/explicit, spec §4.3).
// p may be nil; its PublicID is ignored in favour of publicID, and its
// ResourceType defaults to image. Explicit creates no asset, so it is
// retried like any idempotent call.
func (s *Service) Explicit(ctx context.Context, publicID string, p *Params) (*Result, error) {
	if err := required("public_id", publicID, "pass the public ID of an existing asset"); err != nil {
		return nil, err
	}
	var rtIn ResourceType
	if p != nil {
		rtIn = p.ResourceType
	}
	rt, err := resourceType(rtIn, "image", actionResourceTypes)
	if err != nil {
		return nil, err
	}
	vals, err := p.values()
	if err != nil {
		return nil, err
	}
	vals.Set("public_id", publicID)
	return post[Result](ctx, s, rt, "explicit", vals, true)
}

// DestroyParams are the optional parameters of Destroy.
type DestroyParams struct {
	ResourceType    ResourceType `url:"-"` // image (default), video, raw
	Type            string       `url:"type,omitempty"`
	Invalidate      bool         `url:"invalidate,omitempty"`
	NotificationURL string       `url:"notification_url,omitempty"`
}

// Destroy deletes the asset publicID (POST <resource_type>/destroy). A
// missing asset is not an error: the result is "not found".
func (s *Service) Destroy(ctx context.Context, publicID string, p *DestroyParams) (*DestroyResult, error) {
	if p == nil {
		p = &DestroyParams{}
	}
	if err := required("public_id", publicID, "pass the public ID to delete"); err != nil {
		return nil, err
	}
	rt, vals, err := actionValues(p.ResourceType, p)
	if err != nil {
		return nil, err
	}
	vals.Set("public_id", publicID)
	return post[DestroyResult](ctx, s, rt, "destroy", vals, true)
}

// RenameParams are the optional parameters of Rename.
type RenameParams struct {
	ResourceType    ResourceType `url:"-"` // image (default), video, raw
	Type            string       `url:"type,omitempty"`
	ToType          string       `url:"to_type,omitempty"`
	Overwrite       bool         `url:"overwrite,omitempty"`
	Invalidate      bool         `url:"invalidate,omitempty"`
	Context         bool         `url:"context,omitempty"`  // include the context in the result
	Metadata        bool         `url:"metadata,omitempty"` // include the metadata in the result
	NotificationURL string       `url:"notification_url,omitempty"`
}

// Rename changes an asset's public ID from from to to (POST
// <resource_type>/rename). Repeating a rename cannot create an asset, so it
// is retried like any idempotent call.
func (s *Service) Rename(ctx context.Context, from, to string, p *RenameParams) (*Result, error) {
	if p == nil {
		p = &RenameParams{}
	}
	if err := required("from_public_id", from, "pass the current public ID"); err != nil {
		return nil, err
	}
	if err := required("to_public_id", to, "pass the new public ID"); err != nil {
		return nil, err
	}
	rt, vals, err := actionValues(p.ResourceType, p)
	if err != nil {
		return nil, err
	}
	vals.Set("from_public_id", from)
	vals.Set("to_public_id", to)
	return post[Result](ctx, s, rt, "rename", vals, true)
}

// TagParams are the optional parameters of the tags and context actions.
type TagParams struct {
	ResourceType ResourceType `url:"-"` // image (default), video, raw
	Type         string       `url:"type,omitempty"`
}

// TagCommand is a command of the tags action.
type TagCommand string

// Commands of the tags action.
const (
	TagAdd       TagCommand = "add"
	TagRemove    TagCommand = "remove"
	TagReplace   TagCommand = "replace"
	TagRemoveAll TagCommand = "remove_all"
)

type bulkParams struct {
	Type         string   `url:"type,omitempty"`
	Command      string   `url:"command,omitempty"`
	Tag          []string `url:"tag,omitempty,comma"`
	Context      Context  `url:"context,omitempty"`
	Metadata     Metadata `url:"metadata,omitempty"`
	ClearInvalid bool     `url:"clear_invalid,omitempty"`
	PublicIDs    []string `url:"public_ids,omitempty,brackets"`
}

// Tags runs a tags command on up to 1000 assets (POST <resource_type>/tags).
// tags must be empty for TagRemoveAll and non-empty otherwise. The result
// lists the public IDs actually changed.
func (s *Service) Tags(ctx context.Context, cmd TagCommand, tags, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	if p == nil {
		p = &TagParams{}
	}
	switch cmd {
	case TagAdd, TagRemove, TagReplace:
		if len(tags) == 0 {
			return nil, inputErr(ErrInvalidParam, "tags", "none given for command "+string(cmd), "pass at least one tag")
		}
	case TagRemoveAll:
		if len(tags) != 0 {
			return nil, inputErr(ErrInvalidParam, "tags", "given with command remove_all", "pass no tags")
		}
	default:
		return nil, inputErr(ErrInvalidParam, "command", fmt.Sprintf("unknown tags command %q", cmd), "use add, remove, replace or remove_all")
	}
	for _, t := range tags {
		if t == "" || strings.Contains(t, ",") {
			return nil, inputErr(ErrInvalidParam, "tags", fmt.Sprintf("tag %q is empty or contains a comma", t), "pass one tag per element")
		}
	}
	return s.bulk(ctx, "tags", p.ResourceType, publicIDs, bulkParams{Type: p.Type, Command: string(cmd), Tag: tags})
}

// AddTags adds tags to the assets publicIDs.
func (s *Service) AddTags(ctx context.Context, tags, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	return s.Tags(ctx, TagAdd, tags, publicIDs, p)
}

// RemoveTags removes tags from the assets publicIDs.
func (s *Service) RemoveTags(ctx context.Context, tags, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	return s.Tags(ctx, TagRemove, tags, publicIDs, p)
}

// ReplaceTags replaces all tags of the assets publicIDs with tags.
func (s *Service) ReplaceTags(ctx context.Context, tags, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	return s.Tags(ctx, TagReplace, tags, publicIDs, p)
}

// RemoveAllTags removes every tag of the assets publicIDs.
func (s *Service) RemoveAllTags(ctx context.Context, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	return s.Tags(ctx, TagRemoveAll, nil, publicIDs, p)
}

// AddContext sets context keys on the assets publicIDs (POST
// <resource_type>/context, command add). A key with an empty value is
// removed.
func (s *Service) AddContext(ctx context.Context, c Context, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	if p == nil {
		p = &TagParams{}
	}
	if len(c) == 0 {
		return nil, inputErr(ErrInvalidParam, "context", "empty", "pass at least one key")
	}
	// An empty value is meaningful here (it deletes the key), so the
	// encoded pair must survive even though the value is "".
	return s.bulk(ctx, "context", p.ResourceType, publicIDs, bulkParams{Type: p.Type, Command: "add", Context: c})
}

// RemoveAllContext removes all context of the assets publicIDs.
func (s *Service) RemoveAllContext(ctx context.Context, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	if p == nil {
		p = &TagParams{}
	}
	return s.bulk(ctx, "context", p.ResourceType, publicIDs, bulkParams{Type: p.Type, Command: "remove_all"})
}

// MetadataParams are the optional parameters of UpdateMetadata.
type MetadataParams struct {
	ResourceType ResourceType // image (default), video, raw
	Type         string
	ClearInvalid bool
}

// UpdateMetadata sets structured metadata fields on the assets publicIDs
// (POST <resource_type>/metadata).
func (s *Service) UpdateMetadata(ctx context.Context, m Metadata, publicIDs []string, p *MetadataParams) (*PublicIDsResult, error) {
	if p == nil {
		p = &MetadataParams{}
	}
	if len(m) == 0 {
		return nil, inputErr(ErrInvalidParam, "metadata", "empty", "pass at least one field")
	}
	return s.bulk(ctx, "metadata", p.ResourceType, publicIDs, bulkParams{Type: p.Type, Metadata: m, ClearInvalid: p.ClearInvalid})
}

func (s *Service) bulk(ctx context.Context, action string, rtIn ResourceType, publicIDs []string, bp bulkParams) (*PublicIDsResult, error) {
	rt, err := resourceType(rtIn, "image", actionResourceTypes)
	if err != nil {
		return nil, err
	}
	if err := checkPublicIDs(publicIDs); err != nil {
		return nil, err
	}
	bp.PublicIDs = publicIDs
	vals, err := encode(&bp, nil)
	if err != nil {
		return nil, err
	}
	return post[PublicIDsResult](ctx, s, rt, action, vals, true)
}

// MultiParams select the images of Multi or Sprite: exactly one of Tag and
// URLs.
type MultiParams struct {
	ResourceType    ResourceType `url:"-"` // image (default), video
	Tag             string       `url:"tag,omitempty"`
	URLs            []string     `url:"urls,omitempty,brackets"`
	Transformation  string       `url:"transformation,omitempty"`
	Format          string       `url:"format,omitempty"`
	Async           bool         `url:"async,omitempty"`
	NotificationURL string       `url:"notification_url,omitempty"`
}

func (p *MultiParams) check() error {
	if (p.Tag == "") == (len(p.URLs) == 0) {
		return inputErr(ErrInvalidParam, "tag/urls", "exactly one of Tag and URLs must be set", "set Tag to combine tagged images, or URLs to combine delivery URLs")
	}
	return nil
}

// Multi creates one animated image, video or PDF from the images with a tag
// or from a list of URLs (POST <resource_type>/multi). It is not idempotent
// unless WithIdempotent is given.
func (s *Service) Multi(ctx context.Context, p *MultiParams, opts ...Option) (*MultiResult, error) {
	return multiLike[MultiResult](ctx, s, "multi", p, opts)
}

// Sprite creates a sprite image and CSS from the images with a tag or from
// a list of URLs (POST <resource_type>/sprite).
func (s *Service) Sprite(ctx context.Context, p *MultiParams, opts ...Option) (*SpriteResult, error) {
	return multiLike[SpriteResult](ctx, s, "sprite", p, opts)
}

func multiLike[T any](ctx context.Context, s *Service, action string, p *MultiParams, opts []Option) (*T, error) {
	if p == nil {
		p = &MultiParams{}
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	rt, err := resourceType(p.ResourceType, "image", actionResourceTypes)
	if err != nil {
		return nil, err
	}
	idem, err := idempotentOpt(s, opts)
	if err != nil {
		return nil, err
	}
	vals, err := encode(p, nil)
	if err != nil {
		return nil, err
	}
	if len(p.URLs) > 0 {
		vals.Set("mode", "download")
	}
	return post[T](ctx, s, rt, action, vals, idem)
}

// ExplodeParams are the parameters of Explode.
type ExplodeParams struct {
	// Transformation must contain exactly one pg_all component (e.g. "pg_all").
	Transformation  string `url:"transformation"`
	Format          string `url:"format,omitempty"` // default png
	Type            string `url:"type,omitempty"`
	NotificationURL string `url:"notification_url,omitempty"`
}

// Explode creates one derived image per page of a multi-page image (PDF,
// GIF, TIFF) in the background (POST image/explode).
func (s *Service) Explode(ctx context.Context, publicID string, p *ExplodeParams) (*BatchResult, error) {
	if p == nil {
		p = &ExplodeParams{}
	}
	if err := required("public_id", publicID, "pass the public ID of a multi-page image"); err != nil {
		return nil, err
	}
	if strings.Count(p.Transformation, "pg_all") != 1 {
		return nil, inputErr(ErrInvalidParam, "transformation", fmt.Sprintf("%q must contain pg_all exactly once", p.Transformation), `use Transformation: "pg_all"`)
	}
	vals, err := encode(p, nil)
	if err != nil {
		return nil, err
	}
	vals.Set("public_id", publicID)
	// Re-running explode regenerates the same derived pages.
	return post[BatchResult](ctx, s, "image", "explode", vals, true)
}

// TextParams style the image created by Text.
type TextParams struct {
	PublicID       string `url:"public_id,omitempty"`
	FontFamily     string `url:"font_family,omitempty"`
	FontSize       int    `url:"font_size,omitempty"` // default 12
	FontColor      string `url:"font_color,omitempty"`
	TextAlign      string `url:"text_align,omitempty"`
	FontWeight     string `url:"font_weight,omitempty"`
	FontStyle      string `url:"font_style,omitempty"`
	Background     string `url:"background,omitempty"`
	Opacity        int    `url:"opacity,omitempty"`
	TextDecoration string `url:"text_decoration,omitempty"`
	LineSpacing    int    `url:"line_spacing,omitempty"`
	Type           string `url:"type,omitempty"`
}

// Text creates an image of text (POST image/text).
func (s *Service) Text(ctx context.Context, text string, p *TextParams, opts ...Option) (*Result, error) {
	if p == nil {
		p = &TextParams{}
	}
	if err := required("text", text, "pass the text to render"); err != nil {
		return nil, err
	}
	idem, err := idempotentOpt(s, opts)
	if err != nil {
		return nil, err
	}
	vals, err := encode(p, nil)
	if err != nil {
		return nil, err
	}
	vals.Set("text", text)
	return post[Result](ctx, s, "image", "text", vals, idem)
}

// ArchiveParams select the assets of an archive and shape it. At least one
// of PublicIDs, Tags, Prefixes and FullyQualifiedPublicIDs must be set.
type ArchiveParams struct {
	ResourceType            ResourceType `url:"-"` // image (default), video, raw, all
	PublicIDs               []string     `url:"public_ids,omitempty,brackets"`
	Tags                    []string     `url:"tags,omitempty,brackets"`
	Prefixes                []string     `url:"prefixes,omitempty,brackets"`
	FullyQualifiedPublicIDs []string     `url:"fully_qualified_public_ids,omitempty,brackets"`
	Type                    string       `url:"type,omitempty"`
	Transformations         []string     `url:"transformations,omitempty" del:"|"`
	TargetFormat            string       `url:"target_format,omitempty"` // zip (default) or tgz
	TargetPublicID          string       `url:"target_public_id,omitempty"`
	TargetAssetFolder       string       `url:"target_asset_folder,omitempty"`
	TargetTags              []string     `url:"target_tags,omitempty,brackets"`
	FlattenFolders          bool         `url:"flatten_folders,omitempty"`
	FlattenTransformations  bool         `url:"flatten_transformations,omitempty"`
	SkipTransformationName  bool         `url:"skip_transformation_name,omitempty"`
	AllowMissing            bool         `url:"allow_missing,omitempty"`
	KeepDerived             bool         `url:"keep_derived,omitempty"`
	UseOriginalFilename     bool         `url:"use_original_filename,omitempty"`
	ExpiresAt               time.Time    `url:"expires_at,omitempty,unix"` // download URLs only
	Async                   bool         `url:"async,omitempty"`
	NotificationURL         string       `url:"notification_url,omitempty"`
}

func (p *ArchiveParams) encode(mode string) (string, url.Values, error) {
	if p == nil {
		p = &ArchiveParams{}
	}
	if len(p.PublicIDs)+len(p.Tags)+len(p.Prefixes)+len(p.FullyQualifiedPublicIDs) == 0 {
		return "", nil, inputErr(ErrInvalidParam, "archive", "no assets selected", "set PublicIDs, Tags, Prefixes or FullyQualifiedPublicIDs")
	}
	if p.TargetFormat != "" && p.TargetFormat != "zip" && p.TargetFormat != "tgz" {
		return "", nil, inputErr(ErrInvalidParam, "target_format", fmt.Sprintf("%q is not zip or tgz", p.TargetFormat), "use zip or tgz")
	}
	rt, err := resourceType(p.ResourceType, "image", archiveResourceTypes)
	if err != nil {
		return "", nil, err
	}
	vals, err := encode(p, nil)
	if err != nil {
		return "", nil, err
	}
	vals.Set("mode", mode)
	return rt, vals, nil
}

// CreateArchive builds a zip or tgz archive of assets and stores it as a raw
// asset (POST <resource_type>/generate_archive, mode create).
func (s *Service) CreateArchive(ctx context.Context, p *ArchiveParams, opts ...Option) (*ArchiveResult, error) {
	rt, vals, err := p.encode("create")
	if err != nil {
		return nil, err
	}
	idem, err := idempotentOpt(s, opts)
	if err != nil {
		return nil, err
	}
	return post[ArchiveResult](ctx, s, rt, "generate_archive", vals, idem)
}

// SlideshowParams describe a video slideshow: exactly one of
// ManifestTransformation and ManifestJSON.
type SlideshowParams struct {
	ManifestTransformation string   `url:"manifest_transformation,omitempty"`
	ManifestJSON           string   `url:"manifest_json,omitempty"`
	Transformation         string   `url:"transformation,omitempty"`
	Tags                   []string `url:"tags,omitempty,comma"`
	PublicID               string   `url:"public_id,omitempty"`
	Overwrite              *bool    `url:"overwrite,omitempty"`
	NotificationURL        string   `url:"notification_url,omitempty"`
	UploadPreset           string   `url:"upload_preset,omitempty"`
}

// CreateSlideshow creates a video slideshow (POST video/create_slideshow).
// It is idempotent when PublicID is set and Overwrite is Bool(true), or with
// WithIdempotent.
func (s *Service) CreateSlideshow(ctx context.Context, p *SlideshowParams, opts ...Option) (*Result, error) {
	if p == nil {
		p = &SlideshowParams{}
	}
	if (p.ManifestTransformation == "") == (p.ManifestJSON == "") {
		return nil, inputErr(ErrInvalidParam, "manifest", "exactly one of ManifestTransformation and ManifestJSON must be set", "describe the slideshow with one of them")
	}
	idem, err := idempotentOpt(s, opts)
	if err != nil {
		return nil, err
	}
	idem = idem || (p.PublicID != "" && p.Overwrite != nil && *p.Overwrite)
	vals, err := encode(p, nil)
	if err != nil {
		return nil, err
	}
	return post[Result](ctx, s, "video", "create_slideshow", vals, idem)
}
