//go:build unix

package batch

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJournalLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	first, err := OpenJournal(path, "cloud", false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenJournal(path, "cloud", false)
	if !errors.Is(err, ErrJournalLocked) || !strings.Contains(err.Error(), "--wait") {
		t.Fatalf("second writer: err = %v, want ErrJournalLocked with advice", err)
	}
	// A reader (dry run) is not blocked.
	if r, err := OpenJournal(path, "cloud", true); err != nil {
		t.Fatalf("reader: %v", err)
	} else {
		_ = r.Close()
	}
	// A waiting writer gets the journal once the first closes, and sees
	// what the first wrote.
	old := lockPoll
	lockPoll = time.Millisecond
	defer func() { lockPoll = old }()
	got := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		j, err := OpenJournal(path, "cloud", false, WaitForLock(context.Background()))
		if err == nil {
			if _, ok := j.Completed("a"); !ok {
				err = errors.New("the waiting run does not see the first run's entry")
			}
			_ = j.Close()
		}
		got <- err
	}()
	<-started
	if err := first.Record(Entry{PublicID: "a", Size: 1, MD5: "x", Status: StatusUploaded}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		t.Fatalf("waiter returned before the lock was released: %v", err)
	default:
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// Waiting ends with the context.
	held, _ := OpenJournal(path, "cloud", false)
	defer held.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenJournal(path, "cloud", false, WaitForLock(ctx)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled wait: %v", err)
	}
}
