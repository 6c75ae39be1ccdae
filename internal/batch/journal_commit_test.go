package batch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// withSync replaces the journal's fsync (tests count and hold syncs).
func withSync(fn func(*os.File) error) JournalOption {
	return func(o *journalOpts) { o.sync = fn }
}

// pendingRecords is how many records wait for the next group commit.
func (j *Journal) pendingRecords() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pending == nil {
		return 0
	}
	return len(j.pending.entries)
}

// TestJournalGroupCommit records from many goroutines while the first
// fsync is held: the rest queue up and share one fsync, and every Record
// returns only after a sync that covered its line.
func TestJournalGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	var (
		syncs   atomic.Int64
		durable atomic.Value // the file's content at the last sync
		release = make(chan struct{})
	)
	durable.Store("")
	syncFn := func(f *os.File) error {
		if syncs.Add(1) == 1 {
			<-release
		}
		b, err := os.ReadFile(f.Name())
		if err != nil {
			return err
		}
		durable.Store(string(b))
		return f.Sync()
	}
	j, err := OpenJournal(path, "demo", false, withSync(syncFn))
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	record := func(i int) {
		defer wg.Done()
		id := fmt.Sprintf("p%03d", i)
		if err := j.Record(Entry{Path: id + ".jpg", PublicID: id, Size: 1, MD5: "m", Status: StatusUploaded}); err != nil {
			errs <- err
			return
		}
		if !strings.Contains(durable.Load().(string), `"public_id":"`+id+`"`) {
			errs <- fmt.Errorf("Record(%s) returned before a sync covered its line", id)
		}
		if _, ok := j.Completed(id); !ok {
			errs <- fmt.Errorf("Record(%s) returned but the entry is not completed", id)
		}
	}
	wg.Add(1)
	go record(0)
	for syncs.Load() == 0 { // the committer is inside the first (held) sync
		time.Sleep(time.Millisecond)
	}
	for i := 1; i < n; i++ {
		wg.Add(1)
		go record(i)
	}
	for j.pendingRecords() < n-1 {
		time.Sleep(time.Millisecond)
	}
	if _, ok := j.Completed("p001"); ok {
		t.Error("a queued record counts as completed before it is durable")
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := syncs.Load(); got != 2 {
		t.Errorf("%d records took %d fsyncs, want 2 (the held one, then one for the %d queued meanwhile)", n, got, n-1)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	entries, torn, err := ReadJournal(path)
	if err != nil || torn != 0 || len(entries) != n {
		t.Fatalf("journal has %d entries (%d torn, err %v), want %d", len(entries), torn, err, n)
	}
}

// TestJournalSyncErrorReachesEveryRecord: a failed fsync fails every
// Record of its group, and none of them counts as completed.
func TestJournalSyncErrorReachesEveryRecord(t *testing.T) {
	boom := errors.New("disk gone")
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "demo", false, withSync(func(*os.File) error { return boom }))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("p", i)
			if err := j.Record(Entry{PublicID: id, MD5: "m", Status: StatusUploaded}); !errors.Is(err, boom) {
				t.Errorf("Record(%s) = %v, want the sync error", id, err)
			}
			if _, ok := j.Completed(id); ok {
				t.Errorf("%s counts as completed although its record is not durable", id)
			}
		}()
	}
	wg.Wait()
}

// TestJournalRecordAfterClose keeps the entry in memory only.
func TestJournalRecordAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(path, "demo", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Record(Entry{PublicID: "a", MD5: "m", Status: StatusUploaded}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(Entry{PublicID: "b", MD5: "m", Status: StatusUploaded}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	entries, _, err := ReadJournal(path)
	if err != nil || len(entries) != 1 || entries[0].PublicID != "a" {
		t.Fatalf("entries %+v (err %v), want only a", entries, err)
	}
}
