package mockserver

import (
	"bytes"
	"crypto/md5"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Storage selects where the mock keeps asset bytes. Use Memory (the
// default), Dir(path) or MetadataOnly with WithStorage.
type Storage struct {
	kind storageKind
	dir  string
}

type storageKind int

const (
	memoryStorage storageKind = iota
	dirStorage
	metadataStorage
)

var (
	// Memory keeps state and asset bytes in memory; it vanishes with the
	// Server. This is the default.
	Memory = Storage{kind: memoryStorage}
	// MetadataOnly hashes and counts uploaded bytes, then discards them:
	// state is kept, delivery and archives answer that no bytes are stored.
	// Use it for benchmarks that upload large files.
	MetadataOnly = Storage{kind: metadataStorage}
)

// Dir keeps state and asset bytes under path, so a new Server opened on the
// same directory sees the same assets. Files are named by random hex IDs,
// never by public IDs, so no public ID can address a file outside path.
func Dir(path string) Storage { return Storage{kind: dirStorage, dir: path} }

// String describes s, e.g. "memory" or "dir:/tmp/x".
func (s Storage) String() string {
	switch s.kind {
	case dirStorage:
		return "dir:" + s.dir
	case metadataStorage:
		return "metadata-only"
	}
	return "memory"
}

// errNoBytes reports that the bytes of an asset are not stored
// (metadata-only storage).
var errNoBytes = errors.New("asset bytes are not stored (metadata-only storage)")

// sniffLimit is how many leading bytes of every blob are kept for format and
// dimension detection.
const sniffLimit = 256 << 10

// hashState is the running digest of a blob being written: MD5, length and
// the leading bytes.
type hashState struct {
	h      hash.Hash
	n      int64
	prefix []byte // at most sniffLimit bytes; from prefixPool
}

func newHashState() *hashState { return &hashState{h: md5.New()} }

// prefixPool recycles the sniffLimit-byte arrays that hold blob prefixes.
var prefixPool = sync.Pool{New: func() any { return new([sniffLimit]byte) }}

func (s *hashState) Write(p []byte) (int, error) {
	s.h.Write(p)
	s.n += int64(len(p))
	if room := sniffLimit - len(s.prefix); room > 0 && len(p) > 0 {
		if s.prefix == nil {
			s.prefix = prefixPool.Get().(*[sniffLimit]byte)[:0]
		}
		s.prefix = append(s.prefix, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// releasePrefix gives the prefix's array back for another blob. Call it
// only when nothing reads the prefix again.
func (s *hashState) releasePrefix() {
	if cap(s.prefix) == sniffLimit {
		prefixPool.Put((*[sniffLimit]byte)(s.prefix[:sniffLimit]))
	}
	s.prefix = nil
}

// Hashing large blobs overlaps with reading them: readFrom hands blocks of
// hashBlock bytes to a second goroutine, at most hashDepth at a time.
const (
	hashBlock = 256 << 10
	hashDepth = 4
)

// blockPool recycles readFrom's blocks.
var blockPool = sync.Pool{New: func() any { return new([hashBlock]byte) }}

// ReadFrom hashes r to its end (io.Copy calls it); see readFrom.
func (s *hashState) ReadFrom(r io.Reader) (int64, error) { return s.readFrom(r, nil) }

// readFrom reads r to its end, writes every byte to w (when not nil) and
// hashes it. A blob that fits in one block is hashed in line; a larger one
// is hashed by a second goroutine while the next blocks are read, so that
// it costs about the slower of reading and hashing rather than their sum.
// It returns when every byte read has been hashed, with the number of
// bytes read and the first error (io.EOF is not one).
func (s *hashState) readFrom(r io.Reader, w io.Writer) (int64, error) {
	blk := blockPool.Get().(*[hashBlock]byte)
	n, err := fillBlock(r, blk[:])
	if w != nil && n > 0 {
		if _, werr := w.Write(blk[:n]); werr != nil {
			blockPool.Put(blk)
			return int64(n), werr
		}
	}
	if err != nil { // all of it in one block (or a failure): hash it in line
		_, _ = s.Write(blk[:n])
		blockPool.Put(blk)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return int64(n), err
	}
	total := int64(n)
	work := make(chan []byte, hashDepth)
	free := make(chan *[hashBlock]byte, hashDepth)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range work {
			_, _ = s.Write(b)
			free <- (*[hashBlock]byte)(b[:hashBlock])
		}
	}()
	work <- blk[:n]
	blocks := 1
	for {
		if len(free) == 0 && blocks < hashDepth {
			blk = blockPool.Get().(*[hashBlock]byte)
			blocks++
		} else {
			blk = <-free
		}
		n, err = fillBlock(r, blk[:])
		if w != nil && n > 0 {
			if _, werr := w.Write(blk[:n]); werr != nil {
				err = werr
				n = 0
			}
		}
		total += int64(n)
		if n > 0 {
			work <- blk[:n]
		} else {
			free <- blk
		}
		if err != nil {
			break
		}
	}
	close(work)
	<-done
	for range blocks {
		blockPool.Put(<-free)
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return total, err
}

// fillBlock reads from r until b is full or r fails (io.EOF included).
func fillBlock(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *hashState) clone() *hashState {
	c := &hashState{h: md5.New(), n: s.n, prefix: append([]byte(nil), s.prefix...)}
	if m, ok := s.h.(encoding.BinaryMarshaler); ok {
		if b, err := m.MarshalBinary(); err == nil {
			_ = c.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(b)
		}
	}
	return c
}

func (s *hashState) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// blobStore keeps asset bytes under opaque hex keys.
type blobStore interface {
	// newSpool starts a new blob.
	newSpool() (spool, error)
	// open returns the blob's bytes.
	open(key string) (io.ReadSeekCloser, error)
	// remove deletes a blob; unknown keys are ignored.
	remove(key string)
	// keepsBytes reports whether blobs can be read back.
	keepsBytes() bool
	// stash returns a temporary holder for one chunk of a chunked upload.
	stash() (chunkStash, error)
}

// spool accumulates a blob's bytes; commit makes them readable under key.
type spool interface {
	io.Writer
	state() *hashState
	commit(key string) error
	abort()
}

// chunkStash holds one chunk until the chunks before it have arrived.
type chunkStash interface {
	io.Writer
	reader() (io.ReadCloser, error)
	discard()
}

// memoryStore keeps blobs in a map.
type memoryStore struct {
	mu    sync.RWMutex
	blobs map[string][]byte
}

func newMemoryStore() *memoryStore { return &memoryStore{blobs: map[string][]byte{}} }

func (m *memoryStore) keepsBytes() bool { return true }

type memSpool struct {
	m   *memoryStore
	buf bytes.Buffer
	hs  *hashState
}

func (m *memoryStore) newSpool() (spool, error) { return &memSpool{m: m, hs: newHashState()}, nil }

func (s *memSpool) Write(p []byte) (int, error) {
	s.hs.Write(p)
	return s.buf.Write(p)
}
func (s *memSpool) ReadFrom(r io.Reader) (int64, error) { return s.hs.readFrom(r, &s.buf) }
func (s *memSpool) state() *hashState                   { return s.hs }
func (s *memSpool) commit(key string) error {
	s.m.mu.Lock()
	s.m.blobs[key] = s.buf.Bytes()
	s.m.mu.Unlock()
	return nil
}
func (s *memSpool) abort() { s.buf = bytes.Buffer{} }

func (m *memoryStore) open(key string) (io.ReadSeekCloser, error) {
	m.mu.RLock()
	b, ok := m.blobs[key]
	m.mu.RUnlock()
	if !ok {
		return nil, os.ErrNotExist
	}
	return nopSeekCloser{bytes.NewReader(b)}, nil
}

func (m *memoryStore) remove(key string) {
	m.mu.Lock()
	delete(m.blobs, key)
	m.mu.Unlock()
}

type memStash struct{ buf bytes.Buffer }

func (m *memoryStore) stash() (chunkStash, error) { return &memStash{}, nil }
func (s *memStash) Write(p []byte) (int, error)   { return s.buf.Write(p) }
func (s *memStash) reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(s.buf.Bytes())), nil
}
func (s *memStash) discard() { s.buf = bytes.Buffer{} }

type nopSeekCloser struct{ io.ReadSeeker }

func (nopSeekCloser) Close() error { return nil }

// fileStore keeps blobs as files in dir/blobs, named by key.
type fileStore struct {
	blobDir string
	tmpDir  string
}

func newFileStore(blobDir, tmpDir string) (*fileStore, error) {
	for _, d := range []string{blobDir, tmpDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	// Leftovers of a previous process (a crash mid-upload) are garbage.
	for _, pat := range []string{"blob-*", "chunk-*"} {
		old, _ := filepath.Glob(filepath.Join(tmpDir, pat))
		for _, f := range old {
			_ = os.Remove(f)
		}
	}
	return &fileStore{blobDir: blobDir, tmpDir: tmpDir}, nil
}

func (f *fileStore) keepsBytes() bool { return true }

// path maps a key to its file. Keys are generated hex IDs; anything else is
// refused so that no input can name a file outside blobDir.
func (f *fileStore) path(key string) (string, error) {
	if !isHex(key) {
		return "", fmt.Errorf("invalid blob key %q", key)
	}
	return filepath.Join(f.blobDir, key), nil
}

type fileSpool struct {
	f   *fileStore
	tmp *os.File
	hs  *hashState
}

func (f *fileStore) newSpool() (spool, error) {
	tmp, err := os.CreateTemp(f.tmpDir, "blob-*")
	if err != nil {
		return nil, err
	}
	return &fileSpool{f: f, tmp: tmp, hs: newHashState()}, nil
}

func (s *fileSpool) Write(p []byte) (int, error) {
	s.hs.Write(p)
	return s.tmp.Write(p)
}
func (s *fileSpool) ReadFrom(r io.Reader) (int64, error) { return s.hs.readFrom(r, s.tmp) }
func (s *fileSpool) state() *hashState                   { return s.hs }
func (s *fileSpool) commit(key string) error {
	dst, err := s.f.path(key)
	if err != nil {
		s.abort()
		return err
	}
	if err := s.tmp.Close(); err != nil {
		_ = os.Remove(s.tmp.Name())
		return err
	}
	if err := os.Rename(s.tmp.Name(), dst); err != nil {
		_ = os.Remove(s.tmp.Name())
		return err
	}
	return nil
}
func (s *fileSpool) abort() {
	_ = s.tmp.Close()
	_ = os.Remove(s.tmp.Name())
}

func (f *fileStore) open(key string) (io.ReadSeekCloser, error) {
	p, err := f.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

func (f *fileStore) remove(key string) {
	if p, err := f.path(key); err == nil {
		_ = os.Remove(p)
	}
}

func (f *fileStore) stash() (chunkStash, error) { return newFileStash(f.tmpDir) }

// fileStash is a chunk parked in a temporary file.
type fileStash struct{ f *os.File }

func newFileStash(dir string) (*fileStash, error) {
	f, err := os.CreateTemp(dir, "chunk-*")
	if err != nil {
		return nil, err
	}
	return &fileStash{f: f}, nil
}

func (s *fileStash) Write(p []byte) (int, error) { return s.f.Write(p) }
func (s *fileStash) reader() (io.ReadCloser, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.NopCloser(s.f), nil
}
func (s *fileStash) discard() {
	_ = s.f.Close()
	_ = os.Remove(s.f.Name())
}

// metaStore hashes and counts bytes and keeps none. Out-of-order chunks are
// parked in temporary files (in tmpDir) until the gap before them fills;
// in-order chunks are hashed as they stream and never touch the disk.
type metaStore struct{ tmpDir string }

func (m *metaStore) keepsBytes() bool { return false }

type metaSpool struct{ hs *hashState }

func (m *metaStore) newSpool() (spool, error)               { return &metaSpool{hs: newHashState()}, nil }
func (s *metaSpool) Write(p []byte) (int, error)            { return s.hs.Write(p) }
func (s *metaSpool) ReadFrom(r io.Reader) (int64, error)    { return s.hs.ReadFrom(r) }
func (s *metaSpool) state() *hashState                      { return s.hs }
func (s *metaSpool) commit(string) error                    { return nil }
func (s *metaSpool) abort()                                 {}
func (m *metaStore) open(string) (io.ReadSeekCloser, error) { return nil, errNoBytes }
func (m *metaStore) remove(string)                          {}
func (m *metaStore) stash() (chunkStash, error)             { return newFileStash(m.tmpDir) }

func isHex(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
