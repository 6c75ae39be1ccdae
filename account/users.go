package account

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cldrest/cldrest/client"
)

// Role is a user's role in the account.
type Role string

// User roles.
const (
	RoleMasterAdmin       Role = "master_admin"
	RoleAdmin             Role = "admin"
	RoleBilling           Role = "billing"
	RoleTechnicalAdmin    Role = "technical_admin"
	RoleReports           Role = "reports"
	RoleMediaLibraryAdmin Role = "media_library_admin"
	RoleMediaLibraryUser  Role = "media_library_user"
)

// Roles lists every role, in the API's documented order.
var Roles = []Role{RoleMasterAdmin, RoleAdmin, RoleBilling, RoleTechnicalAdmin, RoleReports, RoleMediaLibraryAdmin, RoleMediaLibraryUser}

// GroupSummary names a user group a user belongs to.
type GroupSummary struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is a user of the account.
type User struct {
	client.Meta
	ID    string `json:"id"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	Email string `json:"email"`
	// Pending is true until the user accepts the invitation.
	Pending   bool      `json:"pending"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// LastLogin is zero for a user who never logged in.
	LastLogin time.Time `json:"last_login,omitzero"`
	// AllSubAccounts is true for users who may access every sub-account
	// (master admins); SubAccountIDs lists the others' sub-accounts.
	AllSubAccounts bool           `json:"all_sub_accounts"`
	SubAccountIDs  IDList         `json:"sub_account_ids,omitempty"`
	Groups         []GroupSummary `json:"groups,omitempty"`
}

// IDList is a list of IDs; it decodes from a JSON array or from a
// comma-separated string.
type IDList []string

// UnmarshalJSON accepts ["a","b"], "a,b" and null.
func (l *IDList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = nil
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				*l = append(*l, id)
			}
		}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// UserList lists users.
type UserList struct {
	client.Meta
	Users []User `json:"users"`
}

// Date is a calendar day sent as yyyy-mm-dd.
type Date time.Time

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return time.Time(d).IsZero() }

// EncodeValues writes the day (go-querystring's Encoder).
func (d Date) EncodeValues(key string, v *url.Values) error {
	if t := time.Time(d); !t.IsZero() {
		v.Set(key, t.Format(time.DateOnly))
	}
	return nil
}

// UsersOptions filters Users. With IDs or Emails set the other filters are
// ignored by the API.
type UsersOptions struct {
	// Pending, when set, returns only pending (true) or active (false) users.
	Pending *bool `url:"pending,omitempty"`
	// IDs and Emails return only these users (at most 100 each).
	IDs    []string `url:"ids,omitempty"`
	Emails []string `url:"emails,omitempty"`
	// Prefix returns users whose name or email starts with it
	// (case-insensitive).
	Prefix string `url:"prefix,omitempty"`
	// SubAccountID returns the users with access to that sub-account.
	SubAccountID string `url:"sub_account_id,omitempty"`
	// LastLogin, when set, returns the users who did (true) or did not
	// (false) last log in between From and To.
	LastLogin *bool `url:"last_login,omitempty"`
	From      Date  `url:"from,omitempty"`
	To        Date  `url:"to,omitempty"`
	// UnionType is include (default) or exclude: whether the users who
	// logged in within the range are returned or left out.
	UnionType string `url:"union_type,omitempty"`
	// Activity filters on activity, as the Node.js SDK's activity option.
	Activity *bool `url:"activity,omitempty"`
	// SortBy is name, role, status, activity or created_at; SortOrder asc
	// or desc.
	SortBy    string `url:"sort_by,omitempty"`
	SortOrder string `url:"sort_order,omitempty"`
	// PageSize and Page (from 1) select a page; zero PageSize returns all.
	PageSize int `url:"page_size,omitempty"`
	Page     int `url:"page,omitempty"`
}

// Users lists the account's users.
//
// GET /users
func (s *Service) Users(ctx context.Context, opts *UsersOptions) (*UserList, error) {
	const op = "Users"
	o := copyOpts(opts)
	if err := checkIDs(op, "user ID", o.IDs); err != nil {
		return nil, err
	}
	if err := checkIDs(op, "email", o.Emails); err != nil {
		return nil, err
	}
	if o.PageSize < 0 || o.Page < 0 {
		return nil, invalid(op, "negative PageSize or Page; pages start at 1")
	}
	if err := checkOrder(op, o.SortOrder); err != nil {
		return nil, err
	}
	if o.UnionType != "" && o.UnionType != "include" && o.UnionType != "exclude" {
		return nil, invalid(op, "UnionType %q; use include or exclude", o.UnionType)
	}
	var r UserList
	if err := s.do(ctx, op, call{Path: "users", Query: o}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UsersAll yields every user Users returns; with a PageSize it asks for
// one page after another until a page comes back short.
func (s *Service) UsersAll(ctx context.Context, opts *UsersOptions) iter.Seq2[User, error] {
	o := copyOpts(opts)
	return pages(ctx, "UsersAll", o.PageSize, o.Page, func(page int) ([]User, int, error) {
		q := *o
		if o.PageSize > 0 {
			q.Page = page
		}
		r, err := s.Users(ctx, &q)
		if err != nil {
			return nil, 0, err
		}
		return r.Users, 0, nil
	}, func(u User) string { return u.ID })
}

// User returns one user.
//
// GET /users/<id>
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	const op = "User"
	if err := checkID(op, "user ID", id); err != nil {
		return nil, err
	}
	var r User
	if err := s.do(ctx, op, call{Path: path("users", id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UserParams describes a user. CreateUser needs Name, Email and Role;
// UpdateUser sends only the set fields.
type UserParams struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Role  Role   `json:"role,omitempty"`
	// SubAccountIDs are the sub-accounts the user may access (ignored for
	// master admins, who may access all).
	SubAccountIDs []string `json:"sub_account_ids,omitempty"`
	Enabled       *bool    `json:"enabled,omitempty"`
}

func (p *UserParams) check(op string, create bool) error {
	if p == nil {
		return invalid(op, "nil params; pass the user's attributes")
	}
	if create && (p.Name == "" || p.Email == "" || p.Role == "") {
		return invalid(op, "a user needs a Name, an Email and a Role")
	}
	if p.Email != "" && (!strings.Contains(p.Email, "@") || strings.ContainsAny(p.Email, " \t\r\n")) {
		return invalid(op, "email %q is not an email address", p.Email)
	}
	if p.Role != "" && !validRole(p.Role) {
		return invalid(op, "role %q; use master_admin, admin, billing, technical_admin, reports, media_library_admin or media_library_user", p.Role)
	}
	for i, id := range p.SubAccountIDs {
		if id == "" {
			return invalid(op, "sub-account ID #%d is empty", i+1)
		}
	}
	return nil
}

func validRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// CreateUser invites a user to the account (the user stays Pending until
// the invitation is accepted).
//
// POST /users
func (s *Service) CreateUser(ctx context.Context, p *UserParams) (*User, error) {
	const op = "CreateUser"
	if err := p.check(op, true); err != nil {
		return nil, err
	}
	var r User
	// A repeated create is refused (409, the email exists): safe to retry.
	if err := s.do(ctx, op, call{Method: http.MethodPost, Path: "users", Body: p, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateUser changes a user and returns it.
//
// PUT /users/<id>
func (s *Service) UpdateUser(ctx context.Context, id string, p *UserParams) (*User, error) {
	const op = "UpdateUser"
	if err := checkID(op, "user ID", id); err != nil {
		return nil, err
	}
	if err := p.check(op, false); err != nil {
		return nil, err
	}
	var r User
	if err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("users", id), Body: p}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteUser deletes a user.
//
// DELETE /users/<id>
func (s *Service) DeleteUser(ctx context.Context, id string) (*MessageResult, error) {
	const op = "DeleteUser"
	if err := checkID(op, "user ID", id); err != nil {
		return nil, err
	}
	var r MessageResult
	if err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("users", id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
