package admin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// MetadataRule is a conditional metadata rule: when Condition holds for an
// asset's metadata, Result applies to the field MetadataFieldID (enable it,
// activate some of its values, make it mandatory, ...). Condition and
// Result are JSON objects in the shapes Cloudinary documents, e.g.
//
//	Condition: {"metadata_field_id":"category","equals":"employee"}
//	Result:    {"enable":true,"activate_values":"all"}
//
// It is both the argument of AddMetadataRule/UpdateMetadataRule and their
// result; ExternalID, Position and ConditionSignature are set by Cloudinary.
type MetadataRule struct {
	client.Meta
	ExternalID         string          `json:"external_id,omitempty"`
	MetadataFieldID    string          `json:"metadata_field_id,omitempty"`
	Name               string          `json:"name,omitempty"`
	Condition          json.RawMessage `json:"condition,omitempty"`
	Result             json.RawMessage `json:"result,omitempty"`
	State              RuleState       `json:"state,omitempty"`
	Position           int             `json:"position,omitempty"`
	ConditionSignature string          `json:"condition_signature,omitempty"`
}

// RuleState is whether a metadata rule applies.
type RuleState string

// Metadata rule states.
const (
	RuleActive   RuleState = "active"
	RuleInactive RuleState = "inactive"
)

// MetadataRuleList lists metadata rules.
type MetadataRuleList struct {
	client.Meta
	MetadataRules []MetadataRule `json:"metadata_rules"`
}

// SuccessResult is the answer of calls that only report success.
type SuccessResult struct {
	client.Meta
	Success bool `json:"success"`
}

// MetadataRules lists every conditional metadata rule.
//
// GET /metadata_rules
func (s *Service) MetadataRules(ctx context.Context) (*MetadataRuleList, error) {
	var r MetadataRuleList
	if _, err := s.do(ctx, "MetadataRules", call{Path: "metadata_rules"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AddMetadataRule creates a conditional metadata rule (MetadataFieldID,
// Name, Condition and Result required).
//
// POST /metadata_rules
func (s *Service) AddMetadataRule(ctx context.Context, rule *MetadataRule) (*MetadataRule, error) {
	const op = "AddMetadataRule"
	if rule == nil || rule.MetadataFieldID == "" || rule.Name == "" || !jsonObject(rule.Condition) || !jsonObject(rule.Result) {
		return nil, invalid(op, "a rule needs a MetadataFieldID, a Name, and Condition and Result as JSON objects")
	}
	if err := checkRuleState(op, rule.State); err != nil {
		return nil, err
	}
	body := ruleBody(rule)
	var r MetadataRule
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "metadata_rules", Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateMetadataRule changes a metadata rule; only the set fields are sent
// (State can switch it off with RuleInactive).
//
// PUT /metadata_rules/<external_id>
func (s *Service) UpdateMetadataRule(ctx context.Context, externalID string, rule *MetadataRule) (*MetadataRule, error) {
	const op = "UpdateMetadataRule"
	if externalID == "" {
		return nil, invalid(op, "empty external ID; pass the rule's external_id")
	}
	if rule == nil {
		return nil, invalid(op, "nil rule; pass the attributes to change")
	}
	for name, v := range map[string]json.RawMessage{"Condition": rule.Condition, "Result": rule.Result} {
		if len(v) > 0 && !jsonObject(v) {
			return nil, invalid(op, "%s must be a JSON object", name)
		}
	}
	if err := checkRuleState(op, rule.State); err != nil {
		return nil, err
	}
	body := ruleBody(rule)
	var r MetadataRule
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("metadata_rules", externalID), Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteMetadataRule deletes a metadata rule.
//
// DELETE /metadata_rules/<external_id>
func (s *Service) DeleteMetadataRule(ctx context.Context, externalID string) (*SuccessResult, error) {
	const op = "DeleteMetadataRule"
	if externalID == "" {
		return nil, invalid(op, "empty external ID; pass the rule's external_id")
	}
	var r SuccessResult
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("metadata_rules", externalID), Body: struct{}{}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ruleBody copies the writable fields of a rule.
func ruleBody(r *MetadataRule) *MetadataRule {
	return &MetadataRule{MetadataFieldID: r.MetadataFieldID, Name: r.Name, Condition: r.Condition, Result: r.Result, State: r.State}
}

func checkRuleState(op string, st RuleState) error {
	if st != "" && st != RuleActive && st != RuleInactive {
		return invalid(op, "rule state %q; use active or inactive", st)
	}
	return nil
}

// jsonObject reports whether b is a JSON object.
func jsonObject(b json.RawMessage) bool {
	var m map[string]json.RawMessage
	return len(b) > 0 && json.Unmarshal(b, &m) == nil && m != nil
}
