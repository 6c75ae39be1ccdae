package mockserver

import (
	"sort"
	"strings"
)

// This file answers the account calls: usage, config and tags.

func (s *Server) adminUsage(rc *reqCtx) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var n, bytes int64
	for _, a := range s.st.assets {
		n++
		bytes += a.Bytes
	}
	now := s.Now().UTC()
	return map[string]any{
		"plan":              "Mock",
		"last_updated":      now.Format("2006-01-02"),
		"transformations":   map[string]any{"usage": 0, "credits_usage": 0},
		"objects":           map[string]any{"usage": n},
		"bandwidth":         map[string]any{"usage": 0, "credits_usage": 0},
		"storage":           map[string]any{"usage": bytes, "credits_usage": 0},
		"credits":           map[string]any{"usage": 0},
		"requests":          len(s.journal.list(0)),
		"resources":         n,
		"derived_resources": 0,
		"media_limits": map[string]any{
			"image_max_size_bytes": 10485760, "video_max_size_bytes": 104857600, "raw_max_size_bytes": 10485760,
			"image_max_px": 25000000, "asset_max_total_px": 50000000,
		},
	}, nil
}

func (s *Server) adminConfig(rc *reqCtx) (any, error) {
	res := map[string]any{"cloud_name": s.cfg.cloud, "created_at": "2020-01-01T00:00:00Z"}
	if ok, _ := rc.p.boolean("settings", false); ok {
		res["settings"] = map[string]any{"folder_mode": s.cfg.folderMode}
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
	res := map[string]any{"tags": nonNil(pg)}
	if next != "" {
		res["next_cursor"] = next
	}
	return res, nil
}
