package admin

import (
	"context"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// Trigger is a webhook notification trigger.
type Trigger struct {
	client.Meta
	ID                   string         `json:"id,omitempty"`
	URI                  string         `json:"uri,omitempty"`
	EventType            string         `json:"event_type,omitempty"`
	Additive             bool           `json:"additive,omitempty"`
	Filter               map[string]any `json:"filter,omitempty"`
	FilterLanguage       string         `json:"filter_language,omitempty"`
	PayloadTemplate      map[string]any `json:"payload_template,omitempty"`
	AuthScheme           string         `json:"auth_scheme,omitempty"`
	ProductEnvironmentID string         `json:"product_environment_id,omitempty"`
	URIType              string         `json:"uri_type,omitempty"`
	CreatedAt            string         `json:"created_at,omitempty"`
	UpdatedAt            string         `json:"updated_at,omitempty"`
}

// TriggerList lists the triggers.
type TriggerList struct {
	client.Meta
	Triggers []Trigger `json:"triggers"`
}

// TriggerParams defines or changes a trigger. Create needs URI and
// EventType; Update sends only the set fields.
type TriggerParams struct {
	URI             string         `json:"uri,omitempty"`
	EventType       string         `json:"event_type,omitempty"`
	Additive        *bool          `json:"additive,omitempty"`
	Filter          map[string]any `json:"filter,omitempty"`
	FilterLanguage  string         `json:"filter_language,omitempty"`
	PayloadTemplate map[string]any `json:"payload_template,omitempty"`
	AuthScheme      string         `json:"auth_scheme,omitempty"`
}

// Triggers lists the webhook notification triggers.
//
// GET /triggers
func (s *Service) Triggers(ctx context.Context) (*TriggerList, error) {
	var r TriggerList
	if _, err := s.do(ctx, "Triggers", call{Path: "triggers"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateTrigger creates a trigger calling params.URI on params.EventType.
//
// POST /triggers
func (s *Service) CreateTrigger(ctx context.Context, params *TriggerParams) (*Trigger, error) {
	const op = "CreateTrigger"
	if params == nil || params.URI == "" || params.EventType == "" {
		return nil, invalid(op, "a trigger needs a URI and an EventType (e.g. upload)")
	}
	var r Trigger
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "triggers", Body: params}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateTrigger changes a trigger.
//
// PUT /triggers/<id>
func (s *Service) UpdateTrigger(ctx context.Context, id string, params *TriggerParams) (*Trigger, error) {
	const op = "UpdateTrigger"
	if err := checkName(op, "trigger ID", id); err != nil {
		return nil, err
	}
	if params == nil {
		return nil, invalid(op, "nil params; pass the attributes to change")
	}
	var r Trigger
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("triggers", id), Body: params}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteTrigger deletes a trigger.
//
// DELETE /triggers/<id>
func (s *Service) DeleteTrigger(ctx context.Context, id string) (*MessageResult, error) {
	const op = "DeleteTrigger"
	if err := checkName(op, "trigger ID", id); err != nil {
		return nil, err
	}
	return s.message(ctx, op, call{Method: http.MethodDelete, Path: path("triggers", id), Body: struct{}{}})
}
