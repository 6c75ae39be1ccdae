package admin

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/cldrest/cldrest/client"
)

// UploadMapping maps a folder to a remote URL prefix (auto-upload).
type UploadMapping struct {
	client.Meta
	Folder   string `json:"folder"`
	Template string `json:"template"`
}

// UploadMappingList is one page of upload mappings.
type UploadMappingList struct {
	client.Meta
	Mappings   []UploadMapping `json:"mappings"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// ListOptions pages a listing; ListFlags embeds it.
type ListOptions struct {
	MaxResults int    `url:"max_results,omitempty"`
	NextCursor string `url:"next_cursor,omitempty"`
}

// UploadMappings lists one page of upload mappings.
//
// GET /upload_mappings
func (s *Service) UploadMappings(ctx context.Context, opts *ListOptions) (*UploadMappingList, error) {
	var r UploadMappingList
	if _, err := s.do(ctx, "UploadMappings", call{Path: "upload_mappings", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UploadMappingsAll iterates over every upload mapping.
func (s *Service) UploadMappingsAll(ctx context.Context, opts *ListOptions) iter.Seq2[UploadMapping, error] {
	o := copyOpts(opts)
	return paginate(ctx, "UploadMappingsAll", o.NextCursor, func(c string) ([]UploadMapping, string, error) {
		o.NextCursor = c
		r, err := s.UploadMappings(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Mappings, r.NextCursor, nil
	})
}

// UploadMapping returns the mapping of one folder.
//
// GET /upload_mappings?folder=…
func (s *Service) UploadMapping(ctx context.Context, folder string) (*UploadMapping, error) {
	const op = "UploadMapping"
	if err := checkName(op, "mapping folder", folder); err != nil {
		return nil, err
	}
	var r UploadMapping
	if _, err := s.do(ctx, op, call{Path: "upload_mappings", Query: url.Values{"folder": {folder}}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

type mappingBody struct {
	Folder   string `json:"folder"`
	Template string `json:"template"`
}

// CreateUploadMapping maps folder to template (a URL prefix).
//
// POST /upload_mappings {"folder":…,"template":…}
func (s *Service) CreateUploadMapping(ctx context.Context, folder, template string) (*MessageResult, error) {
	return s.mapping(ctx, "CreateUploadMapping", http.MethodPost, folder, template)
}

// UpdateUploadMapping points folder at a new template.
//
// PUT /upload_mappings {"folder":…,"template":…}
func (s *Service) UpdateUploadMapping(ctx context.Context, folder, template string) (*MessageResult, error) {
	return s.mapping(ctx, "UpdateUploadMapping", http.MethodPut, folder, template)
}

func (s *Service) mapping(ctx context.Context, op, method, folder, template string) (*MessageResult, error) {
	if err := checkName(op, "mapping folder", folder); err != nil {
		return nil, err
	}
	if template == "" {
		return nil, invalid(op, "empty template; pass the URL prefix to map, e.g. https://example.com/images/")
	}
	return s.message(ctx, op, call{Method: method, Path: "upload_mappings", Body: mappingBody{folder, template}})
}

// DeleteUploadMapping deletes the mapping of folder.
//
// DELETE /upload_mappings?folder=…
func (s *Service) DeleteUploadMapping(ctx context.Context, folder string) (*MessageResult, error) {
	const op = "DeleteUploadMapping"
	if err := checkName(op, "mapping folder", folder); err != nil {
		return nil, err
	}
	return s.message(ctx, op, call{Method: http.MethodDelete, Path: "upload_mappings", Query: url.Values{"folder": {folder}}})
}
