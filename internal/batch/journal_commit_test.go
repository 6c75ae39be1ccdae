package batch

import (
	"context"
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
		held    = make(chan struct{})
		release = make(chan struct{})
	)
	durable.Store("")
	syncFn := func(f *os.File) error {
		if syncs.Add(1) == 1 {
			close(held)
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
	<-held // the committer is inside the first sync
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

// TestJournalRecordAsync: RecordAsync returns while the fsync is held, its
// callback runs only after a sync covered the line (with that sync's
// error), and Close returns after every callback.
func TestJournalRecordAsync(t *testing.T) {
	held, release := make(chan struct{}), make(chan struct{})
	var syncs atomic.Int64
	syncErr := errors.New("disk gone")
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "demo", false, withSync(func(f *os.File) error {
		switch syncs.Add(1) {
		case 1:
			close(held)
			<-release
			return f.Sync()
		case 2:
			return syncErr
		}
		return f.Sync()
	}))
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		id        string
		err       error
		completed bool
	}
	got := make(chan outcome, 3)
	record := func(id string) {
		j.RecordAsync(Entry{PublicID: id, MD5: "m", Status: StatusUploaded}, func(err error) {
			_, ok := j.Completed(id)
			got <- outcome{id, err, ok}
		})
	}
	record("a") // returns although the first sync is held
	<-held
	select {
	case o := <-got:
		t.Fatalf("callback of %s ran before its sync returned", o.id)
	default:
	}
	close(release)
	if o := <-got; o.id != "a" || o.err != nil || !o.completed {
		t.Fatalf("first record: %+v, want a durable, completed entry", o)
	}
	record("b") // its sync fails
	if o := <-got; o.id != "b" || !errors.Is(o.err, syncErr) || o.completed {
		t.Fatalf("second record: %+v, want the sync error and no completed entry", o)
	}
	record("c")
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-got:
		if o.id != "c" || o.err != nil {
			t.Fatalf("third record: %+v", o)
		}
	default:
		t.Fatal("Close returned before the callback of a queued record ran")
	}
	// After Close the entry is kept in memory and the callback runs at once.
	record("d")
	if o := <-got; o.id != "d" || o.err != nil || !o.completed {
		t.Fatalf("record after Close: %+v", o)
	}
}

// doneObserver sends the public ID of each reported file.
type doneObserver struct {
	nopObserver
	done chan string
}

func (o doneObserver) FileDone(f File, _ FileResult) { o.done <- f.PublicID }

// TestRunUploadsWhileTheRecordSyncs: a worker uploads its next file while
// the journal syncs its previous record, and a file is reported only once
// its record is durable.
func TestRunUploadsWhileTheRecordSyncs(t *testing.T) {
	files := selectAll(t, writeTree(t, tree(3)))
	release, syncing := make(chan struct{}), make(chan struct{})
	var syncs atomic.Int64
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "t", false, withSync(func(f *os.File) error {
		if syncs.Add(1) == 1 {
			close(syncing)
			<-release
		}
		return f.Sync()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	up := newFake()
	up.started = make(chan string, len(files))
	obs := doneObserver{done: make(chan string, len(files))}
	type outcome struct {
		sum *Summary
		err error
	}
	ran := make(chan outcome, 1)
	go func() {
		sum, err := Run(context.Background(), files, up, RunOptions{Concurrency: 1, Journal: j, Observer: obs})
		ran <- outcome{sum, err}
	}()
	<-up.started
	<-syncing // the first file's record is being synced, and held
	<-up.started
	// The second upload started while the first record was not durable.
	select {
	case id := <-obs.done:
		t.Fatalf("%s was reported before its record was durable", id)
	default:
	}
	close(release)
	o := <-ran
	if o.err != nil || o.sum.Uploaded != len(files) {
		t.Fatalf("Run: %+v, %v", o.sum, o.err)
	}
	if got := len(obs.done); got != len(files) {
		t.Fatalf("%d files reported, want %d", got, len(files))
	}
	for _, f := range files {
		if _, ok := j.Completed(f.PublicID); !ok {
			t.Errorf("%s reported but not completed in the journal", f.PublicID)
		}
	}
}
