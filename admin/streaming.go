package admin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// StreamingProfile is one adaptive-streaming profile. Representations'
// transformations are kept raw (the API answers them as parsed objects).
type StreamingProfile struct {
	Name            string `json:"name"`
	DisplayName     string `json:"display_name,omitempty"`
	Predefined      bool   `json:"predefined"`
	ExternalID      string `json:"external_id,omitempty"`
	Representations []struct {
		Transformation json.RawMessage `json:"transformation"`
	} `json:"representations,omitempty"`
}

// StreamingProfileList lists the streaming profiles.
type StreamingProfileList struct {
	client.Meta
	Data []StreamingProfile `json:"data"`
}

// StreamingProfileResult is the answer of the single-profile calls.
type StreamingProfileResult struct {
	client.Meta
	Message string           `json:"message,omitempty"`
	Data    StreamingProfile `json:"data"`
}

// StreamingProfileParams defines a profile's representations.
type StreamingProfileParams struct {
	DisplayName string
	// Representations are transformation strings, one per rendition
	// (e.g. "c_limit,w_1920,h_1080,vc_h264,br_5m").
	Representations []string
}

type streamingBody struct {
	Name            string `json:"name,omitempty"`
	DisplayName     string `json:"display_name,omitempty"`
	Representations string `json:"representations,omitempty"`
}

// body encodes the representations as the JSON string the API expects:
// "[{\"transformation\":\"…\"}]".
func (p *StreamingProfileParams) body(name string) (streamingBody, error) {
	b := streamingBody{Name: name, DisplayName: p.DisplayName}
	if len(p.Representations) > 0 {
		reps := make([]map[string]string, len(p.Representations))
		for i, t := range p.Representations {
			reps[i] = map[string]string{"transformation": t}
		}
		j, err := json.Marshal(reps)
		if err != nil {
			return b, err
		}
		b.Representations = string(j)
	}
	return b, nil
}

// StreamingProfiles lists the built-in and custom streaming profiles.
//
// GET /streaming_profiles
func (s *Service) StreamingProfiles(ctx context.Context) (*StreamingProfileList, error) {
	var r StreamingProfileList
	if _, err := s.do(ctx, "StreamingProfiles", call{Path: "streaming_profiles"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// StreamingProfile returns one streaming profile.
//
// GET /streaming_profiles/<name>
func (s *Service) StreamingProfile(ctx context.Context, name string) (*StreamingProfileResult, error) {
	return s.streaming(ctx, "StreamingProfile", http.MethodGet, name, nil)
}

// CreateStreamingProfile creates a custom streaming profile.
//
// POST /streaming_profiles
func (s *Service) CreateStreamingProfile(ctx context.Context, name string, params *StreamingProfileParams) (*StreamingProfileResult, error) {
	const op = "CreateStreamingProfile"
	if err := checkName(op, "streaming profile", name); err != nil {
		return nil, err
	}
	if params == nil || len(params.Representations) == 0 {
		return nil, invalid(op, "a streaming profile needs at least one representation")
	}
	b, err := params.body(name)
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var r StreamingProfileResult
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "streaming_profiles", Body: b}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateStreamingProfile replaces a profile's representations (and display name).
//
// PUT /streaming_profiles/<name>
func (s *Service) UpdateStreamingProfile(ctx context.Context, name string, params *StreamingProfileParams) (*StreamingProfileResult, error) {
	const op = "UpdateStreamingProfile"
	if params == nil {
		return nil, invalid(op, "nil params; pass the representations to set")
	}
	b, err := params.body("")
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	return s.streaming(ctx, op, http.MethodPut, name, b)
}

// DeleteStreamingProfile deletes a custom profile or reverts a modified
// built-in one.
//
// DELETE /streaming_profiles/<name>
func (s *Service) DeleteStreamingProfile(ctx context.Context, name string) (*StreamingProfileResult, error) {
	return s.streaming(ctx, "DeleteStreamingProfile", http.MethodDelete, name, struct{}{})
}

func (s *Service) streaming(ctx context.Context, op, method, name string, body any) (*StreamingProfileResult, error) {
	if err := checkName(op, "streaming profile", name); err != nil {
		return nil, err
	}
	var r StreamingProfileResult
	if _, err := s.do(ctx, op, call{Method: method, Path: path("streaming_profiles", name), Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func checkName(op, what, name string) error {
	if name == "" {
		return invalid(op, "empty %s name; pass the name", what)
	}
	return nil
}
