package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func selectAll(t *testing.T, root string) []File {
	t.Helper()
	files, err := Select([]Source{{Path: root}}, SelectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func tree(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("d%d/f%03d.jpg", i%3, i)] = fmt.Sprintf("content %d", i)
	}
	return m
}

func TestRunUploadsAll(t *testing.T) {
	root := writeTree(t, tree(40))
	files := selectAll(t, root)
	up := newFake()
	rec := &recorder{}
	sum, err := Run(context.Background(), files, up, RunOptions{Concurrency: 4, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Uploaded != 40 || sum.Failed != 0 || sum.Files != 40 || sum.Code() != ExitOK || sum.ExitCode != ExitOK {
		t.Fatalf("summary %+v", sum)
	}
	if p := up.peak.Load(); p > 4 || p < 1 {
		t.Errorf("peak concurrency %d, want 1..4", p)
	}
	if rec.began != 1 || rec.ended != sum || len(rec.results) != 40 {
		t.Errorf("observer: began %d, ended %v, %d results", rec.began, rec.ended, len(rec.results))
	}
	for _, f := range files {
		r := rec.results[f.PublicID]
		want := md5hex(tree(40)[f.Rel])
		if r.Status != StatusUploaded || r.MD5 != want || r.Etag != want || r.Attempts != 1 || r.Path != f.Path || r.Type != "file" {
			t.Errorf("%s: %+v", f.PublicID, r)
		}
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if sum.Bytes != total || sum.BytesUploaded != total {
		t.Errorf("bytes %d/%d, want %d", sum.Bytes, sum.BytesUploaded, total)
	}
}

func TestRunRetriesAndFailures(t *testing.T) {
	root := writeTree(t, map[string]string{"ok.jpg": "1", "flaky.jpg": "2", "bad.jpg": "3", "dead.jpg": "4"})
	files := selectAll(t, root)
	errPermanent := errors.New("400 bad request")
	up := newFake()
	up.failN["flaky"] = 2            // fails twice, then works
	up.failN["dead"] = 99            // never works
	up.failErr["bad"] = errPermanent // not retryable
	rec := &recorder{}
	sum, err := Run(context.Background(), files, up, RunOptions{
		MaxAttempts: 3, RetryWait: time.Millisecond, Observer: rec,
		Retryable: func(err error) bool { return !errors.Is(err, errPermanent) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Uploaded != 2 || sum.Failed != 2 || sum.Code() != ExitFailed {
		t.Fatalf("summary %+v", sum)
	}
	tests := []struct {
		id       string
		status   Status
		calls    int
		attempts int
	}{
		{"ok", StatusUploaded, 1, 1},
		{"flaky", StatusUploaded, 3, 2 + 2 + 1},
		{"bad", StatusFailed, 1, 2},
		{"dead", StatusFailed, 3, 6},
	}
	for _, tt := range tests {
		r := rec.results[tt.id]
		if r.Status != tt.status || up.calls[tt.id] != tt.calls || r.Attempts != tt.attempts {
			t.Errorf("%s: status %s calls %d attempts %d; want %s %d %d", tt.id, r.Status, up.calls[tt.id], r.Attempts, tt.status, tt.calls, tt.attempts)
		}
		if tt.status == StatusFailed && r.Error == "" {
			t.Errorf("%s: failed without an error message", tt.id)
		}
	}
}

func TestSummaryCode(t *testing.T) {
	tests := []struct {
		s    Summary
		want int
	}{
		{Summary{Uploaded: 3}, ExitOK},
		{Summary{Uploaded: 3, Failed: 1}, ExitFailed},
		{Summary{Failed: 1, Interrupted: true}, ExitInterrupted},
		{Summary{Planned: 4, DryRun: true}, ExitOK},
		{Summary{}, ExitOK},
	}
	for _, tt := range tests {
		if got := tt.s.Code(); got != tt.want {
			t.Errorf("%+v: code %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestJournalResume(t *testing.T) {
	content := tree(30)
	root := writeTree(t, content)
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	run := func(target string, up *fakeUploader) (*Summary, *recorder) {
		t.Helper()
		j, err := OpenJournal(jpath, target, false)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		rec := &recorder{}
		sum, err := Run(context.Background(), files, up, RunOptions{Journal: j, Observer: rec, RetryWait: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return sum, rec
	}
	// First run: one file fails.
	up := newFake()
	up.failN["d0/f000"] = 99
	sum, _ := run("cloud-a", up)
	if sum.Uploaded != 29 || sum.Failed != 1 {
		t.Fatalf("first run %+v", sum)
	}
	// Second run: only the failed file is sent.
	up2 := newFake()
	sum, rec := run("cloud-a", up2)
	if sum.Uploaded != 1 || sum.Skipped != 29 || up2.total() != 1 || up2.calls["d0/f000"] != 1 {
		t.Fatalf("rerun %+v calls %v", sum, up2.calls)
	}
	if r := rec.results["d1/f001"]; r.Status != StatusSkipped || r.Reason != ReasonJournal || r.MD5 != md5hex(content["d1/f001.jpg"]) {
		t.Errorf("skipped result %+v", r)
	}
	// A changed file (same size, different bytes) and a grown file are sent again.
	if err := os.WriteFile(filepath.Join(root, "d1", "f001.jpg"), []byte("CONTENT 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "d2", "f002.jpg"), []byte("content 2, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	files = selectAll(t, root)
	up3 := newFake()
	sum, _ = run("cloud-a", up3)
	if sum.Uploaded != 2 || sum.Skipped != 28 || up3.calls["d1/f001"] != 1 || up3.calls["d2/f002"] != 1 {
		t.Fatalf("changed files: %+v calls %v", sum, up3.calls)
	}
	// Another target shares nothing.
	up4 := newFake()
	sum, _ = run("cloud-b", up4)
	if sum.Uploaded != 30 || up4.total() != 30 {
		t.Fatalf("other target: %+v", sum)
	}
	entries, torn, err := ReadJournal(jpath)
	if err != nil || torn != 0 {
		t.Fatalf("ReadJournal: %v, torn %d", err, torn)
	}
	if len(entries) != 30+1+2+30 {
		t.Errorf("journal has %d entries, want %d", len(entries), 63)
	}
	for _, e := range entries {
		if e.V != JournalVersion || e.Time.IsZero() || e.Target == "" || e.PublicID == "" || e.Path == "" {
			t.Errorf("incomplete entry %+v", e)
		}
		if e.Status == StatusUploaded && (e.MD5 == "" || e.MD5 != e.Etag || e.Size == 0) {
			t.Errorf("uploaded entry without md5/etag/size: %+v", e)
		}
		if e.Status == StatusFailed && e.Error == "" {
			t.Errorf("failed entry without error: %+v", e)
		}
	}
}

func TestJournalTornLine(t *testing.T) {
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	good := `{"v":1,"time":"2026-01-01T00:00:00Z","target":"t","path":"a.jpg","public_id":"a","size":1,"md5":"0cc175b9c0f1b6a831c399e269772661","status":"uploaded"}`
	if err := os.WriteFile(jpath, []byte(good+"\n"+`{"v":1,"target":"t","public_id":"b","si`), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(jpath, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	if j.Len() != 1 || j.Torn() != 1 {
		t.Errorf("len %d torn %d, want 1 and 1", j.Len(), j.Torn())
	}
	if e, ok := j.Completed("a"); !ok || e.MD5 != md5hex("a") {
		t.Errorf("Completed(a) = %+v, %v", e, ok)
	}
	if err := j.Record(Entry{Path: "c.jpg", PublicID: "c", Size: 1, MD5: md5hex("c"), Status: StatusUploaded}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	entries, torn, err := ReadJournal(jpath)
	if err != nil || torn != 1 || len(entries) != 2 || entries[1].PublicID != "c" || entries[1].Target != "t" {
		t.Fatalf("after repair: %+v torn %d err %v", entries, torn, err)
	}
}

func TestDryRun(t *testing.T) {
	root := writeTree(t, tree(10))
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(jpath, "t", true)
	if err != nil {
		t.Fatal(err)
	}
	up := newFake()
	rec := &recorder{}
	sum, err := Run(context.Background(), files, up, RunOptions{DryRun: true, Journal: j, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	if up.total() != 0 || sum.Planned != 10 || sum.Uploaded != 0 || !sum.DryRun || sum.Code() != ExitOK {
		t.Fatalf("dry run: %d uploads, %+v", up.total(), sum)
	}
	for id, r := range rec.results {
		if r.Status != StatusPlanned {
			t.Errorf("%s: %s", id, r.Status)
		}
	}
	if _, err := os.Stat(jpath); !os.IsNotExist(err) {
		t.Errorf("dry run created the journal: %v", err)
	}
}

func TestSkipExistingEtag(t *testing.T) {
	root := writeTree(t, map[string]string{"same.jpg": "same", "changed.jpg": "new", "absent.jpg": "x"})
	files := selectAll(t, root)
	look := &fakeLookup{etags: map[string]string{"same": md5hex("same"), "changed": md5hex("old")}}
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(jpath, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	up := newFake()
	rec := &recorder{}
	sum, err := Run(context.Background(), files, up, RunOptions{Lookup: look, Journal: j, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	_ = j.Close()
	if sum.Skipped != 1 || sum.Uploaded != 2 || up.calls["same"] != 0 || look.calls != 3 {
		t.Fatalf("summary %+v calls %v lookups %d", sum, up.calls, look.calls)
	}
	if r := rec.results["same"]; r.Reason != ReasonEtag || r.Etag != md5hex("same") || r.MD5 != md5hex("same") {
		t.Errorf("same: %+v", r)
	}
	// The etag skip is journaled as completed: a rerun needs no lookup for it.
	j2, err := OpenJournal(jpath, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	look.calls = 0
	sum, err = Run(context.Background(), files, newFake(), RunOptions{Lookup: look, Journal: j2})
	if err != nil || sum.Skipped != 3 || look.calls != 0 {
		t.Fatalf("rerun %+v, %v, lookups %d", sum, err, look.calls)
	}
	// A failing lookup fails the file (it is not uploaded blindly).
	look2 := &fakeLookup{err: errors.New("420 rate limited")}
	up3 := newFake()
	sum, err = Run(context.Background(), files[:1], up3, RunOptions{Lookup: look2})
	if err != nil || sum.Failed != 1 || up3.total() != 0 {
		t.Fatalf("lookup error: %+v, %v, %d uploads", sum, err, up3.total())
	}
}

func TestRunInterrupted(t *testing.T) {
	root := writeTree(t, tree(50))
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(jpath, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	up := newFake()
	up.block = make(chan struct{})
	up.started = make(chan string, 100)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{}
	done := make(chan struct{})
	var sum *Summary
	var runErr error
	go func() {
		defer close(done)
		sum, runErr = Run(ctx, files, up, RunOptions{Concurrency: 4, Journal: j, Observer: rec})
	}()
	// Let 10 files through, then interrupt while 4 are in flight.
	for range 10 {
		<-up.started
		up.block <- struct{}{}
	}
	for range 4 {
		<-up.started
	}
	cancel()
	<-done // the 4 uploads in flight end with their context
	_ = j.Close()
	if !errors.Is(runErr, context.Canceled) || !sum.Interrupted || sum.Code() != ExitInterrupted {
		t.Fatalf("err %v summary %+v", runErr, sum)
	}
	if sum.Uploaded != 10 || sum.Canceled != 4 || sum.NotStarted != 36 {
		t.Errorf("uploaded %d canceled %d not started %d", sum.Uploaded, sum.Canceled, sum.NotStarted)
	}
	if up.total() != 14 {
		t.Errorf("%d uploads started, want 14 (nothing after the interrupt)", up.total())
	}
	entries, torn, err := ReadJournal(jpath)
	if err != nil || torn != 0 || len(entries) != 10 {
		t.Fatalf("journal: %d entries, torn %d, %v", len(entries), torn, err)
	}
	for _, e := range entries {
		if e.Status != StatusUploaded {
			t.Errorf("journal has %+v", e)
		}
	}
	// The rerun uploads exactly the 40 files not done.
	j2, err := OpenJournal(jpath, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	up2 := newFake()
	sum, err = Run(context.Background(), files, up2, RunOptions{Journal: j2})
	if err != nil || sum.Uploaded != 40 || sum.Skipped != 10 || up2.total() != 40 {
		t.Fatalf("rerun: %+v %v", sum, err)
	}
	for id := range up.stored {
		if up2.calls[id] != 0 {
			t.Errorf("%s uploaded again", id)
		}
	}
}

func TestRunJournalWriteFailure(t *testing.T) {
	root := writeTree(t, tree(20))
	files := selectAll(t, root)
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"), "t", false)
	if err != nil {
		t.Fatal(err)
	}
	_ = j.f.Close() // every write now fails
	sum, err := Run(context.Background(), files, newFake(), RunOptions{Concurrency: 1, Journal: j})
	if !errors.Is(err, ErrJournal) || sum.ExitCode != ExitFailed {
		t.Fatalf("err %v summary %+v", err, sum)
	}
	if sum.NotStarted == 0 {
		t.Errorf("the run went on after the journal failed: %+v", sum)
	}
}

func TestFileMD5(t *testing.T) {
	root := writeTree(t, map[string]string{"a": strings.Repeat("x", 600<<10)})
	got, err := FileMD5(context.Background(), filepath.Join(root, "a"))
	if err != nil || got != md5hex(strings.Repeat("x", 600<<10)) {
		t.Fatalf("FileMD5 = %q, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FileMD5(ctx, filepath.Join(root, "a")); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled FileMD5 err = %v", err)
	}
	if _, err := FileMD5(context.Background(), filepath.Join(root, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

// FileMD5 reuses its read buffer: a rerun hashes every file its journal
// lists, and 256 KiB allocated per file would be most of what it allocates.
func TestFileMD5ReusesItsBuffer(t *testing.T) {
	path := filepath.Join(writeTree(t, map[string]string{"small": "x"}), "small")
	const calls = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		if _, err := FileMD5(context.Background(), path); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	// A fresh buffer per call is 256 KiB; the race detector's sync.Pool
	// drops a quarter of what is put back, which averages 64 KiB.
	if per := (after.TotalAlloc - before.TotalAlloc) / calls; per > 128<<10 {
		t.Errorf("FileMD5 of a 1-byte file allocates %d bytes per call, want a reused buffer", per)
	}
}

// A file that is not a journal is refused and left byte for byte as it
// was; a directory too. A journal whose only line was cut short by a crash
// is still a journal.
func TestOpenJournalRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"photo.png":  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"notes.txt":  "garbage{\n" + `{"v":1,"public_id":"a","status":"uploaded","md5":"x"}` + "\n",
		"other.json": `{"name":"x"}` + "\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := OpenJournal(path, "t", false)
		if !errors.Is(err, ErrNotJournal) || !strings.Contains(err.Error(), "pass --journal a new path") {
			t.Errorf("%s: err %v, want ErrNotJournal with the fix", name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("%s was changed: %q", name, got)
		}
	}
	if _, err := OpenJournal(dir, "t", false); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	for i, first := range []string{`{"v":1,"time":"2026-01-01T00:0`, `{"v`, `{`, "\x00\x00\x00\x00"} {
		torn := filepath.Join(dir, fmt.Sprintf("torn%d.jsonl", i))
		if err := os.WriteFile(torn, []byte(first), 0o644); err != nil {
			t.Fatal(err)
		}
		j, err := OpenJournal(torn, "t", false)
		if err != nil {
			t.Fatalf("journal with the torn first line %q: %v", first, err)
		}
		if j.Torn() != 1 || j.Len() != 0 {
			t.Errorf("%q: torn %d len %d", first, j.Torn(), j.Len())
		}
		j.Close()
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if j, err := OpenJournal(empty, "t", true); err != nil || j.Len() != 0 {
		t.Errorf("empty file: %v", err)
	}
}

func TestCircuitBreaker(t *testing.T) {
	errAuth := errors.New("401 unauthorized")
	errNet := errors.New("dial tcp: connection refused")
	stop := func(err error) (string, bool) {
		switch {
		case errors.Is(err, errAuth):
			return "check the credentials", true
		case errors.Is(err, errNet):
			return "check the network", false
		}
		return "", false
	}
	tests := []struct {
		name     string
		err      error
		maxCalls int // upper bound on uploads tried before the run stopped
	}{
		{"immediate", errAuth, 1 + 2},  // the first failure, and those in flight with it
		{"consecutive", errNet, 5 + 2}, // BreakAfter, and those in flight
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := make([]File, 1000)
			up := newFake()
			for i := range files {
				files[i] = File{Path: "nope", PublicID: fmt.Sprint(i), Size: 1}
				up.failErr[files[i].PublicID] = tt.err
			}
			sum, err := Run(context.Background(), files, up, RunOptions{Concurrency: 2, Stop: stop, RetryWait: 1})
			var se *StoppedError
			if !errors.As(err, &se) || !errors.Is(err, ErrStopped) || !errors.Is(err, tt.err) || se.Advice == "" {
				t.Fatalf("err = %v, want a StoppedError wrapping %v", err, tt.err)
			}
			if n := up.total(); n > tt.maxCalls {
				t.Errorf("%d uploads tried before stopping, want at most %d", n, tt.maxCalls)
			}
			if sum.ExitCode != ExitUsage || sum.NotStarted < 990 || sum.Failed < 1 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
	t.Run("a success resets the count", func(t *testing.T) {
		files := make([]File, 40)
		root := writeTree(t, map[string]string{"ok.jpg": "ok"})
		up := newFake()
		for i := range files {
			files[i] = File{Path: filepath.Join(root, "ok.jpg"), PublicID: fmt.Sprint(i), Size: 2}
			if i%4 != 3 { // three network failures, then a success
				up.failErr[files[i].PublicID] = errNet
			}
		}
		sum, err := Run(context.Background(), files, up, RunOptions{Concurrency: 1, MaxAttempts: 1, Stop: stop, RetryWait: 1})
		if err != nil || sum.Uploaded != 10 || sum.Failed != 30 {
			t.Fatalf("summary %+v, err %v; want the run to go on", sum, err)
		}
	})
}

func TestJournalKeysByOptions(t *testing.T) {
	root := writeTree(t, tree(10))
	files := selectAll(t, root)
	jpath := filepath.Join(t.TempDir(), "j.jsonl")
	run := func(key string) (*Summary, *recorder, *fakeUploader) {
		t.Helper()
		j, err := OpenJournal(jpath, "cloud", false)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		up, rec := newFake(), &recorder{}
		sum, err := Run(context.Background(), files, up, RunOptions{Journal: j, Observer: rec, OptionsKey: key})
		if err != nil {
			t.Fatal(err)
		}
		return sum, rec, up
	}
	if sum, _, _ := run(""); sum.Uploaded != 10 {
		t.Fatalf("first run %+v", sum)
	}
	if sum, _, up := run(""); sum.Skipped != 10 || up.total() != 0 {
		t.Fatalf("same options: %+v, %d uploads", sum, up.total())
	}
	sum, rec, up := run("tags=new")
	if sum.Uploaded != 10 || up.total() != 10 {
		t.Fatalf("changed options: %+v, %d uploads; want every file again", sum, up.total())
	}
	for id, r := range rec.results {
		if r.Reason != ReasonOptionsChanged {
			t.Errorf("%s: reason %q, want %s", id, r.Reason, ReasonOptionsChanged)
		}
	}
	if sum, _, up := run("tags=new"); sum.Skipped != 10 || up.total() != 0 {
		t.Fatalf("rerun with the new options: %+v, %d uploads", sum, up.total())
	}
}
