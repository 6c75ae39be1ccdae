package mockserver

import (
	"net/http"
	"slices"
	"strings"
)

// This file answers /resources/related_assets and
// /resources/related_complementary_assets: relations between assets, kept
// by asset ID in both directions, and listed by Resource with related=true.

const maxRelatedPerCall = 10

type relatedStatus struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Asset   string `json:"asset"`
	Status  int    `json:"status"`
}

type relatedResult struct {
	Success []relatedStatus `json:"success"`
	Failed  []relatedStatus `json:"failed"`
}

type relatedAssetJSON struct {
	AssetID      string `json:"asset_id"`
	PublicID     string `json:"public_id"`
	ResourceType string `json:"resource_type"`
	Type         string `json:"type"`
	Format       string `json:"format,omitempty"`
	URL          string `json:"url"`
	SecureURL    string `json:"secure_url"`
}

// relatedJSON lists a's related assets. Caller holds s.mu.
func (s *Server) relatedJSON(rc *reqCtx, a *asset) []relatedAssetJSON {
	out := []relatedAssetJSON{}
	for _, id := range s.st.cfg.Related[a.AssetID] {
		if r := s.st.byID[id]; r != nil {
			u := s.deliveryURL(rc, r)
			out = append(out, relatedAssetJSON{r.AssetID, r.PublicID, r.ResourceType, r.Type, r.Format, u, u})
		}
	}
	return out
}

// relateLocked adds or removes the relation a<->b. Caller holds s.mu.
func (s *Server) relateLocked(a, b string, add bool) bool {
	rel := s.st.cfg.Related
	has := slices.Contains(rel[a], b)
	if add == has {
		return false
	}
	for _, pair := range [][2]string{{a, b}, {b, a}} {
		if add {
			rel[pair[0]] = append(rel[pair[0]], pair[1])
			slices.Sort(rel[pair[0]])
		} else {
			rel[pair[0]] = slices.DeleteFunc(rel[pair[0]], func(x string) bool { return x == pair[1] })
			if len(rel[pair[0]]) == 0 {
				delete(rel, pair[0])
			}
		}
	}
	return true
}

// adminRelated serves POST|DELETE related_assets/<asset_id>,
// related_assets/<rt>/<type>/<public_id> and
// related_complementary_assets/<asset_id>.
func (s *Server) adminRelated(rc *reqCtx) (any, error) {
	complementary, segs := rc.segs[1] == "related_complementary_assets", rc.segs[2:]
	add := rc.method() == http.MethodPost // else DELETE (the route table)
	p := rc.p
	var list []string
	byAssetID := len(segs) == 1
	switch {
	case complementary:
		list = p.list("related_asset_ids")
		if p.get("complementary_type") == "" {
			return nil, missingParam("complementary_type")
		}
		byAssetID = true
	case add:
		list = p.list("assets_to_relate")
	default:
		list = p.list("assets_to_unrelate")
	}
	if len(list) == 0 {
		name := "assets_to_relate"
		switch {
		case complementary:
			name = "related_asset_ids"
		case !add:
			name = "assets_to_unrelate"
		}
		return nil, missingParam(name)
	}
	if len(list) > maxRelatedPerCall {
		return nil, badRequest("Too many assets: at most %d per call", maxRelatedPerCall)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var self *asset
	switch {
	case byAssetID && len(segs) == 1:
		self = s.st.byID[segs[0]]
		if self == nil {
			return nil, resourceNotFound(segs[0])
		}
	case len(segs) >= 3 && resourceTypes[segs[0]]:
		id := strings.Join(segs[2:], "/")
		self = s.st.assets[assetKey{segs[0], segs[1], id}]
		if self == nil {
			return nil, resourceNotFound(id)
		}
	default:
		return nil, notFound("Expected /resources/related_assets/<asset_id> or /resources/related_assets/<resource_type>/<type>/<public_id>")
	}
	res := relatedResult{Success: []relatedStatus{}, Failed: []relatedStatus{}}
	changed := false
	for _, name := range list {
		var other *asset
		if byAssetID {
			other = s.st.byID[name]
		} else if rt, rest, ok := strings.Cut(name, "/"); ok {
			if typ, id, ok := strings.Cut(rest, "/"); ok {
				other = s.st.assets[assetKey{rt, typ, id}]
			}
		}
		switch {
		case other == nil:
			res.Failed = append(res.Failed, relatedStatus{"Asset " + name + " not found", "invalid_id", name, http.StatusNotFound})
		case other == self:
			res.Failed = append(res.Failed, relatedStatus{"Cannot relate an asset to itself", "invalid_id", name, http.StatusBadRequest})
		case s.relateLocked(self.AssetID, other.AssetID, add):
			changed = true
			res.Success = append(res.Success, relatedStatus{"success", "success_ids", name, http.StatusOK})
		case add:
			res.Failed = append(res.Failed, relatedStatus{"Asset " + name + " is already related", "already_exists", name, http.StatusConflict})
		default:
			res.Failed = append(res.Failed, relatedStatus{"Asset " + name + " is not related", "not_found", name, http.StatusNotFound})
		}
	}
	if changed {
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
	}
	return res, nil
}

type deleteDerivedResult struct {
	Deleted map[string]string `json:"deleted"`
	Partial bool              `json:"partial"`
}

// handleDeleteDerived serves DELETE derived_resources: the derived assets
// (eager, breakpoints, delivery renders recorded by media.go) with those IDs
// are removed; an ID the mock does not know is answered not_found, as
// Cloudinary answers it.
func (s *Server) handleDeleteDerived(rc *reqCtx) (any, error) {
	ids := rc.p.list("derived_resource_ids")
	if len(ids) == 0 {
		return nil, missingParam("derived_resource_ids")
	}
	if len(ids) > 100 {
		return nil, badRequest("Too many derived_resource_ids: at most 100 per call")
	}
	return deleteDerivedResult{Deleted: s.deleteDerived(ids)}, nil
}
