package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
)

const provBase = "/v1_1/provisioning/accounts/" + DefaultAccountID

// prov sends a Provisioning API call with the provisioning credentials.
func prov(t testing.TB, s *Server, method, path string, body any) result {
	t.Helper()
	var rd io.Reader
	ct := ""
	if body != nil {
		b, _ := json.Marshal(body)
		rd, ct = bytes.NewReader(b), "application/json"
	}
	req := newReq(method, provBase+path, rd, ct)
	req.SetBasicAuth(DefaultProvisioningKey, DefaultProvisioningSecret)
	return serve(t, s, req)
}

func TestProvisioningAuth(t *testing.T) {
	s := New(fixedClock())
	for _, tc := range []struct {
		user, pass, path string
		status           int
		msg              string
	}{
		{"", "", provBase + "/users", 401, "Must supply api_key"},
		{DefaultAPIKey, DefaultAPISecret, provBase + "/users", 401, "Invalid api_key " + DefaultAPIKey},
		{DefaultProvisioningKey, "wrong", provBase + "/users", 401, "api_secret mismatch"},
		{DefaultProvisioningKey, DefaultProvisioningSecret, "/v1_1/provisioning/accounts/other/users", 401, "Invalid account_id other"},
		{DefaultProvisioningKey, DefaultProvisioningSecret, provBase + "/nope", 404, "Unknown Provisioning API route"},
	} {
		req := newReq("GET", tc.path, nil, "")
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		r := serve(t, s, req)
		if r.status != tc.status || !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("%s as %q: %d %q, want %d %q", tc.path, tc.user, r.status, r.msg(), tc.status, tc.msg)
		}
		if strings.Contains(string(r.body), DefaultProvisioningSecret) {
			t.Errorf("answer echoes the provisioning secret: %s", r.body)
		}
	}
	custom := New(WithProvisioning("acc-1", "pk", "ps"))
	if got := custom.AccountURL("http://127.0.0.1:9/"); got != "account://pk:ps@acc-1?upload_prefix=http://127.0.0.1:9" {
		t.Errorf("AccountURL %q", got)
	}
}

// TestProvisioningState walks sub-accounts, access keys, users, groups and
// members through create, list, update and delete.
func TestProvisioningState(t *testing.T) {
	s := New(fixedClock(), WithSeed(7))
	// The served cloud is the first sub-account, with its configured key.
	l := prov(t, s, "GET", "/sub_accounts", nil)
	mustStatus(t, l, 200)
	subs := l.json["sub_accounts"].([]any)
	main := subs[0].(map[string]any)
	if len(subs) != 1 || main["cloud_name"] != "demo" || main["api_access_keys"].([]any)[0].(map[string]any)["key"] != DefaultAPIKey {
		t.Fatalf("initial sub-accounts %s", l.body)
	}
	mainID := main["id"].(string)

	sa := prov(t, s, "POST", "/sub_accounts", map[string]any{"name": "Shop EU", "cloud_name": "Shop_EU", "custom_attributes": map[string]any{"region": "eu"}, "enabled": true, "base_sub_account_id": mainID})
	mustStatus(t, sa, 200)
	saID := sa.str("id")
	keys := sa.json["api_access_keys"].([]any)
	if sa.str("cloud_name") != "shop_eu" || len(keys) != 1 || len(keys[0].(map[string]any)["secret"].(string)) < 20 || sa.json["custom_attributes"].(map[string]any)["region"] != "eu" {
		t.Fatalf("created sub-account %s", sa.body)
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		msg    string
	}{
		{map[string]any{"cloud_name": "x"}, 400, "Missing required parameter - name"},
		{map[string]any{"name": "n", "cloud_name": "SHOP_eu"}, 409, "Cloud name shop_eu is already taken"},
		{map[string]any{"name": "n", "cloud_name": "bad name"}, 400, "Invalid cloud_name"},
		{map[string]any{"name": "n", "custom_attributes": "[1]"}, 400, "Invalid custom_attributes"},
		{map[string]any{"name": "n", "base_sub_account_id": "nope"}, 404, "Can't find sub account with id nope"},
	} {
		r := prov(t, s, "POST", "/sub_accounts", tc.body)
		if r.status != tc.status || !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("create %v: %d %q, want %d %q", tc.body, r.status, r.msg(), tc.status, tc.msg)
		}
	}
	mustStatus(t, prov(t, s, "PUT", "/sub_accounts/"+saID, map[string]any{"enabled": false, "name": "Shop Europe"}), 200)
	if l := prov(t, s, "GET", "/sub_accounts?enabled=false", nil); len(l.json["sub_accounts"].([]any)) != 1 || l.json["sub_accounts"].([]any)[0].(map[string]any)["name"] != "Shop Europe" {
		t.Fatalf("enabled=false %s", l.body)
	}
	if l := prov(t, s, "GET", "/sub_accounts?prefix=shop", nil); len(l.json["sub_accounts"].([]any)) != 1 {
		t.Fatalf("prefix %s", l.body)
	}
	if l := prov(t, s, "GET", "/sub_accounts?ids="+url.QueryEscape(mainID), nil); len(l.json["sub_accounts"].([]any)) != 1 || l.json["sub_accounts"].([]any)[0].(map[string]any)["id"] != mainID {
		t.Fatalf("ids %s", l.body)
	}

	// Access keys: generate, list sorted and paged, update, delete by key and by name.
	k2 := prov(t, s, "POST", "/sub_accounts/"+saID+"/access_keys", map[string]any{"name": "ci", "enabled": false})
	mustStatus(t, k2, 200)
	if k2.str("name") != "ci" || k2.json["enabled"] != false || len(k2.str("api_key")) != 15 {
		t.Fatalf("generated %s", k2.body)
	}
	if r := prov(t, s, "POST", "/sub_accounts/"+saID+"/access_keys", map[string]any{"name": "ci"}); r.status != 409 {
		t.Fatalf("duplicate name: %d", r.status)
	}
	kl := prov(t, s, "GET", "/sub_accounts/"+saID+"/access_keys?sort_by=name&sort_order=asc&page_size=1&page=2", nil)
	mustStatus(t, kl, 200)
	if kl.num("total") != 2 || len(kl.json["access_keys"].([]any)) != 1 || kl.json["access_keys"].([]any)[0].(map[string]any)["name"] != "key_1" {
		t.Fatalf("keys page 2 by name %s", kl.body)
	}
	up := prov(t, s, "PUT", "/sub_accounts/"+saID+"/access_keys/"+k2.str("api_key"), map[string]any{"enabled": true, "dedicated_for": "webhooks"})
	if up.json["enabled"] != true || up.str("dedicated_for") != "webhooks" {
		t.Fatalf("updated key %s", up.body)
	}
	mustStatus(t, prov(t, s, "DELETE", "/sub_accounts/"+saID+"/access_keys?name=ci", nil), 200)
	if r := prov(t, s, "DELETE", "/sub_accounts/"+saID+"/access_keys/"+k2.str("api_key"), nil); r.status != 404 {
		t.Fatalf("deleted key still there: %d", r.status)
	}
	if r := prov(t, s, "DELETE", "/sub_accounts/"+mainID+"/access_keys/"+DefaultAPIKey, nil); r.status != 400 || !strings.Contains(r.msg(), "does not support") {
		t.Fatalf("deleting the configured key: %d %s", r.status, r.body)
	}

	// Users.
	u := prov(t, s, "POST", "/users", map[string]any{"name": "Ann", "email": "ann@example.com", "role": "technical_admin", "sub_account_ids": []string{saID}})
	mustStatus(t, u, 200)
	uid := u.str("id")
	if u.json["pending"] != true || u.json["sub_account_ids"].([]any)[0] != saID {
		t.Fatalf("user %s", u.body)
	}
	mustStatus(t, prov(t, s, "POST", "/users", map[string]any{"name": "Bob", "email": "bob@example.com", "role": "master_admin"}), 200)
	for _, tc := range []struct {
		body   map[string]any
		status int
		msg    string
	}{
		{map[string]any{"name": "X", "email": "ANN@example.com", "role": "admin"}, 409, "User with email ANN@example.com already exists"},
		{map[string]any{"name": "X", "email": "x@example.com", "role": "boss"}, 400, "Invalid role boss"},
		{map[string]any{"name": "X", "email": "nope", "role": "admin"}, 400, "Invalid email nope"},
		{map[string]any{"name": "X", "email": "x@example.com"}, 400, "Missing required parameter - role"},
		{map[string]any{"name": "X", "email": "x@example.com", "role": "admin", "sub_account_ids": []string{"nope"}}, 404, "Can't find sub account"},
	} {
		r := prov(t, s, "POST", "/users", tc.body)
		if r.status != tc.status || !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("create user %v: %d %q, want %d %q", tc.body, r.status, r.msg(), tc.status, tc.msg)
		}
	}
	names := func(path string) []string {
		r := prov(t, s, "GET", path, nil)
		mustStatus(t, r, 200)
		var out []string
		for _, u := range r.json["users"].([]any) {
			out = append(out, u.(map[string]any)["name"].(string))
		}
		return out
	}
	for path, want := range map[string]string{
		"/users":                                              "Ann Bob",
		"/users?prefix=bo":                                    "Bob",
		"/users?sub_account_id=" + saID:                       "Ann Bob", // Bob is a master admin: every sub-account
		"/users?sub_account_id=" + mainID:                     "Bob",
		"/users?ids=" + uid:                                   "Ann",
		"/users?sort_by=name&sort_order=desc":                 "Bob Ann",
		"/users?page_size=1&page=2":                           "Bob",
		"/users?pending=false":                                "",
		"/users?last_login=true&from=2026-01-01":              "",
		"/users?emails=" + url.QueryEscape("BOB@example.com"): "Bob",
	} {
		if got := strings.Join(names(path), " "); got != want {
			t.Errorf("GET %s: %q, want %q", path, got, want)
		}
	}
	mustStatus(t, prov(t, s, "PUT", "/users/"+uid, map[string]any{"role": "admin", "enabled": false}), 200)
	if g := prov(t, s, "GET", "/users/"+uid, nil); g.str("role") != "admin" || g.json["enabled"] != false {
		t.Fatalf("updated user %s", g.body)
	}

	// Groups and members (Node updates a group with a form body).
	g := prov(t, s, "POST", "/user_groups", map[string]any{"name": "Designers"})
	mustStatus(t, g, 200)
	gid := g.str("id")
	if r := prov(t, s, "POST", "/user_groups", map[string]any{"name": "designers"}); r.status != 409 {
		t.Fatalf("duplicate group: %d", r.status)
	}
	req := newReq("PUT", provBase+"/user_groups/"+gid, strings.NewReader("name=Design"), "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultProvisioningKey, DefaultProvisioningSecret)
	if r := serve(t, s, req); r.str("name") != "Design" {
		t.Fatalf("renamed group %s", r.body)
	}
	add := prov(t, s, "POST", "/user_groups/"+gid+"/users/"+uid, nil)
	mustStatus(t, add, 200)
	if m := add.json["users"].([]any); len(m) != 1 || m[0].(map[string]any)["email"] != "ann@example.com" {
		t.Fatalf("members after add %s", add.body)
	}
	if u := prov(t, s, "GET", "/users/"+uid, nil); u.json["groups"].([]any)[0].(map[string]any)["name"] != "Design" {
		t.Fatalf("user's groups %s", u.body)
	}
	if ext := prov(t, s, "GET", "/user_groups?extended_details=true", nil); len(ext.json["user_groups"].([]any)[0].(map[string]any)["users"].([]any)) != 1 {
		t.Fatalf("extended groups %s", ext.body)
	}
	mustStatus(t, prov(t, s, "DELETE", "/user_groups/"+gid+"/users/"+uid, nil), 200)
	if m := prov(t, s, "GET", "/user_groups/"+gid+"/users", nil); len(m.json["users"].([]any)) != 0 {
		t.Fatalf("members after remove %s", m.body)
	}
	if r := prov(t, s, "DELETE", "/user_groups/"+gid+"/users/"+uid, nil); r.status != 404 {
		t.Fatalf("removing a non-member: %d", r.status)
	}
	mustStatus(t, prov(t, s, "POST", "/user_groups/"+gid+"/users/"+uid, nil), 200)

	// Deletes cascade: a deleted user leaves its groups, a deleted
	// sub-account leaves its users.
	mustStatus(t, prov(t, s, "DELETE", "/sub_accounts/"+saID, nil), 200)
	if u := prov(t, s, "GET", "/users/"+uid, nil); len(u.json["sub_account_ids"].([]any)) != 0 {
		t.Fatalf("user still has the deleted sub-account %s", u.body)
	}
	if d := prov(t, s, "DELETE", "/users/"+uid, nil); d.str("message") != "ok" {
		t.Fatalf("delete user %s", d.body)
	}
	if m := prov(t, s, "GET", "/user_groups/"+gid+"/users", nil); len(m.json["users"].([]any)) != 0 {
		t.Fatalf("deleted user still a member %s", m.body)
	}
	mustStatus(t, prov(t, s, "DELETE", "/user_groups/"+gid, nil), 200)
	mustStatus(t, prov(t, s, "GET", "/user_groups/"+gid, nil), 404)
	if r := prov(t, s, "DELETE", "/sub_accounts/"+mainID, nil); r.status != 400 {
		t.Fatalf("deleting the served cloud: %d", r.status)
	}
	// Reset forgets it all.
	s.Reset()
	if l := prov(t, s, "GET", "/users", nil); len(l.json["users"].([]any)) != 0 {
		t.Fatalf("users after Reset %s", l.body)
	}
}

// TestProvisioningJournalHasNoSecret: the journal of Provisioning API calls
// shows neither the provisioning secret nor the Basic header that carries it.
func TestProvisioningJournalHasNoSecret(t *testing.T) {
	s := New(fixedClock(), WithProvisioning("acc", "pk", "canary-prov-JOURNAL-secret"))
	req := newReq("POST", "/v1_1/provisioning/accounts/acc/user_groups", strings.NewReader(`{"name":"g"}`), "application/json")
	req.SetBasicAuth("pk", "canary-prov-JOURNAL-secret")
	mustStatus(t, serve(t, s, req), 200)
	b, _ := json.Marshal(s.Journal())
	basic := req.Header.Get("Authorization")
	if strings.Contains(string(b), "canary-prov-JOURNAL-secret") || strings.Contains(string(b), strings.TrimPrefix(basic, "Basic ")) {
		t.Fatalf("journal shows the provisioning secret: %s", b)
	}
	if j := s.Journal(); len(j) != 1 || j[0].Route != "provisioning/user_groups" || j[0].Auth != "basic" {
		t.Fatalf("journal %+v", j)
	}
}
