package account

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/cldrest/cldrest/client"
)

// APIAccessKey is one API key of a sub-account as sub-account answers list
// it. Secret prints as [REDACTED]; Reveal it to use it.
type APIAccessKey struct {
	Key     string        `json:"key"`
	Secret  client.Secret `json:"secret"`
	Enabled bool          `json:"enabled"`
}

// SubAccount is a product environment (a cloud) of the account.
type SubAccount struct {
	client.Meta
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	CloudName        string         `json:"cloud_name"`
	Enabled          bool           `json:"enabled"`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	APIAccessKeys    []APIAccessKey `json:"api_access_keys,omitempty"`
	CreatedAt        time.Time      `json:"created_at,omitzero"`
	UpdatedAt        time.Time      `json:"updated_at,omitzero"`
}

// SubAccountList lists sub-accounts.
type SubAccountList struct {
	client.Meta
	SubAccounts []SubAccount `json:"sub_accounts"`
}

// SubAccountsOptions filters SubAccounts. With IDs set the other filters
// are ignored by the API.
type SubAccountsOptions struct {
	// Enabled, when set, returns only enabled (true) or disabled (false)
	// sub-accounts; nil returns both.
	Enabled *bool `url:"enabled,omitempty"`
	// IDs returns only these sub-accounts (at most 100).
	IDs []string `url:"ids,omitempty"`
	// Prefix returns the sub-accounts whose name starts with it
	// (case-insensitive).
	Prefix string `url:"prefix,omitempty"`
}

// SubAccounts lists the account's sub-accounts.
//
// GET /sub_accounts
func (s *Service) SubAccounts(ctx context.Context, opts *SubAccountsOptions) (*SubAccountList, error) {
	const op = "SubAccounts"
	o := copyOpts(opts)
	if err := checkIDs(op, "sub-account ID", o.IDs); err != nil {
		return nil, err
	}
	var r SubAccountList
	if err := s.do(ctx, op, call{Path: "sub_accounts", Query: o}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// SubAccountsAll yields every sub-account SubAccounts returns (the API
// answers them in one page), stopping at the first error.
func (s *Service) SubAccountsAll(ctx context.Context, opts *SubAccountsOptions) iter.Seq2[SubAccount, error] {
	return one(func() ([]SubAccount, error) {
		r, err := s.SubAccounts(ctx, opts)
		if err != nil {
			return nil, err
		}
		return r.SubAccounts, nil
	})
}

// SubAccount returns one sub-account.
//
// GET /sub_accounts/<id>
func (s *Service) SubAccount(ctx context.Context, id string) (*SubAccount, error) {
	const op = "SubAccount"
	if err := checkID(op, "sub-account ID", id); err != nil {
		return nil, err
	}
	var r SubAccount
	if err := s.do(ctx, op, call{Path: path("sub_accounts", id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateSubAccountParams describes a new sub-account. Name is required.
type CreateSubAccountParams struct {
	// Name is the display name in the console.
	Name string `json:"name"`
	// CloudName is the new cloud's name (letters, digits, underscores;
	// unique across Cloudinary); empty lets Cloudinary choose one.
	CloudName        string         `json:"cloud_name,omitempty"`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	// Enabled defaults to true.
	Enabled *bool `json:"enabled,omitempty"`
	// BaseSubAccountID copies the size limits, timed limits and flags of
	// another sub-account.
	BaseSubAccountID string `json:"base_sub_account_id,omitempty"`
}

// CreateSubAccount creates a sub-account; users with access to all
// sub-accounts get access to it too. The answer carries its first API
// key and secret.
//
// POST /sub_accounts
func (s *Service) CreateSubAccount(ctx context.Context, p *CreateSubAccountParams) (*SubAccount, error) {
	const op = "CreateSubAccount"
	if p == nil || p.Name == "" {
		return nil, invalid(op, "a sub-account needs a Name")
	}
	var r SubAccount
	if err := s.do(ctx, op, call{Method: http.MethodPost, Path: "sub_accounts", Body: p}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateSubAccountParams changes a sub-account; empty fields stay as they
// are.
type UpdateSubAccountParams struct {
	Name string `json:"name,omitempty"`
	// CloudName renames the cloud (only for clouds with fewer than 1,000
	// assets).
	CloudName        string         `json:"cloud_name,omitempty"`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	Enabled          *bool          `json:"enabled,omitempty"`
}

// UpdateSubAccount changes a sub-account and returns it.
//
// PUT /sub_accounts/<id>
func (s *Service) UpdateSubAccount(ctx context.Context, id string, p *UpdateSubAccountParams) (*SubAccount, error) {
	const op = "UpdateSubAccount"
	if err := checkID(op, "sub-account ID", id); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, invalid(op, "nil params; pass the attributes to change")
	}
	var r SubAccount
	if err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("sub_accounts", id), Body: p}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteSubAccount deletes a sub-account (only one with fewer than 1,000
// assets).
//
// DELETE /sub_accounts/<id>
func (s *Service) DeleteSubAccount(ctx context.Context, id string) (*MessageResult, error) {
	const op = "DeleteSubAccount"
	if err := checkID(op, "sub-account ID", id); err != nil {
		return nil, err
	}
	var r MessageResult
	if err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("sub_accounts", id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// one yields the items of a single call, or its error once.
func one[T any](fetch func() ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		items, err := fetch()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
