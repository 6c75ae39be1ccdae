package admin

import (
	"context"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// MaxRelatedPerCall is the most assets one related-assets call accepts.
const MaxRelatedPerCall = 10

// RelatedAssetStatus is the outcome for one asset of a related-assets call.
type RelatedAssetStatus struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Asset   string `json:"asset"`
	Status  int    `json:"status"`
}

// RelatedAssetsResult lists which relations were made (or removed) and
// which failed.
type RelatedAssetsResult struct {
	client.Meta
	Success []RelatedAssetStatus `json:"success"`
	Failed  []RelatedAssetStatus `json:"failed"`
}

// RelatedOptions selects the type of the asset whose relations change.
type RelatedOptions struct {
	// ResourceType defaults to image; Type defaults to upload.
	ResourceType ResourceType
	Type         DeliveryType
}

type relateBody struct {
	Relate   []string `json:"assets_to_relate,omitempty"`
	Unrelate []string `json:"assets_to_unrelate,omitempty"`
}

// AddRelatedAssets relates an asset to up to 10 others, each named
// "resource_type/type/public_id" (e.g. "image/upload/dog").
//
// POST /resources/related_assets/<resource_type>/<type>/<public_id>
func (s *Service) AddRelatedAssets(ctx context.Context, publicID string, assets []string, opts *RelatedOptions) (*RelatedAssetsResult, error) {
	return s.related(ctx, "AddRelatedAssets", http.MethodPost, publicID, "", relateBody{Relate: assets}, nonNil(opts))
}

// DeleteRelatedAssets removes relations between an asset and up to 10 others
// ("resource_type/type/public_id").
//
// DELETE /resources/related_assets/<resource_type>/<type>/<public_id>
func (s *Service) DeleteRelatedAssets(ctx context.Context, publicID string, assets []string, opts *RelatedOptions) (*RelatedAssetsResult, error) {
	return s.related(ctx, "DeleteRelatedAssets", http.MethodDelete, publicID, "", relateBody{Unrelate: assets}, nonNil(opts))
}

// AddRelatedAssetsByAssetID relates an asset to up to 10 others, all by asset ID.
//
// POST /resources/related_assets/<asset_id>
func (s *Service) AddRelatedAssetsByAssetID(ctx context.Context, assetID string, assetIDs []string) (*RelatedAssetsResult, error) {
	return s.related(ctx, "AddRelatedAssetsByAssetID", http.MethodPost, "", assetID, relateBody{Relate: assetIDs}, nil)
}

// DeleteRelatedAssetsByAssetID removes relations, all by asset ID.
//
// DELETE /resources/related_assets/<asset_id>
func (s *Service) DeleteRelatedAssetsByAssetID(ctx context.Context, assetID string, assetIDs []string) (*RelatedAssetsResult, error) {
	return s.related(ctx, "DeleteRelatedAssetsByAssetID", http.MethodDelete, "", assetID, relateBody{Unrelate: assetIDs}, nil)
}

func (s *Service) related(ctx context.Context, op, method, publicID, assetID string, b relateBody, opts *RelatedOptions) (*RelatedAssetsResult, error) {
	list := b.Relate
	if method == http.MethodDelete {
		list = b.Unrelate
	}
	if len(list) == 0 || len(list) > MaxRelatedPerCall {
		return nil, invalid(op, "%d assets given; pass 1 to %d", len(list), MaxRelatedPerCall)
	}
	for i, a := range list {
		if a == "" {
			return nil, invalid(op, "asset #%d is empty", i+1)
		}
	}
	var p string
	if opts == nil { // by asset ID
		if err := checkAssetID(op, assetID); err != nil {
			return nil, err
		}
		p = path("resources", "related_assets", assetID)
	} else {
		if err := checkPublicID(op, publicID); err != nil {
			return nil, err
		}
		o := copyOpts(opts)
		if err := checkTypes(op, o.ResourceType, o.Type); err != nil {
			return nil, err
		}
		p = path("resources", "related_assets", string(rtOrDefault(o.ResourceType)), string(dtOrDefault(o.Type)), publicID)
	}
	var r RelatedAssetsResult
	if _, err := s.do(ctx, op, call{Method: method, Path: p, Body: b, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func nonNil(o *RelatedOptions) *RelatedOptions {
	if o == nil {
		return &RelatedOptions{}
	}
	return o
}

// ComplementaryParams relates an asset to complementary assets (e.g. a
// video's caption files).
type ComplementaryParams struct {
	RelatedAssetIDs   []string       `json:"related_asset_ids"`
	ComplementaryType string         `json:"complementary_type"`
	Metadata          map[string]any `json:"metadata,omitempty"`
}

// AddRelatedComplementaryAssets relates an asset to complementary assets by asset ID.
//
// POST /resources/related_complementary_assets/<asset_id>
func (s *Service) AddRelatedComplementaryAssets(ctx context.Context, assetID string, params *ComplementaryParams) (*RelatedAssetsResult, error) {
	return s.complementary(ctx, "AddRelatedComplementaryAssets", http.MethodPost, assetID, params)
}

// DeleteRelatedComplementaryAssets removes complementary relations by asset ID.
//
// DELETE /resources/related_complementary_assets/<asset_id>
func (s *Service) DeleteRelatedComplementaryAssets(ctx context.Context, assetID string, params *ComplementaryParams) (*RelatedAssetsResult, error) {
	return s.complementary(ctx, "DeleteRelatedComplementaryAssets", http.MethodDelete, assetID, params)
}

func (s *Service) complementary(ctx context.Context, op, method, assetID string, params *ComplementaryParams) (*RelatedAssetsResult, error) {
	if err := checkAssetID(op, assetID); err != nil {
		return nil, err
	}
	if params == nil || len(params.RelatedAssetIDs) == 0 || params.ComplementaryType == "" {
		return nil, invalid(op, "pass RelatedAssetIDs and a ComplementaryType")
	}
	var r RelatedAssetsResult
	if _, err := s.do(ctx, op, call{Method: method, Path: path("resources", "related_complementary_assets", assetID), Body: params, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
