package admin

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// TransformationInfo describes one stored transformation.
type TransformationInfo struct {
	Name             string `json:"name"`
	AllowedForStrict bool   `json:"allowed_for_strict"`
	Used             bool   `json:"used"`
	Named            bool   `json:"named"`
}

// TransformationList is one page of transformations.
type TransformationList struct {
	client.Meta
	Transformations []TransformationInfo `json:"transformations"`
	NextCursor      string               `json:"next_cursor,omitempty"`
}

// TransformationsOptions filters and pages Transformations.
type TransformationsOptions struct {
	// Named, when non-nil, keeps only named (true) or unnamed (false) ones.
	Named      *bool  `url:"named,omitempty"`
	MaxResults int    `url:"max_results,omitempty"`
	NextCursor string `url:"next_cursor,omitempty"`
}

// Transformations lists one page of stored transformations.
//
// GET /transformations
func (s *Service) Transformations(ctx context.Context, opts *TransformationsOptions) (*TransformationList, error) {
	var r TransformationList
	if _, err := s.do(ctx, "Transformations", call{Path: "transformations", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// TransformationsAll iterates over every stored transformation.
func (s *Service) TransformationsAll(ctx context.Context, opts *TransformationsOptions) iter.Seq2[TransformationInfo, error] {
	o := copyOpts(opts)
	return paginate(ctx, "TransformationsAll", o.NextCursor, func(c string) ([]TransformationInfo, string, error) {
		o.NextCursor = c
		r, err := s.Transformations(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Transformations, r.NextCursor, nil
	})
}

// TransformationOptions pages the derived assets of Transformation.
type TransformationOptions struct {
	MaxResults int    `url:"max_results,omitempty"`
	NextCursor string `url:"next_cursor,omitempty"`
}

// TransformationDetails describes one transformation and the derived assets
// made with it.
type TransformationDetails struct {
	client.Meta
	TransformationInfo
	Info       json.RawMessage `json:"info,omitempty"`
	Derived    []Derived       `json:"derived"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

type transformationQuery struct {
	Transformation string `url:"transformation"`
	*TransformationOptions
}

// Transformation returns one transformation, by name or by its string
// (e.g. "c_fill,w_100").
//
// GET /transformations?transformation=…
func (s *Service) Transformation(ctx context.Context, transformation string, opts *TransformationOptions) (*TransformationDetails, error) {
	const op = "Transformation"
	if err := checkName(op, "transformation", transformation); err != nil {
		return nil, err
	}
	var r TransformationDetails
	if _, err := s.do(ctx, op, call{Path: "transformations", Query: transformationQuery{transformation, copyOpts(opts)}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateTransformation stores a named transformation (409 when it exists).
//
// POST /transformations {"name":…,"transformation":…}
func (s *Service) CreateTransformation(ctx context.Context, name, transformation string) (*MessageResult, error) {
	const op = "CreateTransformation"
	if err := checkName(op, "transformation", name); err != nil {
		return nil, err
	}
	if transformation == "" {
		return nil, invalid(op, "empty transformation string; pass e.g. \"c_fill,w_100\"")
	}
	body := struct {
		Name           string `json:"name"`
		Transformation string `json:"transformation"`
	}{name, transformation}
	return s.message(ctx, op, call{Method: http.MethodPost, Path: "transformations", Body: body})
}

// UpdateTransformationParams changes a stored transformation.
type UpdateTransformationParams struct {
	// AllowedForStrict, when non-nil, allows or forbids it under strict transformations.
	AllowedForStrict *bool `json:"allowed_for_strict,omitempty"`
	// UnsafeUpdate replaces the definition of a named transformation.
	UnsafeUpdate string `json:"unsafe_update,omitempty"`
}

// UpdateTransformation updates a transformation, named by name or string.
//
// PUT /transformations {"transformation":…,…}
func (s *Service) UpdateTransformation(ctx context.Context, transformation string, params *UpdateTransformationParams) (*MessageResult, error) {
	const op = "UpdateTransformation"
	if err := checkName(op, "transformation", transformation); err != nil {
		return nil, err
	}
	p := copyOpts(params)
	if p.AllowedForStrict == nil && p.UnsafeUpdate == "" {
		return nil, invalid(op, "nothing to update; set AllowedForStrict or UnsafeUpdate")
	}
	body := struct {
		Transformation string `json:"transformation"`
		*UpdateTransformationParams
	}{transformation, p}
	return s.message(ctx, op, call{Method: http.MethodPut, Path: "transformations", Body: body})
}

// DeleteTransformation deletes a stored transformation (and its derived assets).
//
// DELETE /transformations {"transformation":…}
func (s *Service) DeleteTransformation(ctx context.Context, transformation string) (*MessageResult, error) {
	const op = "DeleteTransformation"
	if err := checkName(op, "transformation", transformation); err != nil {
		return nil, err
	}
	body := struct {
		Transformation string `json:"transformation"`
	}{transformation}
	return s.message(ctx, op, call{Method: http.MethodDelete, Path: "transformations", Body: body})
}

func (s *Service) message(ctx context.Context, op string, c call) (*MessageResult, error) {
	var r MessageResult
	if _, err := s.do(ctx, op, c, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
