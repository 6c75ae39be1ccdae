package mockserver

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The Provisioning API (account management) under
// /v1_1/provisioning/accounts/<account_id>/: sub-accounts (product
// environments) and their access keys, users, user groups and their
// members. It authenticates with the account's provisioning key and secret
// (HTTP Basic), separately from the cloud's API keys, and has its own hourly
// budget of the Admin API's size.
//
// The account's first sub-account is the cloud the mock serves, listing the
// API keys it was started with. Access keys generated through this API are
// kept and listed, but only the configured keys authenticate Upload and
// Admin API calls, and sub-accounts created here are not served as clouds.

// Defaults of the provisioning credentials (see WithProvisioning).
const (
	DefaultAccountID          = "mock-account"
	DefaultProvisioningKey    = "mock_provisioning_key"
	DefaultProvisioningSecret = "mock_provisioning_secret"
)

// provisioningRoot is the path segment after /v1_1/ of the Provisioning API.
const provisioningRoot = "provisioning"

type provisioningConfig struct{ accountID, key, secret string }

// WithProvisioning sets the account ID and the provisioning key and secret
// of the Provisioning API (defaults DefaultAccountID,
// DefaultProvisioningKey, DefaultProvisioningSecret; an empty argument keeps
// its default).
func WithProvisioning(accountID, key, secret string) Option {
	return func(c *config) { c.provisioning = provisioningConfig{accountID, key, secret} }
}

func (s *Server) provisioningCreds() provisioningConfig {
	c := s.cfg.provisioning
	return provisioningConfig{
		accountID: firstNonEmpty(c.accountID, DefaultAccountID),
		key:       firstNonEmpty(c.key, DefaultProvisioningKey),
		secret:    firstNonEmpty(c.secret, DefaultProvisioningSecret),
	}
}

// AccountID returns the account ID the Provisioning API serves.
func (s *Server) AccountID() string { return s.provisioningCreds().accountID }

// AccountURL returns account://KEY:SECRET@ACCOUNT_ID?upload_prefix=baseURL,
// the CLOUDINARY_ACCOUNT_URL of the provisioning credentials.
func (s *Server) AccountURL(baseURL string) string {
	c := s.provisioningCreds()
	return "account://" + c.key + ":" + c.secret + "@" + c.accountID + "?upload_prefix=" + strings.TrimRight(baseURL, "/")
}

// provState is the Provisioning API's state, in parityState.
type provState struct {
	budget budget
	subs   []*subAccount // creation order
	users  []*provUser
	groups []*userGroup
}

type subAccount struct {
	id, name, cloudName string
	enabled             bool
	customAttributes    map[string]any
	createdAt           time.Time
	updatedAt           time.Time
	keys                []*accessKey
}

type accessKey struct {
	name, key, secret string
	enabled           bool
	dedicatedFor      string
	createdAt         time.Time
	updatedAt         time.Time
	configured        bool // one of the keys the mock was started with
}

type provUser struct {
	id, name, email, role string
	pending, enabled      bool
	subAccountIDs         []string
	createdAt, updatedAt  time.Time
}

type userGroup struct {
	id, name             string
	userIDs              []string
	createdAt, updatedAt time.Time
}

// prov returns the provisioning state, creating it (with the served cloud as
// its first sub-account) on first use. The caller holds s.mu.
func (s *Server) prov() *provState {
	ps := &s.st.parity
	if ps.prov == nil {
		now := s.nowUTC()
		main := &subAccount{id: s.newHexID(), name: s.cfg.cloud, cloudName: s.cfg.cloud, enabled: true,
			customAttributes: map[string]any{}, createdAt: now, updatedAt: now}
		for i, c := range s.cfg.creds {
			name := "key_" + itoa(int64(i+1))
			main.keys = append(main.keys, &accessKey{name: name, key: c.key, secret: c.secret, enabled: true, createdAt: now, updatedAt: now, configured: true})
		}
		ps.prov = &provState{budget: budget{limit: s.cfg.adminBudget}, subs: []*subAccount{main}}
	}
	return ps.prov
}

// routeProvisioning routes /v1_1/provisioning/accounts/<account_id>/...
func (s *Server) routeProvisioning(rc *reqCtx, segs []string) (handlerFunc, error) {
	rc.label = "provisioning/unknown"
	if len(segs) < 3 || segs[0] != "accounts" {
		return nil, notFound("Not found: expected /v1_1/provisioning/accounts/<account_id>/<path>")
	}
	rc.label = "provisioning/" + segs[2]
	if segs[1] != s.AccountID() {
		return nil, unauthorized("Invalid account_id %s", segs[1])
	}
	rc.segs = segs[2:]
	return s.provisioningEntry, nil
}

// authProvisioning checks HTTP Basic provisioning_key:provisioning_secret.
func (rc *reqCtx) authProvisioning() error {
	h := strings.TrimSpace(rc.r.Header.Get("Authorization"))
	if h == "" {
		return unauthorized("Must supply api_key")
	}
	scheme, cred, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "basic") {
		return unauthorized("The Provisioning API takes Basic authentication with the provisioning key and secret")
	}
	raw, ok := decodeBase64Any(strings.TrimSpace(cred))
	key, secret, found := strings.Cut(raw, ":")
	if !ok || !found || key == "" {
		return unauthorized("Invalid Authorization header: Basic credentials are not base64 of key:secret")
	}
	want := rc.s.provisioningCreds()
	if subtle.ConstantTimeCompare([]byte(key), []byte(want.key)) != 1 {
		return unauthorized("Invalid api_key %s", key)
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(want.secret)) != 1 {
		return unauthorized("api_secret mismatch")
	}
	rc.auth = authInfo{mode: "basic", key: key}
	return nil
}

// provisioningEntry authenticates, charges the budget and dispatches.
func (s *Server) provisioningEntry(rc *reqCtx) (any, error) {
	if err := rc.authProvisioning(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	b := &s.prov().budget
	s.mu.Unlock()
	if err := s.charge(rc, b); err != nil {
		return nil, err
	}
	if err := rc.parse(nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.prov()
	m, segs := rc.r.Method, rc.segs
	if m == http.MethodHead {
		m = http.MethodGet
	}
	switch segs[0] {
	case "sub_accounts":
		return s.provSubAccounts(rc, ps, m, segs[1:])
	case "users":
		return s.provUsers(rc, ps, m, segs[1:])
	case "user_groups":
		return s.provGroups(rc, ps, m, segs[1:])
	}
	return nil, notFound("Unknown Provisioning API route %s", rc.r.URL.Path)
}

// JSON shapes of the Provisioning API.

type apiAccessKeyJSON struct {
	Key     string `json:"key"`
	Secret  string `json:"secret"`
	Enabled bool   `json:"enabled"`
}

type subAccountJSON struct {
	ID               string             `json:"id"`
	Name             string             `json:"name"`
	CloudName        string             `json:"cloud_name"`
	Enabled          bool               `json:"enabled"`
	CustomAttributes map[string]any     `json:"custom_attributes"`
	APIAccessKeys    []apiAccessKeyJSON `json:"api_access_keys"`
	CreatedAt        string             `json:"created_at"`
	UpdatedAt        string             `json:"updated_at"`
}

type subAccountList struct {
	SubAccounts []subAccountJSON `json:"sub_accounts"`
}

type accessKeyJSON struct {
	Name         string `json:"name"`
	APIKey       string `json:"api_key"`
	APISecret    string `json:"api_secret"`
	Enabled      bool   `json:"enabled"`
	DedicatedFor string `json:"dedicated_for,omitempty"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

type accessKeyList struct {
	AccessKeys []accessKeyJSON `json:"access_keys"`
	Total      int             `json:"total"`
}

type groupSummaryJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userJSON struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Role           string             `json:"role"`
	Email          string             `json:"email"`
	Pending        bool               `json:"pending"`
	Enabled        bool               `json:"enabled"`
	CreatedAt      string             `json:"created_at"`
	UpdatedAt      string             `json:"updated_at"`
	LastLogin      *string            `json:"last_login"`
	AllSubAccounts bool               `json:"all_sub_accounts"`
	Groups         []groupSummaryJSON `json:"groups"`
	SubAccountIDs  []string           `json:"sub_account_ids"`
}

type userList struct {
	Users []userJSON `json:"users"`
}

type groupUserJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type groupJSON struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Users     []groupUserJSON `json:"users,omitempty"`
	CreatedAt string          `json:"created_at,omitempty"`
	UpdatedAt string          `json:"updated_at,omitempty"`
}

type groupList struct {
	UserGroups []groupJSON `json:"user_groups"`
}

type groupUsers struct {
	Users []groupUserJSON `json:"users"`
}

type messageResponse struct {
	Message string `json:"message"`
}

var okMessage = messageResponse{Message: "ok"}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (sa *subAccount) json() subAccountJSON {
	out := subAccountJSON{ID: sa.id, Name: sa.name, CloudName: sa.cloudName, Enabled: sa.enabled,
		CustomAttributes: sa.customAttributes, APIAccessKeys: []apiAccessKeyJSON{},
		CreatedAt: rfc3339(sa.createdAt), UpdatedAt: rfc3339(sa.updatedAt)}
	for _, k := range sa.keys {
		out.APIAccessKeys = append(out.APIAccessKeys, apiAccessKeyJSON{k.key, k.secret, k.enabled})
	}
	return out
}

func (k *accessKey) json() accessKeyJSON {
	return accessKeyJSON{Name: k.name, APIKey: k.key, APISecret: k.secret, Enabled: k.enabled, DedicatedFor: k.dedicatedFor,
		CreatedAt: rfc3339(k.createdAt), UpdatedAt: rfc3339(k.updatedAt)}
}

func (ps *provState) userJSON(u *provUser) userJSON {
	out := userJSON{ID: u.id, Name: u.name, Role: u.role, Email: u.email, Pending: u.pending, Enabled: u.enabled,
		CreatedAt: rfc3339(u.createdAt), UpdatedAt: rfc3339(u.updatedAt), AllSubAccounts: u.role == "master_admin",
		Groups: []groupSummaryJSON{}, SubAccountIDs: append([]string{}, u.subAccountIDs...)}
	for _, g := range ps.groups {
		if slices.Contains(g.userIDs, u.id) {
			out.Groups = append(out.Groups, groupSummaryJSON{g.id, g.name})
		}
	}
	return out
}

func (ps *provState) members(g *userGroup) []groupUserJSON {
	out := []groupUserJSON{}
	for _, id := range g.userIDs {
		if u := ps.user(id); u != nil {
			out = append(out, groupUserJSON{u.id, u.name, u.email})
		}
	}
	return out
}

func (ps *provState) groupJSON(g *userGroup, extended bool) groupJSON {
	out := groupJSON{ID: g.id, Name: g.name}
	if extended {
		out.Users = ps.members(g)
		out.CreatedAt, out.UpdatedAt = rfc3339(g.createdAt), rfc3339(g.updatedAt)
	}
	return out
}

func (ps *provState) sub(id string) *subAccount {
	i := slices.IndexFunc(ps.subs, func(sa *subAccount) bool { return sa.id == id })
	if i < 0 {
		return nil
	}
	return ps.subs[i]
}

func (ps *provState) user(id string) *provUser {
	i := slices.IndexFunc(ps.users, func(u *provUser) bool { return u.id == id })
	if i < 0 {
		return nil
	}
	return ps.users[i]
}

func (ps *provState) group(id string) *userGroup {
	i := slices.IndexFunc(ps.groups, func(g *userGroup) bool { return g.id == id })
	if i < 0 {
		return nil
	}
	return ps.groups[i]
}

func subNotFound(id string) error   { return notFound("Can't find sub account with id %s", id) }
func userNotFound(id string) error  { return notFound("Can't find user with id %s", id) }
func groupNotFound(id string) error { return notFound("Can't find user group with id %s", id) }

var cloudNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// optBool reads a boolean that may be absent (set false).
func optBool(p *params, name string) (v, set bool, err error) {
	if !p.has(name) {
		return false, false, nil
	}
	v, err = p.boolean(name, false)
	return v, err == nil, err
}

// jsonObjectParam reads a parameter that must be a JSON object.
func jsonObjectParam(p *params, name string) (map[string]any, error) {
	var obj map[string]any
	if err := json.Unmarshal([]byte(p.get(name)), &obj); err != nil || obj == nil {
		return nil, badRequest("Invalid %s: must be a JSON object", name)
	}
	return obj, nil
}

// provSubAccounts serves /sub_accounts[/<id>[/access_keys[/<key>]]].
func (s *Server) provSubAccounts(rc *reqCtx, ps *provState, m string, segs []string) (any, error) {
	p := rc.p
	if len(segs) == 0 {
		switch m {
		case http.MethodGet:
			return s.listSubAccounts(ps, p)
		case http.MethodPost:
			return s.createSubAccount(rc, ps, p)
		}
		return nil, methodNotAllowed(m)
	}
	sa := ps.sub(segs[0])
	if sa == nil {
		return nil, subNotFound(segs[0])
	}
	if len(segs) > 1 {
		if segs[1] != "access_keys" || len(segs) > 3 {
			return nil, notFound("Unknown Provisioning API route %s", rc.r.URL.Path)
		}
		return s.provAccessKeys(rc, sa, m, segs[2:])
	}
	switch m {
	case http.MethodGet:
		return sa.json(), nil
	case http.MethodPut:
		if err := s.applySubAccount(ps, sa, p); err != nil {
			return nil, err
		}
		sa.updatedAt = s.nowUTC()
		rc.applied = true
		return sa.json(), nil
	case http.MethodDelete:
		if sa.cloudName == s.cfg.cloud {
			return nil, unsupported("deleting the product environment it serves (" + s.cfg.cloud + ")")
		}
		ps.subs = slices.DeleteFunc(ps.subs, func(x *subAccount) bool { return x == sa })
		for _, u := range ps.users {
			u.subAccountIDs = slices.DeleteFunc(u.subAccountIDs, func(id string) bool { return id == sa.id })
		}
		rc.applied = true
		return okMessage, nil
	}
	return nil, methodNotAllowed(m)
}

func (s *Server) listSubAccounts(ps *provState, p *params) (any, error) {
	enabled, filterEnabled, err := optBool(p, "enabled")
	if err != nil {
		return nil, err
	}
	ids := p.list("ids")
	prefix := strings.ToLower(p.get("prefix"))
	out := subAccountList{SubAccounts: []subAccountJSON{}}
	for _, sa := range ps.subs {
		switch {
		case len(ids) > 0:
			if !slices.Contains(ids, sa.id) {
				continue
			}
		case filterEnabled && sa.enabled != enabled, !strings.HasPrefix(strings.ToLower(sa.name), prefix):
			continue
		}
		out.SubAccounts = append(out.SubAccounts, sa.json())
	}
	return out, nil
}

func (s *Server) createSubAccount(rc *reqCtx, ps *provState, p *params) (any, error) {
	if !p.has("name") {
		return nil, missingParam("name")
	}
	now := s.nowUTC()
	sa := &subAccount{id: s.newHexID(), enabled: true, customAttributes: map[string]any{}, createdAt: now, updatedAt: now}
	if base := p.get("base_sub_account_id"); base != "" && ps.sub(base) == nil {
		return nil, subNotFound(base)
	}
	if !p.has("cloud_name") {
		sa.cloudName = "c-" + s.randString(12, lowerAlnum)
	}
	if err := s.applySubAccount(ps, sa, p); err != nil {
		return nil, err
	}
	sa.keys = []*accessKey{s.newAccessKey("key_1", true, now)}
	ps.subs = append(ps.subs, sa)
	rc.applied = true
	return sa.json(), nil
}

// applySubAccount copies the sent name, cloud_name, custom_attributes and
// enabled into sa.
func (s *Server) applySubAccount(ps *provState, sa *subAccount, p *params) error {
	if p.has("name") {
		sa.name = p.get("name")
	}
	if p.has("cloud_name") {
		cn := strings.ToLower(p.get("cloud_name"))
		if !cloudNameRe.MatchString(cn) {
			return badRequest("Invalid cloud_name %s: use letters, digits, underscores and hyphens", cn)
		}
		for _, other := range ps.subs {
			if other != sa && other.cloudName == cn {
				return conflict("Cloud name %s is already taken", cn)
			}
		}
		if sa.cloudName == s.cfg.cloud && cn != sa.cloudName {
			return unsupported("renaming the product environment it serves (" + s.cfg.cloud + ")")
		}
		sa.cloudName = cn
	}
	if p.has("custom_attributes") {
		obj, err := jsonObjectParam(p, "custom_attributes")
		if err != nil {
			return err
		}
		sa.customAttributes = obj
	}
	if v, set, err := optBool(p, "enabled"); err != nil {
		return err
	} else if set {
		sa.enabled = v
	}
	return nil
}

func (s *Server) newAccessKey(name string, enabled bool, now time.Time) *accessKey {
	return &accessKey{name: name, key: s.randString(15, "0123456789"),
		secret:  s.randString(27, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		enabled: enabled, createdAt: now, updatedAt: now}
}

// provAccessKeys serves /sub_accounts/<id>/access_keys[/<key>].
func (s *Server) provAccessKeys(rc *reqCtx, sa *subAccount, m string, segs []string) (any, error) {
	p := rc.p
	if len(segs) == 0 {
		switch m {
		case http.MethodGet:
			return listAccessKeys(sa, p)
		case http.MethodPost:
			name := p.get("name")
			if name == "" {
				name = "key_" + itoa(int64(len(sa.keys)+1))
			}
			if slices.ContainsFunc(sa.keys, func(k *accessKey) bool { return k.name == name }) {
				return nil, conflict("Access key with name %s already exists", name)
			}
			enabled, set, err := optBool(p, "enabled")
			if err != nil {
				return nil, err
			}
			k := s.newAccessKey(name, enabled || !set, s.nowUTC())
			sa.keys = append(sa.keys, k)
			rc.applied = true
			return k.json(), nil
		case http.MethodDelete:
			name := p.get("name")
			if name == "" {
				return nil, missingParam("name")
			}
			return s.deleteAccessKey(rc, sa, func(k *accessKey) bool { return k.name == name }, name)
		}
		return nil, methodNotAllowed(m)
	}
	key := segs[0]
	switch m {
	case http.MethodPut:
		i := slices.IndexFunc(sa.keys, func(k *accessKey) bool { return k.key == key })
		if i < 0 {
			return nil, notFound("Can't find access key %s", key)
		}
		k := sa.keys[i]
		if k.configured {
			return nil, unsupported("changing the API keys it was started with")
		}
		if p.has("name") {
			name := p.get("name")
			if slices.ContainsFunc(sa.keys, func(o *accessKey) bool { return o != k && o.name == name }) {
				return nil, conflict("Access key with name %s already exists", name)
			}
			k.name = name
		}
		if v, set, err := optBool(p, "enabled"); err != nil {
			return nil, err
		} else if set {
			k.enabled = v
		}
		if p.has("dedicated_for") {
			k.dedicatedFor = p.get("dedicated_for")
		}
		k.updatedAt = s.nowUTC()
		rc.applied = true
		return k.json(), nil
	case http.MethodDelete:
		return s.deleteAccessKey(rc, sa, func(k *accessKey) bool { return k.key == key }, key)
	}
	return nil, methodNotAllowed(m)
}

func (s *Server) deleteAccessKey(rc *reqCtx, sa *subAccount, match func(*accessKey) bool, what string) (any, error) {
	i := slices.IndexFunc(sa.keys, match)
	if i < 0 {
		return nil, notFound("Can't find access key %s", what)
	}
	if sa.keys[i].configured {
		return nil, unsupported("deleting the API keys it was started with")
	}
	sa.keys = slices.Delete(sa.keys, i, i+1)
	rc.applied = true
	return okMessage, nil
}

// listAccessKeys pages (page, page_size) and sorts (sort_by api_key,
// created_at, name or enabled; sort_order desc by default) access keys.
func listAccessKeys(sa *subAccount, p *params) (any, error) {
	keys := slices.Clone(sa.keys)
	by := firstNonEmpty(p.get("sort_by"), "created_at")
	order := firstNonEmpty(p.get("sort_order"), "desc")
	if order != "asc" && order != "desc" {
		return nil, badRequest("Invalid sort_order %s: use asc or desc", order)
	}
	var less func(a, b *accessKey) int
	switch by {
	case "api_key":
		less = func(a, b *accessKey) int { return cmp.Compare(a.key, b.key) }
	case "name":
		less = func(a, b *accessKey) int { return cmp.Compare(a.name, b.name) }
	case "enabled":
		less = func(a, b *accessKey) int { return cmp.Compare(boolInt(a.enabled), boolInt(b.enabled)) }
	case "created_at":
		less = func(a, b *accessKey) int { return a.createdAt.Compare(b.createdAt) }
	default:
		return nil, badRequest("Invalid sort_by %s: use api_key, created_at, name or enabled", by)
	}
	slices.SortStableFunc(keys, func(a, b *accessKey) int {
		if order == "desc" {
			return less(b, a)
		}
		return less(a, b)
	})
	pg, err := pageOf(keys, p)
	if err != nil {
		return nil, err
	}
	out := accessKeyList{AccessKeys: []accessKeyJSON{}, Total: len(keys)}
	for _, k := range pg {
		out.AccessKeys = append(out.AccessKeys, k.json())
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageOf applies page (from 1) and page_size; without page_size every item
// is returned.
func pageOf[T any](items []T, p *params) ([]T, error) {
	size, err := p.integer("page_size", 0)
	if err != nil {
		return nil, err
	}
	page, err := p.integer("page", 1)
	if err != nil {
		return nil, err
	}
	if size < 0 || page < 1 {
		return nil, badRequest("Invalid paging: page starts at 1 and page_size must be positive")
	}
	if size == 0 {
		return items, nil
	}
	start := (page - 1) * size
	if start >= int64(len(items)) {
		return nil, nil
	}
	return items[start:min(start+size, int64(len(items)))], nil
}

var userRoles = []string{"master_admin", "admin", "billing", "technical_admin", "reports", "media_library_admin", "media_library_user"}

// provUsers serves /users[/<id>].
func (s *Server) provUsers(rc *reqCtx, ps *provState, m string, segs []string) (any, error) {
	p := rc.p
	if len(segs) == 0 {
		switch m {
		case http.MethodGet:
			return s.listUsers(ps, p)
		case http.MethodPost:
			for _, name := range []string{"name", "email", "role"} {
				if !p.has(name) {
					return nil, missingParam(name)
				}
			}
			now := s.nowUTC()
			u := &provUser{id: s.newHexID()[:30], pending: true, enabled: true, createdAt: now, updatedAt: now}
			if err := applyUser(ps, u, p); err != nil {
				return nil, err
			}
			ps.users = append(ps.users, u)
			rc.applied = true
			return ps.userJSON(u), nil
		}
		return nil, methodNotAllowed(m)
	}
	if len(segs) != 1 {
		return nil, notFound("Unknown Provisioning API route %s", rc.r.URL.Path)
	}
	u := ps.user(segs[0])
	if u == nil {
		return nil, userNotFound(segs[0])
	}
	switch m {
	case http.MethodGet:
		return ps.userJSON(u), nil
	case http.MethodPut:
		if err := applyUser(ps, u, p); err != nil {
			return nil, err
		}
		u.updatedAt = s.nowUTC()
		rc.applied = true
		return ps.userJSON(u), nil
	case http.MethodDelete:
		ps.users = slices.DeleteFunc(ps.users, func(x *provUser) bool { return x == u })
		for _, g := range ps.groups {
			g.userIDs = slices.DeleteFunc(g.userIDs, func(id string) bool { return id == u.id })
		}
		rc.applied = true
		return okMessage, nil
	}
	return nil, methodNotAllowed(m)
}

// applyUser copies the sent name, email, role, sub_account_ids and enabled
// into u, checking them.
func applyUser(ps *provState, u *provUser, p *params) error {
	if p.has("name") {
		u.name = p.get("name")
	}
	if p.has("email") {
		email := p.get("email")
		if at := strings.IndexByte(email, '@'); at < 1 || at == len(email)-1 {
			return badRequest("Invalid email %s", email)
		}
		for _, o := range ps.users {
			if o != u && strings.EqualFold(o.email, email) {
				return conflict("User with email %s already exists", email)
			}
		}
		u.email = email
	}
	if p.has("role") {
		role := p.get("role")
		if !slices.Contains(userRoles, role) {
			return badRequest("Invalid role %s: use one of %s", role, strings.Join(userRoles, ", "))
		}
		u.role = role
	}
	if p.has("sub_account_ids") || p.has("sub_account_ids[]") {
		ids := p.list("sub_account_ids")
		for _, id := range ids {
			if ps.sub(id) == nil {
				return subNotFound(id)
			}
		}
		u.subAccountIDs = ids
	}
	if v, set, err := optBool(p, "enabled"); err != nil {
		return err
	} else if set {
		u.enabled = v
	}
	return nil
}

// listUsers filters users: ids (or emails) win over everything else;
// otherwise pending, prefix (name or email), sub_account_id and last_login
// (the mock's users never logged in), then sort_by/sort_order and paging.
func (s *Server) listUsers(ps *provState, p *params) (any, error) {
	ids, emails := p.list("ids"), p.list("emails")
	pending, filterPending, err := optBool(p, "pending")
	if err != nil {
		return nil, err
	}
	lastLogin, filterLogin, err := optBool(p, "last_login")
	if err != nil {
		return nil, err
	}
	prefix, subID := strings.ToLower(p.get("prefix")), p.get("sub_account_id")
	var sel []*provUser
	for _, u := range ps.users {
		switch {
		case len(ids) > 0 || len(emails) > 0:
			if !slices.Contains(ids, u.id) && !slices.ContainsFunc(emails, func(e string) bool { return strings.EqualFold(e, u.email) }) {
				continue
			}
		case filterPending && u.pending != pending,
			prefix != "" && !strings.HasPrefix(strings.ToLower(u.name), prefix) && !strings.HasPrefix(strings.ToLower(u.email), prefix),
			subID != "" && u.role != "master_admin" && !slices.Contains(u.subAccountIDs, subID),
			filterLogin && lastLogin:
			continue
		}
		sel = append(sel, u)
	}
	by := firstNonEmpty(p.get("sort_by"), "created_at")
	order := firstNonEmpty(p.get("sort_order"), "asc")
	// created_at and activity keep creation order (the mock's users never
	// act); the others sort by their text.
	keys := map[string]func(*provUser) string{
		"name":   func(u *provUser) string { return strings.ToLower(u.name) },
		"role":   func(u *provUser) string { return u.role },
		"status": func(u *provUser) string { return map[bool]string{true: "pending", false: "active"}[u.pending] },
	}
	key, known := keys[by]
	if !known && by != "created_at" && by != "activity" || order != "asc" && order != "desc" {
		return nil, badRequest("Invalid sorting %s %s: sort_by name, role, status, activity or created_at; sort_order asc or desc", by, order)
	}
	if key != nil {
		slices.SortStableFunc(sel, func(a, b *provUser) int { return cmp.Compare(key(a), key(b)) })
	}
	if order == "desc" {
		slices.Reverse(sel)
	}
	pg, err := pageOf(sel, p)
	if err != nil {
		return nil, err
	}
	out := userList{Users: []userJSON{}}
	for _, u := range pg {
		out.Users = append(out.Users, ps.userJSON(u))
	}
	return out, nil
}

// provGroups serves /user_groups[/<id>[/users[/<user_id>]]].
func (s *Server) provGroups(rc *reqCtx, ps *provState, m string, segs []string) (any, error) {
	p := rc.p
	extended, err := p.boolean("extended_details", false)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		switch m {
		case http.MethodGet:
			out := groupList{UserGroups: []groupJSON{}}
			for _, g := range ps.groups {
				out.UserGroups = append(out.UserGroups, ps.groupJSON(g, extended))
			}
			return out, nil
		case http.MethodPost:
			name := p.get("name")
			if name == "" {
				return nil, missingParam("name")
			}
			if err := uniqueGroupName(ps, nil, name); err != nil {
				return nil, err
			}
			now := s.nowUTC()
			g := &userGroup{id: s.newHexID()[:30], name: name, createdAt: now, updatedAt: now}
			ps.groups = append(ps.groups, g)
			rc.applied = true
			return ps.groupJSON(g, extended), nil
		}
		return nil, methodNotAllowed(m)
	}
	g := ps.group(segs[0])
	if g == nil {
		return nil, groupNotFound(segs[0])
	}
	switch {
	case len(segs) == 1 && m == http.MethodGet:
		return ps.groupJSON(g, extended), nil
	case len(segs) == 1 && m == http.MethodPut:
		name := p.get("name")
		if name == "" {
			return nil, missingParam("name")
		}
		if err := uniqueGroupName(ps, g, name); err != nil {
			return nil, err
		}
		g.name, g.updatedAt = name, s.nowUTC()
		rc.applied = true
		return ps.groupJSON(g, extended), nil
	case len(segs) == 1 && m == http.MethodDelete:
		ps.groups = slices.DeleteFunc(ps.groups, func(x *userGroup) bool { return x == g })
		rc.applied = true
		return okMessage, nil
	case len(segs) == 2 && segs[1] == "users" && m == http.MethodGet:
		return groupUsers{Users: ps.members(g)}, nil
	case len(segs) == 3 && segs[1] == "users" && (m == http.MethodPost || m == http.MethodDelete):
		u := ps.user(segs[2])
		if u == nil {
			return nil, userNotFound(segs[2])
		}
		in := slices.Contains(g.userIDs, u.id)
		switch {
		case m == http.MethodPost && !in:
			g.userIDs = append(g.userIDs, u.id)
		case m == http.MethodDelete && !in:
			return nil, notFound("User %s is not a member of user group %s", u.id, g.id)
		case m == http.MethodDelete:
			g.userIDs = slices.DeleteFunc(g.userIDs, func(id string) bool { return id == u.id })
		}
		g.updatedAt = s.nowUTC()
		rc.applied = true
		return groupUsers{Users: ps.members(g)}, nil
	case len(segs) > 1 && segs[1] != "users", len(segs) > 3:
		return nil, notFound("Unknown Provisioning API route %s", rc.r.URL.Path)
	}
	return nil, methodNotAllowed(m)
}

func uniqueGroupName(ps *provState, self *userGroup, name string) error {
	for _, o := range ps.groups {
		if o != self && strings.EqualFold(o.name, name) {
			return conflict("User group with name %s already exists", name)
		}
	}
	return nil
}
