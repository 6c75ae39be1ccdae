package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/upload"
)

// runBinStdin is runBin with stdin.
func runBinStdin(t *testing.T, env []string, stdin string, args ...string) binResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e2eBin, args...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("cldrest %v did not run", args)
	}
	return binResult{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

func remoteIDs(t *testing.T, m *mockProc) []string {
	t.Helper()
	var ids []string
	for _, a := range m.assets(t) {
		ids = append(ids, a.ResourceType+":"+a.PublicID)
	}
	sort.Strings(ids)
	return ids
}

// TestE2ESyncDelete syncs a directory, changes it, adds remote extras under
// the prefix (and assets outside it that must survive), and checks that a
// sync uploads only what changed and that --delete removes exactly the
// extras, after asking; a declined question and --dry-run delete nothing.
func TestE2ESyncDelete(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := 12
	for i := range n {
		write(fmt.Sprintf("d%d/f%02d.txt", i%3, i), fmt.Sprintf("file %d", i))
	}
	if err := os.WriteFile(filepath.Join(dir, "pic.png"), testPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, env, "", "sync", "--json", dir, "site")
	_, sum := jsonLines(t, r.stdout)
	if r.code != 0 || sum["uploaded"] != float64(n+1) {
		t.Fatalf("first sync: exit %d, %v; %s", r.code, sum, tail(r.stderr))
	}

	// Local changes: one file edited, two removed. Remote extras: a raw and
	// an image under the prefix, and the same public ID as a local file but
	// of another resource type. Outside the prefix: must survive.
	write("d0/f00.txt", "edited")
	for _, rel := range []string{"d1/f01.txt", "d2/f02.txt"} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	seedMock(t, m.url, map[string]string{"site/extra.txt": "x", "siteX/keep.txt": "k", "other/keep.txt": "k"}, upload.Params{ResourceType: "raw"})
	seedMock(t, m.url, map[string]string{"site/old-image": string(testPNG(t)), "site/d0/f03.txt": string(testPNG(t))}, upload.Params{})
	extras := []string{"image:site/d0/f03.txt", "image:site/old-image", "raw:site/d1/f01.txt", "raw:site/d2/f02.txt", "raw:site/extra.txt"}
	before := remoteIDs(t, m)

	// A failed upload: nothing is deleted.
	m.ctl(t, "POST", "faults", []map[string]any{{"route": "upload", "kind": "status", "status": 400, "message": "scripted"}}, nil)
	r = runBin(t, env, "", "sync", "--delete", "--yes", dir, "site")
	m.ctl(t, "DELETE", "faults", nil, nil)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was deleted") {
		t.Fatalf("failed upload: exit %d\n%s", r.code, r.stderr)
	}
	if got := remoteIDs(t, m); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Fatalf("a sync with a failed upload changed the remote:\n%v\n%v", got, before)
	}

	// Declined: nothing deleted, exit 1, the extras were named.
	r = runBinStdin(t, env, "no\n", "sync", "--delete", dir, "site")
	if r.code != 1 || !strings.Contains(r.stdout, "5 remote assets under site/ have no local file") || !strings.Contains(r.stdout, "site/extra.txt (raw)") || !strings.Contains(r.stderr, "Delete them? Type yes to confirm: ") {
		t.Fatalf("declined: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "uploaded  "+filepath.Join(dir, "d0", "f00.txt")) || strings.Count("\n"+r.stdout, "\nuploaded  ") != 1 {
		t.Errorf("only the edited file should be uploaded:\n%s", r.stdout)
	}
	if got := remoteIDs(t, m); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Fatalf("declined sync changed the remote:\n%v\n%v", got, before)
	}
	// --dry-run names the same extras and deletes nothing.
	r = runBin(t, env, "", "sync", "--delete", "--dry-run", "--json", dir, "site")
	if r.code != 0 || !strings.Contains(r.stdout, `{"public_ids":["site/d0/f03.txt","site/d1/f01.txt (raw)","site/d2/f02.txt (raw)","site/extra.txt (raw)","site/old-image"],"type":"delete","would_delete":5}`) {
		t.Fatalf("dry run: exit %d\n%s", r.code, r.stdout)
	}
	// --yes: exactly the extras go.
	r = runBin(t, env, "", "sync", "--delete", "--yes", dir, "site")
	if r.code != 0 || !strings.Contains(r.stdout, "deleted 5 remote assets under site/") {
		t.Fatalf("sync --delete --yes: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var want []string
	gone := map[string]bool{}
	for _, e := range extras {
		gone[e] = true
	}
	for _, id := range before {
		if !gone[id] {
			want = append(want, id)
		}
	}
	if got := remoteIDs(t, m); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("after sync --delete:\n got %v\nwant %v", got, want)
	}
	// In sync now: nothing uploaded, nothing to delete.
	r = runBin(t, env, "", "sync", "--delete", "--yes", "--json", dir, "site")
	if r.code != 0 || !strings.Contains(r.stdout, `"deleted":0`) || !strings.Contains(r.stdout, `"uploaded":0,`) || !strings.Contains(r.stdout, fmt.Sprintf(`"skipped":%d,`, n-1)) {
		t.Fatalf("in sync: exit %d %s", r.code, r.stdout)
	}
	// --delete without a PREFIX is refused before anything happens.
	r = runBin(t, env, "", "sync", "--delete", "--yes", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "--delete needs a PREFIX") {
		t.Fatalf("no prefix: exit %d %q", r.code, r.stderr)
	}
}
