package pull

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func etag(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// fakeRemote serves contents by public ID; corrupt[id] is how many first
// fetches of id return flipped bytes.
type fakeRemote struct {
	mu      sync.Mutex
	content map[string][]byte
	corrupt map[string]int
	fetches map[string]int
}

func (f *fakeRemote) fetch(_ context.Context, a Asset) (io.ReadCloser, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches[a.PublicID]++
	b, ok := f.content[a.PublicID]
	if !ok {
		return nil, 0, errors.New("404")
	}
	b = bytes.Clone(b)
	if f.corrupt[a.PublicID] > 0 {
		f.corrupt[a.PublicID]--
		b[0] ^= 0xff
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

func assetsOf(content map[string][]byte) []Asset {
	var out []Asset
	for id, b := range content {
		p, _ := LocalPath(id, "bin")
		out = append(out, Asset{PublicID: id, ResourceType: "raw", Type: "upload", Bytes: int64(len(b)), Etag: etag(b), Path: p})
	}
	return out
}

func TestRunVerifiesRetriesAndResumes(t *testing.T) {
	dir := t.TempDir()
	rem := &fakeRemote{content: map[string][]byte{"a": []byte("alpha"), "d/b": []byte("bravo"), "d/e/c": []byte("charlie"), "bad": []byte("broken")},
		corrupt: map[string]int{"d/b": 1, "bad": 100}, fetches: map[string]int{}}
	assets := assetsOf(rem.content)
	var results []FileResult
	opts := Options{Concurrency: 3, RetryWait: time.Millisecond, Done: func(r FileResult) { results = append(results, r) }}
	sum, err := Run(context.Background(), dir, assets, rem.fetch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Downloaded != 3 || sum.Failed != 1 || sum.ExitCode != 1 || len(results) != 4 {
		t.Fatalf("summary %+v, %d results", sum, len(results))
	}
	for _, r := range results {
		if r.PublicID == "bad" {
			if r.Status != StatusFailed || r.Reason != ReasonEtagMismatch || !r.Retryable || r.Attempts != 3 {
				t.Errorf("bad: %+v", r)
			}
			continue
		}
		b, err := os.ReadFile(r.Path)
		if err != nil || etag(b) != r.Etag || !bytes.Equal(b, rem.content[r.PublicID]) {
			t.Errorf("%s: file %q (%v), result %+v", r.PublicID, b, err, r)
		}
	}
	if rem.fetches["d/b"] != 2 {
		t.Errorf("d/b fetched %d times, want 2 (one corrupt, retried)", rem.fetches["d/b"])
	}
	// Nothing corrupt or partial is left behind.
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if strings.Contains(p, "bad") || strings.HasSuffix(p, ".cldrest-part") {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})

	// A rerun downloads nothing it has; a local file changed since is fetched again.
	if err := os.WriteFile(filepath.Join(dir, "a.bin"), []byte("ALPHA"), 0o644); err != nil {
		t.Fatal(err)
	}
	delete(rem.content, "bad")
	assets = assetsOf(rem.content)
	before := map[string]int{}
	for k, v := range rem.fetches {
		before[k] = v
	}
	results = nil
	sum, err = Run(context.Background(), dir, assets, rem.fetch, opts)
	if err != nil || sum.Downloaded != 1 || sum.Skipped != 2 || sum.ExitCode != 0 {
		t.Fatalf("rerun: %+v %v", sum, err)
	}
	if rem.fetches["a"] != before["a"]+1 || rem.fetches["d/b"] != before["d/b"] || rem.fetches["d/e/c"] != before["d/e/c"] {
		t.Errorf("fetches %v, before %v", rem.fetches, before)
	}
}

func TestRunDryRunAndCollision(t *testing.T) {
	dir := t.TempDir()
	rem := &fakeRemote{content: map[string][]byte{"x": []byte("x")}, fetches: map[string]int{}}
	a := assetsOf(rem.content)[0]
	b := a
	b.ResourceType = "image"
	sum, err := Run(context.Background(), dir, []Asset{a, b}, rem.fetch, Options{DryRun: true})
	if err != nil || sum.Planned != 1 || sum.Failed != 1 || rem.fetches["x"] != 0 {
		t.Fatalf("%+v %v fetches %v", sum, err, rem.fetches)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("dry run wrote %d entries", len(entries))
	}
}

func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rem := &fakeRemote{content: map[string][]byte{"x": []byte("x"), "y": []byte("y")}, fetches: map[string]int{}}
	sum, err := Run(ctx, t.TempDir(), assetsOf(rem.content), rem.fetch, Options{})
	if !errors.Is(err, context.Canceled) || !sum.Interrupted || sum.ExitCode != 130 {
		t.Fatalf("%+v %v", sum, err)
	}
}

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ id, format, want string }{
		{"a/b", "jpg", "a/b.jpg"},
		{"doc.PDF", "pdf", "doc.PDF"},
		{"notes.txt", "", "notes.txt"},
		{"../etc/passwd", "", ""},
		{"a/../../x", "png", ""},
		{"/abs", "png", ""},
		{"a//b", "png", ""},
		{"./a", "png", ""},
		{"nul\x00", "png", ""},
	} {
		got, err := LocalPath(tc.id, tc.format)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("LocalPath(%q, %q) = %q, %v; want %q", tc.id, tc.format, got, err, tc.want)
		}
	}
}
