package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/internal/batch"
)

// TestUploadListedPathsDryRun: paths read from stdin ("/./" markers, "./"
// prefixes, absolute paths, a listed directory) and a file named on the
// command line keep their paths and public IDs through the compact file
// list, and a file listed twice (by a marker and by its directory) is
// uploaded once.
func TestUploadListedPathsDryRun(t *testing.T) {
	startMock(t)
	dir := writeFiles(t, map[string]string{"photos/cats/tom.jpg": "tom", "photos/cats/kit.png": "kit", "photos/a.png": "aa",
		"photos/b.gif": "bbb", "photos/x.txt": "xxxx"})
	t.Chdir(dir)
	abs := filepath.Join(dir, "photos", "b.gif")
	stdin := strings.Join([]string{"photos/./cats/tom.jpg", "./photos/a.png", abs, "photos/./cats"}, "\n") + "\n"
	stdout, stderr, code := cli(t, stdin, "upload", "--no-journal", "--dry-run", "--json", "--folder", "f", "-", "photos/x.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	res, sum := resultsByID(t, stdout)
	want := map[string]struct {
		path  string
		bytes int64
	}{
		"f/cats/tom": {"photos/./cats/tom.jpg", 3},
		"f/photos/a": {"./photos/a.png", 2},
		"f/b":        {abs, 3},
		"f/cats/kit": {filepath.Join("photos", "cats", "kit.png"), 3},
		"f/x.txt":    {filepath.Join("photos", "x.txt"), 4},
	}
	if sum.Files != len(want) || sum.Planned != len(want) || len(res) != len(want) {
		t.Fatalf("summary %+v, results %+v; want %d planned files", sum, res, len(want))
	}
	for id, w := range want {
		r, ok := res[id]
		if !ok || r.Path != w.path || r.Bytes != w.bytes || r.Status != batch.StatusPlanned {
			t.Errorf("%s: %+v, want path %s, %d bytes, planned", id, r, w.path, w.bytes)
		}
	}
}
