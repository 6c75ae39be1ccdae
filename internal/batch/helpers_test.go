package batch

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// writeTree writes files (slash-separated path under a new temporary root
// -> content) and returns the root. Files of equal content are hard links
// to the first one written: a walk sees each as a file of its own, and a
// new inode is what costs (about 0.5 ms on a busy ext4). Rewriting or
// chmodding such a file changes them all: give a file a content of its own
// before changing it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	written := map[string]string{} // content -> the file that holds it
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if first, ok := written[content]; ok {
			if err := os.Link(first, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		written[content] = p
	}
	return root
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// fakeUploader reads each file, remembers what was "stored" per public ID,
// and fails or blocks as scripted.
type fakeUploader struct {
	mu      sync.Mutex
	stored  map[string]string // public ID -> md5
	calls   map[string]int
	failN   map[string]int   // public ID -> failures before success
	failErr map[string]error // public ID -> error to fail with
	// existing maps a public ID to the etag of an asset the "server" keeps
	// (overwriting off): uploads of it report Existing.
	existing map[string]string
	// corrupt: uploads of these public IDs store other bytes and fail
	// with an etag mismatch.
	corrupt map[string]bool
	block   chan struct{} // when set, uploads wait for it or ctx
	started chan string   // when set, receives each public ID as it starts

	cur, peak atomic.Int32
}

func newFake() *fakeUploader {
	return &fakeUploader{stored: map[string]string{}, calls: map[string]int{}, failN: map[string]int{}, failErr: map[string]error{},
		existing: map[string]string{}, corrupt: map[string]bool{}}
}

var (
	errTransient    = errors.New("503 service unavailable")
	errEtagMismatch = errors.New("etag mismatch")
)

func (u *fakeUploader) Upload(ctx context.Context, f File, progress ProgressFunc) (Result, error) {
	n := u.cur.Add(1)
	defer u.cur.Add(-1)
	for {
		p := u.peak.Load()
		if n <= p || u.peak.CompareAndSwap(p, n) {
			break
		}
	}
	u.mu.Lock()
	u.calls[f.PublicID]++
	fail := u.failN[f.PublicID] > 0
	if fail {
		u.failN[f.PublicID]--
	}
	ferr := u.failErr[f.PublicID]
	kept, isKept := u.existing[f.PublicID]
	corrupt := u.corrupt[f.PublicID]
	u.mu.Unlock()
	if u.started != nil {
		u.started <- f.PublicID
	}
	if u.block != nil {
		select {
		case <-u.block:
		case <-ctx.Done():
			return Result{Attempts: 1}, ctx.Err()
		}
	}
	if ferr != nil {
		return Result{Attempts: 2}, ferr
	}
	if fail {
		return Result{Attempts: 2}, errTransient
	}
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return Result{}, err
	}
	sum := md5hex(string(b))
	if isKept {
		return Result{PublicID: f.PublicID, Etag: kept, MD5: sum, Existing: true, Attempts: 1}, nil
	}
	if corrupt {
		bad := md5hex(string(b) + "!")
		u.mu.Lock()
		u.stored[f.PublicID] = bad
		u.mu.Unlock()
		return Result{Etag: bad, MD5: sum, Corrupt: true, Attempts: 1}, errEtagMismatch
	}
	progress(int64(len(b)), int64(len(b)))
	u.mu.Lock()
	u.stored[f.PublicID] = sum
	u.mu.Unlock()
	return Result{PublicID: f.PublicID, Etag: sum, MD5: sum, SecureURL: "https://example.test/" + f.PublicID, Attempts: 1}, nil
}

func (u *fakeUploader) total() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, c := range u.calls {
		n += c
	}
	return n
}

// fakeLookup serves etags from a map.
type fakeLookup struct {
	mu    sync.Mutex
	etags map[string]string
	calls int
	err   error
}

func (l *fakeLookup) Etag(_ context.Context, f File) (string, bool, error) {
	id := f.PublicID
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.err != nil {
		return "", false, l.err
	}
	e, ok := l.etags[id]
	return e, ok, nil
}

// recorder collects FileDone results.
type recorder struct {
	nopObserver
	results map[string]FileResult
	order   []string
	began   int
	ended   *Summary
}

func (r *recorder) Begin(int, int64) { r.began++ }
func (r *recorder) FileDone(f File, res FileResult) {
	if r.results == nil {
		r.results = map[string]FileResult{}
	}
	r.results[f.PublicID] = res
	r.order = append(r.order, f.PublicID)
}
func (r *recorder) End(s *Summary) { r.ended = s }
