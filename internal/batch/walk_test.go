package batch

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// failFS is the OS file system with injected failures: listing a path in
// deny fails with a permission error (as chmod 000 does for an unprivileged
// user; the tests may run as root, which chmod does not stop), and any
// access to a path in touched is recorded so a test can assert it never
// happened.
type failFS struct {
	deny    map[string]bool
	touched []string
}

func (f *failFS) Stat(name string) (fs.FileInfo, error) {
	f.touched = append(f.touched, filepath.Clean(name))
	if f.deny[filepath.Clean(name)] {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrPermission}
	}
	return os.Stat(name)
}

func (f *failFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.touched = append(f.touched, filepath.Clean(name))
	if f.deny[filepath.Clean(name)] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return os.ReadDir(name)
}

func messyTree(t *testing.T) string {
	t.Helper()
	root := writeTree(t, map[string]string{"a.jpg": "a", "sub/b.jpg": "bb", "locked/c.jpg": "c", "skip/d.jpg": "d",
		"other/e.jpg": "e"})
	for link, target := range map[string]string{
		"dangling.jpg":  filepath.Join(root, "missing.jpg"),
		"sub/up":        root,                             // a loop when followed
		"self":          filepath.Join(root, "self"),      // ELOOP on stat
		"linked":        filepath.Join(root, "other"),     // a link to a directory
		"skip/bad":      filepath.Join(root, "nothing"),   // excluded: never stat'ed
		"file-link.jpg": filepath.Join(root, "sub/b.jpg"), // a link to a file
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	return root
}

func problemsOf(sel *Selection) map[string]string {
	out := map[string]string{}
	for _, p := range sel.Problems {
		if _, dup := out[p.Rel]; dup {
			out[p.Rel] = "DUPLICATE"
		} else {
			out[p.Rel] = p.Reason
		}
	}
	return out
}

func TestScanMessyTree(t *testing.T) {
	root := messyTree(t)
	for _, follow := range []bool{false, true} {
		fsys := &failFS{deny: map[string]bool{filepath.Join(root, "locked"): true}}
		sel, err := Scan([]Source{{Path: root}}, SelectOptions{FS: fsys, FollowSymlinks: follow, Exclude: []string{"skip"}})
		if err != nil {
			t.Fatalf("follow=%v: %v", follow, err)
		}
		wantIDs := []string{"a", "file-link", "other/e", "sub/b"}
		wantProblems := map[string]string{"dangling.jpg": ReasonDanglingLink, "self": ReasonSymlinkLoop,
			"locked": ReasonUnreadable, "linked": ReasonLinkedDir, "sub/up": ReasonLinkedDir}
		if follow {
			wantIDs = []string{"a", "file-link", "linked/e", "other/e", "sub/b"}
			wantProblems["linked"] = "" // walked
			delete(wantProblems, "linked")
			wantProblems["sub/up"] = ReasonSymlinkLoop
		}
		if got := ids(sel.Files); !reflect.DeepEqual(got, wantIDs) {
			t.Errorf("follow=%v: files %q, want %q", follow, got, wantIDs)
		}
		if got := problemsOf(sel); !reflect.DeepEqual(got, wantProblems) {
			t.Errorf("follow=%v: problems %v, want %v", follow, got, wantProblems)
		}
		for _, p := range fsys.touched {
			if strings.HasPrefix(p, filepath.Join(root, "skip")) {
				t.Errorf("follow=%v: excluded path %s was read", follow, p)
			}
		}
	}
	// Select (all or nothing) still refuses such a tree.
	if _, err := Select([]Source{{Path: root}}, SelectOptions{}); err == nil || !strings.Contains(err.Error(), "dangling.jpg") {
		t.Errorf("Select: err = %v", err)
	}
}

func TestRunReportsProblemsOnce(t *testing.T) {
	root := messyTree(t)
	fsys := &failFS{deny: map[string]bool{filepath.Join(root, "locked"): true}}
	sel, err := Scan([]Source{{Path: root}}, SelectOptions{FS: fsys, Exclude: []string{"skip"}})
	if err != nil {
		t.Fatal(err)
	}
	up, rec := newFake(), &allResults{}
	sum, err := Run(context.Background(), sel.Files, up, RunOptions{Problems: sel.Problems, Observer: rec, RetryWait: 1})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var failed []string
	for _, r := range rec.list {
		seen[r.Path]++
		if r.Status == StatusFailed {
			failed = append(failed, filepath.Base(r.Path)+":"+r.Reason)
		}
	}
	for p, n := range seen {
		if n != 1 {
			t.Errorf("%s reported %d times", p, n)
		}
	}
	sort.Strings(failed)
	if want := []string{"dangling.jpg:dangling_link", "locked:unreadable", "self:symlink_loop"}; !reflect.DeepEqual(failed, want) {
		t.Errorf("failed %q, want %q", failed, want)
	}
	if sum.Uploaded != 4 || sum.Failed != 3 || sum.Skipped != 2 || sum.Files != 9 || sum.Code() != ExitFailed {
		t.Errorf("summary %+v", sum)
	}
}

func TestUnreadableFileFailsOnceWithoutRetry(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "a", "b.jpg": "b"})
	files := selectAll(t, root)
	up := newFake()
	// What opening a file without read permission returns.
	up.failErr["b"] = fmt.Errorf("upload: %w", &fs.PathError{Op: "open", Path: "b.jpg", Err: fs.ErrPermission})
	rec := &recorder{}
	sum, _ := Run(context.Background(), files, up, RunOptions{Observer: rec, RetryWait: 1})
	if sum.Failed != 1 || sum.Uploaded != 1 {
		t.Fatalf("summary %+v", sum)
	}
	for _, r := range rec.results {
		if r.Status == StatusFailed && (r.Reason != ReasonUnreadable || r.Retryable) {
			t.Errorf("unreadable file: %+v (want reason unreadable, not retryable)", r)
		}
	}
	if up.calls["b"] != 1 {
		t.Errorf("unreadable file tried %d times, want once", up.calls["b"])
	}
}

func TestRetryPathRoundTrip(t *testing.T) {
	root := writeTree(t, map[string]string{"cats/tom.jpg": "t", "a.png": "a"})
	t.Chdir(filepath.Dir(root))
	base := filepath.Base(root)
	files, err := Select([]Source{{Path: base}, {Path: filepath.Join(base, "a.png")}}, SelectOptions{Folder: "f"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		line := RetryPath(f.Path, f.Rel)
		again, err := Select([]Source{{Path: line, Listed: true}}, SelectOptions{Folder: "f"})
		if err != nil || len(again) != 1 || again[0].PublicID != f.PublicID {
			t.Errorf("%s -> %q -> %+v, %v; want public ID %s", f.Path, line, again, err, f.PublicID)
		}
	}
}

func TestCollisionsNamedInOnePass(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "1", "a.png": "2", "b.gif": "3", "b.webp": "4", "c.jpg": "5"})
	_, err := Select([]Source{{Path: root}}, SelectOptions{})
	if err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), `"b"`) || !strings.Contains(err.Error(), "2 public ID collisions") {
		t.Fatalf("err = %v, want both collisions named", err)
	}
	files, err := Select([]Source{{Path: root}}, SelectOptions{KeepExtension: true})
	if got := ids(files); err != nil || !reflect.DeepEqual(got, []string{"a.jpg", "a.png", "b.gif", "b.webp", "c.jpg"}) {
		t.Errorf("--keep-extension: %q, %v", got, err)
	}
}

// allResults keeps every FileDone result in order (problems have no public
// ID, so recorder's map would merge them).
type allResults struct {
	nopObserver
	list []FileResult
}

func (a *allResults) FileDone(_ File, r FileResult) { a.list = append(a.list, r) }
