// The local MD5 of sized sources, computed from the bytes the client reads
// to send them.

package upload

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"
)

// Sources of at least bgHashMin bytes are hashed on a goroutine of their
// own, beside the send: the send path only copies the bytes it read into
// one of bgHashBufs buffers of bgHashBuf bytes (blocking while all are
// queued, so memory stays bounded), and a 1 GiB upload's wall time is the
// larger of hashing and sending instead of their sum. Smaller sources are
// hashed inline, where a goroutine would cost more than it saves.
const (
	bgHashMin  = 4 << 20
	bgHashBuf  = 1 << 20
	bgHashBufs = 4
)

// md5At wraps a ReaderAt and hashes bytes in source order as the client
// reads them, so a sequential upload computes its MD5 without a second
// pass; bytes read again (a retried attempt, a resent chunk) are not hashed
// twice. Bytes read out of order (parallel chunks) are hashed by sum, which
// reads the gap again. close must be called when the upload ends (sum
// calls it); reads after it are passed through unhashed.
type md5At struct {
	ra   io.ReaderAt
	size int64

	mu     sync.Mutex
	h      hash.Hash // nil: checksums off
	next   int64     // bytes [0, next) are hashed or queued
	bg     *bgHasher // nil: hash inline
	closed bool
}

// newMD5At hashes when enabled; otherwise it passes reads through and sum
// returns "".
func newMD5At(ra io.ReaderAt, size int64, enabled bool) *md5At {
	m := &md5At{ra: ra, size: size}
	if !enabled {
		return m
	}
	m.h = md5.New()
	if size >= bgHashMin {
		m.bg = newBGHasher(m.h, bgHashBuf, bgHashBufs)
	}
	return m
}

func (m *md5At) ReadAt(p []byte, off int64) (int, error) {
	n, err := m.ra.ReadAt(p, off)
	if m.h == nil {
		return n, err
	}
	m.mu.Lock()
	if !m.closed && off <= m.next && off+int64(n) > m.next {
		fresh := p[m.next-off : n]
		if m.bg != nil {
			m.bg.write(fresh)
		} else {
			m.h.Write(fresh)
		}
		m.next = off + int64(n)
	}
	m.mu.Unlock()
	return n, err
}

// close stops hashing reads and the hashing goroutine (after it hashed
// what was queued). It is idempotent; sum still works after it, reading
// what was not hashed from the source.
func (m *md5At) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closeLocked()
}

func (m *md5At) closeLocked() {
	if m.closed {
		return
	}
	m.closed = true
	if m.bg != nil {
		m.bg.close()
	}
}

// sum finishes the hash (reading whatever was not yet hashed in order) and
// returns it as lowercase hex.
func (m *md5At) sum() (string, error) {
	if m.h == nil {
		return "", nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closeLocked() // later reads are not hashed: the gap is read below
	if m.next < m.size {
		if _, err := io.Copy(m.h, io.NewSectionReader(m.ra, m.next, m.size-m.next)); err != nil {
			return "", fmt.Errorf("upload: hashing source: %w", err)
		}
		m.next = m.size
	}
	return hex.EncodeToString(m.h.Sum(nil)), nil
}

// bgHasher feeds a hash on its own goroutine from a bounded set of
// buffers. Its methods are called by one goroutine at a time (md5At's
// mutex).
type bgHasher struct {
	h    hash.Hash
	cur  []byte        // being filled, nil when none
	full chan []byte   // filled buffers, to hash in order
	free chan []byte   // empty buffers
	done chan struct{} // closed when the goroutine has hashed everything
}

func newBGHasher(h hash.Hash, size, n int) *bgHasher {
	b := &bgHasher{h: h, full: make(chan []byte, n), free: make(chan []byte, n), done: make(chan struct{})}
	for range n {
		b.free <- make([]byte, 0, size)
	}
	go b.run()
	return b
}

func (b *bgHasher) run() {
	defer close(b.done)
	for buf := range b.full {
		b.h.Write(buf)
		b.free <- buf[:0]
	}
}

// write queues a copy of p, waiting for a free buffer when all are queued.
func (b *bgHasher) write(p []byte) {
	for len(p) > 0 {
		if b.cur == nil {
			b.cur = <-b.free
		}
		k := copy(b.cur[len(b.cur):cap(b.cur)], p)
		b.cur = b.cur[:len(b.cur)+k]
		p = p[k:]
		if len(b.cur) == cap(b.cur) {
			b.full <- b.cur
			b.cur = nil
		}
	}
}

// close queues the last partial buffer and waits until everything queued
// is hashed; h may be used by the caller afterwards.
func (b *bgHasher) close() {
	if len(b.cur) > 0 {
		b.full <- b.cur
	}
	b.cur = nil
	close(b.full)
	<-b.done
}
