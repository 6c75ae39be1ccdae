package mockserver

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
)

// This file answers /metadata_rules: conditional metadata rules.

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
