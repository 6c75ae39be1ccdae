package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrUsage is matched (errors.Is) by every error caused by bad arguments:
// bad globs or shards, missing paths, public ID collisions.
var ErrUsage = errors.New("invalid arguments")

// UsageError is bad input found before any request: what is wrong and how to
// fix it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Is matches ErrUsage.
func (e *UsageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Source is one path to upload: a file or a directory (walked recursively).
type Source struct {
	Path string
	// Listed marks a path read from a list (stdin): a listed file keeps its
	// relative path as given ("photos/a.jpg" stays photos/a.jpg); a file
	// named on the command line is known by its base name.
	Listed bool
}

// ReadList reads paths from r, one per line (or NUL-separated when the input
// contains a NUL byte, as from find -print0). Empty lines are ignored.
func ReadList(r io.Reader) ([]Source, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the path list: %w", err)
	}
	sep := byte('\n')
	if bytes.IndexByte(data, 0) >= 0 {
		sep = 0
	}
	var out []Source
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, sep); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		p := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(p) == "" {
			continue
		}
		out = append(out, Source{Path: p, Listed: true})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the path list: %w", err)
	}
	return out, nil
}

// Shard selects the files whose relative path hashes to Index of Count.
// The zero Shard selects everything.
type Shard struct{ Index, Count int }

// ParseShard parses "i/n" (0 <= i < n).
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, usagef("invalid --shard %q: use i/n with 0 <= i < n, e.g. --shard 0/3", s)
	}
	return Shard{Index: i, Count: n}, nil
}

// Contains reports whether the file with relative path rel belongs to the
// shard: FNV-1a 64 of rel, modulo Count, equals Index.
func (s Shard) Contains(rel string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(rel))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// String formats the shard as "i/n" ("" for the zero Shard).
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// SelectOptions decide which files a run uploads and under which public IDs.
type SelectOptions struct {
	// Include and Exclude are glob patterns (*, ?, [...], and ** for any
	// number of directories). A pattern without "/" matches a file's or
	// directory's base name; a pattern with "/" matches the whole relative
	// path. With Include set, only files matching one of them are selected;
	// files and directories matching an Exclude pattern are skipped.
	Include, Exclude []string
	// Hidden selects files and directories whose names start with "." while
	// walking (they are skipped by default).
	Hidden bool
	// Folder is prepended to every public ID.
	Folder string
	// ResourceType (image, video, raw, auto or "") decides whether the
	// extension is kept in the public ID (see PublicID).
	ResourceType string
	// Shard restricts the run to one shard of the files.
	Shard Shard
	// Ignore lists files that are never selected (the journal itself).
	Ignore []string
}

// Validate checks the patterns, the folder and the resource type.
func (o *SelectOptions) Validate() error {
	for _, list := range [][]string{o.Include, o.Exclude} {
		for _, p := range list {
			if p == "" {
				return usagef("empty glob pattern: remove it or write one like '*.jpg'")
			}
			for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
				if _, err := path.Match(seg, "x"); err != nil {
					return usagef("invalid glob %q: %v (use *, ?, [abc] and **)", p, err)
				}
			}
		}
	}
	switch o.ResourceType {
	case "", "auto", "image", "video", "raw":
	default:
		return usagef("invalid resource type %q: use auto, image, video or raw", o.ResourceType)
	}
	f := strings.Trim(o.Folder, "/")
	for _, seg := range strings.Split(f, "/") {
		if f != "" && (seg == "" || seg == "." || seg == "..") {
			return usagef("invalid --folder %q: use names separated by single slashes, e.g. shop/shoes", o.Folder)
		}
	}
	return nil
}

// Select lists the files of sources, applying the filters, deriving public
// IDs and keeping only the shard's files. Directories are walked in lexical
// order; symbolic links to files are followed, links to directories are not.
// A path that does not exist, two different files with the same public ID,
// or a bad pattern is a *UsageError; nothing has been uploaded then.
func Select(sources []Source, o SelectOptions) ([]File, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	ignore := map[string]bool{}
	for _, p := range o.Ignore {
		if abs, err := filepath.Abs(p); err == nil {
			ignore[abs] = true
		}
	}
	var all []File
	byID := map[string]int{}
	absOf := map[string]string{}
	add := func(p, rel string, size int64) error {
		abs, err := filepath.Abs(p)
		if err != nil {
			return usagef("cannot resolve %s: %v", p, err)
		}
		if ignore[abs] || !o.included(rel) {
			return nil
		}
		id := PublicID(rel, o.Folder, o.ResourceType)
		if id == "" {
			return usagef("cannot derive a public ID from %s: rename the file", p)
		}
		if i, ok := byID[id]; ok {
			if absOf[id] == abs {
				return nil // the same file listed twice
			}
			return usagef("%s and %s would both get public ID %q: rename one, upload them separately with different --folder values, or exclude one", all[i].Path, p, id)
		}
		byID[id] = len(all)
		absOf[id] = abs
		all = append(all, File{Path: p, Rel: rel, Size: size, PublicID: id})
		return nil
	}
	for _, src := range sources {
		fi, err := os.Stat(src.Path)
		if err != nil {
			return nil, usagef("cannot read %s: %v", src.Path, unwrapPathErr(err))
		}
		switch {
		case fi.IsDir():
			if err := o.walk(src.Path, add); err != nil {
				return nil, err
			}
		case fi.Mode().IsRegular():
			if err := add(src.Path, fileRel(src), fi.Size()); err != nil {
				return nil, err
			}
		default:
			return nil, usagef("%s is not a regular file or directory", src.Path)
		}
	}
	out := all[:0]
	for _, f := range all {
		if o.Shard.Contains(f.Rel) {
			out = append(out, f)
		}
	}
	return out, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileRel is the relative path of a file source: its base name, or for a
// listed relative path that stays inside the current directory, the cleaned
// path itself.
func fileRel(src Source) string {
	if src.Listed && !filepath.IsAbs(src.Path) {
		c := filepath.ToSlash(filepath.Clean(src.Path))
		if c != ".." && !strings.HasPrefix(c, "../") {
			return c
		}
	}
	return filepath.Base(src.Path)
}

func (o *SelectOptions) walk(root string, add func(p, rel string, size int64) error) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return usagef("cannot read %s: %v", p, unwrapPathErr(err))
		}
		if p == root {
			return nil
		}
		r, err := filepath.Rel(root, p)
		if err != nil {
			return usagef("cannot read %s: %v", p, err)
		}
		rel := filepath.ToSlash(r)
		hidden := strings.HasPrefix(d.Name(), ".")
		if d.IsDir() {
			if (hidden && !o.Hidden) || o.excluded(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden && !o.Hidden {
			return nil
		}
		var fi fs.FileInfo
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err = os.Stat(p) // follow links to files
		} else {
			fi, err = d.Info()
		}
		if err != nil {
			return usagef("cannot read %s: %v", p, unwrapPathErr(err))
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		return add(p, rel, fi.Size())
	})
}

func (o *SelectOptions) excluded(rel string) bool {
	for _, p := range o.Exclude {
		if MatchGlob(p, rel) {
			return true
		}
	}
	return false
}

func (o *SelectOptions) included(rel string) bool {
	if o.excluded(rel) {
		return false
	}
	// A file inside an excluded directory named explicitly (a listed path).
	if dir := path.Dir(rel); dir != "." {
		for d := dir; d != "." && d != "/"; d = path.Dir(d) {
			if o.excluded(d) {
				return false
			}
		}
	}
	if len(o.Include) == 0 {
		return true
	}
	for _, p := range o.Include {
		if MatchGlob(p, rel) {
			return true
		}
	}
	return false
}

// MatchGlob reports whether the slash-separated relative path rel matches
// pattern. A pattern without "/" is matched against the base name; otherwise
// against the whole path, segment by segment, where "**" matches any number
// of segments (including none). Malformed patterns match nothing.
func MatchGlob(pattern, rel string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(rel))
		return ok
	}
	return matchSegs(strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(rel, "/"))
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// GuessResourceType returns the resource type Cloudinary's "auto" would
// most likely pick for a file from its extension: image (including PDF and
// other documents Cloudinary renders), video (including audio) or raw.
func GuessResourceType(rel string) string {
	e := strings.ToLower(strings.TrimPrefix(path.Ext(rel), "."))
	switch {
	case videoExt[e]:
		return "video"
	case mediaExt[e]:
		return "image"
	}
	return "raw"
}

var videoExt = map[string]bool{}

// mediaExt lists the extensions of image and video formats: for these the
// extension is not part of the public ID (Cloudinary adds the format to
// delivery URLs), while raw files keep theirs.
var mediaExt = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`jpg jpeg jpe jfif png gif webp bmp tif tiff ico svg heic heif avif jxl jp2 psd ai eps pdf
		arw cr2 cr3 nef dng raf orf rw2 tga wdp hdp djvu flif
		mp4 m4v mov webm mkv avi wmv flv mpeg mpg ogv 3gp 3g2 ts m2ts mts
		mp3 m4a wav ogg oga flac aac aiff opus amr wma`) {
		mediaExt[e] = true
	}
	for _, e := range strings.Fields(`mp4 m4v mov webm mkv avi wmv flv mpeg mpg ogv 3gp 3g2 ts m2ts mts
		mp3 m4a wav ogg oga flac aac aiff opus amr wma`) {
		videoExt[e] = true
	}
}

// PublicID derives the public ID of a file from its slash-separated relative
// path: folder (trimmed of slashes) is prepended, the extension is removed
// for image and video files (always for resourceType image or video; for
// auto or "" when the extension is a known image, video or audio format) and
// kept for raw files, and characters Cloudinary does not accept in public IDs
// (? & # \ % < > + and control characters) become "_".
func PublicID(rel, folder, resourceType string) string {
	rel = strings.Trim(filepath.ToSlash(rel), "/")
	dir, base := path.Split(rel)
	if ext := path.Ext(base); ext != "" && ext != base {
		e := strings.ToLower(ext[1:])
		strip := false
		switch resourceType {
		case "image", "video":
			strip = true
		case "raw":
		default:
			strip = mediaExt[e]
		}
		if strip {
			base = strings.TrimSuffix(base, ext)
		}
	}
	id := sanitize(dir + base)
	if f := strings.Trim(folder, "/"); f != "" && id != "" {
		id = sanitize(f) + "/" + id
	}
	return id
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || r == '\uFFFD':
			return '_'
		case strings.ContainsRune(`?&#\%<>+`, r):
			return '_'
		}
		return r
	}, s)
}
