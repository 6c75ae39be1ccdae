package mockserver

import (
	"slices"
	"strings"
)

// This file answers publish_resources and update_access_mode by public
// IDs, prefix or tag.

// bulkSelector reads the one-of public_ids | prefix | tag of the bulk
// calls and returns a matcher and the public IDs asked for by name.
func bulkSelector(p *params) (match func(*asset) bool, ids []string, err error) {
	ids = p.list("public_ids")
	prefix, tag := p.get("prefix"), p.get("tag")
	n := 0
	for _, set := range []bool{len(ids) > 0, prefix != "", tag != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, nil, badRequest("Must supply exactly one of public_ids, prefix or tag")
	}
	if len(ids) > 100 {
		return nil, nil, badRequest("Too many public_ids: at most 100 per call")
	}
	switch {
	case len(ids) > 0:
		return func(a *asset) bool { return slices.Contains(ids, a.PublicID) }, ids, nil
	case prefix != "":
		return func(a *asset) bool { return strings.HasPrefix(a.PublicID, prefix) }, nil, nil
	}
	return func(a *asset) bool { return a.hasTag(tag) }, nil, nil
}

type failedAsset struct {
	PublicID string `json:"public_id"`
	Error    string `json:"error"`
}

type publishResponse struct {
	Published []resourceJSON `json:"published"`
	Failed    []failedAsset  `json:"failed"`
}

// publishResources makes private and authenticated assets public: their
// delivery type becomes upload, so later reads and delivery find them there.
func (s *Server) publishResources(rc *reqCtx) (any, error) {
	rt := rc.rt()
	p := rc.p
	match, ids, err := bulkSelector(p)
	if err != nil {
		return nil, err
	}
	typ := p.get("type")
	if typ != "" && typ != "private" && typ != "authenticated" {
		return nil, badRequest("Invalid type %s: publish_resources publishes private or authenticated assets", typ)
	}
	overwrite, err := p.boolean("overwrite", false)
	if err != nil {
		return nil, err
	}
	if _, err := p.boolean("invalidate", false); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*asset
	for _, a := range s.st.assets {
		if a.ResourceType == rt && (a.Type == "private" || a.Type == "authenticated") && (typ == "" || a.Type == typ) && match(a) {
			sel = append(sel, a)
		}
	}
	sortAssets(sel, "created_at", false)
	res := publishResponse{Published: []resourceJSON{}, Failed: []failedAsset{}}
	for _, id := range ids {
		if !slices.ContainsFunc(sel, func(a *asset) bool { return a.PublicID == id }) {
			res.Failed = append(res.Failed, failedAsset{id, "Resource not found"})
		}
	}
	now := s.Now().UTC()
	for _, a := range sel {
		target := assetKey{rt, "upload", a.PublicID}
		if old := s.st.assets[target]; old != nil {
			if !overwrite {
				res.Failed = append(res.Failed, failedAsset{a.PublicID, "Resource already exists"})
				continue
			}
			s.st.remove(old)
			s.blobs.remove(old.Blob)
			s.persist.removeAsset(old.AssetID)
		}
		s.st.remove(a)
		a.Type, a.UpdatedAt = "upload", now
		s.st.put(a)
		if err := s.persist.saveAsset(a); err != nil {
			return nil, err
		}
		rc.applied = true
		res.Published = append(res.Published, s.briefResource(rc, a, nil))
	}
	return res, nil
}

type accessModeChange struct {
	PublicID   string `json:"public_id"`
	AccessMode string `json:"access_mode"`
}

type accessModeResponse struct {
	Updated []accessModeChange `json:"updated"`
	Failed  []failedAsset      `json:"failed"`
}

// updateAccessMode sets access_mode on the selected assets of one
// resource and delivery type; resource details and listings show it.
func (s *Server) updateAccessMode(rc *reqCtx) (any, error) {
	rt, typ := rc.rt(), rc.pv("type")
	p := rc.p
	mode := p.get("access_mode")
	switch mode {
	case "":
		return nil, missingParam("access_mode")
	case "public", "authenticated":
	default:
		return nil, badRequest("Invalid access_mode %s: use public or authenticated", mode)
	}
	match, ids, err := bulkSelector(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*asset
	for _, a := range s.st.assets {
		if a.ResourceType == rt && a.Type == typ && match(a) {
			sel = append(sel, a)
		}
	}
	sortAssets(sel, "created_at", false)
	res := accessModeResponse{Updated: []accessModeChange{}, Failed: []failedAsset{}}
	for _, id := range ids {
		if !slices.ContainsFunc(sel, func(a *asset) bool { return a.PublicID == id }) {
			res.Failed = append(res.Failed, failedAsset{id, "Resource not found"})
		}
	}
	now := s.Now().UTC()
	for _, a := range sel {
		if a.AccessMode != mode {
			a.AccessMode, a.UpdatedAt = mode, now
			if err := s.persist.saveAsset(a); err != nil {
				return nil, err
			}
			rc.applied = true
		}
		res.Updated = append(res.Updated, accessModeChange{a.PublicID, mode})
	}
	return res, nil
}
