package mockserver

import (
	"net/http"
	"sort"
)

// This file answers /upload_mappings.

func (s *Server) adminMappings(rc *reqCtx) (any, error) {
	m := rc.method()
	p := rc.p
	folder := cleanFolder(p.get("folder"))
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if folder != "" {
			t, ok := s.st.cfg.Mappings[folder]
			if !ok {
				return nil, notFound("Upload mapping for folder %s not found", folder)
			}
			return map[string]any{"folder": folder, "template": t}, nil
		}
		var fs []string
		for f := range s.st.cfg.Mappings {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		out := []map[string]string{}
		for _, f := range fs {
			out = append(out, map[string]string{"folder": f, "template": s.st.cfg.Mappings[f]})
		}
		return map[string]any{"mappings": out}, nil
	case http.MethodPost, http.MethodPut:
		if folder == "" {
			return nil, missingParam("folder")
		}
		t := p.get("template")
		if t == "" {
			return nil, missingParam("template")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_, exists := s.st.cfg.Mappings[folder]
		if m == http.MethodPost && exists {
			return nil, conflict("Upload mapping for folder %s already exists", folder)
		}
		if m == http.MethodPut && !exists {
			return nil, notFound("Upload mapping for folder %s not found", folder)
		}
		s.st.cfg.Mappings[folder] = t
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		if m == http.MethodPost {
			return map[string]any{"message": "created", "folder": folder}, nil
		}
		return map[string]any{"message": "updated"}, nil
	case http.MethodDelete:
		if folder == "" {
			return nil, missingParam("folder")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Mappings[folder]; !ok {
			return nil, notFound("Upload mapping for folder %s not found", folder)
		}
		delete(s.st.cfg.Mappings, folder)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"message": "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}
