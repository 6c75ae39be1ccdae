package mockserver

import (
	"sort"
	"strings"
	"time"
)

// This file answers the account calls: usage, config and tags.

// usageItem is one metered quantity of the usage report.
type usageItem struct {
	Usage        int64    `json:"usage"`
	CreditsUsage float64  `json:"credits_usage"`
	Limit        *int64   `json:"limit,omitempty"`
	UsedPercent  *float64 `json:"used_percent,omitempty"`
}

type mediaLimits struct {
	ImageMaxSizeBytes int64 `json:"image_max_size_bytes"`
	VideoMaxSizeBytes int64 `json:"video_max_size_bytes"`
	RawMaxSizeBytes   int64 `json:"raw_max_size_bytes"`
	ImageMaxPx        int64 `json:"image_max_px"`
	AssetMaxTotalPx   int64 `json:"asset_max_total_px"`
}

// usageResponse is GET /usage[/<dd-mm-yyyy>]: every field of Cloudinary's
// report. The mock meters objects, storage, resources and requests; it
// transforms and delivers nothing billable, so those read 0.
type usageResponse struct {
	Plan               string      `json:"plan"`
	LastUpdated        string      `json:"last_updated"`
	DateRequested      string      `json:"date_requested"`
	Transformations    usageItem   `json:"transformations"`
	Objects            usageItem   `json:"objects"`
	Bandwidth          usageItem   `json:"bandwidth"`
	Storage            usageItem   `json:"storage"`
	Impressions        usageItem   `json:"impressions"`
	SecondsDelivered   usageItem   `json:"seconds_delivered"`
	Credits            usageItem   `json:"credits"`
	Requests           int64       `json:"requests"`
	Resources          int64       `json:"resources"`
	DerivedResources   int64       `json:"derived_resources"`
	MediaLimits        mediaLimits `json:"media_limits"`
	RateLimitAllowed   int         `json:"rate_limit_allowed"`
	RateLimitResetAt   string      `json:"rate_limit_reset_at"`
	RateLimitRemaining int         `json:"rate_limit_remaining"`
}

// mockCredits is the monthly credit allowance the usage report shows.
const mockCredits = 25

func (s *Server) adminUsage(rc *reqCtx) (any, error) {
	now := s.Now().UTC()
	day := now
	if d := rc.pv("date"); d != "" {
		t, err := time.Parse("02-01-2006", d)
		if err != nil {
			if t, err = time.Parse("2006-01-02", d); err != nil {
				return nil, badRequest("Invalid date %s: use dd-mm-yyyy", d)
			}
		}
		day = t
	} else if d := rc.p.get("date"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return nil, badRequest("Invalid date %s: use yyyy-mm-dd", d)
		}
		day = t
	}
	s.mu.RLock()
	var n, bytes int64
	for _, a := range s.st.assets {
		n++
		bytes += a.Bytes
	}
	s.mu.RUnlock()
	limit, remaining, reset := s.budget.peek(now)
	credits := float64(bytes) / (1 << 30) // Cloudinary: 1 credit = 1 GB of storage
	used := credits / mockCredits * 100
	lim := int64(mockCredits)
	return usageResponse{
		Plan: "Mock", LastUpdated: now.Format("2006-01-02"), DateRequested: day.Format("2006-01-02") + "T00:00:00Z",
		Objects: usageItem{Usage: n}, Storage: usageItem{Usage: bytes, CreditsUsage: credits},
		Credits:  usageItem{CreditsUsage: credits, Limit: &lim, UsedPercent: &used},
		Requests: int64(len(s.journal.list(0))), Resources: n,
		MediaLimits: mediaLimits{ImageMaxSizeBytes: 10485760, VideoMaxSizeBytes: 104857600, RawMaxSizeBytes: 10485760,
			ImageMaxPx: 25000000, AssetMaxTotalPx: 50000000},
		RateLimitAllowed: limit, RateLimitResetAt: reset.UTC().Format(time.RFC3339), RateLimitRemaining: remaining,
	}, nil
}

type configSettings struct {
	FolderMode string `json:"folder_mode"`
}

type configResponse struct {
	CloudName string          `json:"cloud_name"`
	CreatedAt string          `json:"created_at"`
	Settings  *configSettings `json:"settings,omitempty"`
}

type tagList struct {
	Tags       []string `json:"tags"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

func (s *Server) adminConfig(rc *reqCtx) (any, error) {
	res := configResponse{CloudName: s.cfg.cloud, CreatedAt: "2020-01-01T00:00:00Z"}
	if ok, _ := rc.p.boolean("settings", false); ok {
		res.Settings = &configSettings{FolderMode: s.cfg.folderMode}
	}
	return res, nil
}

func (s *Server) adminTags(rc *reqCtx) (any, error) {
	rt := rc.rt()
	p := rc.p
	max, err := maxResults(p, 10, 500)
	if err != nil {
		return nil, err
	}
	prefix := p.get("prefix")
	s.mu.RLock()
	set := map[string]bool{}
	for _, a := range s.st.assets {
		if a.ResourceType != rt {
			continue
		}
		for _, t := range a.Tags {
			if strings.HasPrefix(t, prefix) {
				set[t] = true
			}
		}
	}
	s.mu.RUnlock()
	tags := make([]string, 0, len(set))
	for t := range set {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	pg, next, err := page(tags, max, p.get("next_cursor"), func(t string) string { return t })
	if err != nil {
		return nil, err
	}
	return tagList{Tags: nonNil(pg), NextCursor: next}, nil
}
