package admin

import (
	"context"
	"iter"
	"time"

	"github.com/cldrest/cldrest/internal/apicall"
)

// MaxIDsPerCall is the most public IDs or asset IDs one listing, restore or
// delete call accepts.
const MaxIDsPerCall = 100

// ListFlags are the options shared by every resource listing: what to
// include for each asset, ordering and paging.
type ListFlags struct {
	// Tags, Context, Moderations and Metadata add those fields to each asset.
	Tags        bool `url:"tags,omitempty"`
	Context     bool `url:"context,omitempty"`
	Moderations bool `url:"moderations,omitempty"`
	Metadata    bool `url:"metadata,omitempty"`
	// Fields keeps only these fields of each asset (sent comma-separated).
	Fields []string `url:"fields,comma,omitempty"`
	// Direction orders by creation time (asc or desc).
	Direction Direction `url:"direction,omitempty"`
	// ListOptions holds the page size (default 10, at most 500) and the
	// cursor that continues a previous listing.
	ListOptions
}

// ListResourcesOptions filters ListResources.
type ListResourcesOptions struct {
	// ResourceType defaults to image.
	ResourceType ResourceType `url:"-"`
	// Type is the delivery type; empty lists every delivery type, except
	// with Prefix or PublicIDs, which need one and default to upload.
	Type DeliveryType `url:"-"`
	// Prefix keeps public IDs starting with it.
	Prefix string `url:"prefix,omitempty"`
	// PublicIDs keeps only these (at most 100), sent as public_ids[].
	PublicIDs []string `url:"public_ids,brackets,omitempty"`
	// StartAt lists assets created since then (only without Prefix/PublicIDs).
	StartAt time.Time `url:"start_at,omitempty"`
	ListFlags
}

// ListResources lists one page of assets of a resource type, optionally of
// one delivery type, filtered by prefix or public IDs.
//
// GET /resources/<resource_type>[/<type>]
func (s *Service) ListResources(ctx context.Context, opts *ListResourcesOptions) (*ResourceList, error) {
	const op = "ListResources"
	o := copyOpts(opts)
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return nil, err
	}
	if (o.Prefix != "" || len(o.PublicIDs) > 0) && o.Type == "" {
		o.Type = Upload
	}
	if len(o.PublicIDs) > MaxIDsPerCall {
		return nil, invalid(op, "%d public IDs given, at most %d per call; split the list", len(o.PublicIDs), MaxIDsPerCall)
	}
	if !o.StartAt.IsZero() && (o.Prefix != "" || len(o.PublicIDs) > 0) {
		return nil, invalid(op, "StartAt cannot be combined with Prefix or PublicIDs; drop one of them")
	}
	return s.list(ctx, op, path("resources", string(rtOrDefault(o.ResourceType)), string(o.Type)), o)
}

// ListResourcesAll iterates over every asset ListResources would page through.
func (s *Service) ListResourcesAll(ctx context.Context, opts *ListResourcesOptions) iter.Seq2[Resource, error] {
	o := copyOpts(opts)
	return s.listAll(ctx, "ListResourcesAll", &o.NextCursor, func() (*ResourceList, error) { return s.ListResources(ctx, o) })
}

// ResourcesByIDsOptions selects the type and the returned fields of
// ResourcesByPublicIDs and ResourcesByAssetIDs.
type ResourcesByIDsOptions struct {
	// ResourceType defaults to image; Type defaults to upload (by public ID only).
	ResourceType ResourceType `url:"-"`
	Type         DeliveryType `url:"-"`
	Tags         bool         `url:"tags,omitempty"`
	Context      bool         `url:"context,omitempty"`
	Moderations  bool         `url:"moderations,omitempty"`
	Metadata     bool         `url:"metadata,omitempty"`
	Fields       []string     `url:"fields,comma,omitempty"`
}

type byPublicIDsQuery struct {
	PublicIDs []string `url:"public_ids,brackets"`
	*ResourcesByIDsOptions
}

// ResourcesByPublicIDs returns the assets with these public IDs (at most 100).
//
// GET /resources/<resource_type>/<type>?public_ids[]=…
func (s *Service) ResourcesByPublicIDs(ctx context.Context, publicIDs []string, opts *ResourcesByIDsOptions) (*ResourceList, error) {
	const op = "ResourcesByPublicIDs"
	o := copyOpts(opts)
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return nil, err
	}
	p := path("resources", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type)))
	return s.list(ctx, op, p, byPublicIDsQuery{PublicIDs: publicIDs, ResourcesByIDsOptions: o})
}

type byAssetIDsQuery struct {
	AssetIDs []string `url:"asset_ids,brackets"`
	*ResourcesByIDsOptions
}

// ResourcesByAssetIDs returns the assets with these asset IDs (at most 100).
// opts.ResourceType and opts.Type are ignored.
//
// GET /resources/by_asset_ids?asset_ids[]=…
func (s *Service) ResourcesByAssetIDs(ctx context.Context, assetIDs []string, opts *ResourcesByIDsOptions) (*ResourceList, error) {
	const op = "ResourcesByAssetIDs"
	if err := checkIDs(op, "asset ID", assetIDs); err != nil {
		return nil, err
	}
	return s.list(ctx, op, "resources/by_asset_ids", byAssetIDsQuery{AssetIDs: assetIDs, ResourcesByIDsOptions: copyOpts(opts)})
}

// ResourcesByTagOptions filters ResourcesByTag.
type ResourcesByTagOptions struct {
	// ResourceType defaults to image.
	ResourceType ResourceType `url:"-"`
	ListFlags
}

// ResourcesByTag lists one page of the assets carrying tag.
//
// GET /resources/<resource_type>/tags/<tag>
func (s *Service) ResourcesByTag(ctx context.Context, tag string, opts *ResourcesByTagOptions) (*ResourceList, error) {
	const op = "ResourcesByTag"
	o := copyOpts(opts)
	if tag == "" {
		return nil, invalid(op, "empty tag; pass the tag to list")
	}
	if err := checkTypes(op, o.ResourceType, ""); err != nil {
		return nil, err
	}
	return s.list(ctx, op, path("resources", string(rtOrDefault(o.ResourceType)), "tags", tag), o)
}

// ResourcesByTagAll iterates over every asset carrying tag.
func (s *Service) ResourcesByTagAll(ctx context.Context, tag string, opts *ResourcesByTagOptions) iter.Seq2[Resource, error] {
	o := copyOpts(opts)
	return s.listAll(ctx, "ResourcesByTagAll", &o.NextCursor, func() (*ResourceList, error) { return s.ResourcesByTag(ctx, tag, o) })
}

// ResourcesByContextOptions filters ResourcesByContext.
type ResourcesByContextOptions struct {
	// ResourceType defaults to image.
	ResourceType ResourceType `url:"-"`
	ListFlags
}

type byContextQuery struct {
	Key   string `url:"key"`
	Value string `url:"value,omitempty"`
	*ResourcesByContextOptions
}

// ResourcesByContext lists one page of the assets whose context has key
// (with value, when value is not empty).
//
// GET /resources/<resource_type>/context?key=…&value=…
func (s *Service) ResourcesByContext(ctx context.Context, key, value string, opts *ResourcesByContextOptions) (*ResourceList, error) {
	const op = "ResourcesByContext"
	o := copyOpts(opts)
	if key == "" {
		return nil, invalid(op, "empty context key; pass the key to match")
	}
	if err := checkTypes(op, o.ResourceType, ""); err != nil {
		return nil, err
	}
	return s.list(ctx, op, path("resources", string(rtOrDefault(o.ResourceType)), "context"), byContextQuery{key, value, o})
}

// ResourcesByContextAll iterates over every asset ResourcesByContext matches.
func (s *Service) ResourcesByContextAll(ctx context.Context, key, value string, opts *ResourcesByContextOptions) iter.Seq2[Resource, error] {
	o := copyOpts(opts)
	return s.listAll(ctx, "ResourcesByContextAll", &o.NextCursor, func() (*ResourceList, error) { return s.ResourcesByContext(ctx, key, value, o) })
}

// ResourcesByModerationOptions filters ResourcesByModeration.
type ResourcesByModerationOptions struct {
	// ResourceType defaults to image.
	ResourceType ResourceType `url:"-"`
	ListFlags
}

// ResourcesByModeration lists one page of the assets in a moderation queue
// (kind: manual, webpurify, aws_rek, ...) with a status (pending, approved,
// rejected, queued, aborted).
//
// GET /resources/<resource_type>/moderations/<kind>/<status>
func (s *Service) ResourcesByModeration(ctx context.Context, kind, status string, opts *ResourcesByModerationOptions) (*ResourceList, error) {
	const op = "ResourcesByModeration"
	o := copyOpts(opts)
	if !apicall.ValidSegment(kind) || !apicall.ValidSegment(status) {
		return nil, invalid(op, "moderation kind %q and status %q must both be set (e.g. manual, pending)", kind, status)
	}
	if err := checkTypes(op, o.ResourceType, ""); err != nil {
		return nil, err
	}
	return s.list(ctx, op, path("resources", string(rtOrDefault(o.ResourceType)), "moderations", kind, status), o)
}

// ResourcesByModerationAll iterates over every asset ResourcesByModeration matches.
func (s *Service) ResourcesByModerationAll(ctx context.Context, kind, status string, opts *ResourcesByModerationOptions) iter.Seq2[Resource, error] {
	o := copyOpts(opts)
	return s.listAll(ctx, "ResourcesByModerationAll", &o.NextCursor, func() (*ResourceList, error) { return s.ResourcesByModeration(ctx, kind, status, o) })
}

// ResourcesByAssetFolderOptions pages ResourcesByAssetFolder.
type ResourcesByAssetFolderOptions struct {
	ListFlags
}

type byAssetFolderQuery struct {
	AssetFolder string `url:"asset_folder"`
	*ResourcesByAssetFolderOptions
}

// ResourcesByAssetFolder lists one page of the assets in an asset folder
// (dynamic folder mode).
//
// GET /resources/by_asset_folder?asset_folder=…
func (s *Service) ResourcesByAssetFolder(ctx context.Context, folder string, opts *ResourcesByAssetFolderOptions) (*ResourceList, error) {
	const op = "ResourcesByAssetFolder"
	if folder == "" {
		return nil, invalid(op, "empty asset folder; pass the folder path")
	}
	return s.list(ctx, op, "resources/by_asset_folder", byAssetFolderQuery{folder, copyOpts(opts)})
}

// ResourcesByAssetFolderAll iterates over every asset of an asset folder.
func (s *Service) ResourcesByAssetFolderAll(ctx context.Context, folder string, opts *ResourcesByAssetFolderOptions) iter.Seq2[Resource, error] {
	o := copyOpts(opts)
	return s.listAll(ctx, "ResourcesByAssetFolderAll", &o.NextCursor, func() (*ResourceList, error) { return s.ResourcesByAssetFolder(ctx, folder, o) })
}

// VisualSearchOptions says what to look for: exactly one of ImageURL,
// ImageAssetID and Text.
type VisualSearchOptions struct {
	ImageURL     string `url:"image_url,omitempty"`
	ImageAssetID string `url:"image_asset_id,omitempty"`
	Text         string `url:"text,omitempty"`
}

// VisualSearch finds images that look like an image (by URL or asset ID) or
// match a text description.
//
// GET /resources/visual_search
func (s *Service) VisualSearch(ctx context.Context, opts *VisualSearchOptions) (*ResourceList, error) {
	const op = "VisualSearch"
	o := copyOpts(opts)
	n := 0
	for _, v := range []string{o.ImageURL, o.ImageAssetID, o.Text} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return nil, invalid(op, "set exactly one of ImageURL, ImageAssetID and Text (%d set)", n)
	}
	return s.list(ctx, op, "resources/visual_search", o)
}

func (s *Service) list(ctx context.Context, op, p string, q any) (*ResourceList, error) {
	var r ResourceList
	if _, err := s.do(ctx, op, call{Path: p, Query: q}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// listAll pages fetch, which reads *cursor as the cursor to ask for.
func (s *Service) listAll(ctx context.Context, op string, cursor *string, fetch func() (*ResourceList, error)) iter.Seq2[Resource, error] {
	return paginate(ctx, op, *cursor, func(c string) ([]Resource, string, error) {
		*cursor = c
		r, err := fetch()
		if err != nil {
			return nil, "", err
		}
		return r.Resources, r.NextCursor, nil
	})
}

func checkIDs(op, what string, ids []string) error {
	if len(ids) == 0 {
		return invalid(op, "no %ss given; pass at least one", what)
	}
	return apicall.CheckIDs("admin."+op, what, ids, MaxIDsPerCall)
}
