package cld

import (
	"encoding/json"
	"fmt"
	"strings"
)

// MaxSearchResults is the largest page a search returns (SearchQuery.MaxResults).
const MaxSearchResults = 500

// Direction orders listings and search results.
type Direction string

// Sort directions.
const (
	Asc  Direction = "asc"
	Desc Direction = "desc"
)

// Valid reports whether d is empty (the API's default) or one of Asc and
// Desc.
func (d Direction) Valid() bool { return d == "" || d == Asc || d == Desc }

// SortBy orders search results by one field.
type SortBy struct {
	Field     string
	Direction Direction
}

// MarshalJSON writes {"<field>":"<direction>"} (direction default desc).
func (s SortBy) MarshalJSON() ([]byte, error) {
	d := s.Direction
	if d == "" {
		d = Desc
	}
	return json.Marshal(map[string]Direction{s.Field: d})
}

// SearchQuery is a search request (resources or folders), run by the Admin
// API (admin.Service.Search) or as a cached search URL
// (delivery.Builder.SearchURL). Build Expression with admin's Expr helpers
// (Field, And, Or, Not: values are quoted safely) or write it by hand;
// empty matches everything.
type SearchQuery struct {
	Expression string   `json:"expression,omitempty"`
	SortBy     []SortBy `json:"sort_by,omitempty"`
	// Aggregate asks for counts by these fields (resource_type, type,
	// format, bytes, pixels, duration, ...).
	Aggregate []string `json:"aggregate,omitempty"`
	// WithField adds these attributes to each asset (tags, context,
	// metadata, image_metadata, image_analysis, ...).
	WithField []string `json:"with_field,omitempty"`
	// Fields keeps only these attributes of each asset.
	Fields []string `json:"fields,omitempty"`
	// MaxResults is the page size (default 50, at most 500).
	MaxResults int    `json:"max_results,omitempty"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Check reports the first part of q the Search API refuses, as a
// *ValueError whose Reason says how to fix it, or nil. admin.Service.Search
// and delivery.Builder.SearchURL both call it.
func (q *SearchQuery) Check() error {
	if strings.TrimSpace(q.Expression) == "*" {
		return &ValueError{Param: "expression", Reason: `the API rejects the bare expression "*"; leave Expression empty to match everything`}
	}
	if q.MaxResults < 0 || q.MaxResults > MaxSearchResults {
		return &ValueError{Param: "max_results", Reason: fmt.Sprintf("MaxResults %d out of range; use 1 to %d (0 for the default 50)", q.MaxResults, MaxSearchResults)}
	}
	for _, s := range q.SortBy {
		if s.Field == "" {
			return &ValueError{Param: "sort_by", Reason: "SortBy entry with an empty field; name the field to sort by"}
		}
		if !s.Direction.Valid() {
			return &ValueError{Param: "sort_by", Reason: fmt.Sprintf("sort direction %q; use asc or desc", s.Direction)}
		}
	}
	return nil
}
