package batch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, rel string
		want         bool
	}{
		{"*.jpg", "a.jpg", true},
		{"*.jpg", "dir/sub/a.jpg", true}, // no slash: base name
		{"*.jpg", "a.png", false},
		{"dir/*.jpg", "dir/a.jpg", true},
		{"dir/*.jpg", "dir/sub/a.jpg", false},
		{"dir/**/*.jpg", "dir/sub/deep/a.jpg", true},
		{"dir/**/*.jpg", "dir/a.jpg", true}, // ** matches zero segments
		{"**/raw/**", "x/raw/y/z.bin", true},
		{"**/raw/**", "x/rawish/z.bin", false},
		{"a/**", "a", true},
		{"/dir/*.jpg", "dir/a.jpg", true}, // leading slash is ignored
		{"[ab].txt", "b.txt", true},
		{"?.txt", "ab.txt", false},
		{"[", "x", false}, // malformed: matches nothing
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.pattern, tt.rel); got != tt.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.rel, got, tt.want)
		}
	}
}

func TestPublicID(t *testing.T) {
	tests := []struct {
		rel, folder, rt, want string
	}{
		{"cat.jpg", "", "", "cat"},
		{"cat.JPG", "", "auto", "cat"},
		{"docs/readme.txt", "", "", "docs/readme.txt"}, // unknown extension: raw keeps it
		{"docs/readme.txt", "", "image", "docs/readme"},
		{"clip.mp4", "", "raw", "clip.mp4"},
		{"a/b/c.png", "shop/", "", "shop/a/b/c"},
		{"a/b/c.png", "/shop/shoes/", "image", "shop/shoes/a/b/c"},
		{"what?#&%.png", "", "", "what____"},
		{"plus+sign.gif", "", "", "plus_sign"},
		{".hidden", "", "", ".hidden"}, // a dot file has no extension
		{"noext", "f", "", "f/noext"},
	}
	for _, tt := range tests {
		if got := PublicID(tt.rel, tt.folder, tt.rt); got != tt.want {
			t.Errorf("PublicID(%q, %q, %q) = %q, want %q", tt.rel, tt.folder, tt.rt, got, tt.want)
		}
	}
}

func TestGuessResourceType(t *testing.T) {
	for rel, want := range map[string]string{"a.JPG": "image", "d/doc.pdf": "image", "v.mp4": "video", "s.mp3": "video", "x.txt": "raw", "noext": "raw"} {
		if got := GuessResourceType(rel); got != want {
			t.Errorf("GuessResourceType(%q) = %q, want %q", rel, got, want)
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    Shard
		wantErr bool
	}{
		{"", Shard{}, false},
		{"0/3", Shard{0, 3}, false},
		{"2/3", Shard{2, 3}, false},
		{"0/1", Shard{0, 1}, false},
		{"3/3", Shard{}, true},
		{"-1/3", Shard{}, true},
		{"1/0", Shard{}, true},
		{"1", Shard{}, true},
		{"a/b", Shard{}, true},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrUsage) {
			t.Errorf("ParseShard(%q) error %v does not match ErrUsage", tt.in, err)
		}
		if err != nil && !strings.Contains(err.Error(), "i/n") {
			t.Errorf("ParseShard(%q) error %q does not say how to fix it", tt.in, err)
		}
	}
}

func TestShardPartition(t *testing.T) {
	const n = 3000
	counts := make([]int, 3)
	for i := range n {
		rel := fmt.Sprintf("dir%d/file-%05d.jpg", i%7, i)
		hits := 0
		for s := range 3 {
			if (Shard{s, 3}).Contains(rel) {
				hits++
				counts[s]++
			}
		}
		if hits != 1 {
			t.Fatalf("%s is in %d shards, want exactly 1", rel, hits)
		}
	}
	for s, c := range counts {
		if c < n/3-150 || c > n/3+150 {
			t.Errorf("shard %d/3 got %d of %d files: badly balanced %v", s, c, n, counts)
		}
	}
	if !(Shard{}).Contains("anything") {
		t.Error("the zero shard must contain every file")
	}
}

func TestReadList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lines", "a.jpg\nb/c.png\n\n", []string{"a.jpg", "b/c.png"}},
		{"crlf", "a.jpg\r\nb.png\r\n", []string{"a.jpg", "b.png"}},
		{"no final newline", "a.jpg\nb.png", []string{"a.jpg", "b.png"}},
		{"nul", "a b.jpg\x00c\nd.png\x00", []string{"a b.jpg", "c\nd.png"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadList(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, s := range got {
				if !s.Listed {
					t.Errorf("%q not marked Listed", s.Path)
				}
				paths = append(paths, s.Path)
			}
			if !reflect.DeepEqual(paths, tt.want) {
				t.Errorf("got %q, want %q", paths, tt.want)
			}
		})
	}
}

func ids(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.PublicID)
	}
	sort.Strings(out)
	return out
}

func TestSelect(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.jpg":                  "a",
		"b.png":                  "bb",
		"notes.txt":              "notes",
		".secret.jpg":            "s",
		".git/config":            "c",
		"sub/c.gif":              "ccc",
		"sub/deep/d.webp":        "dddd",
		"node_modules/x/y.jpg":   "y",
		"raw/data.bin":           "bin",
		".cldrest-journal.jsonl": "{}",
	})
	journal := filepath.Join(root, ".cldrest-journal.jsonl")
	tests := []struct {
		name string
		o    SelectOptions
		want []string
	}{
		{"defaults", SelectOptions{}, []string{"a", "b", "node_modules/x/y", "notes.txt", "raw/data.bin", "sub/c", "sub/deep/d"}},
		{"hidden", SelectOptions{Hidden: true, Ignore: []string{journal}},
			[]string{".git/config", ".secret", "a", "b", "node_modules/x/y", "notes.txt", "raw/data.bin", "sub/c", "sub/deep/d"}},
		{"include base-name glob", SelectOptions{Include: []string{"*.jpg", "*.png"}}, []string{"a", "b", "node_modules/x/y"}},
		{"exclude prunes a directory", SelectOptions{Exclude: []string{"node_modules", "raw/**"}},
			[]string{"a", "b", "notes.txt", "sub/c", "sub/deep/d"}},
		{"include path glob", SelectOptions{Include: []string{"sub/**/*.webp"}}, []string{"sub/deep/d"}},
		{"include and exclude", SelectOptions{Include: []string{"sub/**"}, Exclude: []string{"deep"}}, []string{"sub/c"}},
		{"folder", SelectOptions{Folder: "shop", Include: []string{"a.jpg"}}, []string{"shop/a"}},
		{"raw keeps extensions", SelectOptions{ResourceType: "raw", Include: []string{"*.jpg"}}, []string{"a.jpg", "node_modules/x/y.jpg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Select([]Source{{Path: root}}, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(files); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			for _, f := range files {
				fi, err := os.Stat(f.Path)
				if err != nil || fi.Size() != f.Size {
					t.Errorf("%s: size %d, stat %v %v", f.Path, f.Size, fi, err)
				}
			}
		})
	}
}

func TestSelectSources(t *testing.T) {
	root := writeTree(t, map[string]string{"x/a.jpg": "a", "y/a.png": "b", "y/b.png": "c"})
	t.Chdir(root)
	t.Run("file argument uses its base name", func(t *testing.T) {
		files, err := Select([]Source{{Path: "x/a.jpg"}}, SelectOptions{})
		if err != nil || len(files) != 1 || files[0].PublicID != "a" || files[0].Rel != "a.jpg" {
			t.Fatalf("got %+v, %v", files, err)
		}
	})
	t.Run("listed file keeps its relative path", func(t *testing.T) {
		files, err := Select([]Source{{Path: "./x/a.jpg", Listed: true}, {Path: "y/a.png", Listed: true}}, SelectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(files); !reflect.DeepEqual(got, []string{"x/a", "y/a"}) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("listed path outside the directory uses its base name", func(t *testing.T) {
		files, err := Select([]Source{{Path: "../" + filepath.Base(root) + "/y/b.png", Listed: true}}, SelectOptions{})
		if err != nil || len(files) != 1 || files[0].PublicID != "b" {
			t.Fatalf("got %+v, %v", files, err)
		}
	})
	t.Run("same file twice is selected once", func(t *testing.T) {
		files, err := Select([]Source{{Path: "y"}, {Path: "y/b.png"}}, SelectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(files); !reflect.DeepEqual(got, []string{"a", "b"}) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("collision is a usage error", func(t *testing.T) {
		_, err := Select([]Source{{Path: "x"}, {Path: "y"}}, SelectOptions{})
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), `public ID "a"`) || !strings.Contains(err.Error(), "rename") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing path is a usage error", func(t *testing.T) {
		_, err := Select([]Source{{Path: "nope.jpg"}}, SelectOptions{})
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "nope.jpg") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("symlinked file is followed", func(t *testing.T) {
		if err := os.Symlink(filepath.Join(root, "y", "b.png"), filepath.Join(root, "x", "link.png")); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
		defer os.Remove(filepath.Join(root, "x", "link.png"))
		files, err := Select([]Source{{Path: "x"}}, SelectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(files); !reflect.DeepEqual(got, []string{"a", "link"}) {
			t.Errorf("got %q", got)
		}
	})
}

func TestSelectValidate(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "a"})
	tests := []struct {
		name string
		o    SelectOptions
		want string
	}{
		{"bad glob", SelectOptions{Include: []string{"[a-"}}, "invalid glob"},
		{"empty glob", SelectOptions{Exclude: []string{""}}, "empty glob"},
		{"resource type", SelectOptions{ResourceType: "pdf"}, "resource type"},
		{"folder", SelectOptions{Folder: "a//b"}, "--folder"},
		{"folder dots", SelectOptions{Folder: "../x"}, "--folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Select([]Source{{Path: root}}, tt.o)
			if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want usage error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSelectShard(t *testing.T) {
	tree := map[string]string{}
	for i := range 90 {
		tree[fmt.Sprintf("d%d/f%03d.jpg", i%4, i)] = "x" // shards go by path
	}
	root := writeTree(t, tree)
	all, err := Select([]Source{{Path: root}}, SelectOptions{})
	if err != nil || len(all) != 90 {
		t.Fatalf("all: %d files, %v", len(all), err)
	}
	seen := map[string]int{}
	for i := range 3 {
		files, err := Select([]Source{{Path: root}}, SelectOptions{Shard: Shard{i, 3}})
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 || len(files) == 90 {
			t.Errorf("shard %d/3 has %d files", i, len(files))
		}
		for _, f := range files {
			seen[f.PublicID]++
		}
	}
	for _, f := range all {
		if seen[f.PublicID] != 1 {
			t.Errorf("%s selected by %d shards", f.PublicID, seen[f.PublicID])
		}
	}
}

func TestLargestFirst(t *testing.T) {
	files := []File{{PublicID: "a", Size: 1}, {PublicID: "b", Size: 30}, {PublicID: "c", Size: 1}, {PublicID: "d", Size: 7}}
	LargestFirst(files)
	var got []string
	for _, f := range files {
		got = append(got, f.PublicID)
	}
	if strings.Join(got, "") != "bdac" {
		t.Errorf("order %q, want b d a c", got)
	}
}
