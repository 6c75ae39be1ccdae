package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file answers the datasource and ordering calls of structured
// metadata fields: PUT|DELETE metadata_fields/<id>/datasource,
// POST metadata_fields/<id>/datasource_restore,
// POST metadata_fields/<id>/datasource/order and PUT metadata_fields/order.

type datasourceValue struct {
	ExternalID string `json:"external_id"`
	Value      string `json:"value"`
	State      string `json:"state"`
}

type datasourceJSON struct {
	Values []datasourceValue `json:"values"`
}

type metadataFieldList struct {
	MetadataFields []json.RawMessage `json:"metadata_fields"`
}

// fieldDatasource decodes the datasource of a stored field.
func fieldDatasource(raw json.RawMessage) (map[string]any, datasourceJSON, error) {
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, datasourceJSON{}, err
	}
	var ds datasourceJSON
	if d, ok := f["datasource"]; ok && d != nil {
		b, _ := json.Marshal(d)
		if err := json.Unmarshal(b, &ds); err != nil {
			return nil, ds, err
		}
	}
	for i := range ds.Values {
		if ds.Values[i].State == "" {
			ds.Values[i].State = "active"
		}
	}
	if ds.Values == nil {
		ds.Values = []datasourceValue{}
	}
	return f, ds, nil
}

// adminDatasource serves metadata_fields/<id>/datasource[/order] and
// metadata_fields/<id>/datasource_restore.
func (s *Server) adminDatasource(rc *reqCtx) (any, error) {
	m, id, segs := rc.method(), rc.pv("id"), rc.segs[2:]
	p := rc.p
	op := strings.Join(segs, "/")
	switch {
	case op == "datasource" && (m == http.MethodPut || m == http.MethodDelete),
		op == "datasource_restore" && m == http.MethodPost,
		op == "datasource/order" && m == http.MethodPost:
	default:
		return nil, notFound("Unsupported method %s for metadata_fields/%s/%s", m, id, op)
	}
	var values []datasourceValue
	var ids []string
	orderBy, dir := p.get("order_by"), firstNonEmpty(p.get("direction"), "asc")
	switch op {
	case "datasource":
		if m == http.MethodPut {
			if err := json.Unmarshal([]byte(p.get("values")), &values); err != nil || len(values) == 0 {
				return nil, missingParam("values")
			}
			for _, v := range values {
				if v.Value == "" {
					return nil, badRequest("Datasource value must not be empty")
				}
			}
		} else if ids = p.list("external_ids"); len(ids) == 0 {
			return nil, missingParam("external_ids")
		}
	case "datasource_restore":
		if ids = p.list("external_ids"); len(ids) == 0 {
			return nil, missingParam("external_ids")
		}
	case "datasource/order":
		if orderBy != "value" && orderBy != "external_id" {
			return nil, badRequest("Invalid order_by %s: use value or external_id", orderBy)
		}
		if dir != "asc" && dir != "desc" {
			return nil, badRequest("Invalid direction %s: use asc or desc", dir)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.st.cfg.MetadataFields[id]
	if !ok {
		return nil, notFound("Metadata field %s not found", id)
	}
	f, ds, err := fieldDatasource(raw)
	if err != nil {
		return nil, err
	}
	if t, _ := f["type"].(string); t != "enum" && t != "set" {
		return nil, badRequest("Metadata field %s of type %s has no datasource", id, t)
	}
	find := func(ext string) int {
		return slices.IndexFunc(ds.Values, func(v datasourceValue) bool { return v.ExternalID == ext })
	}
	switch {
	case op == "datasource" && m == http.MethodPut:
		for _, v := range values {
			if v.ExternalID == "" {
				v.ExternalID = s.randString(16, lowerAlnum)
			}
			if i := find(v.ExternalID); i >= 0 {
				ds.Values[i].Value = v.Value
				continue
			}
			ds.Values = append(ds.Values, datasourceValue{ExternalID: v.ExternalID, Value: v.Value, State: "active"})
		}
	case op == "datasource" || op == "datasource_restore":
		state := "inactive"
		if op == "datasource_restore" {
			state = "active"
		}
		for _, ext := range ids {
			i := find(ext)
			if i < 0 {
				return nil, notFound("Datasource entry %s not found in metadata field %s", ext, id)
			}
			ds.Values[i].State = state
		}
	default:
		slices.SortStableFunc(ds.Values, func(a, b datasourceValue) int {
			x, y := a.Value, b.Value
			if orderBy == "external_id" {
				x, y = a.ExternalID, b.ExternalID
			}
			if dir == "desc" {
				x, y = y, x
			}
			return strings.Compare(x, y)
		})
	}
	f["datasource"] = ds
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	s.st.cfg.MetadataFields[id] = b
	if err := s.persist.saveConfig(s.st.cfg); err != nil {
		return nil, err
	}
	rc.applied = true
	return ds, nil
}

// reorderMetadataFields serves PUT metadata_fields/order: order_by label,
// external_id or created_at, direction asc or desc.
func (s *Server) reorderMetadataFields(rc *reqCtx) (any, error) {
	orderBy, dir := rc.p.get("order_by"), firstNonEmpty(rc.p.get("direction"), "asc")
	if orderBy != "label" && orderBy != "external_id" && orderBy != "created_at" {
		return nil, badRequest("Invalid order_by %s: use label, external_id or created_at", orderBy)
	}
	if dir != "asc" && dir != "desc" {
		return nil, badRequest("Invalid direction %s: use asc or desc", dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := func(id string) string {
		switch orderBy {
		case "label":
			var f struct {
				Label string `json:"label"`
			}
			_ = json.Unmarshal(s.st.cfg.MetadataFields[id], &f)
			return f.Label
		case "created_at":
			return s.st.cfg.MetadataCreated[id].UTC().Format(time.RFC3339Nano)
		}
		return id
	}
	order := slices.Clone(s.st.cfg.MetadataOrder)
	slices.SortStableFunc(order, func(a, b string) int {
		if dir == "desc" {
			a, b = b, a
		}
		return strings.Compare(key(a), key(b))
	})
	s.st.cfg.MetadataOrder = order
	if err := s.persist.saveConfig(s.st.cfg); err != nil {
		return nil, err
	}
	rc.applied = true
	return s.metadataFieldListLocked(), nil
}

func (s *Server) metadataFieldListLocked() metadataFieldList {
	out := metadataFieldList{MetadataFields: []json.RawMessage{}}
	for _, k := range s.st.cfg.MetadataOrder {
		if f, ok := s.st.cfg.MetadataFields[k]; ok {
			out.MetadataFields = append(out.MetadataFields, f)
		}
	}
	return out
}
