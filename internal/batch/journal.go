package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// DefaultJournalName is the journal's file name when no path is given: the
// CLI puts it in the first directory argument (or the current directory).
const DefaultJournalName = ".cldrest-journal.jsonl"

// JournalVersion is the "v" of every journal entry.
const JournalVersion = 1

// Entry is one line of the journal: the outcome of one file. Lines are
// appended (and fsynced) as files finish; a later line for the same target
// and public ID supersedes an earlier one.
type Entry struct {
	V        int       `json:"v"`
	Time     time.Time `json:"time"`
	Target   string    `json:"target"`    // the cloud (and API host) the file went to
	Path     string    `json:"path"`      // the local path
	PublicID string    `json:"public_id"` // the public ID it was uploaded as
	Size     int64     `json:"size"`      // bytes sent (or compared)
	MD5      string    `json:"md5"`       // lowercase hex MD5 of those bytes
	Status   Status    `json:"status"`    // uploaded, exists, skipped or failed
	Reason   string    `json:"reason,omitempty"`
	Etag     string    `json:"etag,omitempty"`
	Error    string    `json:"error,omitempty"`
	// Options is RunOptions.OptionsKey of the run that wrote the entry: a
	// completed file is done only for the same options.
	Options string `json:"options,omitempty"`
}

// Completed reports whether the entry records a file that needs no upload:
// uploaded, or skipped because the remote etag matched. An "exists" entry
// is not completed: the file's bytes were never stored (see Journal.Kept).
func (e *Entry) Completed() bool {
	return e.Status == StatusUploaded || (e.Status == StatusSkipped && e.MD5 != "")
}

// invalidates reports whether the entry records an upload that replaced the
// asset with other bytes than the file's (an etag mismatch): earlier
// entries no longer describe what is stored.
func (e *Entry) invalidates() bool {
	return e.Status == StatusFailed && e.Reason == ReasonEtagMismatch
}

// Journal is the resume journal of one target: it remembers the completed
// files of earlier runs and appends the outcome of each file of this run,
// one JSON object per line.
//
// Records are committed in groups: Record queues its line and waits while
// one committer goroutine writes and fsyncs everything queued so far, so
// records that arrive while a sync is running share the next one instead
// of each taking its own. Record returns only when its line is durable,
// and only then does the journal (and the run, which reports a file after
// recording it) count the file as completed. A crash (even SIGKILL)
// therefore loses only records whose Record had not returned: at most one
// per worker of the run (RunOptions.Concurrency), none of them reported,
// and those files are uploaded again by the next run, which is safe
// because their public IDs are fixed and overwrite is explicit. A torn
// last line is ignored when the journal is read again.
type Journal struct {
	path   string
	target string

	mu   sync.Mutex
	f    *os.File
	done map[string]mark
	kept map[string]mark // latest "exists" entry per public ID
	// known, when set (ForgetNewRecords), keeps new public IDs out of done
	// and kept: only what was read at open is indexed, and updated.
	known   bool
	options map[string]string // interned Options values
	// Skipped counts lines that could not be parsed (a torn last line).
	skipped int

	// Group commit: Record appends to pending (under mu) and kicks the
	// committer, which takes pending, writes and syncs it off the lock.
	pending *commitGroup
	closing bool
	kick    chan struct{} // capacity 1: "pending is not empty"
	quit    chan struct{} // closed by Close
	exited  chan struct{} // closed when the committer has flushed and ended
	sync    func(*os.File) error
}

// groupWindow is how long the committer lets a group gather records
// before writing and syncing it.
const groupWindow = 5 * time.Millisecond

// commitGroup is the records one fsync makes durable.
type commitGroup struct {
	buf       []byte
	entries   []Entry
	callbacks []func(error) // of RecordAsync, called after done is closed
	done      chan struct{} // closed when the group is durable (or failed)
	err       error
}

// ErrJournalLocked is matched by the error OpenJournal returns when another
// run holds the journal (an exclusive lock on the file, released when that
// run's journal is closed or its process ends).
var ErrJournalLocked = errors.New("journal in use by another run")

// JournalOption changes how OpenJournal opens a journal.
type JournalOption func(*journalOpts)

type journalOpts struct {
	wait   context.Context
	sync   func(*os.File) error // replaces (*os.File).Sync (tests)
	forget bool
}

// ForgetNewRecords keeps in memory only the public IDs read when the journal
// was opened: a Record of one of them updates what Completed and Kept say,
// a Record of any other public ID is written (and durable) but not held, so
// Completed and Kept do not see it until the journal is opened again. It is
// for a run that records each public ID once and asks about it before that
// (Run): its memory then stays flat however many files it uploads.
func ForgetNewRecords() JournalOption {
	return func(o *journalOpts) { o.forget = true }
}

// WaitForLock makes OpenJournal wait, until ctx ends, for another run to
// release the journal instead of failing with ErrJournalLocked.
func WaitForLock(ctx context.Context) JournalOption {
	return func(o *journalOpts) { o.wait = ctx }
}

// lockPoll is how often a waiting OpenJournal tries the lock again.
var lockPoll = 100 * time.Millisecond

// ErrNotJournal is matched by the error OpenJournal returns for an existing
// file that is not a journal: it is left untouched.
var ErrNotJournal = errors.New("not a cldrest journal")

// OpenJournal reads the journal at path (a missing or empty file is an
// empty journal) and, unless readOnly, opens it for appending. Only entries
// of target are used for resuming. A directory, or a file whose first line
// is not a journal entry (an image given as --journal by mistake), is
// refused before anything is written to it. A journal opened for writing is
// locked until Close: a second writer gets ErrJournalLocked (or, with
// WaitForLock, waits), so two runs never upload the same files at once.
func OpenJournal(path, target string, readOnly bool, opts ...JournalOption) (*Journal, error) {
	var o journalOpts
	for _, opt := range opts {
		opt(&o)
	}
	j := &Journal{path: path, target: target, done: map[string]mark{}, kept: map[string]mark{}, options: map[string]string{}}
	var lock *os.File
	if !readOnly {
		// Lock before reading, so what is read is what the last run wrote.
		if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("journal %s is not a regular file; pass --journal the path of a journal file (it is created when missing)", path)
		}
		w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("opening journal for writing: %w (pass --journal PATH to put it elsewhere)", err)
		}
		for {
			busy, err := tryLock(w)
			if err != nil {
				_ = w.Close()
				return nil, fmt.Errorf("locking journal %s: %w", path, err)
			}
			if !busy {
				break
			}
			if o.wait == nil {
				_ = w.Close()
				return nil, fmt.Errorf("%w: %s is being written by another cldrest upload; wait for it to finish (or pass --wait), or give this run its own --journal", ErrJournalLocked, path)
			}
			t := time.NewTimer(lockPoll)
			select {
			case <-o.wait.Done():
				t.Stop()
				_ = w.Close()
				return nil, fmt.Errorf("waiting for journal %s: %w", path, o.wait.Err())
			case <-t.C:
			}
		}
		lock = w
	}
	fail := func(err error) (*Journal, error) {
		if lock != nil {
			_ = lock.Close()
		}
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fail(fmt.Errorf("journal %s is not a regular file; pass --journal the path of a journal file (it is created when missing)", path))
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fail(fmt.Errorf("opening journal: %w", err))
	default:
		err = j.load(f)
		_ = f.Close()
		if errors.Is(err, ErrNotJournal) {
			return fail(fmt.Errorf("%s is %w (its first line is not a journal entry); pass --journal a new path, or the journal an earlier run wrote", path, ErrNotJournal))
		}
		if err != nil {
			return fail(fmt.Errorf("reading journal %s: %w", path, err))
		}
	}
	j.known = o.forget
	if readOnly {
		return j, nil
	}
	w := lock
	// Repair a torn last line so the next record starts on its own line.
	if fi, err := w.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if r, err := os.Open(path); err == nil {
			_, _ = r.ReadAt(last, fi.Size()-1)
			_ = r.Close()
		}
		if last[0] != '\n' {
			if _, err := w.Write([]byte("\n")); err != nil {
				_ = w.Close()
				return nil, fmt.Errorf("repairing journal: %w", err)
			}
		}
	}
	j.f = w
	j.kick, j.quit, j.exited = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	j.sync = o.sync
	if j.sync == nil {
		j.sync = (*os.File).Sync
	}
	go j.commit()
	return j, nil
}

// commit is the committer goroutine: it makes each pending group durable,
// in order, until Close.
func (j *Journal) commit() {
	defer close(j.exited)
	for {
		select {
		case <-j.kick:
			// Let the group fill for a moment: the run's workers do not
			// wait for it (RecordAsync), and each fsync saved is one
			// less slow disk flush.
			t := time.NewTimer(groupWindow)
			select {
			case <-t.C:
			case <-j.quit:
				t.Stop()
			}
			j.flush()
		case <-j.quit:
			j.flush()
			return
		}
	}
}

// flush writes and syncs the pending group off the lock, then applies its
// entries (in file order) and releases the Records waiting for it.
func (j *Journal) flush() {
	j.mu.Lock()
	g := j.pending
	j.pending = nil
	j.mu.Unlock()
	if g == nil {
		return
	}
	if _, err := j.f.Write(g.buf); err != nil {
		g.err = fmt.Errorf("writing journal %s: %w", j.path, err)
	} else if err := j.sync(j.f); err != nil {
		g.err = fmt.Errorf("syncing journal %s: %w", j.path, err)
	}
	if g.err == nil {
		j.mu.Lock()
		for _, e := range g.entries {
			j.apply(e)
		}
		j.mu.Unlock()
	}
	close(g.done)
	for _, fn := range g.callbacks {
		fn(g.err)
	}
}

func (j *Journal) load(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for first := true; ; {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var e Entry
			ok := json.Unmarshal(line, &e) == nil && e.PublicID != "" && e.V >= 1
			if first && !ok && !tornEntry(line) {
				return ErrNotJournal
			}
			first = false
			if !ok {
				j.skipped++
			} else if e.Target == j.target {
				j.apply(e)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// apply updates what the journal knows of e's public ID. A later failed
// entry does not erase a completed one (a failed overwrite leaves the
// previous asset in place), except when the failure says that other bytes
// were stored.
func (j *Journal) apply(e Entry) {
	if j.known {
		_, done := j.done[e.PublicID]
		_, kept := j.kept[e.PublicID]
		if !done && !kept {
			return
		}
	}
	switch {
	case e.Completed():
		j.done[e.PublicID] = j.mark(e)
	case e.Status == StatusExists:
		j.kept[e.PublicID] = j.mark(e)
	case e.invalidates():
		delete(j.done, e.PublicID)
		delete(j.kept, e.PublicID)
	}
}

// mark is what the journal holds in memory of a public ID's latest entry:
// the fields a run compares, the digests packed, so that a journal of
// millions of lines stays small. An entry whose MD5 or etag is not 32
// lowercase hex digits is held whole (odd).
type mark struct {
	size      int64
	md5, etag [16]byte
	options   string // interned
	status    Status
	odd       *Entry
}

func (j *Journal) mark(e Entry) mark {
	m := mark{size: e.Size, status: e.Status}
	md5ok, etagok := packHex(&m.md5, e.MD5), packHex(&m.etag, e.Etag)
	if !md5ok || !etagok {
		e := Entry{PublicID: e.PublicID, Size: e.Size, MD5: e.MD5, Etag: e.Etag, Status: e.Status, Options: e.Options}
		return mark{odd: &e}
	}
	if o, ok := j.options[e.Options]; ok {
		m.options = o
	} else {
		j.options[e.Options] = e.Options
		m.options = e.Options
	}
	return m
}

// entry is the Entry m was made from, with the fields a mark keeps.
func (m mark) entry(publicID string) Entry {
	if m.odd != nil {
		return *m.odd
	}
	return Entry{PublicID: publicID, Size: m.size, MD5: hex.EncodeToString(m.md5[:]), Etag: hex.EncodeToString(m.etag[:]),
		Status: m.status, Options: m.options}
}

// packHex decodes s, 32 lowercase hex digits, into b.
func packHex(b *[16]byte, s string) bool {
	if len(s) != 32 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.Decode(b[:], []byte(s))
	return err == nil
}

// tornEntry reports whether line can be an entry cut short by a crash:
// it starts like one (or is a prefix of that start), or it is made of NUL
// bytes and white space, as a file system may leave after a power loss.
func tornEntry(line []byte) bool {
	const start = `{"v":`
	if t := bytes.TrimRight(line, "\n"); bytes.HasPrefix(t, []byte(start)) || strings.HasPrefix(start, string(t)) {
		return true
	}
	return len(bytes.Trim(line, "\x00 \t\r\n")) == 0
}

// Path returns the journal's path.
func (j *Journal) Path() string { return j.path }

// Len returns the number of completed public IDs known for the target.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.done)
}

// Torn returns how many lines could not be parsed when the journal was read.
func (j *Journal) Torn() int { return j.skipped }

// Completed returns the latest completed entry for publicID: its public
// ID, size, MD5, etag, status and options (the other fields are not kept
// in memory).
func (j *Journal) Completed(publicID string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	m, ok := j.done[publicID]
	if !ok {
		return Entry{}, false
	}
	return m.entry(publicID), true
}

// Kept returns the latest "exists" entry for publicID: an upload of the
// file with that MD5 found the public ID taken, and the server kept its
// asset. It lets a run that does not overwrite skip the file next time.
func (j *Journal) Kept(publicID string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	m, ok := j.kept[publicID]
	if !ok {
		return Entry{}, false
	}
	return m.entry(publicID), true
}

// Record appends e (stamped with the journal's target, version and time when
// unset) as one line and returns once that line is durable (fsynced, in a
// group with the records that arrived meanwhile); only then does e count
// in Completed and Kept (with ForgetNewRecords, only when the journal held
// e's public ID already). Record is safe for concurrent use. On a journal
// opened read-only, or after Close, e is remembered in memory only (and,
// with ForgetNewRecords, only for a public ID it held).
func (j *Journal) Record(e Entry) error {
	g, err := j.enqueue(e, nil)
	if g == nil {
		return err
	}
	<-g.done
	return g.err
}

// RecordAsync is Record without the wait: it queues e and returns at once;
// done is called with Record's error once the line is durable (on the
// journal's committer goroutine, one group's calls in order; at once, on
// the caller's goroutine, when e is not written or cannot be encoded).
// done must not call Record. Close returns after every done has returned.
func (j *Journal) RecordAsync(e Entry, done func(error)) {
	if g, err := j.enqueue(e, done); g == nil {
		done(err)
	}
}

// enqueue adds e to the pending group (with done, if any) and returns the
// group, or nil when e was not queued (with the encoding error, if any).
func (j *Journal) enqueue(e Entry, done func(error)) (*commitGroup, error) {
	e.V = JournalVersion
	e.Target = j.target
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if len(e.Error) > 1000 {
		e.Error = e.Error[:1000]
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	if j.f == nil || j.closing {
		j.apply(e)
		j.mu.Unlock()
		return nil, nil
	}
	g := j.pending
	if g == nil {
		g = &commitGroup{done: make(chan struct{})}
		j.pending = g
	}
	g.buf = append(append(g.buf, b...), '\n')
	g.entries = append(g.entries, e)
	if done != nil {
		g.callbacks = append(g.callbacks, done)
	}
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default: // a kick is already waiting; it will take this record too
	}
	return g, nil
}

// Close makes every record queued so far durable, stops the committer and
// closes the journal file.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.f == nil || j.closing {
		j.mu.Unlock()
		return nil
	}
	j.closing = true
	j.mu.Unlock()
	close(j.quit)
	<-j.exited
	j.mu.Lock()
	defer j.mu.Unlock()
	err := j.f.Close()
	j.f = nil
	return err
}

// ReadJournal parses every well-formed entry of the journal at path, in
// order, and counts the lines that are not (a torn last line after a crash).
func ReadJournal(path string) (entries []Entry, torn int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		line, rerr := br.ReadBytes('\n')
		if len(line) > 0 {
			var e Entry
			if json.Unmarshal(line, &e) != nil || e.PublicID == "" {
				torn++
			} else {
				entries = append(entries, e)
			}
		}
		if rerr == io.EOF {
			return entries, torn, nil
		}
		if rerr != nil {
			return entries, torn, rerr
		}
	}
}
