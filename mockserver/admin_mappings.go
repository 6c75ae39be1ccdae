package mockserver

import (
	"net/http"
	"sort"
)

// This file answers /upload_mappings.

type uploadMapping struct {
	Folder   string `json:"folder"`
	Template string `json:"template"`
}

type mappingList struct {
	Mappings []uploadMapping `json:"mappings"`
}

type mappingCreated struct {
	Message string `json:"message"`
	Folder  string `json:"folder"`
}

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
			return uploadMapping{Folder: folder, Template: t}, nil
		}
		var fs []string
		for f := range s.st.cfg.Mappings {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		res := mappingList{Mappings: []uploadMapping{}}
		for _, f := range fs {
			res.Mappings = append(res.Mappings, uploadMapping{Folder: f, Template: s.st.cfg.Mappings[f]})
		}
		return res, nil
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
			return mappingCreated{Message: "created", Folder: folder}, nil
		}
		return messageResponse{Message: "updated"}, nil
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
		return messageResponse{Message: "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}
