package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
)

// unprivileged prepares to run the binary so that file permissions apply:
// as root (the usual case in containers, where chmod 000 stops nothing) the
// binary is copied to a world-readable directory and run as nobody
// (uid/gid 65534); otherwise it runs as the current user. It returns the
// binary's path, a world-readable scratch directory, and the SysProcAttr to
// run it with.
func unprivileged(t *testing.T) (bin, dir string, attr *syscall.SysProcAttr) {
	t.Helper()
	dir, err := os.MkdirTemp("", "cldrest-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		return e2eBin, dir, nil
	}
	bin = filepath.Join(dir, "cldrest")
	src, err := os.Open(e2eBin)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return bin, dir, &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// TestE2EMessyTree: a tree with a dangling link, a symlink loop, an
// unreadable directory and an unreadable file (real permissions: see
// unprivileged) uploads everything else, names each bad path once, and
// exits 1.
func TestE2EMessyTree(t *testing.T) {
	t.Parallel()
	bin, scratch, attr := unprivileged(t)
	root := filepath.Join(scratch, "tree")
	for rel, content := range map[string]string{"a.jpg": "a", "sub/b.jpg": "bb", "sub/deep/c.txt": "c",
		"locked/hidden.jpg": "h", "secret.jpg": "s", "skip/x.jpg": "x"} {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(root, "gone.jpg"), filepath.Join(root, "dangling.jpg")))
	must(os.Symlink(root, filepath.Join(root, "sub", "loop")))
	must(os.Chmod(filepath.Join(root, "locked"), 0o000))
	must(os.Chmod(filepath.Join(root, "secret.jpg"), 0o000))
	must(os.Chmod(filepath.Join(root, "skip"), 0o000)) // excluded: never read, so no failure
	t.Cleanup(func() {
		_ = os.Chmod(filepath.Join(root, "locked"), 0o755)
		_ = os.Chmod(filepath.Join(root, "skip"), 0o755)
	})

	run := func(args ...string) binResult {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir, cmd.SysProcAttr = append(e2eEnv(""), "HOME="+scratch), scratch, attr
		var out, errb apitest.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		_ = cmd.Run()
		if cmd.ProcessState == nil {
			t.Fatalf("did not run: %s", errb.String())
		}
		return binResult{stdout: out.String(), stderr: errb.String(), code: cmd.ProcessState.ExitCode()}
	}
	for _, follow := range []bool{false, true} {
		args := []string{"upload", "--mock", "--json", "--retry-wait", "0", "--exclude", "skip", "tree"}
		if follow {
			args = append(args, "--follow-symlinks")
		}
		r := run(args...)
		files, sum := jsonLines(t, r.stdout)
		byPath := map[string][]string{}
		var uploaded []string
		for _, f := range files {
			p := f["path"].(string)
			reason, _ := f["reason"].(string)
			byPath[p] = append(byPath[p], f["status"].(string)+":"+reason)
			if f["status"] == "uploaded" {
				uploaded = append(uploaded, f["public_id"].(string))
			}
		}
		sort.Strings(uploaded)
		if strings.Join(uploaded, ",") != "a,sub/b,sub/deep/c.txt" {
			t.Errorf("follow=%v: uploaded %q, want a, sub/b, sub/deep/c.txt", follow, uploaded)
		}
		loop := "skipped:linked_dir"
		if follow {
			loop = "failed:symlink_loop"
		}
		for p, want := range map[string]string{"tree/dangling.jpg": "failed:dangling_link", "tree/sub/loop": loop,
			"tree/locked": "failed:unreadable", "tree/secret.jpg": "failed:unreadable"} {
			if got := byPath[p]; len(got) != 1 || got[0] != want {
				t.Errorf("follow=%v: %s reported %q, want once as %s", follow, p, got, want)
			}
		}
		for p := range byPath {
			if strings.HasPrefix(p, "tree/skip") {
				t.Errorf("follow=%v: excluded %s was reported", follow, p)
			}
		}
		wantFailed := 3.0
		if follow {
			wantFailed = 4 // the loop too
		}
		if r.code != 1 || sum["failed"].(float64) != wantFailed {
			t.Errorf("follow=%v: exit %d, summary %v; stderr %s", follow, r.code, sum, r.stderr)
		}
	}
	// The text output names each bad path once, too.
	r := run("upload", "--mock", "--retry-wait", "0", "--exclude", "skip", "tree")
	for _, p := range []string{"tree/dangling.jpg", "tree/locked", "tree/secret.jpg"} {
		if n := strings.Count(r.stdout, "failed    "+p+":"); n != 1 {
			t.Errorf("text output names %s %d times:\n%s", p, n, r.stdout)
		}
	}
}
