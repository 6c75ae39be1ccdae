package mockserver

import (
	"net/http"
	"sort"
	"strings"
)

// This file answers /transformations: named transformations, and the
// transformations derived assets were made with (named false, used true),
// as Cloudinary lists them.

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
	Derived []derivedUseJSON `json:"derived"`
}

// derivedUseJSON is one derived asset made with a transformation.
type derivedUseJSON struct {
	PublicID     string `json:"public_id"`
	ResourceType string `json:"resource_type"`
	Type         string `json:"type"`
	Format       string `json:"format"`
	Bytes        int64  `json:"bytes"`
	ID           string `json:"id"`
	URL          string `json:"url"`
	SecureURL    string `json:"secure_url"`
}

// derivedUses returns the derived assets of live assets by the
// transformation they were made with. Caller holds s.mu.
func (s *Server) derivedUses(rc *reqCtx) map[string][]derivedUseJSON {
	out := map[string][]derivedUseJSON{}
	for _, a := range s.st.assets {
		for _, d := range s.media.derivedOf(a) {
			u := s.derivedURL(rc, a, d.Transformation, d.Format)
			out[d.Transformation] = append(out[d.Transformation], derivedUseJSON{PublicID: a.PublicID, ResourceType: a.ResourceType,
				Type: a.Type, Format: d.Format, Bytes: d.Bytes, ID: d.ID, URL: u, SecureURL: u})
		}
	}
	for _, list := range out {
		sort.Slice(list, func(i, j int) bool {
			if list[i].PublicID != list[j].PublicID {
				return list[i].PublicID < list[j].PublicID
			}
			return list[i].Format < list[j].Format
		})
	}
	return out
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
		uses := s.derivedUses(rc)
		if name != "" {
			if t := s.st.cfg.Transformations[name]; t != nil {
				return transformationDetails{transformationInfoJSON: transformationInfoJSON{Name: "t_" + t.Name,
					AllowedForStrict: t.AllowedForStrict, Used: len(uses["t_"+t.Name]) > 0, Named: true},
					Info: transformationInfo(t.Transformation), Derived: nonNilUses(uses["t_"+t.Name])}, nil
			}
			raw := firstNonEmpty(rc.pv("name"), p.get("transformation"))
			if plan, err := s.parsePlan(raw); err == nil && len(uses[plan.String()]) > 0 {
				t := plan.String()
				return transformationDetails{transformationInfoJSON: transformationInfoJSON{Name: t, Used: true},
					Info: transformationInfo(t), Derived: uses[t]}, nil
			}
			return nil, notFound("Transformation %s not found", raw)
		}
		max, err := maxResults(p, 10, 500)
		if err != nil {
			return nil, err
		}
		wantNamed, byNamed := true, p.has("named")
		if byNamed {
			if wantNamed, err = p.boolean("named", false); err != nil {
				return nil, err
			}
		}
		var list []transformationInfoJSON
		if !byNamed || wantNamed {
			for n, t := range s.st.cfg.Transformations {
				list = append(list, transformationInfoJSON{Name: "t_" + n, AllowedForStrict: t.AllowedForStrict, Used: len(uses["t_"+n]) > 0, Named: true})
			}
		}
		if !byNamed || !wantNamed {
			for t := range uses {
				if !strings.HasPrefix(t, "t_") || s.st.cfg.Transformations[strings.TrimPrefix(t, "t_")] == nil {
					list = append(list, transformationInfoJSON{Name: t, Used: true})
				}
			}
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		pg, next, err := page(list, max, p.get("next_cursor"), func(t transformationInfoJSON) string { return t.Name })
		if err != nil {
			return nil, err
		}
		return transformationList{Transformations: append([]transformationInfoJSON{}, pg...), NextCursor: next}, nil
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

func nonNilUses(u []derivedUseJSON) []derivedUseJSON {
	if u == nil {
		return []derivedUseJSON{}
	}
	return u
}
