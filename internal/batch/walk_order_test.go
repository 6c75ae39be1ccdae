package batch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
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
