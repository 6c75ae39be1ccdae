package upload

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// readRange reads [off, end) of m the way the transport does: in pieces.
// It may run on other goroutines than the test's, so it reports with Error.
func readRange(t *testing.T, m *md5At, off, end int64, piece int) {
	t.Helper()
	p := make([]byte, piece)
	for off < end {
		n, err := m.ReadAt(p[:min(int64(piece), end-off)], off)
		if err != nil && err != io.EOF {
			t.Errorf("ReadAt(%d): %v", off, err)
			return
		}
		off += int64(n)
	}
}

// TestMD5AtSumsTheSource: inline (small) and on the hashing goroutine
// (large), the sum is the MD5 of the source whatever the reads were:
// sequential, rewound like a retried attempt, overlapping like a resent
// chunk, out of order like parallel chunks, or concurrent.
func TestMD5AtSumsTheSource(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, size := range []int{100 << 10, bgHashMin + 12345} {
		data := randomBytes(size, 1)
		want := md5hex(data)
		n := int64(size)
		third := n / 3
		patterns := []struct {
			name string
			read func(t *testing.T, m *md5At)
		}{
			{"sequential", func(t *testing.T, m *md5At) { readRange(t, m, 0, n, 32<<10) }},
			{"odd pieces", func(t *testing.T, m *md5At) { readRange(t, m, 0, n, 7777) }},
			{"retried attempt", func(t *testing.T, m *md5At) {
				readRange(t, m, 0, n/2, 32<<10)
				readRange(t, m, 0, n, 32<<10)
			}},
			{"resent chunks", func(t *testing.T, m *md5At) {
				readRange(t, m, 0, third, 32<<10)
				readRange(t, m, 0, third, 32<<10)
				readRange(t, m, third-100, 2*third, 32<<10)
				readRange(t, m, third, n, 32<<10)
			}},
			{"out of order", func(t *testing.T, m *md5At) {
				readRange(t, m, 2*third, n, 32<<10)
				readRange(t, m, third, 2*third, 32<<10)
			}},
			{"nothing read", func(t *testing.T, m *md5At) {}},
			{"concurrent", func(t *testing.T, m *md5At) {
				var wg sync.WaitGroup
				for i := range int64(3) {
					wg.Go(func() { readRange(t, m, i*third, min(n, (i+1)*third+1), 32<<10) })
				}
				wg.Wait()
			}},
		}
		for _, p := range patterns {
			m := newMD5At(bytes.NewReader(data), n, true)
			if got := m.bg != nil; got != (size >= bgHashMin) {
				t.Fatalf("size %d: background hashing %v", size, got)
			}
			p.read(t, m)
			sum, err := m.sum()
			m.close()
			if err != nil {
				t.Fatalf("size %d, %s: %v", size, p.name, err)
			}
			if sum != want {
				t.Errorf("size %d, %s: sum %s, want %s", size, p.name, sum, want)
			}
		}
	}
}

// TestMD5AtCloseWithoutSum: an upload that fails ends the hashing
// goroutine; reads after close (a transport still reading a finished
// body) pass through, and a later sum is still right.
func TestMD5AtCloseWithoutSum(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	data := randomBytes(bgHashMin*2, 1)
	m := newMD5At(bytes.NewReader(data), int64(len(data)), true)
	readRange(t, m, 0, int64(len(data))/2, 32<<10)
	m.close()
	m.close()
	p := make([]byte, 10)
	if n, err := m.ReadAt(p, 5); n != 10 || err != nil || !bytes.Equal(p, data[5:15]) {
		t.Fatalf("ReadAt after close: %d, %v", n, err)
	}
	sum, err := m.sum()
	if want := md5hex(data); err != nil || sum != want {
		t.Fatalf("sum after close: %s, %v; want %s", sum, err, want)
	}
}

type failingReaderAt struct {
	r     io.ReaderAt
	after int64
	err   error
}

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.after {
		return 0, f.err
	}
	return f.r.ReadAt(p, off)
}

// TestMD5AtErrors: a failing source fails the read that hit it and the sum
// that has to read it, and the goroutine still ends.
func TestMD5AtErrors(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	boom := errors.New("disk on fire")
	data := randomBytes(bgHashMin+1, 1)
	m := newMD5At(failingReaderAt{r: bytes.NewReader(data), after: 1 << 20, err: boom}, int64(len(data)), true)
	readRange(t, m, 0, 1<<20, 32<<10)
	if _, err := m.ReadAt(make([]byte, 32<<10), 1<<20); !errors.Is(err, boom) {
		t.Fatalf("ReadAt past the failure: %v, want %v", err, boom)
	}
	if _, err := m.sum(); !errors.Is(err, boom) {
		t.Fatalf("sum: %v, want %v", err, boom)
	}
}

// TestMD5AtOff: without checksums nothing is hashed and no goroutine runs.
func TestMD5AtOff(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	data := randomBytes(bgHashMin, 1)
	m := newMD5At(bytes.NewReader(data), int64(len(data)), false)
	readRange(t, m, 0, int64(len(data)), 32<<10)
	if sum, err := m.sum(); sum != "" || err != nil || m.bg != nil {
		t.Fatalf("sum %q, %v, background %v", sum, err, m.bg != nil)
	}
	m.close()
}

// blockingHash blocks its first Write until release is closed.
type blockingHash struct {
	hash.Hash
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (b *blockingHash) Write(p []byte) (int, error) {
	b.once.Do(func() { close(b.started); <-b.release })
	return b.Hash.Write(p)
}

// TestBGHasherIsBounded: while the hash is stuck, the writer holds no more
// than the fixed buffers and waits; once the hash moves on, every byte is
// hashed in order.
func TestBGHasherIsBounded(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const size, bufs = 1 << 10, 3
	h := &blockingHash{Hash: md5.New(), started: make(chan struct{}), release: make(chan struct{})}
	b := newBGHasher(h, size, bufs)
	data := randomBytes(size*(bufs+3), 1)
	wrote := make(chan struct{})
	go func() {
		for p := data; len(p) > 0; p = p[min(len(p), 100):] {
			b.write(p[:min(len(p), 100)])
		}
		close(wrote)
	}()
	<-h.started
	// One buffer is being hashed, the others queued: the writer must wait.
	deadline := time.Now().Add(10 * time.Second)
	for len(b.full) < bufs-1 || len(b.free) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("queue never filled: %d full, %d free", len(b.full), len(b.free))
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-wrote:
		t.Fatal("the writer finished while every buffer was held: the queue is not bounded")
	default:
	}
	close(h.release)
	<-wrote
	b.close()
	if got, want := hex.EncodeToString(h.Sum(nil)), md5hex(data); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}

// TestHashBeside: large and small buffers are hashed (the large one on a
// goroutine that has ended when wait returns); with checksums off nothing
// runs.
func TestHashBeside(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, n := range []int{10, bgHashMin, 2*bgHashMin + 2} {
		b := randomBytes(n, 1)
		want := md5hex(b)
		whole := md5.New()
		hashBeside(whole, b)()
		halves := md5.New()
		hashBeside(halves, b[:n/2])()
		hashBeside(halves, b[n/2:])()
		for _, h := range []hash.Hash{whole, halves} {
			if got := hex.EncodeToString(h.Sum(nil)); got != want {
				t.Errorf("%d bytes: %s, want %s", n, got, want)
			}
		}
	}
	hashBeside(noHash{}, randomBytes(bgHashMin, 1))()
}
