package batch

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/cldrest/cldrest/cld"
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
	// KeepExtension keeps every file's extension in its public ID
	// (photo.jpg becomes photo.jpg, not photo), so files that differ only
	// in their extensions do not collide.
	KeepExtension bool
	// FollowSymlinks walks symbolic links to directories (each directory
	// once per path: a link back to an ancestor is a ReasonSymlinkLoop
	// problem). Links to files are always followed.
	FollowSymlinks bool
	// FS is the file system to read (nil: the operating system's).
	FS FS
}

// publicIDType is the resource type PublicID derives IDs for: raw (which
// keeps extensions) with KeepExtension.
func (o *SelectOptions) publicIDType() string {
	if o.KeepExtension {
		return "raw"
	}
	return o.ResourceType
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
	if o.ResourceType != "" && !slices.Contains(cld.UploadResourceTypes(), cld.ResourceType(o.ResourceType)) {
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

// FS is the file system Scan reads: Stat follows symbolic links, ReadDir
// lists a directory (entries in any order; Scan sorts them). The zero
// SelectOptions.FS is the operating system's. Tests inject failures through
// it; nothing else is read while selecting (files are opened only when they
// are uploaded).
type FS interface {
	Stat(name string) (fs.FileInfo, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

type osFS struct{}

func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// Reasons of a Problem (also the FileResult.Reason of the path it names).
const (
	ReasonUnreadable   = "unreadable"    // a directory that cannot be listed or a file that cannot be read
	ReasonDanglingLink = "dangling_link" // a symbolic link whose target does not exist
	ReasonSymlinkLoop  = "symlink_loop"  // a link that leads back to a directory being walked (or to itself)
	ReasonLinkedDir    = "linked_dir"    // a link to a directory, not followed without FollowSymlinks (a warning)
)

// Problem is a path found while walking that cannot be uploaded. Every
// problem except ReasonLinkedDir is a failure of that path: the rest of the
// tree is still selected, and Run reports the path as failed (exit 1).
type Problem struct {
	Path   string
	Rel    string
	Reason string
	Err    error
}

// Failure reports whether the problem fails the run (every reason except
// ReasonLinkedDir, which is only a warning).
func (p Problem) Failure() bool { return p.Reason != ReasonLinkedDir }

// Message is the one-line explanation printed for the path.
func (p Problem) Message() string {
	switch p.Reason {
	case ReasonDanglingLink:
		return "symbolic link to a missing target: fix or remove the link, or --exclude it"
	case ReasonSymlinkLoop:
		return "symbolic link loop (it leads back to a directory being walked): not followed"
	case ReasonLinkedDir:
		return "symbolic link to a directory: not followed (pass --follow-symlinks to walk it)"
	}
	return fmt.Sprintf("cannot read: %v (fix its permissions or --exclude it)", unwrapPathErr(p.Err))
}

// Selection is what Scan found: the files to upload, in walk order, and the
// paths that could not be selected.
type Selection struct {
	Files    []File
	Problems []Problem
}

// Select is Scan for callers that want all or nothing: any failing Problem
// is returned as a *UsageError naming the first one.
func Select(sources []Source, o SelectOptions) ([]File, error) {
	list, err := SelectList(sources, o)
	if err != nil {
		return nil, err
	}
	return list.Files(), nil
}

// SelectList is Select returning the files as a FileList.
func SelectList(sources []Source, o SelectOptions) (*FileList, error) {
	list, problems, err := ScanList(sources, o)
	if err != nil {
		return nil, err
	}
	for _, p := range problems {
		if p.Failure() {
			return nil, usagef("%s: %s", p.Path, p.Message())
		}
	}
	return list, nil
}

// maxCollisions is the most public-ID collisions one error names.
const maxCollisions = 20

// Scan lists the files of sources, applying the filters, deriving public
// IDs and keeping only the shard's files. Directories are walked in lexical
// order. Symbolic links to files are followed; links to directories are
// followed only with FollowSymlinks, and a link that leads back to a
// directory being walked is reported (ReasonSymlinkLoop) instead of walked
// again. Hidden and excluded entries are skipped by name: they are never
// stat'ed, listed or opened. An unreadable directory, a dangling link or a
// loop becomes a Problem and the walk goes on. A source argument that does
// not exist, public ID collisions (all of them, in one error) or a bad
// pattern are a *UsageError; nothing has been uploaded then.
func Scan(sources []Source, o SelectOptions) (*Selection, error) {
	list, problems, err := ScanList(sources, o)
	if err != nil {
		return nil, err
	}
	return &Selection{Files: list.Files(), Problems: problems}, nil
}

// ScanList is Scan returning the files as a FileList, for runs over many
// files: the files of one directory share its path (see FileList).
func ScanList(sources []Source, o SelectOptions) (*FileList, []Problem, error) {
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	w := &walker{o: &o, fsys: o.FS, ignore: map[string]bool{}, ignoreBase: map[string]bool{},
		list: &FileList{folder: o.Folder, idType: o.publicIDType()}, sourceDirs: map[listDir]int32{}}
	if w.fsys == nil {
		w.fsys = osFS{}
	}
	for _, p := range o.Ignore {
		if abs, err := filepath.Abs(p); err == nil {
			w.ignore[abs] = true
			w.ignoreBase[filepath.Base(abs)] = true
		}
	}
	for _, src := range sources {
		files, problems := w.list.Len(), len(w.problems)
		fi, err := w.fsys.Stat(src.Path)
		if err != nil && src.Listed {
			// A path of a list (a --failed file fed back) fails alone.
			reason := ReasonUnreadable
			if errors.Is(err, syscall.ELOOP) {
				reason = ReasonSymlinkLoop
			} else if _, lerr := os.Lstat(src.Path); lerr == nil && errors.Is(err, fs.ErrNotExist) {
				reason = ReasonDanglingLink
			}
			w.problem(src.Path, fileRel(src), reason, err)
			continue
		}
		if err != nil {
			return nil, nil, usagef("cannot read %s: %v", src.Path, unwrapPathErr(err))
		}
		switch {
		case fi.IsDir():
			rel, _ := markedRel(src)
			w.dir(src.Path, rel, []fs.FileInfo{fi})
		case fi.Mode().IsRegular():
			if err := w.add(src.Path, fileRel(src), fi.Size(), nil, ""); err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, usagef("%s is not a regular file or directory", src.Path)
		}
		// Directories are listed as they come (nothing of a directory is
		// held while walking it); one sort gives the lexical walk order.
		slices.SortFunc(w.list.items[files:], w.list.compareItems)
		// The source directory's own problem is "." and comes first, as
		// the walk meets it, even before entries such as "-x" that sort
		// before ".".
		root := func(rel string) string {
			if rel == "." {
				return ""
			}
			return rel
		}
		slices.SortStableFunc(w.problems[problems:], func(a, b Problem) int { return compareRel(root(a.Rel), root(b.Rel)) })
	}
	w.dedupe()
	if len(w.collisions) > 0 {
		msg := strings.Join(w.collisions[:min(len(w.collisions), maxCollisions)], "; ")
		if n := len(w.collisions) - maxCollisions; n > 0 {
			msg += fmt.Sprintf("; and %d more", n)
		}
		return nil, nil, usagef("%s: %s; rename the files, upload them separately with different --folder values, exclude some, or pass --keep-extension if they differ only in their extensions", Plural(len(w.collisions), "public ID collision", "public ID collisions"), msg)
	}
	if o.Shard.Count > 1 {
		w.list.items = slices.DeleteFunc(w.list.items, func(it listItem) bool { return !o.Shard.Contains(w.list.rel(it)) })
	}
	w.list.trim()
	return w.list, w.problems, nil
}

// compareRel orders slash-separated paths as a walk in lexical order meets
// them: name by name, so a directory "a" and its files come before "a.txt".
func compareRel(a, b string) int { return compareRelParts(a, "", b, "") }

// compareRelParts is compareRel of the paths joinRel(ad, an) and
// joinRel(bd, bn), without joining them.
func compareRelParts(ad, an, bd, bn string) int {
	a, b := relSegs{ad, an}, relSegs{bd, bn}
	for !a.done() && !b.done() {
		if c := strings.Compare(a.next(), b.next()); c != 0 {
			return c
		}
	}
	switch {
	case a.done() && b.done():
		return 0
	case a.done():
		return -1
	}
	return 1
}

// relSegs yields the segments of the path joinRel(a, b).
type relSegs struct{ a, b string }

func (r *relSegs) done() bool { return r.a == "" && r.b == "" }

func (r *relSegs) next() string {
	if r.a == "" {
		r.a, r.b = r.b, ""
	}
	seg, rest, _ := strings.Cut(r.a, "/")
	r.a = rest
	return seg
}

// dedupe drops the second and later listings of one file and records a
// collision for each other file that would get a public ID already taken
// (in walk order). It sorts hashes of the IDs with positions, not files:
// no map of every ID, and only files whose IDs hash alike are compared.
func (w *walker) dedupe() {
	l := w.list
	index := newIDIndex(l)
	type collision struct {
		at  int
		msg string
	}
	var found []collision
	drop := make(map[int]bool)
	for i := 0; i < len(index); {
		j := i + 1
		for ; j < len(index) && index.hash(j) == index.hash(i); j++ {
		}
		if j-i > 1 {
			// Positions in walk order; a file whose ID an earlier one has
			// is dropped, and collides unless it is the same file.
			group := make([]File, j-i)
			for k := range group {
				group[k] = l.At(index.pos(i + k))
			}
			for k, other := range group {
				m := slices.IndexFunc(group[:k], func(f File) bool { return f.PublicID == other.PublicID })
				if m < 0 {
					continue
				}
				at := index.pos(i + k)
				drop[at] = true
				if first := group[m]; !w.sameFile(first.Path, other.Path) {
					found = append(found, collision{at, fmt.Sprintf("%s and %s would both get public ID %q", first.Path, other.Path, first.PublicID)})
				}
			}
		}
		i = j
	}
	slices.SortFunc(found, func(a, b collision) int { return cmp.Compare(a.at, b.at) })
	for _, c := range found {
		w.collisions = append(w.collisions, c.msg)
	}
	if len(drop) == 0 {
		return
	}
	kept := l.items[:0]
	for i, it := range l.items {
		if !drop[i] {
			kept = append(kept, it)
		}
	}
	l.items = kept
}

type walker struct {
	o          *SelectOptions
	fsys       FS
	ignore     map[string]bool // absolute paths
	ignoreBase map[string]bool // their base names (most files need no Abs)
	list       *FileList
	sourceDirs map[listDir]int32 // directory records of the files named by sources
	collisions []string
	problems   []Problem
}

func (w *walker) problem(p, rel, reason string, err error) {
	if w.o.Shard.Contains(rel) {
		w.problems = append(w.problems, Problem{Path: p, Rel: rel, Reason: reason, Err: err})
	}
}

// walkDir is the directory being walked: its path, relative path and
// record in the list (-1 until a file of it is added).
type walkDir struct {
	path, rel string
	rec       int32
}

// add selects the file at p with relative path rel, of size bytes, unless
// it is ignored or filtered out. A walked file comes with its directory
// and its name in it; wd is nil for a source argument.
func (w *walker) add(p, rel string, size int64, wd *walkDir, name string) error {
	if len(w.ignore) > 0 && w.ignoreBase[filepath.Base(p)] {
		if abs, err := filepath.Abs(p); err == nil && w.ignore[abs] {
			return nil
		}
	}
	if !w.o.included(rel) {
		return nil
	}
	id := PublicID(rel, w.o.Folder, w.o.publicIDType())
	if id == "" {
		return usagef("cannot derive a public ID from %s: rename the file", p)
	}
	// Held for the whole run: the files of a directory share its record
	// when At can rebuild the paths from it and the name.
	if wd != nil && joinRel(wd.rel, name) == rel {
		if wd.rec < 0 {
			wd.rec = w.list.addDir(wd.path, wd.rel)
		}
		w.list.addName(wd.rec, name, size)
		return nil
	}
	if wd == nil {
		if rec, name, ok := w.sourceDir(p, rel); ok {
			w.list.addName(rec, name, size)
			return nil
		}
	}
	w.list.addFile(File{Path: p, Rel: rel, Size: size, PublicID: id})
	return nil
}

// sourceDir returns the directory record of a file named by a source
// argument, and its name, when At rebuilds p and rel from them.
func (w *walker) sourceDir(p, rel string) (int32, string, bool) {
	name := filepath.Base(p)
	dir, drel := filepath.Dir(p), path.Dir(rel)
	if drel == "." {
		drel = ""
	}
	if strings.Contains(name, "/") || filepath.Join(dir, name) != p || joinRel(drel, name) != rel {
		return 0, "", false
	}
	key := listDir{dir, drel}
	rec, ok := w.sourceDirs[key]
	if !ok {
		rec = w.list.addDir(dir, drel)
		w.sourceDirs[key] = rec
	}
	return rec, name, true
}

// sameFile reports whether paths a and b name the same file (one file
// listed twice): the same absolute path.
func (w *walker) sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// dir walks directory p (relative path rel); ancestors are the directories
// on the way down, for loop detection. Its entries are handled as they are
// read, and its subdirectories walked once it is closed (so a deep tree
// holds one open directory at a time); Scan sorts what was found.
func (w *walker) dir(p, rel string, ancestors []fs.FileInfo) {
	var subdirs []subdir
	wd := &walkDir{path: p, rel: rel, rec: -1}
	if err := w.listDir(p, func(d fs.DirEntry) { w.entry(wd, ancestors, d, &subdirs) }); err != nil {
		w.problem(p, cmp.Or(rel, "."), ReasonUnreadable, err)
	}
	for _, d := range subdirs {
		w.dir(d.path, d.rel, d.ancestors)
	}
}

type subdir struct {
	path, rel string
	ancestors []fs.FileInfo
}

// listDir calls fn for each entry of directory p, in the order the file system
// gives them. The operating system's directories are read 256 entries at a
// time, so a directory of a million files is never held whole; an error
// after some entries comes after their calls.
func (w *walker) listDir(p string, fn func(fs.DirEntry)) error {
	if _, ok := w.fsys.(osFS); !ok {
		entries, err := w.fsys.ReadDir(p)
		for _, d := range entries {
			fn(d)
		}
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		entries, err := f.ReadDir(256)
		for _, d := range entries {
			fn(d)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// entry handles one entry d of directory wd: a file is added, a directory
// (or a followed link to one) queued in subdirs.
func (w *walker) entry(wd *walkDir, ancestors []fs.FileInfo, d fs.DirEntry, subdirs *[]subdir) {
	p, rel, name := wd.path, wd.rel, d.Name()
	if strings.HasPrefix(name, ".") && !w.o.Hidden {
		return
	}
	cp, crel := filepath.Join(p, name), path.Join(rel, name)
	switch {
	case d.Type()&fs.ModeSymlink != 0:
		if w.o.excluded(crel) {
			return // never stat'ed
		}
		fi, err := w.fsys.Stat(cp)
		switch {
		case errors.Is(err, syscall.ELOOP):
			w.problem(cp, crel, ReasonSymlinkLoop, err)
		case errors.Is(err, fs.ErrNotExist):
			w.problem(cp, crel, ReasonDanglingLink, err)
		case err != nil:
			w.problem(cp, crel, ReasonUnreadable, err)
		case fi.IsDir() && !w.o.FollowSymlinks:
			w.problem(cp, crel, ReasonLinkedDir, nil)
		case fi.IsDir():
			if slices.ContainsFunc(ancestors, func(a fs.FileInfo) bool { return os.SameFile(a, fi) }) {
				w.problem(cp, crel, ReasonSymlinkLoop, nil)
				return
			}
			*subdirs = append(*subdirs, subdir{cp, crel, append(ancestors[:len(ancestors):len(ancestors)], fi)})
		case fi.Mode().IsRegular():
			_ = w.addOrCollide(cp, crel, fi.Size(), wd, name)
		}
	case d.IsDir():
		if w.o.excluded(crel) {
			return
		}
		next := ancestors
		if w.o.FollowSymlinks {
			fi, err := d.Info()
			if err != nil {
				w.problem(cp, crel, ReasonUnreadable, err)
				return
			}
			next = append(ancestors[:len(ancestors):len(ancestors)], fi)
		}
		*subdirs = append(*subdirs, subdir{cp, crel, next})
	case d.Type().IsRegular():
		if !w.o.included(crel) {
			return // never stat'ed
		}
		fi, err := d.Info()
		if err != nil {
			w.problem(cp, crel, ReasonUnreadable, err)
			return
		}
		_ = w.addOrCollide(cp, crel, fi.Size(), wd, name)
	}
}

// addOrCollide adds a walked file; its only possible error (a file whose
// name yields no public ID) becomes a problem of that path.
func (w *walker) addOrCollide(p, rel string, size int64, wd *walkDir, name string) error {
	if err := w.add(p, rel, size, wd, name); err != nil {
		w.problem(p, rel, ReasonUnreadable, err)
	}
	return nil
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
// path itself. A listed path with a "/./" marker (as --failed writes them,
// like rsync's) keeps the part after the marker: "photos/./cats/tom.jpg"
// is cats/tom.jpg.
func fileRel(src Source) string {
	if rel, ok := markedRel(src); ok {
		return rel
	}
	if src.Listed {
		if !filepath.IsAbs(src.Path) {
			c := filepath.ToSlash(filepath.Clean(src.Path))
			if c != ".." && !strings.HasPrefix(c, "../") {
				return c
			}
		}
	}
	return filepath.Base(src.Path)
}

// markedRel is the part after a "/./" marker of a listed path, when it is
// a clean relative path.
func markedRel(src Source) (string, bool) {
	if !src.Listed {
		return "", false
	}
	_, after, ok := strings.Cut(filepath.ToSlash(src.Path), "/./")
	if !ok {
		return "", false
	}
	c := path.Clean(after)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
		return "", false
	}
	return c, true
}

// LargestFirst orders files by size, largest first (ties keep their
// order), so that a run does not end with one large file uploading alone.
func LargestFirst(files []File) {
	slices.SortStableFunc(files, func(a, b File) int { return cmp.Compare(b.Size, a.Size) })
}

// RetryPath is the path of f as a line of a list that "cldrest upload -"
// reads back with the same public ID: the root, a "/./" marker, and the
// relative path (see fileRel).
func RetryPath(path, rel string) string {
	p := filepath.ToSlash(path)
	if rel == "" || rel == "." || !(p == rel || strings.HasSuffix(p, "/"+rel)) {
		return path
	}
	root := strings.TrimSuffix(strings.TrimSuffix(p, rel), "/")
	if root == "" {
		root = "."
	}
	return filepath.FromSlash(root + "/./" + rel)
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
