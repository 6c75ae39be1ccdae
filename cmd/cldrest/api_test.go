package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/upload"
)

// seedMock uploads each public ID → content into the mock through the library.
func seedMock(t *testing.T, cloudinaryURL string, assets map[string]string, params upload.Params) {
	t.Helper()
	cfg, err := client.ParseURL(cloudinaryURL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	up := upload.New(c)
	for id, content := range assets {
		p := params
		p.PublicID = id
		p.Overwrite = upload.Bool(true)
		if _, err := up.Upload(context.Background(), upload.FromBytes([]byte(content)), &p); err != nil {
			t.Fatalf("seeding %s: %v", id, err)
		}
	}
}

func TestAPIRequestRouting(t *testing.T) {
	for _, tc := range []struct {
		name           string
		method, path   string
		fields, typed  []string
		wantAPI        client.API
		wantPath       string
		wantParams     url.Values
		wantBody       any
		wantUsageError string
	}{
		{name: "admin get", method: "get", path: "/resources/image?prefix=a", fields: []string{"max_results=5"},
			wantAPI: client.AdminAPI, wantPath: "resources/image", wantParams: url.Values{"prefix": {"a"}, "max_results": {"5"}}},
		{name: "upload signed", method: "POST", path: "image/destroy", fields: []string{"public_id=x", "tags[]=a", "tags[]=b"},
			wantAPI: client.UploadAPI, wantPath: "image/destroy", wantParams: url.Values{"public_id": {"x"}, "tags[]": {"a", "b"}}},
		{name: "admin json body", method: "POST", path: "resources/search", fields: []string{"expression=tags=cats", "with_field=tags", "with_field=context"}, typed: []string{"max_results=10", "x=true", "o={\"a\":1}"},
			wantAPI: client.AdminAPI, wantPath: "resources/search",
			wantBody: map[string]any{"expression": "tags=cats", "with_field": []any{"tags", "context"}, "max_results": int64(10), "x": true, "o": map[string]any{"a": 1.0}}},
		{name: "no fields", method: "DELETE", path: "resources/image/upload", wantAPI: client.AdminAPI, wantPath: "resources/image/upload"},
		{name: "bad method", method: "PATCH", path: "ping", wantUsageError: `method "PATCH"`},
		{name: "bad field", method: "GET", path: "ping", fields: []string{"novalue"}, wantUsageError: `-f "novalue": use key=value`},
		{name: "v1_1 prefix", method: "GET", path: "/v1_1/demo/ping", wantUsageError: "leave out /v1_1/"},
		{name: "empty path", method: "GET", path: "/", wantUsageError: "empty PATH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := apiRequest(tc.method, tc.path, tc.fields, tc.typed)
			if tc.wantUsageError != "" {
				ee, ok := err.(*exitError)
				if !ok || ee.code != exitUsage || !strings.Contains(err.Error(), tc.wantUsageError) {
					t.Fatalf("err = %v, want a usage error with %q", err, tc.wantUsageError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.API != tc.wantAPI || req.Path != tc.wantPath {
				t.Errorf("API %v path %q, want %v %q", req.API, req.Path, tc.wantAPI, tc.wantPath)
			}
			if len(tc.wantParams) > 0 || len(req.Params) > 0 {
				if !reflect.DeepEqual(req.Params, tc.wantParams) {
					t.Errorf("params %v, want %v", req.Params, tc.wantParams)
				}
			}
			if tc.wantBody != nil || req.Body != nil {
				if !reflect.DeepEqual(req.Body, tc.wantBody) {
					t.Errorf("body %#v, want %#v", req.Body, tc.wantBody)
				}
			}
		})
	}
}

func TestE2EAPI(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	seedMock(t, m.url, map[string]string{"api/one": "one", "api/two": "two"}, upload.Params{ResourceType: "raw"})
	seedMock(t, m.url, map[string]string{"api/img": string(testPNG(t))}, upload.Params{})
	env := e2eEnv(m.url)

	// Admin API: the listing of images.
	r := runBin(t, env, "", "api", "GET", "resources/image")
	if r.code != 0 {
		t.Fatalf("api GET resources/image: exit %d: %s", r.code, r.stderr)
	}
	var list struct {
		Resources []struct {
			PublicID     string `json:"public_id"`
			ResourceType string `json:"resource_type"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(list.Resources) != 1 || list.Resources[0].PublicID != "api/img" || list.Resources[0].ResourceType != "image" {
		t.Fatalf("listing = %+v, want api/img alone", list.Resources)
	}
	// Query fields on an Admin GET.
	r = runBin(t, env, "", "api", "GET", "resources/raw/upload", "-f", "prefix=api/", "--raw")
	if r.code != 0 || strings.Count(r.stdout, `"public_id"`) != 2 || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("raw listing: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}

	// Upload API, signed: destroy one raw asset.
	r = runBin(t, env, "", "api", "POST", "raw/destroy", "-f", "public_id=api/one")
	if r.code != 0 || !strings.Contains(r.stdout, `"result": "ok"`) {
		t.Fatalf("destroy: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
	if n := len(m.assets(t)); n != 2 {
		t.Errorf("%d assets left after destroy, want 2", n)
	}

	// A non-2xx answer: the error on stderr, exit 1, nothing on stdout.
	r = runBin(t, env, "", "api", "GET", "resources/image/upload/missing")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "404") || !strings.Contains(r.stderr, "missing") {
		t.Fatalf("missing asset: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// Bad usage: exit 2 before any request.
	r = runBin(t, env, "", "api", "PATCH", "ping")
	if r.code != 2 || !strings.Contains(r.stderr, "use GET, POST, PUT or DELETE") {
		t.Fatalf("PATCH: exit %d, %q", r.code, r.stderr)
	}
	// Rejected credentials: exit 2 and advice.
	bad := strings.Replace(m.url, "@", "x@", 1)
	r = runBin(t, e2eEnv(bad), "", "api", "GET", "ping")
	if r.code != 2 || !strings.Contains(r.stderr, "check the API key and secret") {
		t.Fatalf("bad credentials: exit %d, %q", r.code, r.stderr)
	}
	// --mock needs no configuration.
	r = runBin(t, e2eEnv(""), "", "api", "--mock", "GET", "ping")
	if r.code != 0 || !strings.Contains(r.stdout, `"status": "ok"`) {
		t.Fatalf("api --mock GET ping: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestReadBuildVersion(t *testing.T) {
	v := readBuildVersion(&debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "github.com/cldrest/cldrest", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}})
	if got, want := v.String(), "cldrest v1.2.3 (commit 0123456789ab, modified, 2026-12-01T10:00:00Z) go1.26.1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if v.Commit != "0123456789abcdef0123" || !v.Modified {
		t.Errorf("%+v", v)
	}
	if got := readBuildVersion(nil).String(); !strings.HasPrefix(got, "cldrest (devel) (commit unknown") {
		t.Errorf("nil build info: %q", got)
	}
}

func TestE2EVersion(t *testing.T) {
	t.Parallel()
	a := runBin(t, e2eEnv(""), "", "version")
	b := runBin(t, e2eEnv(""), "", "--version")
	if a.code != 0 || b.code != 0 || a.stdout != b.stdout || !strings.HasPrefix(a.stdout, "cldrest ") {
		t.Fatalf("version %q (exit %d), --version %q (exit %d)", a.stdout, a.code, b.stdout, b.code)
	}
	j := runBin(t, e2eEnv(""), "", "version", "--json")
	var v buildVersion
	if err := json.Unmarshal([]byte(j.stdout), &v); err != nil || v.Module != "github.com/cldrest/cldrest" || v.Version == "" || v.String()+"\n" != a.stdout {
		t.Fatalf("version --json %q: %v %+v", j.stdout, err, v)
	}
}

// testPNG is a small real PNG from the repository's fixtures.
func testPNG(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", "sunset.png"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestE2EAPIAccount runs api --account against the mock's Provisioning API:
// the path goes below the account's root with the provisioning credentials,
// access-key secrets print as [REDACTED] unless --show-secret, and an Upload
// API path is a usage error.
func TestE2EAPIAccount(t *testing.T) {
	t.Parallel()
	_, accountURL := startAccountMock(t)
	env := append(e2eEnv(""), "CLOUDINARY_ACCOUNT_URL="+accountURL)

	r := runBin(t, env, "", "api", "--account", "POST", "sub_accounts", "-f", "name=Shop EU", "-f", "cloud_name=shop_eu")
	if r.code != 0 || !strings.Contains(r.stdout, `"cloud_name": "shop_eu"`) {
		t.Fatalf("api --account POST sub_accounts: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, env, "", "api", "--account", "GET", "sub_accounts")
	if r.code != 0 || !strings.Contains(r.stdout, `"shop_eu"`) {
		t.Fatalf("api --account GET sub_accounts: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
	var list struct {
		SubAccounts []struct {
			Keys []struct {
				Key    string `json:"key"`
				Secret string `json:"secret"`
			} `json:"api_access_keys"`
		} `json:"sub_accounts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	keys := 0
	for _, sa := range list.SubAccounts {
		for _, k := range sa.Keys {
			keys++
			if k.Secret != "[REDACTED]" {
				t.Errorf("key %s: secret %q printed without --show-secret", k.Key, k.Secret)
			}
		}
	}
	if keys == 0 {
		t.Fatalf("no access keys in the listing: %s", r.stdout)
	}
	r = runBin(t, env, "", "api", "--account", "--show-secret", "GET", "sub_accounts")
	if r.code != 0 || strings.Contains(r.stdout, "[REDACTED]") {
		t.Fatalf("--show-secret: exit %d, secrets still redacted: %s", r.code, r.stdout)
	}
	r = runBin(t, env, "", "api", "--account", "GET", "image/upload")
	if r.code != 2 || !strings.Contains(r.stderr, "Upload API path") {
		t.Fatalf("upload path with --account: exit %d, %q", r.code, r.stderr)
	}
	r = runBin(t, env, "", "api", "--account", "GET", "sub_accounts/missing")
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("missing sub-account: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
