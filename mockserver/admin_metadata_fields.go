package mockserver

import (
	"encoding/json"
	"net/http"
)

// This file answers /metadata_fields and /metadata_fields/<id>.

var metadataTypes = map[string]bool{"string": true, "integer": true, "date": true, "enum": true, "set": true}

func (s *Server) adminMetadataFields(rc *reqCtx) (any, error) {
	m, id := rc.method(), rc.pv("id")
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if id != "" {
			f, ok := s.st.cfg.MetadataFields[id]
			if !ok {
				return nil, notFound("Metadata field %s not found", id)
			}
			return f, nil
		}
		return s.metadataFieldListLocked(), nil
	case http.MethodPost, http.MethodPut:
		body := map[string]any{}
		for k, v := range rc.p.json {
			var x any
			if json.Unmarshal(v, &x) == nil {
				body[k] = x
			}
		}
		if rc.p.json == nil {
			for k := range rc.p.raw {
				body[k] = rc.p.get(k)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if m == http.MethodPost {
			if id != "" {
				return nil, methodNotAllowed(m)
			}
			created, err := s.createMetadataFieldLocked(body)
			if err != nil {
				return nil, err
			}
			body = created
		} else {
			old, ok := s.st.cfg.MetadataFields[id]
			if !ok {
				return nil, notFound("Metadata field %s not found", id)
			}
			merged := map[string]any{}
			_ = json.Unmarshal(old, &merged)
			for k, v := range body {
				if k != "external_id" && k != "type" {
					merged[k] = v
				}
			}
			if err := checkMetadataDefault(merged); err != nil {
				return nil, err
			}
			b, _ := json.Marshal(merged)
			s.st.cfg.MetadataFields[id] = b
			body = merged
		}
		if m == http.MethodPost {
			rc.applied = true // saved by createMetadataFieldLocked
			return body, nil
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return body, nil
	case http.MethodDelete:
		if id == "" {
			return nil, missingParam("external_id")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.MetadataFields[id]; !ok {
			return nil, notFound("Metadata field %s not found", id)
		}
		delete(s.st.cfg.MetadataFields, id)
		s.st.cfg.MetadataOrder = removeAll(s.st.cfg.MetadataOrder, []string{id})
		delete(s.st.cfg.MetadataCreated, id)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return okMessage, nil
	}
	return nil, methodNotAllowed(m)
}
