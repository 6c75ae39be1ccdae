package account

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

// startMock starts the mock and returns a Service configured from its
// CLOUDINARY_ACCOUNT_URL, the way a user's test does.
func startMock(t *testing.T, opts ...mockserver.Option) (*mockserver.Running, *Service) {
	t.Helper()
	m := mockserver.Start(t, append([]mockserver.Option{mockserver.WithStorage(mockserver.MetadataOnly), mockserver.WithProvisioning(testAccount, testKey, testSecret)}, opts...)...)
	cfg, err := ParseURL(m.AccountURL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestMockLifecycle runs every call against the mock's state: sub-accounts
// with their keys, users, groups and members are created, listed, changed
// and deleted, and each change is seen by a later read.
func TestMockLifecycle(t *testing.T) {
	m, s := startMock(t)
	ctx := t.Context()

	var clouds []string
	for sa, err := range s.SubAccountsAll(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		clouds = append(clouds, sa.CloudName)
	}
	if !slices.Equal(clouds, []string{m.Cloud()}) {
		t.Fatalf("initial sub-accounts %v, want the served cloud", clouds)
	}

	sa, err := s.CreateSubAccount(ctx, &CreateSubAccountParams{Name: "Shop EU", CloudName: "shop_eu", CustomAttributes: map[string]any{"region": "eu"}})
	if err != nil {
		t.Fatal(err)
	}
	if !sa.Enabled || len(sa.APIAccessKeys) != 1 || sa.APIAccessKeys[0].Secret.IsZero() || sa.CreatedAt.IsZero() {
		t.Fatalf("created %+v", sa)
	}
	if _, err := s.CreateSubAccount(ctx, &CreateSubAccountParams{Name: "dup", CloudName: "SHOP_EU"}); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("duplicate cloud name: %v", err)
	}
	if _, err := s.UpdateSubAccount(ctx, sa.ID, &UpdateSubAccountParams{Enabled: bptr(false)}); err != nil {
		t.Fatal(err)
	}
	disabled, err := s.SubAccounts(ctx, &SubAccountsOptions{Enabled: bptr(false)})
	if err != nil || len(disabled.SubAccounts) != 1 || disabled.SubAccounts[0].ID != sa.ID {
		t.Fatalf("disabled sub-accounts %+v %v", disabled, err)
	}

	// Access keys, paged two at a time through the iterator.
	for _, name := range []string{"ci", "deploy", "backup"} {
		if _, err := s.GenerateAccessKey(ctx, sa.ID, &AccessKeyParams{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for k, err := range s.AccessKeysAll(ctx, sa.ID, &AccessKeysOptions{PageSize: 2, SortBy: SortByName, SortOrder: "asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, k.Name)
	}
	if !slices.Equal(names, []string{"backup", "ci", "deploy", "key_1"}) {
		t.Fatalf("keys %v", names)
	}
	keys, err := s.AccessKeys(ctx, sa.ID, &AccessKeysOptions{SortBy: SortByName, SortOrder: "asc"})
	if err != nil {
		t.Fatal(err)
	}
	ci := keys.AccessKeys[1]
	if up, err := s.UpdateAccessKey(ctx, sa.ID, ci.APIKey, &UpdateAccessKeyParams{Enabled: bptr(false), Name: "ci-old"}); err != nil || up.Enabled || up.Name != "ci-old" {
		t.Fatalf("updated key %+v %v", up, err)
	}
	if _, err := s.DeleteAccessKey(ctx, sa.ID, ci.APIKey); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAccessKeyByName(ctx, sa.ID, "deploy"); err != nil {
		t.Fatal(err)
	}
	if keys, err = s.AccessKeys(ctx, sa.ID, nil); err != nil || keys.Total != 2 {
		t.Fatalf("keys after deletes %+v %v", keys, err)
	}

	// Users.
	ann, err := s.CreateUser(ctx, &UserParams{Name: "Ann", Email: "ann@example.com", Role: RoleTechnicalAdmin, SubAccountIDs: []string{sa.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, &UserParams{Name: "Bob", Email: "bob@example.com", Role: RoleMasterAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, &UserParams{Name: "Ann 2", Email: "ANN@example.com", Role: RoleAdmin}); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("duplicate email: %v", err)
	}
	var users []string
	for u, err := range s.UsersAll(ctx, &UsersOptions{PageSize: 1, SortBy: "name", SortOrder: "desc"}) {
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u.Name)
	}
	if !slices.Equal(users, []string{"Bob", "Ann"}) {
		t.Fatalf("users %v", users)
	}
	if got, err := s.Users(ctx, &UsersOptions{SubAccountID: sa.ID, Prefix: "an"}); err != nil || len(got.Users) != 1 || got.Users[0].ID != ann.ID {
		t.Fatalf("users of the sub-account %+v %v", got, err)
	}
	if u, err := s.UpdateUser(ctx, ann.ID, &UserParams{Role: RoleAdmin}); err != nil || u.Role != RoleAdmin {
		t.Fatalf("updated user %+v %v", u, err)
	}

	// Groups and members.
	g, err := s.CreateUserGroup(ctx, "Design")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUserGroup(ctx, g.ID, "Designers"); err != nil {
		t.Fatal(err)
	}
	mem, err := s.AddUserToGroup(ctx, g.ID, ann.ID)
	if err != nil || len(mem.Users) != 1 || mem.Users[0].Email != "ann@example.com" {
		t.Fatalf("members %+v %v", mem, err)
	}
	if u, err := s.User(ctx, ann.ID); err != nil || len(u.Groups) != 1 || u.Groups[0].Name != "Designers" {
		t.Fatalf("user's groups %+v %v", u, err)
	}
	var groups []string
	for gr, err := range s.UserGroupsAll(ctx, &UserGroupsOptions{ExtendedDetails: true}) {
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, fmt.Sprint(gr.Name, len(gr.Users)))
	}
	if !slices.Equal(groups, []string{"Designers1"}) {
		t.Fatalf("groups %v", groups)
	}
	if gr, err := s.UserGroup(ctx, g.ID, nil); err != nil || gr.Name != "Designers" {
		t.Fatalf("group %+v %v", gr, err)
	}
	if _, err := s.RemoveUserFromGroup(ctx, g.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range s.UserGroupUsersAll(ctx, g.ID) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 0 {
		t.Fatalf("%d members after removal", n)
	}

	// Deletes.
	if _, err := s.DeleteUserGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteUser(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.User(ctx, ann.ID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("deleted user: %v", err)
	}
	if _, err := s.DeleteSubAccount(ctx, sa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubAccount(ctx, sa.ID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("deleted sub-account: %v", err)
	}

	// The provisioning credentials are not the cloud's API credentials,
	// and the other way round.
	c, err := client.New(client.Config{CloudName: m.Cloud(), APIKey: testKey, APISecret: client.NewSecret(testSecret), UploadPrefix: m.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.New(c).Ping(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Admin API with the provisioning key: %v", err)
	}
	wrong, _ := New(Config{AccountID: testAccount, Key: mockserver.DefaultAPIKey, Secret: client.NewSecret(mockserver.DefaultAPISecret), UploadPrefix: m.URL})
	if _, err := wrong.Users(ctx, nil); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Provisioning API with the cloud's key: %v", err)
	}
}

// TestMockBudget: the Provisioning API has its own hourly budget; when it
// is used up the client gets a typed rate-limit error saying when it resets.
func TestMockBudget(t *testing.T) {
	_, s := startMock(t, mockserver.WithAdminBudget(2))
	for range 2 {
		if _, err := s.Users(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Users(t.Context(), nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrRateLimited) || apiErr.RateLimit.Reset.IsZero() {
		t.Fatalf("third call: %v", err)
	}
}

// TestPagesStopWhenPagingIsIgnored: an API that answers every page with
// the same items must not make the iterator loop forever.
func TestPagesStopWhenPagingIsIgnored(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		fmt.Fprint(w, `{"users":[{"id":"u1"},{"id":"u2"}]}`)
	}))
	defer srv.Close()
	s, err := New(Config{AccountID: testAccount, Key: testKey, Secret: client.NewSecret(testSecret), UploadPrefix: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var last error
	for u, err := range s.UsersAll(t.Context(), &UsersOptions{PageSize: 2}) {
		if err != nil {
			last = err
			break
		}
		got = append(got, u.ID)
	}
	if last == nil || !strings.Contains(last.Error(), "ignored the paging") || calls != 2 || len(got) != 2 {
		t.Fatalf("got %v after %d calls, err %v", got, calls, last)
	}
}
