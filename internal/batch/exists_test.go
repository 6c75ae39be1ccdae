package batch

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// An upload the server answered by keeping the asset it had is reported
// "exists", not uploaded; the journal records it so that a run that keeps
// existing assets skips the file next time, while a run that overwrites
// uploads it.
func TestExistsStatusAndJournal(t *testing.T) {
	root := writeTree(t, map[string]string{"new.jpg": "new", "taken.jpg": "mine"})
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	run := func(up *fakeUploader, keep bool) (*Summary, *recorder) {
		t.Helper()
		j, err := OpenJournal(jpath, "cloud", false)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		rec := &recorder{}
		sum, err := Run(context.Background(), files, up, RunOptions{Journal: j, KeepExisting: keep, Observer: rec})
		if err != nil {
			t.Fatal(err)
		}
		return sum, rec
	}

	up := newFake()
	up.existing["taken"] = md5hex("theirs")
	sum, rec := run(up, true)
	r := rec.results["taken"]
	if r.Status != StatusExists || r.Etag != md5hex("theirs") || r.MD5 != md5hex("mine") || r.Error != "" || r.Retryable {
		t.Fatalf("taken: %+v, want status exists with the kept asset's etag", r)
	}
	if sum.Exists != 1 || sum.Uploaded != 1 || sum.BytesUploaded != int64(len("new")) || sum.Code() != ExitOK {
		t.Fatalf("summary %+v: want 1 exists (not counted as uploaded), 1 uploaded, exit 0", sum)
	}
	entries, _, err := ReadJournal(jpath)
	if err != nil {
		t.Fatal(err)
	}
	var kept []Entry
	for _, e := range entries {
		if e.PublicID == "taken" {
			kept = append(kept, e)
		}
	}
	if len(kept) != 1 || kept[0].Status != StatusExists || kept[0].Completed() || kept[0].MD5 != md5hex("mine") || kept[0].Etag != md5hex("theirs") {
		t.Fatalf("journal entries for taken: %+v", kept)
	}

	// Same flags again: nothing is sent, the file is skipped.
	up2 := newFake()
	up2.existing["taken"] = md5hex("theirs")
	sum, rec = run(up2, true)
	if r := rec.results["taken"]; r.Status != StatusSkipped || r.Reason != ReasonExists || up2.calls["taken"] != 0 {
		t.Fatalf("rerun keeping existing: %+v, %d calls", r, up2.calls["taken"])
	}
	if sum.Skipped != 2 || sum.Exists != 0 {
		t.Fatalf("rerun summary %+v", sum)
	}

	// A run that overwrites uploads it: the journal never said our bytes
	// were stored.
	up3 := newFake()
	_, rec = run(up3, false)
	if r := rec.results["taken"]; r.Status != StatusUploaded || up3.calls["taken"] != 1 || up3.stored["taken"] != md5hex("mine") {
		t.Fatalf("rerun overwriting: %+v, %d calls", r, up3.calls["taken"])
	}
	if r := rec.results["new"]; r.Status != StatusSkipped || r.Reason != ReasonJournal {
		t.Fatalf("new.jpg on the third run: %+v", r)
	}
}

// Stored bytes that differ from the file's are a retryable failure that
// names the mismatch, journaled as failed, never completed.
func TestEtagMismatchIsRetryableFailure(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "aaa"})
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(jpath, "cloud", false)
	if err != nil {
		t.Fatal(err)
	}
	up := newFake()
	up.corrupt["a"] = true
	rec := &recorder{}
	sum, err := Run(context.Background(), files, up, RunOptions{Journal: j, Observer: rec, MaxAttempts: 2, RetryWait: time.Millisecond})
	j.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := rec.results["a"]
	if r.Status != StatusFailed || r.Reason != ReasonEtagMismatch || !r.Retryable || r.MD5 != md5hex("aaa") || r.Etag != md5hex("aaa!") || up.calls["a"] != 2 || r.Attempts != 2 {
		t.Fatalf("result %+v after %d calls", r, up.calls["a"])
	}
	if sum.Failed != 1 || sum.Uploaded != 0 || sum.Code() != ExitFailed {
		t.Fatalf("summary %+v", sum)
	}
	entries, _, err := ReadJournal(jpath)
	if err != nil || len(entries) != 1 || entries[0].Status != StatusFailed || entries[0].Completed() || entries[0].Reason != ReasonEtagMismatch {
		t.Fatalf("journal %+v %v", entries, err)
	}
}

// A mismatch means the asset was replaced with other bytes: earlier
// entries for the public ID no longer hold, in memory and when read again.
func TestEtagMismatchInvalidatesEarlierEntries(t *testing.T) {
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(jpath, "cloud", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Entry{
		{PublicID: "a", Size: 3, MD5: md5hex("aaa"), Status: StatusUploaded, Etag: md5hex("aaa")},
		{PublicID: "a", Size: 3, MD5: md5hex("bbb"), Status: StatusExists, Etag: md5hex("aaa")},
		{PublicID: "b", Size: 3, MD5: md5hex("bbb"), Status: StatusUploaded, Etag: md5hex("bbb")},
		{PublicID: "b", Size: 3, MD5: md5hex("bbb"), Status: StatusFailed, Error: "503"}, // plain failure: b stays completed
	} {
		if err := j.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	check := func(j *Journal, when string, a bool) {
		t.Helper()
		_, done := j.Completed("a")
		_, kept := j.Kept("a")
		_, b := j.Completed("b")
		if done != a || kept != a || !b {
			t.Errorf("%s: a completed %v kept %v (want %v), b completed %v (want true)", when, done, kept, a, b)
		}
	}
	check(j, "before", true)
	if err := j.Record(Entry{PublicID: "a", Size: 3, MD5: md5hex("aaa"), Status: StatusFailed, Reason: ReasonEtagMismatch, Etag: md5hex("zzz")}); err != nil {
		t.Fatal(err)
	}
	check(j, "after the mismatch", false)
	j.Close()
	j2, err := OpenJournal(jpath, "cloud", true)
	if err != nil {
		t.Fatal(err)
	}
	check(j2, "read again", false)
}
