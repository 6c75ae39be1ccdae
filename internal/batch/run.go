package batch

import (
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// Defaults of RunOptions.
const (
	DefaultConcurrency = 8
	DefaultMaxAttempts = 3
	DefaultRetryWait   = time.Second
	DefaultBreakAfter  = 5
	maxRetryWait       = 15 * time.Second
)

// RunOptions control a run.
type RunOptions struct {
	// Concurrency is the number of files uploaded at once (default 8).
	Concurrency int
	// DryRun reports what would be uploaded (StatusPlanned) and sends no
	// upload; the journal is read but not written.
	DryRun bool
	// Journal, when set, is consulted before each file (a completed entry
	// with the same size and MD5 skips it) and receives each outcome.
	Journal *Journal
	// KeepExisting tells the run that the Uploader does not overwrite
	// existing assets: a journal entry that found the file's public ID
	// taken (StatusExists, same size and MD5) then skips the file too
	// (ReasonExists). Without it such entries are ignored, so a run that
	// overwrites uploads the file.
	KeepExisting bool
	// Lookup, when set, is asked for the remote etag of each file not
	// skipped by the journal; a file whose MD5 equals it is skipped.
	Lookup Lookup
	// MaxAttempts is how many times a file is tried (each try may itself
	// retry inside the Uploader) before it is reported failed (default 3).
	MaxAttempts int
	// RetryWait is the wait before the second try, doubled for each further
	// try up to 15 s (default 1 s).
	RetryWait time.Duration
	// Retryable decides whether a failed try is tried again (default: every
	// error except a context's).
	Retryable func(error) bool
	// Stop, when set, tells failures that no other file can escape from the
	// file's own: it returns one line of advice for such a failure (and ""
	// for any other). An immediate one (rejected credentials, a stale
	// clock) stops the run at once; others (the network) stop it after
	// BreakAfter consecutive failed tries with no success in between. A
	// stopped run starts no more files and returns a *StoppedError.
	Stop func(err error) (advice string, immediate bool)
	// BreakAfter is the number of consecutive non-immediate Stop failures
	// that stop the run (default 5).
	BreakAfter int
	// Observer receives the events of the run (nil: none). Its methods are
	// called one at a time.
	Observer Observer
	// OptionsKey identifies the options that shape an asset besides its
	// bytes (tags, context, preset, resource type, ...): "" for none. A
	// journal entry skips its file only when it was written with the same
	// key; otherwise the file is uploaded again (ReasonOptionsChanged) so
	// that the new options apply.
	OptionsKey string
	// Problems are the paths Scan could not select: each is reported once,
	// before the files, as failed (or, for a warning, skipped) with the
	// problem's reason, and counted in the summary.
	Problems []Problem
}

// Observer receives a run's events. The engine serializes the calls.
type Observer interface {
	// Begin is called once before any file, with the totals of the run.
	Begin(files int, bytes int64)
	// FileStarted is called when a worker picks up f.
	FileStarted(f File)
	// FileProgress reports bytes of f acknowledged by the server.
	FileProgress(f File, acked, total int64)
	// FileDone is called with the outcome of f.
	FileDone(f File, r FileResult)
	// End is called once after the last file.
	End(s *Summary)
}

// ErrJournal is matched by the error Run returns when the journal cannot be
// written: the run stops because its progress could not be recorded.
var ErrJournal = errors.New("journal write failed")

// ErrStopped is matched by the error Run returns when a failure that
// RunOptions.Stop calls global stopped the run.
var ErrStopped = errors.New("stopped: no other file can succeed")

// StoppedError is the error of a run that RunOptions.Stop stopped: the
// advice, and the failure that tripped it.
type StoppedError struct {
	Advice string
	Err    error
}

func (e *StoppedError) Error() string { return "stopped: " + e.Advice + " (" + e.Err.Error() + ")" }

// Unwrap returns the failure.
func (e *StoppedError) Unwrap() error { return e.Err }

// Is matches ErrStopped.
func (e *StoppedError) Is(target error) bool { return target == ErrStopped }

// Run uploads files with a pool of workers and returns the summary. It
// returns a non-nil error when ctx ends (the error wraps ctx.Err(); no file
// is started after that and files in flight are reported canceled) or when
// the journal cannot be written (ErrJournal). Failed files are not errors:
// they are counted in the summary (Summary.Code gives the exit code).
func Run(ctx context.Context, files []File, up Uploader, o RunOptions) (*Summary, error) {
	return RunList(ctx, NewFileList(files), up, o)
}

// RunList is Run over a FileList (the files in its order).
func RunList(ctx context.Context, files *FileList, up Uploader, o RunOptions) (*Summary, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.RetryWait <= 0 {
		o.RetryWait = DefaultRetryWait
	}
	if o.BreakAfter <= 0 {
		o.BreakAfter = DefaultBreakAfter
	}
	if o.Retryable == nil {
		o.Retryable = DefaultRetryable
	}
	r := &runner{o: o, up: up, obs: o.Observer, start: time.Now()}
	if r.obs == nil {
		r.obs = nopObserver{}
	}
	r.sum = Summary{Type: "summary", Files: files.Len() + len(o.Problems), DryRun: o.DryRun}
	if o.Journal != nil {
		r.sum.Journal = o.Journal.Path()
	}
	r.sum.Bytes = files.bytes()
	r.obs.Begin(files.Len(), r.sum.Bytes)
	for _, p := range o.Problems {
		res := FileResult{Type: "file", Path: p.Path, Status: StatusFailed, Reason: p.Reason, Error: p.Message()}
		if !p.Failure() {
			res.Status, res.Error = StatusSkipped, ""
		}
		r.count(File{Path: p.Path, Rel: p.Rel}, res)
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.cancel = cancel
	r.breaker = NewBreaker(o.Stop, o.BreakAfter, cancel)

	// Each worker's journal records in flight: the worker goes on with its
	// next files while they sync (process bounds them), and Run returns
	// once every one is durable and reported.
	records := make([][]chan struct{}, max(o.Concurrency, 1))
	Pool(runCtx, files.Len(), o.Concurrency, func(w, i int) { records[w] = r.process(runCtx, files.At(i), records[w]) })
	for _, rs := range records {
		for _, done := range rs {
			<-done
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.NotStarted = r.sum.Files - r.finished
	r.sum.Seconds = time.Since(r.start).Seconds()
	var err error
	switch {
	case errors.Is(context.Cause(runCtx), ErrJournal):
		err = context.Cause(runCtx)
		r.sum.ExitCode = ExitFailed
	case errors.Is(context.Cause(runCtx), ErrStopped):
		err = context.Cause(runCtx)
		r.sum.ExitCode = ExitUsage
	case ctx.Err() != nil && (r.sum.NotStarted > 0 || r.sum.Canceled > 0):
		r.sum.Interrupted = true
		again := "run the same command again to resume"
		if o.Journal == nil {
			again = "run the same command again to upload them (without a journal it sends every file again)"
		}
		err = fmt.Errorf("interrupted: %d of %d files not done; %s: %w",
			r.sum.NotStarted+r.sum.Canceled, files.Len(), again, ctx.Err())
		r.sum.ExitCode = r.sum.Code()
	default:
		r.sum.ExitCode = r.sum.Code()
	}
	r.obs.End(&r.sum)
	return &r.sum, err
}

// DefaultRetryable is the retry rule of a run without RunOptions.Retryable
// (and of the download engine): every failure is tried again except the
// end of the context.
func DefaultRetryable(err error) bool {
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Pool calls work(w, i) for every i in [0, n), in order, on at most
// concurrency goroutines (DefaultConcurrency when concurrency < 1), and
// returns when every call has returned. w, in [0, concurrency), names the
// goroutine making the call: calls with one w never overlap, so work may
// keep per-worker state indexed by it. Once ctx ends no further call is
// started. Run and the download engine share it.
func Pool(ctx context.Context, n, concurrency int, work func(w, i int)) {
	if concurrency < 1 {
		concurrency = DefaultConcurrency
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := range min(concurrency, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				work(w, i)
			}
		}()
	}
dispatch:
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(jobs)
	wg.Wait()
}

type runner struct {
	o      RunOptions
	up     Uploader
	obs    Observer
	start  time.Time
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	sum      Summary
	finished int // files with a FileDone (or skipped as not started)

	breaker *Breaker
}

// Breaker is a run's circuit breaker (RunOptions.Stop and BreakAfter): it
// is told the outcome of every try and cancels the run with a
// *StoppedError when a failure no other item can escape comes (at once
// for an immediate one, after BreakAfter in a row otherwise). Run and the
// download engine share it. It is safe for concurrent use.
type Breaker struct {
	stop        func(error) (string, bool)
	after       int
	cancel      context.CancelCauseFunc
	mu          sync.Mutex
	consecutive int // failed tries in a row that stop calls global
}

// NewBreaker returns the breaker of a run that cancel stops; stop nil never
// stops, after < 1 means DefaultBreakAfter.
func NewBreaker(stop func(error) (advice string, immediate bool), after int, cancel context.CancelCauseFunc) *Breaker {
	if after < 1 {
		after = DefaultBreakAfter
	}
	return &Breaker{stop: stop, after: after, cancel: cancel}
}

// Tried feeds the breaker with the outcome of one try (err nil: success)
// and reports whether that try stopped the run.
func (b *Breaker) Tried(err error) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil || b.stop == nil {
		b.consecutive = 0
		return false
	}
	advice, now := b.stop(err)
	if advice == "" {
		b.consecutive = 0
		return false
	}
	b.consecutive++
	if now || b.consecutive >= b.after {
		b.cancel(&StoppedError{Advice: advice, Err: err})
		return true
	}
	return false
}

func (r *runner) event(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn()
}

// recordsInFlight is how many journal records of one worker may wait for
// their fsync while it goes on with its next files: enough for the fsync
// to take a few uploads' time without stalling the worker.
const recordsInFlight = 16

// process handles f. A journal record is written while the worker goes on
// with its next files (the file is reported once its record is durable):
// records holds the worker's records in flight (each channel closed when
// its record is durable and reported); process waits for the oldest when
// there are recordsInFlight, and returns records with f's added.
func (r *runner) process(ctx context.Context, f File, records []chan struct{}) []chan struct{} {
	if ctx.Err() != nil {
		return records // not started
	}
	// Before the next upload, not after it: the files uploaded and not yet
	// durable in the journal (what a crash makes the rerun upload again)
	// stay at most recordsInFlight per worker.
	if len(records) == recordsInFlight {
		<-records[0]
		records = records[1:]
	}
	r.event(func() { r.obs.FileStarted(f) })
	began := time.Now()
	res := r.handle(ctx, f)
	res.Type = "file"
	res.Path = f.Path
	res.PublicID = f.PublicID
	res.Duration = time.Since(began)
	if res.Status == StatusUploaded || res.Status == StatusExists || res.Status == StatusFailed || (res.Status == StatusSkipped && res.Reason == ReasonEtag) {
		if r.o.Journal != nil && !r.o.DryRun {
			e := Entry{Path: f.Path, PublicID: f.PublicID, Size: f.Size, MD5: res.MD5, Status: res.Status,
				Reason: res.Reason, Etag: res.Etag, Error: res.Error, Options: r.o.OptionsKey}
			done := make(chan struct{})
			r.o.Journal.RecordAsync(e, func(err error) {
				defer close(done)
				if err != nil {
					r.cancel(fmt.Errorf("%w: %v", ErrJournal, err))
				}
				r.event(func() { r.count(f, res) })
			})
			return append(records, done)
		}
	}
	r.event(func() { r.count(f, res) })
	return records
}

// count adds one file's outcome to the summary and reports it; r.mu held.
func (r *runner) count(f File, res FileResult) {
	r.finished++
	switch res.Status {
	case StatusUploaded:
		r.sum.Uploaded++
		r.sum.BytesUploaded += res.Bytes
	case StatusExists:
		r.sum.Exists++
	case StatusSkipped:
		r.sum.Skipped++
	case StatusFailed:
		r.sum.Failed++
	case StatusPlanned:
		r.sum.Planned++
	case StatusCanceled:
		r.sum.Canceled++
	}
	r.sum.Attempts += res.Attempts
	r.obs.FileDone(f, res)
}

func (r *runner) handle(ctx context.Context, f File) FileResult {
	res := FileResult{Bytes: f.Size}
	fail := func(err error) FileResult {
		if ctx.Err() != nil {
			res.Status = StatusCanceled
			res.Error = ctx.Err().Error()
			return res
		}
		res.Status = StatusFailed
		res.Error, res.err = err.Error(), err
		res.Retryable = !localFileErr(err) && r.o.Retryable(err)
		if errors.Is(err, fs.ErrPermission) {
			res.Reason = ReasonUnreadable
		}
		return res
	}
	changed := false // the journal has the bytes, but with other options
	if j := r.o.Journal; j != nil {
		var entries []Entry
		if e, ok := j.Completed(f.PublicID); ok {
			entries = append(entries, e)
		}
		if e, ok := j.Kept(f.PublicID); ok && r.o.KeepExisting {
			entries = append(entries, e)
		}
		for _, e := range entries {
			if e.Size != f.Size || e.MD5 == "" {
				continue
			}
			if res.MD5 == "" {
				sum, err := FileMD5(ctx, f.Path)
				if err != nil {
					return fail(err)
				}
				res.MD5 = sum
			}
			if res.MD5 == e.MD5 && e.Options != r.o.OptionsKey {
				changed = true
				continue
			}
			if res.MD5 == e.MD5 {
				res.Status, res.Reason, res.Etag = StatusSkipped, ReasonJournal, e.Etag
				if e.Status == StatusExists {
					res.Reason = ReasonExists
				}
				return res
			}
		}
	}
	if r.o.Lookup != nil {
		etag, found, err := r.o.Lookup.Etag(ctx, f)
		if err != nil {
			return fail(fmt.Errorf("looking up the existing asset: %w", err))
		}
		if found {
			if res.MD5 == "" {
				if res.MD5, err = FileMD5(ctx, f.Path); err != nil {
					return fail(err)
				}
			}
			if etag == res.MD5 {
				res.Status, res.Reason, res.Etag = StatusSkipped, ReasonEtag, etag
				return res
			}
		}
	}
	if r.o.DryRun {
		res.Status = StatusPlanned
		return res
	}
	backoff := NewBackoff(r.o.RetryWait)
	for attempt := 1; ; attempt++ {
		progress := func(acked, total int64) {
			r.event(func() { r.obs.FileProgress(f, acked, total) })
		}
		out, err := r.up.Upload(ctx, f, progress)
		res.Attempts += max(out.Attempts, 1)
		if ctx.Err() == nil && r.breaker.Tried(err) {
			// This try stopped the run: the file failed (it is not one
			// canceled by someone else's failure).
			res.Status, res.Error, res.err, res.Retryable = StatusFailed, err.Error(), err, true
			return res
		}
		if err == nil {
			res.Status, res.Reason = StatusUploaded, ""
			if changed {
				res.Reason = ReasonOptionsChanged
			}
			if out.Existing {
				res.Status = StatusExists
			}
			res.Etag, res.SecureURL = out.Etag, out.SecureURL
			if out.MD5 != "" {
				res.MD5 = out.MD5
			} else if res.MD5 == "" && r.o.Journal != nil {
				// Only the journal needs an MD5 the Uploader did not
				// compute (its entry lets a rerun skip the file).
				if res.MD5, err = FileMD5(ctx, f.Path); err != nil {
					return fail(err)
				}
			}
			return res
		}
		if out.Corrupt {
			res.Reason = ReasonEtagMismatch
			res.MD5, res.Etag = cmp.Or(out.MD5, res.MD5), out.Etag
		} else {
			res.Reason = ""
		}
		if !backoff.Again(ctx, attempt, r.o.MaxAttempts, !localFileErr(err) && r.o.Retryable(err)) {
			return fail(err)
		}
	}
}

// Backoff is the wait between two tries of one file: it starts at the
// first wait and doubles after each try, up to 15 s. Run and the download
// engine share it.
type Backoff struct{ next time.Duration }

// NewBackoff returns a Backoff whose first wait is first, or the one
// EnvRetryWait sets.
func NewBackoff(first time.Duration) *Backoff {
	if d, ok, err := RetryWaitFromEnv(); ok && err == nil {
		first = d
	}
	return &Backoff{next: first}
}

// EnvRetryWait names the environment variable that sets the first wait
// between two tries of a file (a duration from 0 to 15s, e.g. 10ms) for
// every Backoff of the process, uploads and downloads alike, in place of
// the options' RetryWait (default DefaultRetryWait). The tests of the CLI
// set it so that a retried file does not wait a second.
const EnvRetryWait = "CLDREST_RETRY_WAIT"

// RetryWaitFromEnv returns the wait EnvRetryWait sets (ok is false when it
// is unset or empty), or an error saying what is wrong with its value.
func RetryWaitFromEnv() (d time.Duration, ok bool, err error) {
	v := os.Getenv(EnvRetryWait)
	if v == "" {
		return 0, false, nil
	}
	d, err = time.ParseDuration(v)
	if err != nil || d < 0 || d > maxRetryWait {
		return 0, true, fmt.Errorf("%s=%q: use a duration from 0 to %s, e.g. 10ms, or unset it", EnvRetryWait, v, maxRetryWait)
	}
	return d, true, nil
}

// Again is the rule for another try of an item after its attempt-th try
// failed: none when ctx has ended, after maxAttempts tries, or for a
// failure that is not retryable; otherwise it waits (Wait) and reports
// whether ctx is still alive.
func (b *Backoff) Again(ctx context.Context, attempt, maxAttempts int, retryable bool) bool {
	if ctx.Err() != nil || attempt >= maxAttempts || !retryable {
		return false
	}
	return b.Wait(ctx)
}

// Wait sleeps for the current wait and doubles the next one. It returns
// false, at once, when ctx ends first.
func (b *Backoff) Wait(ctx context.Context) bool {
	t := time.NewTimer(b.next)
	defer t.Stop()
	b.next = min(b.next*2, maxRetryWait)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// localFileErr reports a file that cannot be read (permissions, gone since
// it was listed): trying it again cannot help.
func localFileErr(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR)
}

// md5Blocks recycles FileMD5's read buffers: a rerun hashes every file the
// journal lists, and a fresh 256 KiB buffer each would be most of its
// allocation.
var md5Blocks = sync.Pool{New: func() any { return new([256 << 10]byte) }}

// FileMD5 returns the lowercase hex MD5 of the file at path, reading it in
// 256 KiB blocks and stopping early when ctx ends.
func FileMD5(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	defer f.Close()
	h := md5.New()
	block := md5Blocks.Get().(*[256 << 10]byte)
	defer md5Blocks.Put(block)
	buf := block[:]
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type nopObserver struct{}

func (nopObserver) Begin(int, int64)                {}
func (nopObserver) FileStarted(File)                {}
func (nopObserver) FileProgress(File, int64, int64) {}
func (nopObserver) FileDone(File, FileResult)       {}
func (nopObserver) End(*Summary)                    {}

// Observers combines observers into one that calls each in order.
func Observers(obs ...Observer) Observer {
	var list multiObserver
	for _, o := range obs {
		if o != nil {
			list = append(list, o)
		}
	}
	return list
}

type multiObserver []Observer

func (m multiObserver) Begin(n int, b int64) {
	for _, o := range m {
		o.Begin(n, b)
	}
}
func (m multiObserver) FileStarted(f File) {
	for _, o := range m {
		o.FileStarted(f)
	}
}
func (m multiObserver) FileProgress(f File, a, t int64) {
	for _, o := range m {
		o.FileProgress(f, a, t)
	}
}
func (m multiObserver) FileDone(f File, r FileResult) {
	for _, o := range m {
		o.FileDone(f, r)
	}
}
func (m multiObserver) End(s *Summary) {
	for _, o := range m {
		o.End(s)
	}
}
