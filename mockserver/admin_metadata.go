package mockserver

import (
	"encoding/json"

	"strconv"
	"time"
)

// createMetadataFieldLocked validates and stores a new metadata field from
// its JSON form and returns it as stored. Caller holds s.mu.
func (s *Server) createMetadataFieldLocked(body map[string]any) (map[string]any, error) {
	typ, _ := body["type"].(string)
	if !metadataTypes[typ] {
		return nil, badRequest("Invalid metadata field type %q: use string, integer, date, enum or set", typ)
	}
	label, _ := body["label"].(string)
	if label == "" {
		return nil, missingParam("label")
	}
	ext, _ := body["external_id"].(string)
	if ext == "" {
		ext = s.randString(16, lowerAlnum)
	}
	if _, ok := s.st.cfg.MetadataFields[ext]; ok {
		return nil, conflict("external id %s already exists", ext)
	}
	body["external_id"] = ext
	if _, ok := body["mandatory"]; !ok {
		body["mandatory"] = false
	}
	if mandatory, _ := body["mandatory"].(bool); mandatory && body["default_value"] == nil {
		return nil, badRequest("Mandatory field %s must have a default value", ext)
	}
	for _, k := range []string{"default_value", "validation"} {
		if _, ok := body[k]; !ok {
			body[k] = nil // Cloudinary returns both, null when unset
		}
	}
	if _, ok := body["default_disabled"]; !ok {
		body["default_disabled"] = false
	}
	if typ == "enum" || typ == "set" {
		_, ds, err := fieldDatasource(mustJSON(body))
		if err != nil {
			return nil, badRequest("Invalid datasource: %v", err)
		}
		for i := range ds.Values {
			if ds.Values[i].ExternalID == "" {
				ds.Values[i].ExternalID = s.randString(16, lowerAlnum)
			}
		}
		body["datasource"] = ds
	}
	if err := checkMetadataDefault(body); err != nil {
		return nil, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	s.st.cfg.MetadataFields[ext] = b
	s.st.cfg.MetadataOrder = append(s.st.cfg.MetadataOrder, ext)
	s.st.cfg.MetadataCreated[ext] = s.nowUTC()
	if err := s.persist.saveConfig(s.st.cfg); err != nil {
		return nil, err
	}
	return body, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// checkMetadataDefault refuses a default value of the wrong type, outside
// the datasource, or breaking the field's own validation.
func checkMetadataDefault(f map[string]any) error {
	def, ok := f["default_value"]
	if !ok || def == nil {
		return nil
	}
	typ, _ := f["type"].(string)
	bad := func() error { return badRequest("default_value is invalid for a metadata field of type %s", typ) }
	var num float64
	var str string
	switch typ {
	case "string":
		s, ok := def.(string)
		if !ok {
			return bad()
		}
		str = s
	case "integer":
		n, ok := def.(float64)
		if !ok {
			if s, isStr := def.(string); isStr {
				v, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return bad()
				}
				n = float64(v)
			} else {
				return bad()
			}
		}
		num = n
	case "date":
		s, ok := def.(string)
		if !ok {
			return bad()
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return bad()
		}
		num = float64(t.Unix())
	case "enum", "set":
		_, ds, err := fieldDatasource(mustJSON(f))
		if err != nil {
			return bad()
		}
		ids := []any{def}
		if typ == "set" {
			arr, ok := def.([]any)
			if !ok {
				return bad()
			}
			ids = arr
		}
		for _, id := range ids {
			found := false
			for _, v := range ds.Values {
				if v.ExternalID == id {
					found = true
				}
			}
			if !found {
				return badRequest("default_value %v is not in the datasource of the field", id)
			}
		}
		return nil
	}
	if v, ok := f["validation"].(map[string]any); ok && !validationHolds(v, typ, num, str) {
		return badRequest("default_value does not pass the field's validation")
	}
	return nil
}

// validationHolds evaluates a metadata validation rule (strlen,
// greater_than, less_than, and) on a number or a string.
func validationHolds(v map[string]any, typ string, num float64, str string) bool {
	bound := func() (float64, bool) {
		switch x := v["value"].(type) {
		case float64:
			return x, true
		case string:
			if t, err := time.Parse("2006-01-02", x); err == nil {
				return float64(t.Unix()), true
			}
			n, err := strconv.ParseFloat(x, 64)
			return n, err == nil
		}
		return 0, false
	}
	equals, _ := v["equals"].(bool)
	switch v["type"] {
	case "strlen":
		n := float64(len([]rune(str)))
		if lo, ok := v["min"].(float64); ok && n < lo {
			return false
		}
		if hi, ok := v["max"].(float64); ok && n > hi {
			return false
		}
		return true
	case "greater_than":
		b, ok := bound()
		return !ok || num > b || equals && num == b
	case "less_than":
		b, ok := bound()
		return !ok || num < b || equals && num == b
	case "and":
		rules, _ := v["rules"].([]any)
		for _, r := range rules {
			if m, ok := r.(map[string]any); ok && !validationHolds(m, typ, num, str) {
				return false
			}
		}
		return true
	}
	return true
}
