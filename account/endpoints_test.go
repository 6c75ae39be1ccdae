package account

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

const basePath = "/v1_1/provisioning/accounts/" + testAccount + "/"

// seen is one request as the test server received it.
type seen = apitest.Request

// recorder answers every request under basePath with resp and records it;
// anything else fails the test.
func recorder(t *testing.T, status int, resp string) (*Service, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var reqs []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, basePath) {
			t.Errorf("request outside the Provisioning API base path: %s %s", r.Method, r.URL.Path)
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, seen{Method: r.Method, Path: strings.TrimPrefix(r.URL.EscapedPath(), basePath), Query: r.URL.Query(), Body: body, Header: r.Header.Clone()})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-7")
		w.Header().Set("X-FeatureRateLimit-Limit", "1000")
		w.Header().Set("X-FeatureRateLimit-Remaining", "999")
		w.WriteHeader(status)
		fmt.Fprint(w, resp)
	}))
	t.Cleanup(srv.Close)
	s, err := New(Config{AccountID: testAccount, Key: testKey, Secret: client.NewSecret(testSecret), UploadPrefix: srv.URL, Timeout: 10 * time.Second},
		client.WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return s, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), reqs...) }
}

type endpointCase struct {
	name   string
	call   func(ctx context.Context, s *Service) (any, error)
	method string
	path   string
	query  url.Values
	body   string
	resp   string
	got    func(v any) any
	want   any
}

const (
	subJSON  = `{"id":"sa1","name":"Shop","cloud_name":"shop","enabled":true,"custom_attributes":{"region":"eu"},"api_access_keys":[{"key":"814814814814814","secret":"` + testSecret + `","enabled":true}],"created_at":"2024-05-06T07:08:09Z"}`
	userJSON = `{"id":"u1","name":"Ann","role":"admin","email":"ann@example.com","pending":true,"enabled":true,"all_sub_accounts":false,"sub_account_ids":["sa1"],"groups":[{"id":"g1","name":"Design"}],"last_login":null}`
	keyJSON  = `{"name":"ci","api_key":"814814814814814","api_secret":"` + testSecret + `","enabled":true,"created_at":"2024-05-06T07:08:09Z"}`
	grpJSON  = `{"id":"g1","name":"Design"}`
	membJSON = `{"users":[{"id":"u1","name":"Ann","email":"ann@example.com"}]}`
	okJSON   = `{"message":"ok"}`
)

func bptr(b bool) *bool { return &b }

func endpointCases() []endpointCase {
	msg := func(v any) any { return v.(*MessageResult).Message }
	sub := func(v any) any {
		r := v.(*SubAccount)
		return fmt.Sprint(r.ID, " ", r.CloudName, " ", r.APIAccessKeys[0].Key, " ", r.APIAccessKeys[0].Secret.Reveal() == testSecret, " ", r.CustomAttributes["region"])
	}
	user := func(v any) any {
		u := v.(*User)
		return fmt.Sprint(u.ID, " ", u.Role, " ", u.Pending, " ", []string(u.SubAccountIDs), " ", u.Groups[0].Name, " ", u.LastLogin.IsZero())
	}
	key := func(v any) any {
		k := v.(*AccessKey)
		return fmt.Sprint(k.Name, " ", k.APIKey, " ", k.APISecret.Reveal() == testSecret, " ", k.CreatedAt.Year())
	}
	members := func(v any) any { return v.(*GroupUsers).Users[0].Email }
	day := Date(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
	return []endpointCase{
		// Sub-accounts.
		{name: "SubAccounts", call: func(ctx context.Context, s *Service) (any, error) {
			return s.SubAccounts(ctx, &SubAccountsOptions{Enabled: bptr(false), Prefix: "sh"})
		}, method: "GET", path: "sub_accounts", query: url.Values{"enabled": {"false"}, "prefix": {"sh"}},
			resp: `{"sub_accounts":[` + subJSON + `]}`, got: func(v any) any { return v.(*SubAccountList).SubAccounts[0].Name }, want: "Shop"},
		{name: "SubAccountsByIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.SubAccounts(ctx, &SubAccountsOptions{IDs: []string{"sa1", "sa2"}})
		}, method: "GET", path: "sub_accounts", query: url.Values{"ids": {"sa1", "sa2"}},
			resp: `{"sub_accounts":[]}`, got: func(v any) any { return len(v.(*SubAccountList).SubAccounts) }, want: 0},
		{name: "SubAccount", call: func(ctx context.Context, s *Service) (any, error) { return s.SubAccount(ctx, "sa1") },
			method: "GET", path: "sub_accounts/sa1", resp: subJSON, got: sub, want: "sa1 shop 814814814814814 true eu"},
		{name: "CreateSubAccount", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateSubAccount(ctx, &CreateSubAccountParams{Name: "Shop", CloudName: "shop", CustomAttributes: map[string]any{"region": "eu"}, Enabled: bptr(true), BaseSubAccountID: "sa0"})
		}, method: "POST", path: "sub_accounts", body: `{"name":"Shop","cloud_name":"shop","custom_attributes":{"region":"eu"},"enabled":true,"base_sub_account_id":"sa0"}`,
			resp: subJSON, got: sub, want: "sa1 shop 814814814814814 true eu"},
		{name: "UpdateSubAccount", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateSubAccount(ctx, "sa1", &UpdateSubAccountParams{Name: "Shop EU", Enabled: bptr(false)})
		}, method: "PUT", path: "sub_accounts/sa1", body: `{"name":"Shop EU","enabled":false}`, resp: subJSON, got: sub, want: "sa1 shop 814814814814814 true eu"},
		{name: "DeleteSubAccount", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteSubAccount(ctx, "sa1") },
			method: "DELETE", path: "sub_accounts/sa1", resp: okJSON, got: msg, want: "ok"},

		// Users.
		{name: "Users", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Users(ctx, &UsersOptions{Pending: bptr(true), Prefix: "an", SubAccountID: "sa1", LastLogin: bptr(true), From: day, To: day, SortBy: "name", SortOrder: "asc", PageSize: 10, Page: 2})
		}, method: "GET", path: "users",
			query: url.Values{"pending": {"true"}, "prefix": {"an"}, "sub_account_id": {"sa1"}, "last_login": {"true"}, "from": {"2024-01-02"}, "to": {"2024-01-02"}, "sort_by": {"name"}, "sort_order": {"asc"}, "page_size": {"10"}, "page": {"2"}},
			resp:  `{"users":[` + userJSON + `]}`, got: func(v any) any { return v.(*UserList).Users[0].Email }, want: "ann@example.com"},
		{name: "UsersByIDs", call: func(ctx context.Context, s *Service) (any, error) {
			return s.Users(ctx, &UsersOptions{IDs: []string{"u1", "u2"}, Emails: []string{"a@b.c"}})
		}, method: "GET", path: "users", query: url.Values{"ids": {"u1", "u2"}, "emails": {"a@b.c"}},
			resp: `{"users":[{"id":"u1","sub_account_ids":"sa1, sa2"}]}`, got: func(v any) any { return []string(v.(*UserList).Users[0].SubAccountIDs) }, want: []string{"sa1", "sa2"}},
		{name: "User", call: func(ctx context.Context, s *Service) (any, error) { return s.User(ctx, "u1") },
			method: "GET", path: "users/u1", resp: userJSON, got: user, want: "u1 admin true [sa1] Design true"},
		{name: "CreateUser", call: func(ctx context.Context, s *Service) (any, error) {
			return s.CreateUser(ctx, &UserParams{Name: "Ann", Email: "ann@example.com", Role: RoleAdmin, SubAccountIDs: []string{"sa1"}})
		}, method: "POST", path: "users", body: `{"name":"Ann","email":"ann@example.com","role":"admin","sub_account_ids":["sa1"]}`,
			resp: userJSON, got: user, want: "u1 admin true [sa1] Design true"},
		{name: "UpdateUser", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateUser(ctx, "u1", &UserParams{Role: RoleBilling, Enabled: bptr(false)})
		}, method: "PUT", path: "users/u1", body: `{"role":"billing","enabled":false}`, resp: userJSON, got: user, want: "u1 admin true [sa1] Design true"},
		{name: "DeleteUser", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUser(ctx, "u1") },
			method: "DELETE", path: "users/u1", resp: okJSON, got: msg, want: "ok"},

		// User groups.
		{name: "UserGroups", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UserGroups(ctx, &UserGroupsOptions{ExtendedDetails: true})
		}, method: "GET", path: "user_groups", query: url.Values{"extended_details": {"true"}},
			resp: `{"user_groups":[{"id":"g1","name":"Design","users":[{"id":"u1","email":"ann@example.com"}]}]}`,
			got:  func(v any) any { return v.(*UserGroupList).UserGroups[0].Users[0].ID }, want: "u1"},
		{name: "UserGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.UserGroup(ctx, "g1", nil) },
			method: "GET", path: "user_groups/g1", resp: grpJSON, got: func(v any) any { return v.(*UserGroup).Name }, want: "Design"},
		{name: "CreateUserGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.CreateUserGroup(ctx, "Design") },
			method: "POST", path: "user_groups", body: `{"name":"Design"}`, resp: grpJSON, got: func(v any) any { return v.(*UserGroup).ID }, want: "g1"},
		{name: "UpdateUserGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.UpdateUserGroup(ctx, "g1", "Designers") },
			method: "PUT", path: "user_groups/g1", body: `{"name":"Designers"}`, resp: grpJSON, got: func(v any) any { return v.(*UserGroup).ID }, want: "g1"},
		{name: "DeleteUserGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.DeleteUserGroup(ctx, "g1") },
			method: "DELETE", path: "user_groups/g1", resp: okJSON, got: msg, want: "ok"},
		{name: "UserGroupUsers", call: func(ctx context.Context, s *Service) (any, error) { return s.UserGroupUsers(ctx, "g1") },
			method: "GET", path: "user_groups/g1/users", resp: membJSON, got: members, want: "ann@example.com"},
		{name: "AddUserToGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.AddUserToGroup(ctx, "g1", "u1") },
			method: "POST", path: "user_groups/g1/users/u1", resp: membJSON, got: members, want: "ann@example.com"},
		{name: "AddUserToGroupSingleAnswer", call: func(ctx context.Context, s *Service) (any, error) { return s.AddUserToGroup(ctx, "g1", "u2") },
			method: "POST", path: "user_groups/g1/users/u2", resp: `{"id":"u2","name":"Bob","email":"bob@example.com"}`, got: members, want: "bob@example.com"},
		{name: "RemoveUserFromGroup", call: func(ctx context.Context, s *Service) (any, error) { return s.RemoveUserFromGroup(ctx, "g1", "u1") },
			method: "DELETE", path: "user_groups/g1/users/u1", resp: `{"users":[]}`, got: func(v any) any { return len(v.(*GroupUsers).Users) }, want: 0},

		// Access keys.
		{name: "AccessKeys", call: func(ctx context.Context, s *Service) (any, error) {
			return s.AccessKeys(ctx, "sa1", &AccessKeysOptions{PageSize: 2, Page: 1, SortBy: SortByName, SortOrder: "asc"})
		}, method: "GET", path: "sub_accounts/sa1/access_keys", query: url.Values{"page_size": {"2"}, "page": {"1"}, "sort_by": {"name"}, "sort_order": {"asc"}},
			resp: `{"access_keys":[` + keyJSON + `],"total":3}`, got: func(v any) any { return v.(*AccessKeyList).Total }, want: 3},
		{name: "GenerateAccessKey", call: func(ctx context.Context, s *Service) (any, error) {
			return s.GenerateAccessKey(ctx, "sa1", &AccessKeyParams{Name: "ci", Enabled: bptr(true)})
		}, method: "POST", path: "sub_accounts/sa1/access_keys", body: `{"name":"ci","enabled":true}`, resp: keyJSON, got: key, want: "ci 814814814814814 true 2024"},
		{name: "UpdateAccessKey", call: func(ctx context.Context, s *Service) (any, error) {
			return s.UpdateAccessKey(ctx, "sa1", "814814814814814", &UpdateAccessKeyParams{Enabled: bptr(false), DedicatedFor: "webhooks"})
		}, method: "PUT", path: "sub_accounts/sa1/access_keys/814814814814814", body: `{"enabled":false,"dedicated_for":"webhooks"}`, resp: keyJSON, got: key, want: "ci 814814814814814 true 2024"},
		{name: "DeleteAccessKey", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteAccessKey(ctx, "sa1", "814814814814814")
		}, method: "DELETE", path: "sub_accounts/sa1/access_keys/814814814814814", resp: okJSON, got: msg, want: "ok"},
		{name: "DeleteAccessKeyByName", call: func(ctx context.Context, s *Service) (any, error) {
			return s.DeleteAccessKeyByName(ctx, "sa1", "ci key")
		}, method: "DELETE", path: "sub_accounts/sa1/access_keys", query: url.Values{"name": {"ci key"}}, resp: okJSON, got: msg, want: "ok"},
	}
}

// TestEndpoints calls every Provisioning API method once against a
// recording server and checks the method, escaped path, query, JSON body,
// Basic auth with the provisioning key, the decoded result and its
// response metadata. The transcript is pinned in testdata/endpoints.golden.
func TestEndpoints(t *testing.T) {
	var transcript strings.Builder
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			s, reqs := recorder(t, 200, tc.resp)
			v, err := tc.call(t.Context(), s)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			rs := reqs()
			if len(rs) != 1 {
				t.Fatalf("%d requests, want 1", len(rs))
			}
			r := rs[0]
			apitest.CheckCall(t, r, tc.method, tc.path, tc.query, tc.body, testKey, testSecret)
			if got := tc.got(v); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %#v, want %#v", got, tc.want)
			}
			if resp := metaOf(v); resp == nil || resp.RequestID != "req-7" || resp.RateLimit.Limit != 1000 {
				t.Errorf("response metadata %+v", resp)
			}
			if out, _ := json.Marshal(v); bytes.Contains(out, []byte(testSecret)) {
				t.Errorf("marshalled result shows the secret: %s", out)
			}
			if out := fmt.Sprintf("%v %+v", v, v); strings.Contains(out, testSecret) {
				t.Errorf("printed result shows the secret: %s", out)
			}
			transcript.WriteString(r.Transcript())
		})
	}
	if !t.Failed() {
		apitest.Golden(t, "endpoints.golden", []byte(transcript.String()))
	}
}

// TestEndpointErrors checks that every method returns a typed
// *client.APIError (matching the client's sentinels) and no result for a
// non-2xx answer, without the secret in the message.
func TestEndpointErrors(t *testing.T) {
	for _, status := range []int{404, 409, 420} {
		for _, tc := range endpointCases() {
			s, _ := recorder(t, status, `{"error":{"message":"Can't find user with id u1"}}`)
			v, err := tc.call(t.Context(), s)
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Message != "Can't find user with id u1" {
				t.Fatalf("%s on %d: err = %v", tc.name, status, err)
			}
			want := map[int]error{404: client.ErrNotFound, 409: client.ErrAlreadyExists, 420: client.ErrRateLimited}[status]
			if !errors.Is(err, want) {
				t.Errorf("%s: errors.Is(%v, %v) false", tc.name, err, want)
			}
			if !reflect.ValueOf(v).IsNil() {
				t.Errorf("%s: result %v on error", tc.name, v)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("%s: error shows the secret", tc.name)
			}
		}
	}
}

func metaOf(v any) *client.Response {
	rv := reflect.ValueOf(v).Elem()
	return rv.FieldByName("Meta").Interface().(client.Meta).Response
}
