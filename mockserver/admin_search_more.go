package mockserver

import (
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// This file answers folders/search (the search expression language over
// folders) and resources/visual_search. The mock runs no image model, so
// visual search is deterministic: see visualSearch.

type folderJSON struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	ExternalID string `json:"external_id"`
	CreatedAt  string `json:"created_at,omitempty"`
}

type folderSearchResult struct {
	TotalCount int          `json:"total_count"`
	Time       int64        `json:"time"`
	NextCursor string       `json:"next_cursor,omitempty"`
	Folders    []folderJSON `json:"folders"`
}

// folderMatcher evaluates search terms against one folder: name, path,
// id (the external ID) and created_at.
type folderMatcher struct {
	path    string
	created time.Time
	now     time.Time
}

func (m folderMatcher) Match(field, op, value string) bool {
	switch field {
	case "name":
		return matchValue(path.Base(m.path), op, value)
	case "path":
		return matchValue(m.path, op, value)
	case "id", "external_id":
		return matchValue(folderID(m.path), op, value)
	case "created_at":
		return searchMatcher{a: &asset{CreatedAt: m.created}, now: m.now}.Match(field, op, value)
	}
	return false
}

func (m folderMatcher) Text(value string) bool { return m.Match("path", ":", value) }

// folderTimes returns every folder (see folderSet) with when it was
// created: when it was made explicitly, else when the oldest asset in it
// or below it was uploaded (zero when there is none). One pass over the
// assets. Caller holds s.mu.
func (s *Server) folderTimes() map[string]time.Time {
	out := map[string]time.Time{}
	for f := range s.folderSet() {
		out[f] = s.st.cfg.Folders[f]
	}
	for _, a := range s.st.assets {
		for f := s.folderOf(a); f != "" && f != "."; f = path.Dir(f) {
			if _, made := s.st.cfg.Folders[f]; made {
				continue
			}
			if t := out[f]; t.IsZero() || a.CreatedAt.Before(t) {
				out[f] = a.CreatedAt
			}
		}
	}
	return out
}

var folderSortable = map[string]bool{"name": true, "path": true, "created_at": true}

func (s *Server) folderSearch(rc *reqCtx) (any, error) {
	p := rc.p
	start := time.Now()
	expr, max, sorts, err := parseSearch(p, func(field string) error {
		if !folderSortable[field] {
			return badRequest("Invalid sort_by field %s: folders sort by name, path or created_at", field)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := s.Now()
	s.mu.RLock()
	type hit struct {
		path    string
		created time.Time
	}
	var sel []hit
	for f, created := range s.folderTimes() {
		h := hit{f, created}
		if expr.Eval(folderMatcher{path: f, created: h.created, now: now}) {
			sel = append(sel, h)
		}
	}
	s.mu.RUnlock()
	sort.Slice(sel, func(i, j int) bool { return sel[i].path < sel[j].path })
	for i := len(sorts) - 1; i >= 0; i-- {
		sp := sorts[i]
		sort.SliceStable(sel, func(a, b int) bool {
			x, y := sel[a], sel[b]
			if sp.desc {
				x, y = y, x
			}
			switch sp.field {
			case "created_at":
				return x.created.Before(y.created)
			case "name":
				return path.Base(x.path) < path.Base(y.path)
			}
			return x.path < y.path
		})
	}
	pg, next, err := page(sel, max, p.get("next_cursor"), func(h hit) string { return h.path })
	if err != nil {
		return nil, err
	}
	res := folderSearchResult{TotalCount: len(sel), Time: time.Since(start).Milliseconds(), NextCursor: next, Folders: []folderJSON{}}
	for _, h := range pg {
		fj := folderJSON{Name: path.Base(h.path), Path: h.path, ExternalID: folderID(h.path)}
		if !h.created.IsZero() {
			fj.CreatedAt = rfc3339(h.created)
		}
		res.Folders = append(res.Folders, fj)
	}
	return res, nil
}

// visualSearch answers resources/visual_search deterministically, without
// an image model:
//   - text: images whose public ID, display name, filename, tags or
//     context match the words (the search language's free text);
//   - image_asset_id, or an image_url that is a delivery URL of a stored
//     image: the other images sharing a tag with it, most shared tags first;
//   - any other image_url: images whose public ID ends with the URL's file
//     name (without extension).
func (s *Server) visualSearch(rc *reqCtx) (any, error) {
	p := rc.p
	text, assetID, imageURL := p.get("text"), p.get("image_asset_id"), p.get("image_url")
	n := 0
	for _, v := range []string{text, assetID, imageURL} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return nil, badRequest("Must supply exactly one of image_url, image_asset_id or text")
	}
	now := s.Now()
	s.mu.RLock()
	var ref *asset
	var name string
	switch {
	case assetID != "":
		if ref = s.st.byID[assetID]; ref == nil {
			s.mu.RUnlock()
			return nil, resourceNotFound(assetID)
		}
	case imageURL != "":
		u, err := url.Parse(imageURL)
		if err != nil || u.Host == "" {
			s.mu.RUnlock()
			return nil, badRequest("Invalid image_url %s", imageURL)
		}
		for _, a := range s.st.assets {
			if a.ResourceType == "image" && s.deliveryURL(rc, a) == imageURL {
				ref = a
				break
			}
		}
		name, _ = splitExt(path.Base(u.Path))
	}
	var words []string
	if text != "" {
		words = strings.Fields(text)
	}
	shared := map[string]int{}
	for _, a := range s.st.assets {
		if a.ResourceType != "image" || a == ref {
			continue
		}
		switch {
		case text != "":
			mt := searchMatcher{a: a, now: now}
			if slices.ContainsFunc(words, mt.Text) {
				shared[a.AssetID] = 1
			}
		case ref != nil:
			k := 0
			for _, t := range a.Tags {
				if ref.hasTag(t) {
					k++
				}
			}
			if k > 0 {
				shared[a.AssetID] = k
			}
		case name != "" && (a.PublicID == name || strings.HasSuffix(a.PublicID, "/"+name)):
			shared[a.AssetID] = 1
		}
	}
	s.mu.RUnlock()
	return s.listAssetsOrdered(rc, func(a *asset) bool { return shared[a.AssetID] > 0 }, func(x, y *asset) int {
		return shared[y.AssetID] - shared[x.AssetID]
	})
}
