package mockserver

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file answers the Admin calls added for parity with the official
// SDKs: publish_resources, update_access_mode, deleting backed-up
// versions, conditional metadata rules and the Analysis API.

// parityState is the state of those endpoints and of the Provisioning API.
// It lives in state (guarded by Server.mu) so Reset clears it; it is kept in
// memory only, also with Dir storage.
type parityState struct {
	rules          []*metadataRule // in position order
	deletedBackups map[string]bool // "<asset_id>/<version_id>" whose backup copy was deleted
	prov           *provState      // provisioning.go, created on first use
	// deleteCursors are the next_cursor values of partial deletes not yet
	// continued; a delete with any other cursor is refused.
	deleteCursors map[string]bool
}

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

type deleteBackupResponse struct {
	AssetID           string   `json:"asset_id"`
	DeletedVersionIDs []string `json:"deleted_version_ids"`
}

// deleteBackup deletes backed-up versions of an asset. The mock backs up
// the current version of a live asset and the last version of a deleted
// one; deleting the latter makes a later restore answer no_backup.
func (s *Server) deleteBackup(rc *reqCtx) (any, error) {
	m, assetID := rc.method(), rc.pv("asset_id")
	if m != http.MethodDelete {
		return nil, methodNotAllowed(m)
	}
	ids := rc.p.list("version_ids")
	if len(ids) == 0 {
		return nil, missingParam("version_ids")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	live := s.st.byID[assetID]
	var trashed *asset
	for _, a := range s.st.trash {
		if a.AssetID == assetID {
			trashed = a
		}
	}
	if live == nil && trashed == nil {
		return nil, resourceNotFound(assetID)
	}
	ps := &s.st.parity
	if ps.deletedBackups == nil {
		ps.deletedBackups = map[string]bool{}
	}
	var unknown []string
	for _, id := range ids {
		known := (live != nil && live.VersionID == id) || (trashed != nil && trashed.VersionID == id)
		if !known || ps.deletedBackups[assetID+"/"+id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, notFound("Backup version not found - %s", strings.Join(unknown, ", "))
	}
	for _, id := range ids {
		ps.deletedBackups[assetID+"/"+id] = true
		if trashed != nil && trashed.VersionID == id {
			delete(s.st.trash, trashed.key())
			s.blobs.remove(trashed.Blob)
			s.persist.removeAsset(trashed.AssetID)
		}
	}
	rc.applied = true
	return deleteBackupResponse{AssetID: assetID, DeletedVersionIDs: ids}, nil
}

// metadataRule is a conditional metadata rule.
type metadataRule struct {
	ExternalID         string          `json:"external_id"`
	MetadataFieldID    string          `json:"metadata_field_id"`
	Name               string          `json:"name"`
	Condition          json.RawMessage `json:"condition"`
	Result             json.RawMessage `json:"result"`
	State              string          `json:"state"`
	Position           int             `json:"position"`
	ConditionSignature string          `json:"condition_signature"`
}

type metadataRuleList struct {
	MetadataRules []*metadataRule `json:"metadata_rules"`
}

type successResponse struct {
	Success bool `json:"success"`
}

// adminMetadataRules serves /metadata_rules[/<external_id>].
func (s *Server) adminMetadataRules(rc *reqCtx) (any, error) {
	m, segs := rc.method(), rc.segs[1:]
	p := rc.p
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := &s.st.parity
	if len(segs) == 0 {
		switch m {
		case http.MethodGet, http.MethodHead:
			out := metadataRuleList{MetadataRules: []*metadataRule{}}
			out.MetadataRules = append(out.MetadataRules, ps.rules...)
			return out, nil
		case http.MethodPost:
			r := &metadataRule{State: "active", Position: len(ps.rules) + 1}
			if err := s.applyRule(r, p, true); err != nil {
				return nil, err
			}
			r.ExternalID = s.newHexID()[:16]
			ps.rules = append(ps.rules, r)
			rc.applied = true
			return r, nil
		}
		return nil, methodNotAllowed(m)
	}
	if len(segs) != 1 {
		return nil, notFound("Expected /metadata_rules/<external_id>")
	}
	i := slices.IndexFunc(ps.rules, func(r *metadataRule) bool { return r.ExternalID == segs[0] })
	if i < 0 {
		return nil, notFound("Metadata rule %s not found", segs[0])
	}
	switch m {
	case http.MethodPut:
		r := *ps.rules[i]
		if err := s.applyRule(&r, p, false); err != nil {
			return nil, err
		}
		*ps.rules[i] = r
		rc.applied = true
		return ps.rules[i], nil
	case http.MethodDelete:
		ps.rules = slices.Delete(ps.rules, i, i+1)
		for j, r := range ps.rules {
			r.Position = j + 1
		}
		rc.applied = true
		return successResponse{Success: true}, nil
	}
	return nil, methodNotAllowed(m)
}

// applyRule copies the sent fields of a rule into r, checking them; create
// requires metadata_field_id, name, condition and result. The caller
// holds s.mu.
func (s *Server) applyRule(r *metadataRule, p *params, create bool) error {
	for _, name := range []string{"metadata_field_id", "name", "condition", "result"} {
		if create && !p.has(name) {
			return missingParam(name)
		}
	}
	if p.has("metadata_field_id") {
		id := p.get("metadata_field_id")
		if _, ok := s.st.cfg.MetadataFields[id]; !ok {
			return notFound("Metadata field %s not found", id)
		}
		r.MetadataFieldID = id
	}
	if p.has("name") {
		r.Name = p.get("name")
	}
	for _, f := range []struct {
		name string
		dst  *json.RawMessage
	}{{"condition", &r.Condition}, {"result", &r.Result}} {
		if !p.has(f.name) {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(p.get(f.name)), &obj); err != nil || obj == nil {
			return badRequest("Invalid %s: must be a JSON object", f.name)
		}
		b, _ := json.Marshal(obj)
		*f.dst = b
	}
	if p.has("state") {
		switch st := p.get("state"); st {
		case "active", "inactive":
			r.State = st
		default:
			return badRequest("Invalid state %s: use active or inactive", st)
		}
	}
	sum := sha1.Sum(r.Condition)
	r.ConditionSignature = hex.EncodeToString(sum[:])
	return nil
}

// routeV2 routes /v2/<cloud>/analysis/...: the Analysis API, authenticated
// and rate limited like the Admin API.
func (s *Server) routeV2(rc *reqCtx, segs []string) (handlerFunc, error) {
	rc.label = "analysis/unknown"
	if len(segs) < 2 {
		return nil, notFound("Not found: expected /v2/<cloud>/analysis/<path>")
	}
	rc.cloud, rc.segs = segs[0], segs[1:]
	if rc.cloud != s.cfg.cloud {
		return nil, unauthorized("Invalid cloud_name %s", rc.cloud)
	}
	if rc.segs[0] != "analysis" {
		return nil, notFound("Unknown API route %s", rc.r.URL.Path)
	}
	rc.label = "analysis/" + strings.Join(rc.segs[1:], "/")
	return s.adminEntry, nil
}

// analysisTypes are the analysis types the mock answers (those the
// official SDKs document for URI analysis).
var analysisTypes = map[string]bool{
	"captioning": true, "cld_fashion": true, "cld_text": true, "coco": true, "google_tagging": true,
	"human_anatomy": true, "lvis": true, "shop_classifier": true, "unidet": true, "custom": true,
}

type analysisResponse struct {
	Data      analysisData `json:"data"`
	RequestID string       `json:"request_id"`
}

type analysisData struct {
	Entity   string         `json:"entity"`
	Analysis map[string]any `json:"analysis"`
}

// adminAnalysis answers POST /v2/<cloud>/analysis/analyze/uri. The mock
// runs no model: the answer has Cloudinary's envelope and a deterministic,
// empty result for the type (no tags, an empty caption).
func (s *Server) adminAnalysis(rc *reqCtx) (any, error) {
	m, segs := rc.method(), rc.segs[1:]
	if len(segs) != 2 || segs[0] != "analyze" || segs[1] != "uri" {
		return nil, notFound("Unknown Analysis API route %s", rc.r.URL.Path)
	}
	if m != http.MethodPost {
		return nil, methodNotAllowed(m)
	}
	p := rc.p
	uri, typ := p.get("uri"), p.get("analysis_type")
	switch {
	case uri == "":
		return nil, missingParam("uri")
	case typ == "":
		return nil, missingParam("analysis_type")
	case !analysisTypes[typ]:
		return nil, badRequest("Invalid analysis_type %s", typ)
	}
	result := map[string]any{"tags": map[string]any{}}
	switch typ {
	case "captioning":
		result = map[string]any{"caption": ""}
	case "custom":
		var params struct {
			Custom struct {
				ModelName    string `json:"model_name"`
				ModelVersion int    `json:"model_version"`
			} `json:"custom"`
		}
		if err := json.Unmarshal([]byte(p.get("parameters")), &params); err != nil || params.Custom.ModelName == "" || params.Custom.ModelVersion < 1 {
			return nil, badRequest("Analysis type custom requires parameters.custom.model_name and model_version")
		}
	}
	return analysisResponse{
		Data:      analysisData{Entity: uri, Analysis: map[string]any{"data": result, "model_version": 1}},
		RequestID: rc.rid,
	}, nil
}

// nowUTC is the server clock in UTC, for the timestamps of the parity
// and provisioning endpoints.
func (s *Server) nowUTC() time.Time { return s.Now().UTC() }
