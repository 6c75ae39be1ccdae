package account

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"time"

	"github.com/cldrest/cldrest/client"
)

// UserGroup is a group of users. Users, CreatedAt and UpdatedAt are set by
// the API only for extended details.
type UserGroup struct {
	client.Meta
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Users     []GroupUser `json:"users,omitempty"`
	CreatedAt time.Time   `json:"created_at,omitzero"`
	UpdatedAt time.Time   `json:"updated_at,omitzero"`
}

// GroupUser is a member of a user group.
type GroupUser struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// UserGroupList lists user groups.
type UserGroupList struct {
	client.Meta
	UserGroups []UserGroup `json:"user_groups"`
}

// GroupUsers lists the members of a user group.
type GroupUsers struct {
	client.Meta
	Users []GroupUser `json:"users"`
}

type groupUsersObject GroupUsers

// UnmarshalJSON accepts {"users":[…]} and a single member object (the
// answer of some API versions to adding a member).
func (g *GroupUsers) UnmarshalJSON(b []byte) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if _, ok := probe["users"]; ok || len(bytes.TrimSpace(b)) <= 2 {
		return json.Unmarshal(b, (*groupUsersObject)(g))
	}
	var u GroupUser
	if err := json.Unmarshal(b, &u); err != nil {
		return err
	}
	g.Users = []GroupUser{u}
	return nil
}

// UserGroupsOptions selects what UserGroups and UserGroup return.
type UserGroupsOptions struct {
	// ExtendedDetails adds each group's users and dates.
	ExtendedDetails bool `url:"extended_details,omitempty"`
}

// UserGroups lists the account's user groups.
//
// GET /user_groups
func (s *Service) UserGroups(ctx context.Context, opts *UserGroupsOptions) (*UserGroupList, error) {
	var r UserGroupList
	if err := s.do(ctx, "UserGroups", call{Path: "user_groups", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UserGroupsAll yields every user group (the API answers them in one page).
func (s *Service) UserGroupsAll(ctx context.Context, opts *UserGroupsOptions) iter.Seq2[UserGroup, error] {
	return one(func() ([]UserGroup, error) {
		r, err := s.UserGroups(ctx, opts)
		if err != nil {
			return nil, err
		}
		return r.UserGroups, nil
	})
}

// UserGroup returns one user group.
//
// GET /user_groups/<id>
func (s *Service) UserGroup(ctx context.Context, id string, opts *UserGroupsOptions) (*UserGroup, error) {
	const op = "UserGroup"
	if err := checkID(op, "group ID", id); err != nil {
		return nil, err
	}
	var r UserGroup
	if err := s.do(ctx, op, call{Path: path("user_groups", id), Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

type groupBody struct {
	Name string `json:"name"`
}

// CreateUserGroup creates a user group.
//
// POST /user_groups
func (s *Service) CreateUserGroup(ctx context.Context, name string) (*UserGroup, error) {
	const op = "CreateUserGroup"
	if name == "" {
		return nil, invalid(op, "empty name; pass the group's name")
	}
	var r UserGroup
	// A repeated create is refused (409, the name exists): safe to retry.
	if err := s.do(ctx, op, call{Method: http.MethodPost, Path: "user_groups", Body: groupBody{name}, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateUserGroup renames a user group.
//
// PUT /user_groups/<id>
func (s *Service) UpdateUserGroup(ctx context.Context, id, name string) (*UserGroup, error) {
	const op = "UpdateUserGroup"
	if err := checkID(op, "group ID", id); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalid(op, "empty name; pass the group's new name")
	}
	var r UserGroup
	if err := s.do(ctx, op, call{Method: http.MethodPut, Path: path("user_groups", id), Body: groupBody{name}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteUserGroup deletes a user group (its users stay).
//
// DELETE /user_groups/<id>
func (s *Service) DeleteUserGroup(ctx context.Context, id string) (*MessageResult, error) {
	const op = "DeleteUserGroup"
	if err := checkID(op, "group ID", id); err != nil {
		return nil, err
	}
	var r MessageResult
	if err := s.do(ctx, op, call{Method: http.MethodDelete, Path: path("user_groups", id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UserGroupUsers lists the members of a user group.
//
// GET /user_groups/<id>/users
func (s *Service) UserGroupUsers(ctx context.Context, groupID string) (*GroupUsers, error) {
	const op = "UserGroupUsers"
	if err := checkID(op, "group ID", groupID); err != nil {
		return nil, err
	}
	var r GroupUsers
	if err := s.do(ctx, op, call{Path: path("user_groups", groupID, "users")}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UserGroupUsersAll yields every member of a user group.
func (s *Service) UserGroupUsersAll(ctx context.Context, groupID string) iter.Seq2[GroupUser, error] {
	return one(func() ([]GroupUser, error) {
		r, err := s.UserGroupUsers(ctx, groupID)
		if err != nil {
			return nil, err
		}
		return r.Users, nil
	})
}

// AddUserToGroup adds a user to a group and returns the group's members.
//
// POST /user_groups/<group_id>/users/<user_id>
func (s *Service) AddUserToGroup(ctx context.Context, groupID, userID string) (*GroupUsers, error) {
	return s.membership(ctx, "AddUserToGroup", http.MethodPost, groupID, userID)
}

// RemoveUserFromGroup removes a user from a group and returns the group's
// members.
//
// DELETE /user_groups/<group_id>/users/<user_id>
func (s *Service) RemoveUserFromGroup(ctx context.Context, groupID, userID string) (*GroupUsers, error) {
	return s.membership(ctx, "RemoveUserFromGroup", http.MethodDelete, groupID, userID)
}

func (s *Service) membership(ctx context.Context, op, method, groupID, userID string) (*GroupUsers, error) {
	if err := checkID(op, "group ID", groupID); err != nil {
		return nil, err
	}
	if err := checkID(op, "user ID", userID); err != nil {
		return nil, err
	}
	var r GroupUsers
	// Membership is set-to-value: adding twice is harmless.
	if err := s.do(ctx, op, call{Method: method, Path: path("user_groups", groupID, "users", userID), Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
