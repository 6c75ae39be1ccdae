package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/upload"
)

// TestE2ESyncDeleteListIsOutput: the extras of sync --delete are the
// command's output, on stdout, the same line (or --json object) whether
// it is a dry run or asks; only the question goes to stderr. The list used
// to be part of the question on stderr.
func TestE2ESyncDeleteListIsOutput(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	seedMock(t, m.url, map[string]string{"sd/extra.txt": "x"}, upload.Params{ResourceType: "raw"})
	line := "1 remote asset under sd/ has no local file and would be deleted: sd/extra.txt (raw)\n"
	obj := `{"public_ids":["sd/extra.txt (raw)"],"type":"delete","would_delete":1}` + "\n"
	for _, tc := range []struct {
		name, stdin string
		args        []string
		stdout      string
		question    bool
	}{
		{"dry run", "", []string{"--dry-run"}, line, false},
		{"asked", "no\n", nil, line, true},
		{"dry run json", "", []string{"--dry-run", "--json"}, obj, false},
		{"asked json", "no\n", []string{"--json"}, obj, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"sync", "--delete", "--progress", "none"}, tc.args...), dir, "sd")
			r := runBinStdin(t, env, tc.stdin, args...)
			if !strings.HasSuffix(r.stdout, tc.stdout) {
				t.Errorf("stdout does not end with the list %q:\n%s", tc.stdout, r.stdout)
			}
			if strings.Contains(r.stderr, "sd/extra.txt") {
				t.Errorf("the list went to stderr:\n%s", r.stderr)
			}
			asked := strings.Contains(r.stderr, "Delete it? Type yes to confirm: ")
			if asked != tc.question || (tc.question && r.code != 1) || (!tc.question && r.code != 0) {
				t.Errorf("exit %d, asked %v; stderr %q", r.code, asked, r.stderr)
			}
		})
	}
	if ids := remoteIDs(t, m); !strings.Contains(strings.Join(ids, " "), "raw:sd/extra.txt") {
		t.Fatalf("the extra was deleted: %v", ids)
	}
}

// TestE2ESyncStoppedLikeUpload: a sync stopped by a failure no file can
// escape ends as an upload does (uploadRunErr): exit 2, how many files are
// not done, and the advice. sync used to print the bare stop error.
func TestE2ESyncStoppedLikeUpload(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m.ctl(t, "POST", "faults", []map[string]any{{"route": "upload", "kind": "status", "status": 401, "message": "scripted"}}, nil)
	defer m.ctl(t, "DELETE", "faults", nil, nil)
	for _, cmd := range [][]string{{"upload", "--no-journal", dir}, {"sync", dir, "st"}} {
		r := runBin(t, env, "", append([]string{cmd[0], "--progress", "none", "--concurrency", "1"}, cmd[1:]...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "cldrest: stopped, 2 of 2 files not done: Cloudinary rejected the credentials (401)") {
			t.Errorf("%s: exit %d, stderr %q", cmd[0], r.code, r.stderr)
		}
	}
}

// TestE2ERmListIsOutput: rm follows the same rule as sync --delete: the
// assets it is about to delete are listed on stdout, only the question
// goes to stderr. The list used to go to stderr.
func TestE2ERmListIsOutput(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	assets := map[string]string{}
	for i := range 12 {
		assets[fmt.Sprintf("tmp/f%02d.txt", i)] = "x"
	}
	seedMock(t, m.url, assets, upload.Params{ResourceType: "raw"})
	r := runBinStdin(t, env, "no\n", "rm", "--prefix", "tmp/")
	if r.code != 1 || strings.Count(r.stdout, "  tmp/f") != 10 || !strings.Contains(r.stdout, "  ... and 2 more (--dry-run lists them all)\n") {
		t.Errorf("exit %d, stdout lacks the list:\n%s", r.code, r.stdout)
	}
	if strings.Contains(r.stderr, "tmp/f") || !strings.Contains(r.stderr, `Delete 12 assets with prefix "tmp/"`) {
		t.Errorf("stderr should hold only the question:\n%s", r.stderr)
	}
	r = runBinStdin(t, env, "", "rm", "--tag", "none", "--resource-type", "raw")
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to delete") {
		t.Errorf("rm --tag none: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
