package batch

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// partialFS lists root with its entries and an error (a directory that
// failed part way), as an fs.ReadDirFS may.
type partialFS struct{ root string }

func (p partialFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

func (p partialFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(name)
	if err == nil && filepath.Clean(name) == filepath.Clean(p.root) {
		err = &fs.PathError{Op: "readdirent", Path: name, Err: fs.ErrPermission}
	}
	return entries, err
}

// TestScanProblemsInWalkOrder: a directory's own problem comes before the
// problems of its entries, as the walk meets them, also for the source
// directory ("."), whose entries may sort before "." ("-x", "+x").
func TestScanProblemsInWalkOrder(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "a"})
	if err := os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "-gone.jpg")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	sel, err := Scan([]Source{{Path: root}}, SelectOptions{FS: partialFS{root}})
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, p := range sel.Problems {
		rels = append(rels, p.Rel)
	}
	if len(rels) != 2 || rels[0] != "." || rels[1] != "-gone.jpg" {
		t.Errorf("problems %q, want [. -gone.jpg] (the directory first)", rels)
	}
}
