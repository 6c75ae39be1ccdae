package admin

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cldrest/cldrest/client"
)

// DeleteOptions refines the delete calls.
type DeleteOptions struct {
	// ResourceType defaults to image; Type defaults to upload (not used by
	// the by-tag and by-asset-ID deletes).
	ResourceType ResourceType
	Type         DeliveryType
	// KeepOriginal deletes only the derived versions.
	KeepOriginal bool
	// Invalidate purges CDN caches of the deleted assets.
	Invalidate bool
	// Transformations limits the delete to derived versions made with these
	// transformations (sent "|"-separated).
	Transformations []string
	// NextCursor continues a partial delete (by prefix, tag or all).
	NextCursor string
}

// DeleteCounts are the original and derived versions deleted for one ID.
type DeleteCounts struct {
	Original int `json:"original"`
	Derived  int `json:"derived"`
}

// DeleteResult is the answer of the delete calls. Deleted maps each ID to
// "deleted" or "not_found". Partial is true when more remains (by prefix,
// tag or all delete at most 1,000 originals per call); pass NextCursor back,
// or use DeleteAllByPrefix / DeleteAllByTag.
type DeleteResult struct {
	client.Meta
	Deleted       map[string]string       `json:"deleted"`
	DeletedCounts map[string]DeleteCounts `json:"deleted_counts,omitempty"`
	Partial       bool                    `json:"partial"`
	NextCursor    string                  `json:"next_cursor,omitempty"`
}

type deleteBody struct {
	PublicIDs       []string `json:"public_ids,omitempty"`
	AssetIDs        []string `json:"asset_ids,omitempty"`
	Prefix          string   `json:"prefix,omitempty"`
	All             bool     `json:"all,omitempty"`
	KeepOriginal    bool     `json:"keep_original,omitempty"`
	Invalidate      bool     `json:"invalidate,omitempty"`
	Transformations string   `json:"transformations,omitempty"`
	NextCursor      string   `json:"next_cursor,omitempty"`
}

func (o *DeleteOptions) body() deleteBody {
	return deleteBody{
		KeepOriginal:    o.KeepOriginal,
		Invalidate:      o.Invalidate,
		Transformations: strings.Join(o.Transformations, "|"),
		NextCursor:      o.NextCursor,
	}
}

func (s *Service) deleteCall(ctx context.Context, op, p string, b deleteBody) (*DeleteResult, error) {
	var r DeleteResult
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: p, Body: b}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (s *Service) typedDeletePath(op string, o *DeleteOptions) (string, error) {
	if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
		return "", err
	}
	return path("resources", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type))), nil
}

// DeleteResources deletes assets by public ID (at most 100 per call).
//
// DELETE /resources/<resource_type>/<type> {"public_ids":[…]}
func (s *Service) DeleteResources(ctx context.Context, publicIDs []string, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteResources"
	o := copyOpts(opts)
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	p, err := s.typedDeletePath(op, o)
	if err != nil {
		return nil, err
	}
	b := o.body()
	b.PublicIDs = publicIDs
	return s.deleteCall(ctx, op, p, b)
}

// DeleteResourcesByPrefix deletes one batch (up to 1,000) of the assets whose
// public ID starts with prefix; see DeleteAllByPrefix for the whole set.
//
// DELETE /resources/<resource_type>/<type> {"prefix":…}
func (s *Service) DeleteResourcesByPrefix(ctx context.Context, prefix string, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteResourcesByPrefix"
	o := copyOpts(opts)
	if prefix == "" {
		return nil, invalid(op, "empty prefix would delete everything; use DeleteAllResources for that")
	}
	p, err := s.typedDeletePath(op, o)
	if err != nil {
		return nil, err
	}
	b := o.body()
	b.Prefix = prefix
	return s.deleteCall(ctx, op, p, b)
}

// DeleteResourcesByTag deletes one batch (up to 1,000) of the assets carrying
// tag; see DeleteAllByTag for the whole set.
//
// DELETE /resources/<resource_type>/tags/<tag>
func (s *Service) DeleteResourcesByTag(ctx context.Context, tag string, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteResourcesByTag"
	o := copyOpts(opts)
	if tag == "" {
		return nil, invalid(op, "empty tag; pass the tag whose assets to delete")
	}
	if err := checkTypes(op, o.ResourceType, ""); err != nil {
		return nil, err
	}
	return s.deleteCall(ctx, op, path("resources", string(rtOrDefault(o.ResourceType)), "tags", tag), o.body())
}

// DeleteAllResources deletes one batch (up to 1,000) of all assets of a
// resource and delivery type.
//
// DELETE /resources/<resource_type>/<type> {"all":true}
func (s *Service) DeleteAllResources(ctx context.Context, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteAllResources"
	o := copyOpts(opts)
	p, err := s.typedDeletePath(op, o)
	if err != nil {
		return nil, err
	}
	b := o.body()
	b.All = true
	return s.deleteCall(ctx, op, p, b)
}

// DeleteResourcesByAssetIDs deletes assets by asset ID (at most 100).
//
// DELETE /resources {"asset_ids":[…]}
func (s *Service) DeleteResourcesByAssetIDs(ctx context.Context, assetIDs []string, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteResourcesByAssetIDs"
	o := copyOpts(opts)
	if err := checkIDs(op, "asset ID", assetIDs); err != nil {
		return nil, err
	}
	b := o.body()
	b.AssetIDs = assetIDs
	return s.deleteCall(ctx, op, "resources", b)
}

// DeleteDerivedResources deletes derived versions by their IDs (the id of
// each entry of ResourceDetails.Derived), at most 100 per call.
//
// DELETE /derived_resources {"derived_resource_ids":[…]}
func (s *Service) DeleteDerivedResources(ctx context.Context, derivedIDs []string) (*DeleteResult, error) {
	const op = "DeleteDerivedResources"
	if err := checkIDs(op, "derived resource ID", derivedIDs); err != nil {
		return nil, err
	}
	var r DeleteResult
	body := struct {
		IDs []string `json:"derived_resource_ids"`
	}{derivedIDs}
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: "derived_resources", Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteDerivedByTransformation deletes the derived versions of these public
// IDs made with the given transformations, keeping the originals.
//
// DELETE /resources/<resource_type>/<type> {"public_ids":[…],"transformations":"a|b","keep_original":true}
func (s *Service) DeleteDerivedByTransformation(ctx context.Context, publicIDs, transformations []string, opts *DeleteOptions) (*DeleteResult, error) {
	const op = "DeleteDerivedByTransformation"
	o := copyOpts(opts)
	if err := checkIDs(op, "public ID", publicIDs); err != nil {
		return nil, err
	}
	if len(transformations) == 0 {
		return nil, invalid(op, "no transformations given; pass at least one (e.g. c_fill,w_100)")
	}
	o.KeepOriginal = true
	o.Transformations = transformations
	p, err := s.typedDeletePath(op, o)
	if err != nil {
		return nil, err
	}
	b := o.body()
	b.PublicIDs = publicIDs
	return s.deleteCall(ctx, op, p, b)
}

// DeleteSummary totals a multi-call delete.
type DeleteSummary struct {
	// Calls is the number of delete requests sent.
	Calls int
	// Deleted counts IDs reported "deleted"; NotFound those reported otherwise.
	Deleted  int
	NotFound int
	// Last is the final call's result (its Meta carries the latest rate limit).
	Last *DeleteResult
	// NotFoundIDs lists the public IDs reported not deleted (not found),
	// each once, in the order given; set by DeleteResourcesAll only (a
	// delete by prefix or tag names no IDs it did not find).
	NotFoundIDs []string
}

// DeleteResourcesAll deletes any number of public IDs of one resource and
// delivery type, MaxIDsPerCall per call, and totals the answers, naming the
// IDs that were not found. It stops at the first failed call, returning
// the summary so far with the error.
func (s *Service) DeleteResourcesAll(ctx context.Context, publicIDs []string, opts *DeleteOptions) (*DeleteSummary, error) {
	sum := &DeleteSummary{}
	seen := map[string]bool{}
	for batch := range slices.Chunk(publicIDs, MaxIDsPerCall) {
		r, err := s.DeleteResources(ctx, batch, opts)
		if err != nil {
			return sum, err
		}
		sum.Calls++
		sum.Last = r
		for _, id := range batch {
			st, ok := r.Deleted[id]
			if !ok || seen[id] {
				continue
			}
			seen[id] = true
			if st == "deleted" {
				sum.Deleted++
			} else {
				sum.NotFound++
				sum.NotFoundIDs = append(sum.NotFoundIDs, id)
			}
		}
	}
	return sum, nil
}

// MaxDeleteCalls bounds DeleteAllByPrefix and DeleteAllByTag: a server that
// keeps answering partial:true without progress cannot loop forever.
const MaxDeleteCalls = 10_000

// DeleteAllByPrefix deletes every asset whose public ID starts with prefix,
// calling DeleteResourcesByPrefix again while the API answers partial:true
// (passing its next_cursor along). It stops at the first error and returns
// the summary so far.
func (s *Service) DeleteAllByPrefix(ctx context.Context, prefix string, opts *DeleteOptions) (*DeleteSummary, error) {
	o := copyOpts(opts)
	return s.deleteLoop(ctx, "DeleteAllByPrefix", o, func() (*DeleteResult, error) {
		return s.DeleteResourcesByPrefix(ctx, prefix, o)
	})
}

// DeleteAllByTag deletes every asset carrying tag, looping like
// DeleteAllByPrefix.
func (s *Service) DeleteAllByTag(ctx context.Context, tag string, opts *DeleteOptions) (*DeleteSummary, error) {
	o := copyOpts(opts)
	return s.deleteLoop(ctx, "DeleteAllByTag", o, func() (*DeleteResult, error) {
		return s.DeleteResourcesByTag(ctx, tag, o)
	})
}

func (s *Service) deleteLoop(ctx context.Context, op string, o *DeleteOptions, once func() (*DeleteResult, error)) (*DeleteSummary, error) {
	sum := &DeleteSummary{}
	for sum.Calls < MaxDeleteCalls {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		r, err := once()
		if err != nil {
			return sum, err
		}
		sum.Calls++
		sum.Last = r
		for _, st := range r.Deleted {
			if st == "deleted" {
				sum.Deleted++
			} else {
				sum.NotFound++
			}
		}
		if !r.Partial {
			return sum, nil
		}
		if r.NextCursor == "" && len(r.Deleted) == 0 {
			return sum, fmt.Errorf("admin.%s: the server answered partial:true without deleting anything or giving a next_cursor; stopping", op)
		}
		o.NextCursor = r.NextCursor
	}
	return sum, fmt.Errorf("admin.%s: still partial after %d calls; stopping", op, MaxDeleteCalls)
}
