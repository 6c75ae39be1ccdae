package account

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestInvalidInput checks that bad arguments fail with one line matching
// ErrInvalidInput before any request is sent.
func TestInvalidInput(t *testing.T) {
	s, reqs := recorder(t, 200, `{}`)
	many := make([]string, 101)
	for i := range many {
		many[i] = "x"
	}
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"sub-account id with slash", func(ctx context.Context) error { _, err := s.SubAccount(ctx, "a/b"); return err }, "sub-account ID"},
		{"sub-account id not UTF-8", func(ctx context.Context) error { _, err := s.SubAccount(ctx, "a\xffb"); return err }, "sub-account ID"},
		{"empty sub-account id", func(ctx context.Context) error { _, err := s.DeleteSubAccount(ctx, ""); return err }, "sub-account ID"},
		{"too many ids", func(ctx context.Context) error {
			_, err := s.SubAccounts(ctx, &SubAccountsOptions{IDs: many})
			return err
		}, "at most 100"},
		{"create without name", func(ctx context.Context) error {
			_, err := s.CreateSubAccount(ctx, &CreateSubAccountParams{})
			return err
		}, "needs a Name"},
		{"update nil", func(ctx context.Context) error { _, err := s.UpdateSubAccount(ctx, "sa", nil); return err }, "nil params"},
		{"user without role", func(ctx context.Context) error {
			_, err := s.CreateUser(ctx, &UserParams{Name: "a", Email: "a@b.c"})
			return err
		}, "Role"},
		{"user bad role", func(ctx context.Context) error {
			_, err := s.CreateUser(ctx, &UserParams{Name: "a", Email: "a@b.c", Role: "boss"})
			return err
		}, `role "boss"`},
		{"user bad email", func(ctx context.Context) error {
			_, err := s.UpdateUser(ctx, "u", &UserParams{Email: "nope"})
			return err
		}, "not an email"},
		{"users bad order", func(ctx context.Context) error { _, err := s.Users(ctx, &UsersOptions{SortOrder: "up"}); return err }, "SortOrder"},
		{"users bad union", func(ctx context.Context) error { _, err := s.Users(ctx, &UsersOptions{UnionType: "all"}); return err }, "UnionType"},
		{"group empty name", func(ctx context.Context) error { _, err := s.CreateUserGroup(ctx, ""); return err }, "empty name"},
		{"member bad user", func(ctx context.Context) error { _, err := s.AddUserToGroup(ctx, "g", "../u"); return err }, "user ID"},
		{"keys bad sort", func(ctx context.Context) error {
			_, err := s.AccessKeys(ctx, "sa", &AccessKeysOptions{SortBy: "secret"})
			return err
		}, "SortBy"},
		{"keys negative page", func(ctx context.Context) error {
			_, err := s.AccessKeys(ctx, "sa", &AccessKeysOptions{Page: -1})
			return err
		}, "negative"},
		{"delete key by empty name", func(ctx context.Context) error { _, err := s.DeleteAccessKeyByName(ctx, "sa", ""); return err }, "empty name"},
		{"update key nil", func(ctx context.Context) error { _, err := s.UpdateAccessKey(ctx, "sa", "k", nil); return err }, "nil params"},
		{"nil context", func(context.Context) error { _, err := s.User(nil, "u"); return err }, "nil context"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t.Context())
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "account.") {
				t.Errorf("message %q: want one line starting with account. and containing %q", msg, tc.want)
			}
		})
	}
	if n := len(reqs()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}
