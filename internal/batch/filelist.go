package batch

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"math"
	"path/filepath"
	"slices"
	"sync"
)

// FileList is a list of files held compactly, for runs over many files:
// the files Scan walks in one directory share one record of its path and
// relative path, and each is held as an index of that record, its base name
// and its size (about 17 bytes plus its name, where a File costs some 130);
// its path, relative path and public ID are derived again by At. Files
// given as they are (NewFileList, and the files named by a source argument
// that a join cannot rebuild) are held whole. A FileList is not changed by
// At or Len, so they may be called concurrently.
type FileList struct {
	dirs  []listDir
	items []listItem
	// names holds the base names of the items of a directory, each a
	// uvarint length and the name's bytes.
	names []byte
	// files holds the files given whole (items with dir < 0).
	files []File
	// folder and idType derive the public IDs (SelectOptions.Folder and
	// publicIDType).
	folder, idType string

	mu    sync.Mutex
	index idIndex // for Find, built on its first call
}

type listDir struct{ path, rel string }

// listItem is one file: dir indexes FileList.dirs and at is the offset of
// its name in FileList.names, or dir is -1 and at indexes FileList.files.
type listItem struct {
	dir  int32
	at   uint32
	size int64
}

// NewFileList returns a list of files as they are given (their public IDs
// are kept, not derived).
func NewFileList(files []File) *FileList {
	l := &FileList{items: make([]listItem, 0, len(files))}
	for _, f := range files {
		l.addFile(f)
	}
	return l
}

// Len is the number of files.
func (l *FileList) Len() int { return len(l.items) }

// At returns file i (0 <= i < Len). For a walked file it is built again:
// Path is the directory's path joined with the name (filepath.Join), Rel
// its relative path and the name joined by "/", PublicID derived from
// Rel as Scan derives it. Scan adds a file this way only where that gives
// the path and relative path it found.
func (l *FileList) At(i int) File {
	it := l.items[i]
	if it.dir < 0 {
		return l.files[it.at]
	}
	d, name := l.dirs[it.dir], l.name(it)
	rel := joinRel(d.rel, name)
	return File{Path: filepath.Join(d.path, name), Rel: rel, Size: it.size, PublicID: PublicID(rel, l.folder, l.idType)}
}

// publicID is the public ID of the item.
func (l *FileList) publicID(it listItem) string {
	if it.dir < 0 {
		return l.files[it.at].PublicID
	}
	return PublicID(l.rel(it), l.folder, l.idType)
}

// Files returns every file as a slice (what a FileList is there to avoid
// holding for a large run).
func (l *FileList) Files() []File {
	out := make([]File, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

// LargestFirst orders the files by size, largest first (ties keep their
// order), as the function LargestFirst orders a slice.
func (l *FileList) LargestFirst() {
	slices.SortStableFunc(l.items, func(a, b listItem) int { return cmp.Compare(b.size, a.size) })
	l.mu.Lock()
	l.index = nil
	l.mu.Unlock()
}

// Find returns the position of a file with public ID id (the first, if
// several have it). The first call builds an index of 8 bytes per file.
func (l *FileList) Find(id string) (int, bool) {
	l.mu.Lock()
	if l.index == nil {
		l.index = newIDIndex(l)
	}
	index := l.index
	l.mu.Unlock()
	h := idHash(id)
	k, _ := slices.BinarySearch(index, uint64(h)<<32)
	for ; k < len(index) && uint32(index[k]>>32) == h; k++ {
		if i := index.pos(k); l.publicID(l.items[i]) == id {
			return i, true
		}
	}
	return 0, false
}

// idIndex holds a list's positions sorted by a hash of their public IDs
// (then by position): the hash in the high 32 bits, the position in the
// low ones. Files with the same ID are next to each other, in list order.
type idIndex []uint64

func newIDIndex(l *FileList) idIndex {
	index := make(idIndex, l.Len())
	for i, it := range l.items {
		index[i] = uint64(idHash(l.publicID(it)))<<32 | uint64(i)
	}
	slices.Sort(index)
	return index
}

// hash is the ID hash of entry k; pos its position.
func (x idIndex) hash(k int) uint32 { return uint32(x[k] >> 32) }
func (x idIndex) pos(k int) int     { return int(uint32(x[k])) }

func idHash(id string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return h.Sum32()
}

// bytes is the total size of the files.
func (l *FileList) bytes() int64 {
	var n int64
	for _, it := range l.items {
		n += it.size
	}
	return n
}

func (l *FileList) name(it listItem) string { return string(l.nameBytes(it)) }

func (l *FileList) nameBytes(it listItem) []byte {
	n, k := binary.Uvarint(l.names[it.at:])
	start := int(it.at) + k
	return l.names[start : start+int(n)]
}

// relParts returns file i's relative path in two parts: joined by "/"
// when both are set, the path is the one of them that is set otherwise.
func (l *FileList) relParts(it listItem) (dir, name string) {
	if it.dir < 0 {
		return l.files[it.at].Rel, ""
	}
	return l.dirs[it.dir].rel, l.name(it)
}

// rel is the relative path of the item.
func (l *FileList) rel(it listItem) string {
	dir, name := l.relParts(it)
	return joinRel(dir, name)
}

func joinRel(dir, name string) string {
	switch {
	case dir == "":
		return name
	case name == "":
		return dir
	}
	return dir + "/" + name
}

// trim drops the slack left by the list's growth, for a list held for a
// whole run.
func (l *FileList) trim() {
	l.items, l.names, l.dirs = slices.Clone(l.items), slices.Clone(l.names), slices.Clone(l.dirs)
}

// addDir adds a directory record for the files of directory p (relative
// path rel) and returns its index.
func (l *FileList) addDir(p, rel string) int32 {
	if len(l.dirs) >= math.MaxInt32 {
		panic("batch: too many directories")
	}
	l.dirs = append(l.dirs, listDir{p, rel})
	return int32(len(l.dirs) - 1)
}

// addName adds a file of directory dir, named name.
func (l *FileList) addName(dir int32, name string, size int64) {
	if len(l.names) > math.MaxUint32-len(name)-binary.MaxVarintLen64 || len(l.items) >= math.MaxInt32 {
		panic("batch: too many files")
	}
	at := uint32(len(l.names))
	l.names = binary.AppendUvarint(l.names, uint64(len(name)))
	l.names = append(l.names, name...)
	l.items = append(l.items, listItem{dir: dir, at: at, size: size})
}

// addFile adds f as it is.
func (l *FileList) addFile(f File) {
	if len(l.files) >= math.MaxInt32 || len(l.items) >= math.MaxInt32 {
		panic("batch: too many files")
	}
	l.files = append(l.files, f)
	l.items = append(l.items, listItem{dir: -1, at: uint32(len(l.files) - 1), size: f.Size})
}

// compareItems orders two items as compareRel orders their relative paths,
// without building them.
func (l *FileList) compareItems(a, b listItem) int {
	if a.dir >= 0 && a.dir == b.dir {
		return bytes.Compare(l.nameBytes(a), l.nameBytes(b))
	}
	ad, an := l.relParts(a)
	bd, bn := l.relParts(b)
	return compareRelParts(ad, an, bd, bn)
}
