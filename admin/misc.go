package admin

import (
	"context"
	"iter"
	"time"

	"github.com/cldrest/cldrest/client"
)

// PingResult is the answer of Ping.
type PingResult struct {
	client.Meta
	Status string `json:"status"`
}

// Ping checks that the API is reachable and the credentials work.
//
// GET /ping
func (s *Service) Ping(ctx context.Context) (*PingResult, error) {
	var r PingResult
	if _, err := s.do(ctx, "Ping", call{Path: "ping"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ConfigOptions selects what Config returns.
type ConfigOptions struct {
	// Settings adds the settings object (folder_mode, ...).
	Settings bool `url:"settings,omitempty"`
}

// ConfigResult describes the product environment.
type ConfigResult struct {
	client.Meta
	CloudName string `json:"cloud_name"`
	CreatedAt Time   `json:"created_at,omitzero"`
	Settings  struct {
		FolderMode string `json:"folder_mode"`
	} `json:"settings"`
}

// Config returns the product environment's configuration.
//
// GET /config
func (s *Service) Config(ctx context.Context, opts *ConfigOptions) (*ConfigResult, error) {
	var r ConfigResult
	if _, err := s.do(ctx, "Config", call{Path: "config", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UsageOptions selects the day of a usage report.
type UsageOptions struct {
	// Date, when set, asks for the usage of that day (UTC date), sent as
	// usage/dd-mm-yyyy; zero means the current report.
	Date time.Time
}

// UsageItem is one metered quantity.
type UsageItem struct {
	Usage        float64 `json:"usage"`
	Limit        float64 `json:"limit,omitempty"`
	UsedPercent  float64 `json:"used_percent,omitempty"`
	CreditsUsage float64 `json:"credits_usage,omitempty"`
}

// UsageResult is the account usage report.
type UsageResult struct {
	client.Meta
	Plan             string    `json:"plan"`
	LastUpdated      string    `json:"last_updated"`
	Transformations  UsageItem `json:"transformations"`
	Objects          UsageItem `json:"objects"`
	Bandwidth        UsageItem `json:"bandwidth"`
	Storage          UsageItem `json:"storage"`
	Credits          UsageItem `json:"credits"`
	Requests         int64     `json:"requests"`
	Resources        int64     `json:"resources"`
	DerivedResources int64     `json:"derived_resources"`
	MediaLimits      struct {
		ImageMaxSizeBytes int64 `json:"image_max_size_bytes"`
		VideoMaxSizeBytes int64 `json:"video_max_size_bytes"`
		RawMaxSizeBytes   int64 `json:"raw_max_size_bytes"`
		ImageMaxPx        int64 `json:"image_max_px"`
		AssetMaxTotalPx   int64 `json:"asset_max_total_px"`
	} `json:"media_limits"`
}

// Usage returns the account usage report, of today or of opts.Date.
//
// GET /usage or GET /usage/<dd-mm-yyyy>
func (s *Service) Usage(ctx context.Context, opts *UsageOptions) (*UsageResult, error) {
	p := "usage"
	if opts != nil && !opts.Date.IsZero() {
		p = path("usage", opts.Date.Format("02-01-2006"))
	}
	var r UsageResult
	if _, err := s.do(ctx, "Usage", call{Path: p}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ResourceTypesResult lists the resource types in use.
type ResourceTypesResult struct {
	client.Meta
	ResourceTypes []ResourceType `json:"resource_types"`
}

// ResourceTypes lists the resource types (image, video, raw) in use.
//
// GET /resources
func (s *Service) ResourceTypes(ctx context.Context) (*ResourceTypesResult, error) {
	var r ResourceTypesResult
	if _, err := s.do(ctx, "ResourceTypes", call{Path: "resources"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// TagsOptions filters and pages Tags.
type TagsOptions struct {
	// ResourceType of the tagged assets; default image.
	ResourceType ResourceType `url:"-"`
	// Prefix keeps tags that start with it.
	Prefix     string `url:"prefix,omitempty"`
	MaxResults int    `url:"max_results,omitempty"`
	NextCursor string `url:"next_cursor,omitempty"`
}

// TagList is one page of tags.
type TagList struct {
	client.Meta
	Tags       []string `json:"tags"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// Tags lists one page of the tags used on assets of a resource type.
//
// GET /tags/<resource_type>
func (s *Service) Tags(ctx context.Context, opts *TagsOptions) (*TagList, error) {
	o := copyOpts(opts)
	if err := checkTypes("Tags", o.ResourceType, ""); err != nil {
		return nil, err
	}
	var r TagList
	if _, err := s.do(ctx, "Tags", call{Path: path("tags", string(rtOrDefault(o.ResourceType))), Query: o}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// TagsAll iterates over every tag, following next_cursor from opts.NextCursor.
func (s *Service) TagsAll(ctx context.Context, opts *TagsOptions) iter.Seq2[string, error] {
	o := copyOpts(opts)
	return paginate(ctx, "TagsAll", o.NextCursor, func(cursor string) ([]string, string, error) {
		o.NextCursor = cursor
		r, err := s.Tags(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Tags, r.NextCursor, nil
	})
}
