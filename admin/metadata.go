package admin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// MetadataFieldType is the type of a structured metadata field.
type MetadataFieldType string

// Metadata field types.
const (
	MetadataString  MetadataFieldType = "string"
	MetadataInteger MetadataFieldType = "integer"
	MetadataDate    MetadataFieldType = "date"
	MetadataEnum    MetadataFieldType = "enum"
	MetadataSet     MetadataFieldType = "set"
)

// DatasourceValue is one entry of an enum/set field's datasource.
type DatasourceValue struct {
	ExternalID string `json:"external_id,omitempty"`
	Value      string `json:"value"`
	// State is active or inactive (read only).
	State string `json:"state,omitempty"`
}

// Datasource is the list of values of an enum or set field.
type Datasource struct {
	client.Meta
	Values []DatasourceValue `json:"values"`
}

// MetadataField is a structured metadata field definition; it is both the
// argument of CreateMetadataField/UpdateMetadataField and their result.
// Validation and DefaultValue are free-form JSON values (e.g.
// {"type":"strlen","max":10}).
type MetadataField struct {
	client.Meta
	ExternalID      string            `json:"external_id,omitempty"`
	Type            MetadataFieldType `json:"type,omitempty"`
	Label           string            `json:"label,omitempty"`
	Mandatory       bool              `json:"mandatory,omitempty"`
	DefaultValue    any               `json:"default_value,omitempty"`
	Validation      any               `json:"validation,omitempty"`
	Datasource      *Datasource       `json:"datasource,omitempty"`
	Restrictions    json.RawMessage   `json:"restrictions,omitempty"`
	DefaultDisabled bool              `json:"default_disabled,omitempty"`
}

// MetadataFieldList lists metadata field definitions.
type MetadataFieldList struct {
	client.Meta
	MetadataFields []MetadataField `json:"metadata_fields"`
}

// MetadataFields lists every metadata field definition.
//
// GET /metadata_fields
func (s *Service) MetadataFields(ctx context.Context) (*MetadataFieldList, error) {
	var r MetadataFieldList
	if _, err := s.do(ctx, "MetadataFields", call{Path: "metadata_fields"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// MetadataField returns one metadata field definition by external ID.
//
// GET /metadata_fields/<external_id>
func (s *Service) MetadataField(ctx context.Context, externalID string) (*MetadataField, error) {
	const op = "MetadataField"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	var r MetadataField
	if _, err := s.do(ctx, op, call{Path: path("metadata_fields", externalID)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateMetadataField creates a metadata field (Type and Label required; a
// duplicate external ID is a 409 *client.APIError).
//
// POST /metadata_fields
func (s *Service) CreateMetadataField(ctx context.Context, field *MetadataField) (*MetadataField, error) {
	const op = "CreateMetadataField"
	if field == nil || field.Type == "" || field.Label == "" {
		return nil, invalid(op, "a field needs a Type (string, integer, date, enum, set) and a Label")
	}
	var r MetadataField
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "metadata_fields", Body: field}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateMetadataField changes a metadata field; only the set fields are sent.
//
// PUT /metadata_fields/<external_id>
func (s *Service) UpdateMetadataField(ctx context.Context, externalID string, field *MetadataField) (*MetadataField, error) {
	const op = "UpdateMetadataField"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	if field == nil {
		return nil, invalid(op, "nil field; pass the attributes to change")
	}
	var r MetadataField
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("metadata_fields", externalID), Body: field}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteMetadataField deletes a metadata field definition.
//
// DELETE /metadata_fields/<external_id>
func (s *Service) DeleteMetadataField(ctx context.Context, externalID string) (*MessageResult, error) {
	const op = "DeleteMetadataField"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	var r MessageResult
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("metadata_fields", externalID), Body: struct{}{}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateMetadataDatasource updates entries of an enum/set field's datasource
// (matching external IDs are changed, others appended).
//
// PUT /metadata_fields/<external_id>/datasource
func (s *Service) UpdateMetadataDatasource(ctx context.Context, externalID string, values []DatasourceValue) (*Datasource, error) {
	const op = "UpdateMetadataDatasource"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, invalid(op, "no datasource values given; pass at least one")
	}
	body := struct {
		Values []DatasourceValue `json:"values"`
	}{values}
	return s.datasource(ctx, op, http.MethodPut, path("metadata_fields", externalID, "datasource"), body)
}

// DeleteMetadataDatasourceEntries deactivates (soft-deletes) datasource entries.
//
// DELETE /metadata_fields/<external_id>/datasource {"external_ids":[…]}
func (s *Service) DeleteMetadataDatasourceEntries(ctx context.Context, externalID string, entryIDs []string) (*Datasource, error) {
	const op = "DeleteMetadataDatasourceEntries"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	if len(entryIDs) == 0 {
		return nil, invalid(op, "no entry external IDs given; pass at least one")
	}
	return s.datasource(ctx, op, http.MethodDelete, path("metadata_fields", externalID, "datasource"), externalIDsBody{entryIDs})
}

// RestoreMetadataDatasourceEntries reactivates datasource entries.
//
// POST /metadata_fields/<external_id>/datasource_restore {"external_ids":[…]}
func (s *Service) RestoreMetadataDatasourceEntries(ctx context.Context, externalID string, entryIDs []string) (*Datasource, error) {
	const op = "RestoreMetadataDatasourceEntries"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	if len(entryIDs) == 0 {
		return nil, invalid(op, "no entry external IDs given; pass at least one")
	}
	return s.datasource(ctx, op, http.MethodPost, path("metadata_fields", externalID, "datasource_restore"), externalIDsBody{entryIDs})
}

// OrderMetadataDatasource sorts a datasource by "value" (or another order_by
// the API accepts) in direction.
//
// POST /metadata_fields/<external_id>/datasource/order
func (s *Service) OrderMetadataDatasource(ctx context.Context, externalID, orderBy string, direction Direction) (*Datasource, error) {
	const op = "OrderMetadataDatasource"
	if err := checkExternalID(op, externalID); err != nil {
		return nil, err
	}
	if err := checkOrder(op, orderBy, direction); err != nil {
		return nil, err
	}
	return s.datasource(ctx, op, http.MethodPost, path("metadata_fields", externalID, "datasource", "order"), orderBody{orderBy, direction})
}

// ReorderMetadataFields sorts the field definitions by label, external_id or
// created_at, and returns them in the new order.
//
// PUT /metadata_fields/order
func (s *Service) ReorderMetadataFields(ctx context.Context, orderBy string, direction Direction) (*MetadataFieldList, error) {
	const op = "ReorderMetadataFields"
	if err := checkOrder(op, orderBy, direction); err != nil {
		return nil, err
	}
	var r MetadataFieldList
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: "metadata_fields/order", Body: orderBody{orderBy, direction}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

type externalIDsBody struct {
	ExternalIDs []string `json:"external_ids"`
}

type orderBody struct {
	OrderBy   string    `json:"order_by"`
	Direction Direction `json:"direction,omitempty"`
}

func (s *Service) datasource(ctx context.Context, op, method, p string, body any) (*Datasource, error) {
	var r Datasource
	// Every datasource call (update, delete, restore, order) sets state,
	// so repeating it is harmless.
	if _, err := s.do(ctx, op, call{Method: method, Path: p, Body: body, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func checkExternalID(op, id string) error {
	if id == "" {
		return invalid(op, "empty external ID; pass the metadata field's external_id")
	}
	return nil
}

func checkOrder(op, orderBy string, d Direction) error {
	if orderBy == "" {
		return invalid(op, "empty order_by; use value, label, external_id or created_at")
	}
	return checkDirection(op, "direction", d)
}
