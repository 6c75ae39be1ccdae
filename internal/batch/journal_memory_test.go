package batch

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cldrest/cldrest/internal/memtest"
)

// TestForgetNewRecords: with ForgetNewRecords, a record of a public ID the
// journal did not hold is durable but not indexed; records of held IDs
// still update what Completed and Kept say; reopening sees everything.
func TestForgetNewRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	old := Entry{PublicID: "old", Size: 3, MD5: md5hex("aaa"), Etag: md5hex("aaa"), Status: StatusUploaded, Options: "o1"}
	j, err := OpenJournal(path, "demo", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Record(old); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j, err = OpenJournal(path, "demo", false, ForgetNewRecords())
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := j.Completed("old"); !ok || e.MD5 != old.MD5 || e.Etag != old.Etag || e.Size != 3 || e.Options != "o1" || e.Status != StatusUploaded {
		t.Fatalf("Completed(old) = %+v, %v; want the entry read at open", e, ok)
	}
	if err := j.Record(Entry{PublicID: "new", Size: 1, MD5: md5hex("n"), Status: StatusUploaded}); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Completed("new"); ok {
		t.Error("a new public ID is held in memory although ForgetNewRecords is set")
	}
	// An update of a held ID is applied: other bytes stored invalidate it.
	if err := j.Record(Entry{PublicID: "old", Size: 3, MD5: md5hex("aaa"), Status: StatusFailed, Reason: ReasonEtagMismatch, Etag: md5hex("zzz")}); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Completed("old"); ok {
		t.Error("an invalidating record of a held public ID was not applied")
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j, err = OpenJournal(path, "demo", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Completed("new"); !ok {
		t.Error("the new record is not in the journal file")
	}
	if _, ok := j.Completed("old"); ok {
		t.Error("the invalidation is not in the journal file")
	}
}

// TestJournalOddDigestsKeptWhole: values that are not 32 lowercase hex
// digits come back exactly as recorded.
func TestJournalOddDigestsKeptWhole(t *testing.T) {
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "demo", false)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, e := range []Entry{
		{PublicID: "upper", Size: 1, MD5: "D41D8CD98F00B204E9800998ECF8427E", Etag: md5hex("x"), Status: StatusUploaded},
		{PublicID: "short", Size: 1, MD5: "m", Etag: "e", Status: StatusUploaded},
		{PublicID: "quoted", Size: 1, MD5: md5hex("x"), Etag: `"` + md5hex("x") + `"`, Status: StatusSkipped},
	} {
		if err := j.Record(e); err != nil {
			t.Fatal(err)
		}
		got, ok := j.Completed(e.PublicID)
		if !ok || got.MD5 != e.MD5 || got.Etag != e.Etag || got.Status != e.Status || got.Size != e.Size {
			t.Errorf("Completed(%s) = %+v, want %+v", e.PublicID, got, e)
		}
	}
}

// TestJournalMemoryFlat: a run recording many new public IDs with
// ForgetNewRecords holds none of them, and a journal read at open holds a
// packed mark per public ID, well under the size of an Entry.
func TestJournalMemoryFlat(t *testing.T) {
	// 5,000 records measure as 20,000 did (202 bytes per ID read, none per
	// ID forgotten) in a quarter of the time; 100 KB held for good by the
	// journal would still fail the first bound.
	const n = 5000
	entry := func(i int) Entry {
		sum := md5.Sum([]byte(fmt.Sprint(i)))
		h := hex.EncodeToString(sum[:])
		return Entry{Path: fmt.Sprintf("/some/long/path/to/the/photos/%06d.jpg", i), PublicID: fmt.Sprintf("photos/%06d", i),
			Size: int64(i), MD5: h, Etag: h, Status: StatusUploaded, Options: "resource_type=image"}
	}
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(path, "demo", false, ForgetNewRecords(), withSync(func(*os.File) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	stop := memtest.HeapPeak()
	// As a run records: without waiting for each group's fsync.
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		j.RecordAsync(entry(i), func(err error) {
			if err != nil {
				errs <- err
			}
			wg.Done()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	_, retained := stop()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if per := retained / int64(n); per > 16 {
		t.Errorf("recording %d new public IDs retained %d bytes (%d per record), want none held", n, retained, per)
	}

	stop = memtest.HeapPeak()
	r, err := OpenJournal(path, "demo", true)
	if err != nil {
		t.Fatal(err)
	}
	_, retained = stop()
	if r.Len() != n {
		t.Fatalf("read %d completed entries, want %d", r.Len(), n)
	}
	// A packed mark is 88 bytes; with its key, and the map's slots grown to
	// a power of two, a public ID costs about 200 bytes (an index of whole
	// Entry values: about 410).
	if per := retained / int64(n); per > 240 {
		t.Errorf("a journal of %d entries holds %d bytes (%d per public ID), want at most 240 per ID", n, retained, per)
	}
	if e, _ := r.Completed("photos/000042"); e != (Entry{PublicID: "photos/000042", Size: 42, MD5: entry(42).MD5, Etag: entry(42).Etag, Status: StatusUploaded, Options: "resource_type=image"}) {
		t.Errorf("Completed(photos/000042) = %+v", e)
	}
}
