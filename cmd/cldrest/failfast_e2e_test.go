package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
)

// uploadRequests counts the requests to the Upload API in the mock's
// request journal.
func (m *mockProc) uploadRequests(t *testing.T) int {
	t.Helper()
	var j struct {
		Entries []struct {
			Route string `json:"route"`
		} `json:"entries"`
	}
	m.ctl(t, "GET", "journal", nil, &j)
	n := 0
	for _, e := range j.Entries {
		if strings.HasPrefix(e.Route, "upload/") {
			n++
		}
	}
	return n
}

// lastLine is the last line of s; errorLines counts the "cldrest:" lines of
// stderr other than the mock's notice.
func errorLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.Contains(l, "in-process mock") {
			out = append(out, l)
		}
	}
	return out
}

// TestE2EFailFast: a setup no file can succeed with stops the job before
// (or soon after) the first file, with exit 2 and one line of advice; the
// count of upload requests the mock saw shows that it stopped early.
func TestE2EFailFast(t *testing.T) {
	t.Parallel()
	n := sizes(1000, 300)
	dir, _ := sharedFiles(t, n, "")
	m := startMockInProc(t)
	tests := []struct {
		name        string
		env         []string
		setup       func()
		maxRequests int
		advice      string
	}{
		{name: "no API key", env: append(e2eEnv(""), "CLOUDINARY_CLOUD_NAME=demo", "CLOUDINARY_UPLOAD_PREFIX="+m.base),
			maxRequests: 0, advice: "--unsigned-preset"},
		{name: "unreachable host", env: e2eEnv("cloudinary://123:" + cmdCanary + "@demo?upload_prefix=http://127.0.0.1:1"),
			maxRequests: 0, advice: "cannot reach the API host"},
		{name: "credentials rejected", env: e2eEnv(m.url), maxRequests: 8 + 1,
			setup: func() {
				m.ctl(t, "POST", "faults", map[string]any{"route": "upload/*", "kind": "status", "status": 401, "message": "Invalid Signature"}, nil)
			}, advice: "rejected the credentials"},
		{name: "stale clock", env: e2eEnv(m.url), maxRequests: 8 + 1,
			setup: func() { m.ctl(t, "POST", "clock", map[string]any{"advance": "3h"}, nil) }, advice: "clock"},
		{name: "connections reset", env: e2eEnv(m.url), maxRequests: (5 + 8) * 2,
			setup:  func() { m.ctl(t, "POST", "faults", map[string]any{"route": "upload/*", "kind": "reset"}, nil) },
			advice: "cannot reach the API host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.ctl(t, "POST", "reset", nil, nil)
			if tt.setup != nil {
				tt.setup()
			}
			r := runBin(t, tt.env, "", "upload", "--no-journal", "--retries", "2", "--retry-wait", "10ms", dir)
			lines := errorLines(r.stderr)
			if r.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tt.advice) {
				t.Errorf("exit %d, stderr %q: want exit 2 and one line with %q", r.code, r.stderr, tt.advice)
			}
			if got := m.uploadRequests(t); got > tt.maxRequests {
				t.Errorf("%d upload requests for %d files, want at most %d (stop early)", got, n, tt.maxRequests)
			}
			noCanary(t, r.stdout, r.stderr)
			if secret := mockSecret(t, m); strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("output contains the mock's API secret")
			}
		})
	}
}

// TestE2EUnsignedPreset uploads without any API key or secret through an
// unsigned preset.
func TestE2EUnsignedPreset(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	cfg, err := client.ParseURL(m.url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := admin.New(c).CreateUploadPreset(context.Background(), &admin.UploadPresetParams{Name: "open", Unsigned: &yes}); err != nil {
		t.Fatal(err)
	}
	dir, want := makeFiles(t, 12, "")
	env := append(e2eEnv(""), "CLOUDINARY_CLOUD_NAME="+cfg.CloudName, "CLOUDINARY_UPLOAD_PREFIX="+m.base)
	r := runBin(t, env, "", "upload", "--no-journal", "--unsigned-preset", "open", "--json", dir)
	files, sum := jsonLines(t, r.stdout)
	if r.code != 0 || sum["uploaded"].(float64) != 12 || len(files) != 12 {
		t.Fatalf("exit %d, summary %v, stderr %s", r.code, sum, r.stderr)
	}
	checkAssets(t, m, want)
	// A rerun keeps what is there (unsigned uploads cannot overwrite).
	r = runBin(t, env, "", "upload", "--no-journal", "--unsigned-preset", "open", "--json", dir)
	if _, sum := jsonLines(t, r.stdout); r.code != 0 || sum["exists"].(float64) != 12 {
		t.Errorf("rerun: exit %d, summary %v, stderr %s", r.code, sum, r.stderr)
	}
	if r := runBin(t, env, "", "upload", "--unsigned-preset", "open", "--overwrite", dir); r.code != 2 || !strings.Contains(r.stderr, "--overwrite") {
		t.Errorf("--overwrite with --unsigned-preset: exit %d, %s", r.code, r.stderr)
	}
}

// TestE2EFailedListRetry: --failed names the failed files in a list that
// "upload -" reads back, retrying exactly those, under the same public IDs.
func TestE2EFailedListRetry(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	dir, want := makeFiles(t, 10, "shop")
	m.ctl(t, "POST", "faults", map[string]any{"route": "upload/*", "kind": "status", "status": 400, "message": "Invalid image file", "count": 4}, nil)
	list := filepath.Join(t.TempDir(), "failed.txt")
	r := runBin(t, e2eEnv(m.url), "", "upload", "--no-journal", "--folder", "shop", "--json", "--failed", list, dir)
	files, _ := jsonLines(t, r.stdout)
	failed := map[string]bool{}
	for _, f := range files {
		if f["status"] == "failed" {
			failed[f["public_id"].(string)] = true
		}
	}
	if r.code != 1 || len(failed) != 4 {
		t.Fatalf("exit %d, %d failed; stderr %s", r.code, len(failed), r.stderr)
	}
	b, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(e2eBin, "upload", "--no-journal", "--folder", "shop", "--json", "-")
	cmd.Env, cmd.Stdin = e2eEnv(m.url), bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("retry: %v\nlist:\n%s", err, b)
	}
	files, _ = jsonLines(t, string(out))
	got := map[string]bool{}
	for _, f := range files {
		if f["status"] != "uploaded" {
			t.Errorf("retry: %v", f)
		}
		got[f["public_id"].(string)] = true
	}
	if !reflect.DeepEqual(got, failed) {
		t.Errorf("retried %v, want exactly the failed %v", got, failed)
	}
	checkAssets(t, m, want)
}

// TestE2ERerunAppliesNewOptions: a rerun with a new --tags value uploads
// every file again (the journal keys a file by its bytes and the options),
// says so, and leaves every asset carrying the tag; a further rerun skips.
func TestE2ERerunAppliesNewOptions(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	const n = 10
	dir, want := makeFiles(t, n, "")
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	up := func(extra ...string) ([]map[string]any, map[string]any) {
		t.Helper()
		r := runBin(t, e2eEnv(m.url), "", append([]string{"upload", "--journal", journal, "--json", dir}, extra...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return jsonLines(t, r.stdout)
	}
	up()
	if _, sum := up(); sum["skipped"].(float64) != n {
		t.Fatalf("rerun with the same options: %v", sum)
	}
	files, sum := up("--tags", "summer")
	if sum["uploaded"].(float64) != n {
		t.Fatalf("rerun with --tags: %v", sum)
	}
	for _, f := range files {
		if f["reason"] != "options_changed" {
			t.Errorf("%v: want reason options_changed", f)
		}
	}
	cfg, _ := client.ParseURL(m.url)
	c, _ := client.New(cfg)
	tagged := map[string]bool{}
	for _, rt := range []admin.ResourceType{"image", "raw", "video"} {
		for r, err := range admin.New(c).ResourcesByTagAll(context.Background(), "summer", &admin.ResourcesByTagOptions{ResourceType: rt}) {
			if err != nil {
				t.Fatal(err)
			}
			tagged[r.PublicID] = true
		}
	}
	for id := range want {
		if !tagged[id] {
			t.Errorf("%s does not carry the new tag", id)
		}
	}
	if _, sum := up("--tags", "summer"); sum["skipped"].(float64) != n {
		t.Errorf("rerun with the same new options: %v", sum)
	}
	checkAssets(t, m, want)
}

// mockSecret is the API secret of the mock's CLOUDINARY_URL.
func mockSecret(t *testing.T, m *mockProc) string {
	t.Helper()
	cfg, err := client.ParseURL(m.url)
	if err != nil || cfg.APISecret.IsZero() {
		t.Fatalf("mock URL: %v", err)
	}
	return cfg.APISecret.Reveal()
}
