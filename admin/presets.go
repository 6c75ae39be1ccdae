package admin

import (
	"context"
	"encoding/json"
	"iter"
	"maps"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// UploadPreset is a stored set of upload parameters.
type UploadPreset struct {
	client.Meta
	Name       string         `json:"name"`
	Unsigned   bool           `json:"unsigned"`
	Settings   map[string]any `json:"settings"`
	ExternalID string         `json:"external_id,omitempty"`
}

// UploadPresetList is one page of upload presets.
type UploadPresetList struct {
	client.Meta
	Presets    []UploadPreset `json:"presets"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// UploadPresetParams defines or changes an upload preset.
type UploadPresetParams struct {
	// Name of a new preset (empty: the API picks one). Ignored by update.
	Name string
	// Unsigned, DisallowPublicID and Live are sent when non-nil.
	Unsigned         *bool
	DisallowPublicID *bool
	Live             *bool
	// Settings are upload parameters stored in the preset (folder, tags,
	// transformation, ...), sent as top-level fields.
	Settings map[string]any
}

// MarshalJSON flattens Settings next to the preset's own fields.
func (p UploadPresetParams) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(p.Settings)+4)
	maps.Copy(m, p.Settings)
	if p.Name != "" {
		m["name"] = p.Name
	}
	if p.Unsigned != nil {
		m["unsigned"] = *p.Unsigned
	}
	if p.DisallowPublicID != nil {
		m["disallow_public_id"] = *p.DisallowPublicID
	}
	if p.Live != nil {
		m["live"] = *p.Live
	}
	return json.Marshal(m)
}

// UploadPresets lists one page of upload presets.
//
// GET /upload_presets
func (s *Service) UploadPresets(ctx context.Context, opts *ListOptions) (*UploadPresetList, error) {
	var r UploadPresetList
	if _, err := s.do(ctx, "UploadPresets", call{Path: "upload_presets", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UploadPresetsAll iterates over every upload preset.
func (s *Service) UploadPresetsAll(ctx context.Context, opts *ListOptions) iter.Seq2[UploadPreset, error] {
	o := copyOpts(opts)
	return paginate(ctx, "UploadPresetsAll", o.NextCursor, func(c string) ([]UploadPreset, string, error) {
		o.NextCursor = c
		r, err := s.UploadPresets(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Presets, r.NextCursor, nil
	})
}

// UploadPreset returns one upload preset.
//
// GET /upload_presets/<name>
func (s *Service) UploadPreset(ctx context.Context, name string) (*UploadPreset, error) {
	const op = "UploadPreset"
	if err := checkName(op, "upload preset", name); err != nil {
		return nil, err
	}
	var r UploadPreset
	if _, err := s.do(ctx, op, call{Path: path("upload_presets", name)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateUploadPreset creates an upload preset; the result's Name is the
// preset's name (chosen by the API when params.Name is empty).
//
// POST /upload_presets
func (s *Service) CreateUploadPreset(ctx context.Context, params *UploadPresetParams) (*MessageResult, error) {
	p := copyOpts(params)
	return s.message(ctx, "CreateUploadPreset", call{Method: http.MethodPost, Path: "upload_presets", Body: p})
}

// UpdateUploadPreset changes an upload preset.
//
// PUT /upload_presets/<name>
func (s *Service) UpdateUploadPreset(ctx context.Context, name string, params *UploadPresetParams) (*MessageResult, error) {
	const op = "UpdateUploadPreset"
	if err := checkName(op, "upload preset", name); err != nil {
		return nil, err
	}
	p := copyOpts(params)
	p.Name = ""
	return s.message(ctx, op, call{Method: http.MethodPut, Path: path("upload_presets", name), Body: p})
}

// DeleteUploadPreset deletes an upload preset.
//
// DELETE /upload_presets/<name>
func (s *Service) DeleteUploadPreset(ctx context.Context, name string) (*MessageResult, error) {
	const op = "DeleteUploadPreset"
	if err := checkName(op, "upload preset", name); err != nil {
		return nil, err
	}
	return s.message(ctx, op, call{Method: http.MethodDelete, Path: path("upload_presets", name), Body: struct{}{}})
}
