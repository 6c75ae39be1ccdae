package mockserver

import (
	"net/http"
	"sort"
	"strings"
)

// This file answers /transformations: named transformations.

type transformationInfoJSON struct {
	Name             string `json:"name"`
	AllowedForStrict bool   `json:"allowed_for_strict"`
	Used             bool   `json:"used"`
	Named            bool   `json:"named"`
}

type transformationList struct {
	Transformations []transformationInfoJSON `json:"transformations"`
	NextCursor      string                   `json:"next_cursor,omitempty"`
}

type transformationDetails struct {
	transformationInfoJSON
	Info    []map[string]any `json:"info"`
	Derived []any            `json:"derived"`
}

func (s *Server) adminTransformations(rc *reqCtx) (any, error) {
	m, name := rc.method(), rc.pv("name")
	p := rc.p
	if name == "" {
		name = p.get("transformation")
		if m == http.MethodPost {
			name = p.get("name")
		}
	}
	name = strings.TrimPrefix(name, "t_")
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if name != "" {
			t := s.st.cfg.Transformations[name]
			if t == nil {
				return nil, notFound("Transformation %s not found", name)
			}
			return transformationDetails{transformationInfoJSON: transformationInfoJSON{Name: "t_" + t.Name,
				AllowedForStrict: t.AllowedForStrict, Named: true}, Info: transformationInfo(t.Transformation), Derived: []any{}}, nil
		}
		max, err := maxResults(p, 10, 500)
		if err != nil {
			return nil, err
		}
		var names []string
		for n := range s.st.cfg.Transformations {
			names = append(names, n)
		}
		sort.Strings(names)
		pg, next, err := page(names, max, p.get("next_cursor"), func(n string) string { return n })
		if err != nil {
			return nil, err
		}
		res := transformationList{Transformations: []transformationInfoJSON{}, NextCursor: next}
		for _, n := range pg {
			t := s.st.cfg.Transformations[n]
			res.Transformations = append(res.Transformations, transformationInfoJSON{Name: "t_" + n, AllowedForStrict: t.AllowedForStrict, Named: true})
		}
		return res, nil
	case http.MethodPost:
		t := p.get("transformation")
		if name == "" {
			return nil, missingParam("name")
		}
		if t == "" || t == name {
			return nil, missingParam("transformation")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Transformations[name]; ok {
			return nil, conflict("Transformation %s already exists", name)
		}
		s.st.cfg.Transformations[name] = &namedTransformation{Name: name, Transformation: t}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return messageResponse{Message: "created"}, nil
	case http.MethodPut:
		s.mu.Lock()
		defer s.mu.Unlock()
		t := s.st.cfg.Transformations[name]
		if t == nil {
			return nil, notFound("Transformation %s not found", name)
		}
		if !p.has("unsafe_update") && !p.has("allowed_for_strict") {
			return nil, badRequest("Must supply allowed_for_strict or unsafe_update")
		}
		if p.has("allowed_for_strict") {
			b, err := p.boolean("allowed_for_strict", false)
			if err != nil {
				return nil, err
			}
			t.AllowedForStrict = b
		}
		if v := p.get("unsafe_update"); v != "" {
			t.Transformation = v
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return messageResponse{Message: "updated"}, nil
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Transformations[name]; !ok {
			return nil, notFound("Transformation %s not found", name)
		}
		delete(s.st.cfg.Transformations, name)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return messageResponse{Message: "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}
