package admin

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
)

// MaxSearchResults is the largest page Search accepts (cld.MaxSearchResults).
const MaxSearchResults = cld.MaxSearchResults

// SortBy orders search results by one field (cld.SortBy).
type SortBy = cld.SortBy

// SearchQuery is a search request (resources or folders), cld.SearchQuery.
// Build Expression with the Expr helpers (Field, And, Or, Not: values are
// quoted safely) or write it by hand; empty matches everything.
type SearchQuery = cld.SearchQuery

// searchReason is the text of a cld.SearchQuery.Check error without the
// parameter name (the reason names the field).
func searchReason(err error) string {
	if ve, ok := errors.AsType[*cld.ValueError](err); ok {
		return ve.Reason
	}
	return err.Error()
}

func checkSearch(op string, q *SearchQuery) error {
	if err := q.Check(); err != nil {
		return invalid(op, "%s", searchReason(err))
	}
	return nil
}

// SearchResult is one page of search results.
type SearchResult struct {
	client.Meta
	TotalCount int        `json:"total_count"`
	Time       int        `json:"time"`
	Resources  []Resource `json:"resources"`
	NextCursor string     `json:"next_cursor,omitempty"`
	// Aggregations holds the counts requested with Aggregate, raw by field;
	// Counts decodes the simple value→count form.
	Aggregations map[string]json.RawMessage `json:"aggregations,omitempty"`
}

// Counts returns the aggregation of field as value→count, or nil when it is
// absent or not of that form.
func (r *SearchResult) Counts(field string) map[string]int64 {
	raw, ok := r.Aggregations[field]
	if !ok {
		return nil
	}
	var m map[string]int64
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// Search runs one page of a search over assets.
//
// POST /resources/search
func (s *Service) Search(ctx context.Context, q *SearchQuery) (*SearchResult, error) {
	const op = "Search"
	o := copyOpts(q)
	if err := checkSearch(op, o); err != nil {
		return nil, err
	}
	var r SearchResult
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "resources/search", Body: o, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// SearchAll iterates over every asset the search matches, following
// next_cursor from q.NextCursor.
func (s *Service) SearchAll(ctx context.Context, q *SearchQuery) iter.Seq2[Resource, error] {
	o := copyOpts(q)
	return paginate(ctx, "SearchAll", o.NextCursor, func(c string) ([]Resource, string, error) {
		o.NextCursor = c
		r, err := s.Search(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Resources, r.NextCursor, nil
	})
}

// SearchFolders runs one page of a search over folders (expression fields:
// name, path, id, created_at).
//
// POST /folders/search
func (s *Service) SearchFolders(ctx context.Context, q *SearchQuery) (*FolderList, error) {
	const op = "SearchFolders"
	o := copyOpts(q)
	if err := checkSearch(op, o); err != nil {
		return nil, err
	}
	var r FolderList
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: "folders/search", Body: o, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// SearchFoldersAll iterates over every folder the search matches.
func (s *Service) SearchFoldersAll(ctx context.Context, q *SearchQuery) iter.Seq2[Folder, error] {
	o := copyOpts(q)
	return paginate(ctx, "SearchFoldersAll", o.NextCursor, func(c string) ([]Folder, string, error) {
		o.NextCursor = c
		r, err := s.SearchFolders(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Folders, r.NextCursor, nil
	})
}
