package batch

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// inflightUploader counts upload starts and notes a start beyond the bound
// made while the journal's first fsync is still held.
type inflightUploader struct {
	*fakeUploader
	starts   atomic.Int64
	released *atomic.Bool
	early    atomic.Int64 // starts beyond recordsInFlight before the release
	sixteen  chan struct{}
}

func (u *inflightUploader) Upload(ctx context.Context, f File, p ProgressFunc) (Result, error) {
	n := u.starts.Add(1)
	if n > recordsInFlight && !u.released.Load() {
		u.early.Add(1)
	}
	if n == recordsInFlight {
		close(u.sixteen)
	}
	return u.fakeUploader.Upload(ctx, f, p)
}

// TestRunBoundsFilesNotDurable: while the journal cannot sync, a worker
// uploads at most recordsInFlight files whose records are not durable, and
// starts the next only once the oldest is: what a crash makes a rerun
// upload again is bounded per worker, as the README says.
func TestRunBoundsFilesNotDurable(t *testing.T) {
	files := selectAll(t, writeTree(t, tree(recordsInFlight+4)))
	release := make(chan struct{})
	var released atomic.Bool
	var syncs atomic.Int64
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "t", false, withSync(func(f *os.File) error {
		if syncs.Add(1) == 1 {
			<-release
		}
		return f.Sync()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	up := &inflightUploader{fakeUploader: newFake(), released: &released, sixteen: make(chan struct{})}
	ran := make(chan error, 1)
	go func() {
		sum, err := Run(context.Background(), files, up, RunOptions{Concurrency: 1, Journal: j})
		if err == nil && sum.Uploaded != len(files) {
			t.Errorf("uploaded %d of %d", sum.Uploaded, len(files))
		}
		ran <- err
	}()
	<-up.sixteen // the first record's fsync is held: sixteen records wait
	released.Store(true)
	close(release)
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if n := up.early.Load(); n != 0 {
		t.Errorf("%d uploads started beyond %d files not durable in the journal", n, recordsInFlight)
	}
	if got := up.starts.Load(); got != int64(len(files)) {
		t.Errorf("%d uploads, want %d", got, len(files))
	}
}
