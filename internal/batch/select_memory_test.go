package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cldrest/cldrest/internal/memtest"
)

// TestScanWalkOrder: files come in the order of a walk that lists each
// directory by name, also where a plain string sort of the paths would
// differ (a directory "a" comes before "a-b" and "a.txt").
func TestScanWalkOrder(t *testing.T) {
	root := t.TempDir()
	for _, rel := range []string{"b", "a.txt", "a-b", "a/z", "a/y/x", "a/y.txt", "c/d/e"} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Select([]Source{{Path: root}}, SelectOptions{KeepExtension: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Rel)
	}
	want := []string{"a/y/x", "a/y.txt", "a/z", "a-b", "a.txt", "b", "c/d/e"}
	if !slices.Equal(got, want) {
		t.Errorf("walk order %q, want %q", got, want)
	}
}

// TestScanMemory: scanning a directory of many files holds the list of
// files, not the directory's entries or a map of every public ID. Beyond
// each file's path, the peak was about 690 bytes per file (of 2,000) when
// the whole listing and the ID maps were held; it is about 330 now.
func TestScanMemory(t *testing.T) {
	n := 2000
	dir := filepath.Join(t.TempDir(), "files")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("f%06d.bin", i)))
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
	}
	stop := memtest.HeapPeak()
	sel, err := Scan([]Source{{Path: dir}}, SelectOptions{})
	peak, retained := stop()
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Files) != n {
		t.Fatalf("scanned %d files, want %d", len(sel.Files), n)
	}
	pathLen := int64(len(sel.Files[0].Path))
	t.Logf("%d files (paths of %d bytes): peak %d bytes per file, retained %d", n, pathLen, peak/int64(n), retained/int64(n))
	if per := peak/int64(n) - pathLen; per > 450 {
		t.Errorf("peak heap %d bytes per file beyond its path, want at most 450", per)
	}
	if per := retained/int64(n) - pathLen; per > 100 {
		t.Errorf("retained %d bytes per file beyond its path, want at most 100 (a File and its one string)", per)
	}
}
