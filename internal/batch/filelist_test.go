package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/cldrest/cldrest/internal/memtest"
)

// TestFileListAt: the files of ScanList's list are, one by one, the Files
// the walk found (Path as joined while walking or as given, Rel and the
// public ID as derived from it), for walked directories, listed paths
// (with "/./" markers, "./" prefixes, absolute paths), files named on the
// command line, folders and --keep-extension. The expected Files are the
// ones the []File of Scan held before FileList (checked against it).
func TestFileListAt(t *testing.T) {
	root := writeTree(t, map[string]string{
		"tree/a.jpg": "a", "tree/sub/c.gif": "ccc", "tree/sub/deep/d.txt": "dddd", "tree/q&a%.png": "qq", "tree/b.bin": "bb",
	})
	t.Chdir(root)
	abs := filepath.Join(root, "tree", "sub", "c.gif")
	file := func(p, rel string, size int64, id string) File {
		return File{Path: p, Rel: rel, Size: size, PublicID: id}
	}
	tests := []struct {
		name    string
		sources []Source
		o       SelectOptions
		want    []File
	}{
		{"walked, root not clean", []Source{{Path: "./tree/"}}, SelectOptions{}, []File{
			file("tree/a.jpg", "a.jpg", 1, "a"), file("tree/b.bin", "b.bin", 2, "b.bin"), file("tree/q&a%.png", "q&a%.png", 2, "q_a_"),
			file("tree/sub/c.gif", "sub/c.gif", 3, "sub/c"), file("tree/sub/deep/d.txt", "sub/deep/d.txt", 4, "sub/deep/d.txt"),
		}},
		{"folder and keep extension", []Source{{Path: "tree/sub"}}, SelectOptions{Folder: "/shop/x/", KeepExtension: true}, []File{
			file("tree/sub/c.gif", "c.gif", 3, "shop/x/c.gif"), file("tree/sub/deep/d.txt", "deep/d.txt", 4, "shop/x/deep/d.txt"),
		}},
		{"image type", []Source{{Path: "tree/sub"}}, SelectOptions{ResourceType: "image"}, []File{
			file("tree/sub/c.gif", "c.gif", 3, "c"), file("tree/sub/deep/d.txt", "deep/d.txt", 4, "deep/d"),
		}},
		{"listed directory with a marker", []Source{{Path: "tree/./sub", Listed: true}}, SelectOptions{Folder: "f"}, []File{
			file("tree/sub/c.gif", "sub/c.gif", 3, "f/sub/c"), file("tree/sub/deep/d.txt", "sub/deep/d.txt", 4, "f/sub/deep/d.txt"),
		}},
		{"listed files", []Source{
			{Path: "tree/./sub/c.gif", Listed: true}, {Path: "./tree/a.jpg", Listed: true}, {Path: "tree/sub/deep/d.txt", Listed: true},
			{Path: abs, Listed: true}, {Path: "tree//b.bin", Listed: true},
		}, SelectOptions{KeepExtension: true}, []File{
			file("tree/./sub/c.gif", "sub/c.gif", 3, "sub/c.gif"), file("./tree/a.jpg", "tree/a.jpg", 1, "tree/a.jpg"),
			file("tree/sub/deep/d.txt", "tree/sub/deep/d.txt", 4, "tree/sub/deep/d.txt"), file(abs, "c.gif", 3, "c.gif"),
			file("tree//b.bin", "tree/b.bin", 2, "tree/b.bin"),
		}},
		{"files named on the command line", []Source{{Path: "tree/a.jpg"}, {Path: abs}, {Path: "./tree/b.bin"}, {Path: "tree/sub/deep/d.txt"}},
			SelectOptions{Folder: "g"}, []File{
				file("tree/a.jpg", "a.jpg", 1, "g/a"), file(abs, "c.gif", 3, "g/c"), file("./tree/b.bin", "b.bin", 2, "g/b.bin"),
				file("tree/sub/deep/d.txt", "d.txt", 4, "g/d.txt"),
			}},
		{"a directory and its file", []Source{{Path: "tree/sub"}, {Path: "tree/sub/c.gif"}}, SelectOptions{}, []File{
			file("tree/sub/c.gif", "c.gif", 3, "c"), file("tree/sub/deep/d.txt", "deep/d.txt", 4, "deep/d.txt"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, problems, err := ScanList(tt.sources, tt.o)
			if err != nil || len(problems) > 0 {
				t.Fatalf("ScanList: %v, problems %v", err, problems)
			}
			if list.Len() != len(tt.want) {
				t.Fatalf("Len() = %d, want %d", list.Len(), len(tt.want))
			}
			for i, want := range tt.want {
				if got := list.At(i); got != want {
					t.Errorf("At(%d) = %+v\nwant    %+v", i, got, want)
				}
			}
			sel, err := Scan(tt.sources, tt.o)
			if err != nil || !reflect.DeepEqual(sel.Files, tt.want) {
				t.Errorf("Scan: %+v, %v", sel, err)
			}
		})
	}
}

// TestFileListGiven: a list of given files keeps them as they are (public
// IDs not derived from Rel, as pull's), and both LargestFirst orders agree.
func TestFileListGiven(t *testing.T) {
	files := []File{
		{Path: "d/x.jpg", Rel: "x.jpg", Size: 5, PublicID: "not/derived"},
		{Path: "d/y.jpg", Rel: "y.jpg", Size: 9, PublicID: "y"},
		{Path: "d/z.jpg", Rel: "z.jpg", Size: 5, PublicID: "zz"},
		{Path: "d/w.jpg", Rel: "w.jpg", Size: 9, PublicID: "w"},
	}
	list := NewFileList(files)
	if got := list.Files(); !reflect.DeepEqual(got, files) {
		t.Fatalf("Files() = %+v", got)
	}
	if i, ok := list.Find("zz"); !ok || i != 2 {
		t.Errorf(`Find("zz") = %d, %v; want 2, true`, i, ok)
	}
	if _, ok := list.Find("z"); ok {
		t.Error(`Find("z") found a file; no file has that public ID`)
	}
	want := slices.Clone(files)
	LargestFirst(want)
	list.LargestFirst()
	if got := list.Files(); !reflect.DeepEqual(got, want) {
		t.Errorf("LargestFirst: %+v\nwant %+v", got, want)
	}
	if i, ok := list.Find("zz"); !ok || i != 3 {
		t.Errorf(`Find("zz") after LargestFirst = %d, %v; want 3, true`, i, ok)
	}
}

// TestFileListFindWalked: Find gives each walked file's position, also
// after LargestFirst reordered them.
func TestFileListFindWalked(t *testing.T) {
	tree := map[string]string{}
	for i := range 300 {
		tree[fmt.Sprintf("d%d/f%03d.jpg", i%3, i)] = string(make([]byte, i%7))
	}
	list, _, err := ScanList([]Source{{Path: writeTree(t, tree)}}, SelectOptions{Folder: "x"})
	if err != nil {
		t.Fatal(err)
	}
	list.LargestFirst()
	for i := range list.Len() {
		f := list.At(i)
		if i > 0 && list.At(i-1).Size < f.Size {
			t.Fatalf("At(%d) is larger than At(%d)", i, i-1)
		}
		if got, ok := list.Find(f.PublicID); !ok || got != i {
			t.Fatalf("Find(%q) = %d, %v; want %d", f.PublicID, got, ok, i)
		}
	}
}

// TestScanListMemory: the list ScanList keeps of many walked files of one
// directory costs a few dozen bytes per file, not a File and its path
// string. Of 2,000 files (paths of some 55 bytes) Scan's []File retained
// 133-141 bytes per file before FileList (measured alike at 1dd7aa4); the
// list retains about 33.
func TestScanListMemory(t *testing.T) {
	const n, bound = 2000, 50
	dir := filepath.Join(t.TempDir(), "files")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// One empty file and n-1 hard links to it: n directory entries to walk,
	// without allocating n inodes (slow on a busy ext4).
	first := filepath.Join(dir, fmt.Sprintf("f%06d.bin", 0))
	if err := os.WriteFile(first, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		if err := os.Link(first, filepath.Join(dir, fmt.Sprintf("f%06d.bin", i))); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC() // the closed files' cleanups run: the base level is settled
	runtime.GC()
	stop := memtest.HeapPeak()
	list, _, err := ScanList([]Source{{Path: dir}}, SelectOptions{})
	peak, retained := stop()
	if err != nil {
		t.Fatal(err)
	}
	if list.Len() != n {
		t.Fatalf("scanned %d files, want %d", list.Len(), n)
	}
	t.Logf("%d files (paths of %d bytes): list peak %d bytes per file, retained %d", n, len(list.At(0).Path), peak/n, retained/n)
	if per := retained / n; per > bound {
		t.Errorf("the list retained %d bytes per file, want at most %d", per, bound)
	}
	// Scanning holds the list of files, not a directory's whole listing or a
	// map of every public ID: beyond each file's path, the peak was about
	// 690 bytes per file when those were held, about 300 now.
	if per := peak/n - int64(len(list.At(0).Path)); per > 450 {
		t.Errorf("the scan's heap peaked at %d bytes per file beyond its path, want at most 450", per)
	}

	// The same files as a []File, measured alike, exceed the bound (so the
	// measurement can fail).
	stop = memtest.HeapPeak()
	files := list.Files()
	_, retained = stop()
	runtime.KeepAlive(list)
	if per := retained / n; per <= bound {
		t.Errorf("a []File of the files retained %d bytes per file, want more than %d", per, bound)
	} else {
		t.Logf("as a []File: retained %d bytes per file", per)
	}
	runtime.KeepAlive(files)
}
