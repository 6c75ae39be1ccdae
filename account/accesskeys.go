package account

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/cldrest/cldrest/client"
)

// AccessKey is an API key of a sub-account. APISecret prints as
// [REDACTED]; Reveal it to use it.
type AccessKey struct {
	client.Meta
	Name      string        `json:"name"`
	APIKey    string        `json:"api_key"`
	APISecret client.Secret `json:"api_secret"`
	Enabled   bool          `json:"enabled"`
	// DedicatedFor is what the key is reserved for ("webhooks"), if anything.
	DedicatedFor string    `json:"dedicated_for,omitempty"`
	CreatedAt    time.Time `json:"created_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// AccessKeyList is one page of a sub-account's access keys; Total counts
// all of them.
type AccessKeyList struct {
	client.Meta
	AccessKeys []AccessKey `json:"access_keys"`
	Total      int         `json:"total"`
}

// Access key sort fields.
const (
	SortByAPIKey    = "api_key"
	SortByCreatedAt = "created_at"
	SortByName      = "name"
	SortByEnabled   = "enabled"
)

// AccessKeysOptions pages and sorts AccessKeys.
type AccessKeysOptions struct {
	// PageSize and Page (from 1) select a page; zero PageSize returns all.
	PageSize int `url:"page_size,omitempty"`
	Page     int `url:"page,omitempty"`
	// SortBy is api_key, created_at, name or enabled; SortOrder asc or
	// desc (the API's default).
	SortBy    string `url:"sort_by,omitempty"`
	SortOrder string `url:"sort_order,omitempty"`
}

// AccessKeys lists a sub-account's access keys.
//
// GET /sub_accounts/<id>/access_keys
func (s *Service) AccessKeys(ctx context.Context, subAccountID string, opts *AccessKeysOptions) (*AccessKeyList, error) {
	const op = "AccessKeys"
	o := copyOpts(opts)
	if err := checkID(op, "sub-account ID", subAccountID); err != nil {
		return nil, err
	}
	if o.PageSize < 0 || o.Page < 0 {
		return nil, invalid(op, "negative PageSize or Page; pages start at 1")
	}
	switch o.SortBy {
	case "", SortByAPIKey, SortByCreatedAt, SortByName, SortByEnabled:
	default:
		return nil, invalid(op, "SortBy %q; use api_key, created_at, name or enabled", o.SortBy)
	}
	if err := checkOrder(op, o.SortOrder); err != nil {
		return nil, err
	}
	var r AccessKeyList
	if err := s.do(ctx, op, call{Path: path("sub_accounts", subAccountID, "access_keys"), Query: o}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AccessKeysAll yields every access key of a sub-account. With a PageSize
// it asks for one page after another (from opts.Page, default 1) until
// Total keys were seen or a page comes back short; otherwise one call
// returns them all.
func (s *Service) AccessKeysAll(ctx context.Context, subAccountID string, opts *AccessKeysOptions) iter.Seq2[AccessKey, error] {
	o := copyOpts(opts)
	return pages(ctx, "AccessKeysAll", o.PageSize, o.Page, func(page int) ([]AccessKey, int, error) {
		q := *o
		if o.PageSize > 0 {
			q.Page = page
		}
		r, err := s.AccessKeys(ctx, subAccountID, &q)
		if err != nil {
			return nil, 0, err
		}
		return r.AccessKeys, r.Total, nil
	}, func(k AccessKey) string { return k.APIKey })
}

// AccessKeyParams describes a new access key.
type AccessKeyParams struct {
	Name string `json:"name,omitempty"`
	// Enabled defaults to true.
	Enabled *bool `json:"enabled,omitempty"`
}

// GenerateAccessKey creates an API key and secret for a sub-account.
//
// POST /sub_accounts/<id>/access_keys
func (s *Service) GenerateAccessKey(ctx context.Context, subAccountID string, p *AccessKeyParams) (*AccessKey, error) {
	const op = "GenerateAccessKey"
	if err := checkID(op, "sub-account ID", subAccountID); err != nil {
		return nil, err
	}
	var r AccessKey
	if err := s.do(ctx, op, call{Method: http.MethodPost, Path: path("sub_accounts", subAccountID, "access_keys"), Body: copyOpts(p)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateAccessKeyParams changes an access key; empty fields stay.
type UpdateAccessKeyParams struct {
	Name    string `json:"name,omitempty"`
	Enabled *bool  `json:"enabled,omitempty"`
	// DedicatedFor reserves the key, e.g. "webhooks" (to sign
	// notifications).
	DedicatedFor string `json:"dedicated_for,omitempty"`
}

// UpdateAccessKey renames, enables, disables or dedicates an access key.
//
// PUT /sub_accounts/<id>/access_keys/<api_key>
func (s *Service) UpdateAccessKey(ctx context.Context, subAccountID, apiKey string, p *UpdateAccessKeyParams) (*AccessKey, error) {
	const op = "UpdateAccessKey"
	if err := checkID(op, "sub-account ID", subAccountID); err != nil {
		return nil, err
	}
	if err := checkID(op, "API key", apiKey); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, invalid(op, "nil params; pass the attributes to change")
	}
	var r AccessKey
	if err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("sub_accounts", subAccountID, "access_keys", apiKey), Body: p}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteAccessKey deletes an access key by its API key.
//
// DELETE /sub_accounts/<id>/access_keys/<api_key>
func (s *Service) DeleteAccessKey(ctx context.Context, subAccountID, apiKey string) (*MessageResult, error) {
	const op = "DeleteAccessKey"
	if err := checkID(op, "sub-account ID", subAccountID); err != nil {
		return nil, err
	}
	if err := checkID(op, "API key", apiKey); err != nil {
		return nil, err
	}
	var r MessageResult
	if err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("sub_accounts", subAccountID, "access_keys", apiKey)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteAccessKeyByName deletes an access key by its name.
//
// DELETE /sub_accounts/<id>/access_keys?name=<name>
func (s *Service) DeleteAccessKeyByName(ctx context.Context, subAccountID, name string) (*MessageResult, error) {
	const op = "DeleteAccessKeyByName"
	if err := checkID(op, "sub-account ID", subAccountID); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalid(op, "empty name; pass the access key's name")
	}
	q := struct {
		Name string `url:"name"`
	}{name}
	var r MessageResult
	if err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("sub_accounts", subAccountID, "access_keys"), Query: q}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func checkOrder(op, order string) error {
	if order != "" && order != "asc" && order != "desc" {
		return invalid(op, "SortOrder %q; use asc or desc", order)
	}
	return nil
}

// pages yields items page by page. Without a page size one call returns
// everything. With one, it starts at page first (default 1) and stops
// after a short or empty page, or once total items were seen (total 0:
// unknown). A page that starts with the same item as the one before
// means the API ignored the paging; it stops with an error instead of
// looping.
func pages[T any](ctx context.Context, op string, size, first int, fetch func(page int) ([]T, int, error), idOf func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		page := max(first, 1)
		seen, prevFirst := 0, ""
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, total, err := fetch(page)
			if err != nil {
				yield(zero, err)
				return
			}
			if size > 0 && len(items) > 0 {
				id := idOf(items[0])
				if page > max(first, 1) && id == prevFirst {
					yield(zero, fmt.Errorf("account.%s: page %d starts with the same item as page %d; the API ignored the paging, stopping to avoid an endless loop", op, page, page-1))
					return
				}
				prevFirst = id
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			seen += len(items)
			if size <= 0 || len(items) < size || (total > 0 && seen >= total) {
				return
			}
			page++
		}
	}
}
