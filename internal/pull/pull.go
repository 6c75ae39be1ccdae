// Package pull is the engine behind "cldrest pull": it downloads a list of
// assets into a directory with a bounded worker pool, skipping files whose
// MD5 already equals the asset's etag, streaming every download to a
// temporary file while hashing it, and renaming it into place only when
// its MD5 equals the etag. A mismatch is a failed try, retried; a file is
// never left complete with the wrong bytes.
//
// The package knows nothing about Cloudinary's APIs: the CLI lists the
// assets and opens their bytes (Fetcher); tests use fakes.
package pull

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cldrest/cldrest/internal/batch"
)

// Asset is one asset to download.
type Asset struct {
	PublicID     string
	ResourceType string
	Type         string // delivery type
	Format       string
	Version      int64
	Bytes        int64 // size of the original, as listed (0: unknown)
	// Etag is the MD5 (lowercase hex) the downloaded bytes must have; empty
	// turns the check off (a transformation's bytes are not the original's).
	Etag string
	// Path is the slash-separated path of the file below the directory.
	Path string
}

// Key identifies the asset: resource type, delivery type and public ID.
func (a Asset) Key() string { return a.ResourceType + "/" + a.Type + "/" + a.PublicID }

// LocalPath returns the file path of an asset below the directory: its
// public ID, plus "."+format unless the public ID already ends with it (raw
// assets keep their extension in the public ID). It refuses public IDs that
// would leave the directory or name no file ("..", ".", empty segments, an
// absolute path, NUL).
func LocalPath(publicID, format string) (string, error) {
	p := publicID
	if format != "" && !strings.HasSuffix(strings.ToLower(p), "."+strings.ToLower(format)) {
		p += "." + format
	}
	if strings.ContainsRune(p, 0) || strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("public ID %q cannot be a file path below the directory", publicID)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("public ID %q has an empty, '.' or '..' segment and cannot be a file path below the directory", publicID)
		}
	}
	return p, nil
}

// Fetcher opens the bytes of a. size is the expected length (-1 when
// unknown); the caller closes the reader.
type Fetcher func(ctx context.Context, a Asset) (r io.ReadCloser, size int64, err error)

// Status is the outcome of one asset.
type Status string

// Statuses of a FileResult.
const (
	StatusDownloaded Status = "downloaded" // written and verified
	StatusSkipped    Status = "skipped"    // the local file already matches (Reason)
	StatusFailed     Status = "failed"     // gave up after retries
	StatusPlanned    Status = "planned"    // --dry-run: would be downloaded
	StatusCanceled   Status = "canceled"   // in flight when the run was interrupted
)

// Reasons of skipped and failed assets.
const (
	ReasonUnchanged    = "unchanged"     // the local file's MD5 equals the etag
	ReasonExists       = "exists"        // no etag to compare (a transformation) and the file exists
	ReasonEtagMismatch = "etag_mismatch" // the downloaded bytes' MD5 differs from the etag
	ReasonCollision    = "collision"     // another asset maps to the same file
)

// ErrEtagMismatch is matched by the error of a download whose MD5 differs
// from the asset's etag.
var ErrEtagMismatch = errors.New("downloaded bytes do not match the etag")

// FileResult is the outcome of one asset; it is also the JSON object
// printed per asset with --json.
type FileResult struct {
	Type         string `json:"type"` // always "file"
	PublicID     string `json:"public_id"`
	ResourceType string `json:"resource_type"`
	DeliveryType string `json:"delivery_type"`
	Path         string `json:"path"`
	Status       Status `json:"status"`
	Reason       string `json:"reason,omitempty"`
	Bytes        int64  `json:"bytes"`
	MD5          string `json:"md5"`
	Etag         string `json:"etag"`
	Error        string `json:"error"`
	Attempts     int    `json:"attempts"`
	Retryable    bool   `json:"retryable"`
}

// Summary totals a run; it is also the final JSON object with --json.
type Summary struct {
	Type            string  `json:"type"` // always "summary"
	Assets          int     `json:"assets"`
	Downloaded      int     `json:"downloaded"`
	Skipped         int     `json:"skipped"`
	Failed          int     `json:"failed"`
	Planned         int     `json:"planned"`
	Canceled        int     `json:"canceled"`
	NotStarted      int     `json:"not_started"`
	Bytes           int64   `json:"bytes"`            // listed size of every asset
	BytesDownloaded int64   `json:"bytes_downloaded"` // bytes written in this run
	Seconds         float64 `json:"duration_seconds"`
	DryRun          bool    `json:"dry_run"`
	Interrupted     bool    `json:"interrupted"`
	ExitCode        int     `json:"exit_code"`
}

// Options control a run.
type Options struct {
	Concurrency int           // default 8
	DryRun      bool          // report what would be downloaded; write nothing
	MaxAttempts int           // tries per asset (default 3)
	RetryWait   time.Duration // wait before the second try, doubled per try up to 15 s (default 1 s)
	// Retryable decides whether a failed try is tried again (default
	// batch.DefaultRetryable). It also sets FileResult.Retryable, which
	// the summary's advice follows.
	Retryable func(error) bool
	// Observer gets the run's events for progress displays (the batch
	// package's PlainProgress and TTYProgress): each asset is a batch.File
	// with Path, Rel, Size and PublicID (the asset's Key).
	Observer batch.Observer
	// Done is called with each asset's outcome, one call at a time.
	Done func(FileResult)
	// Stop and BreakAfter are the circuit breaker, as in
	// batch.RunOptions: a stopped run starts no more assets and returns
	// a *batch.StoppedError.
	Stop       func(err error) (advice string, immediate bool)
	BreakAfter int
}

// Run downloads assets into dir and returns the summary. It returns an
// error only when ctx ends or the circuit breaker (Options.Stop) stops
// the run (no asset is started after that; those in flight are reported
// canceled); failed assets are counted in the summary.
func Run(ctx context.Context, dir string, assets []Asset, fetch Fetcher, o Options) (*Summary, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = batch.DefaultConcurrency
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = batch.DefaultMaxAttempts
	}
	if o.RetryWait <= 0 {
		o.RetryWait = batch.DefaultRetryWait
	}
	if o.Retryable == nil {
		o.Retryable = batch.DefaultRetryable
	}
	obs := o.Observer
	if obs == nil {
		obs = batch.Observers()
	}
	start := time.Now()
	sum := &Summary{Type: "summary", Assets: len(assets), DryRun: o.DryRun}
	for _, a := range assets {
		sum.Bytes += a.Bytes
	}
	var mu sync.Mutex
	finished := 0
	obs.Begin(len(assets), sum.Bytes)

	// Two assets for one file: the first (in listing order) wins.
	owner := map[string]string{}
	collision := map[int]string{}
	for i, a := range assets {
		k := a.Path
		if first, ok := owner[k]; ok {
			collision[i] = first
			continue
		}
		owner[k] = a.Key()
	}

	file := func(a Asset) batch.File {
		return batch.File{Path: filepath.Join(dir, filepath.FromSlash(a.Path)), Rel: a.Path, Size: a.Bytes, PublicID: a.Key()}
	}
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	breaker := batch.NewBreaker(o.Stop, o.BreakAfter, cancel)
	batch.Pool(ctx, len(assets), o.Concurrency, func(_, i int) {
		if ctx.Err() != nil {
			return // not started
		}
		a := assets[i]
		f := file(a)
		mu.Lock()
		obs.FileStarted(f)
		mu.Unlock()
		var res FileResult
		if first, ok := collision[i]; ok {
			res = FileResult{Status: StatusFailed, Reason: ReasonCollision, Bytes: a.Bytes,
				Error: fmt.Sprintf("%s maps to the same file as %s; pull them into different directories (e.g. with --resource-type or --type)", a.Key(), first)}
		} else {
			res = one(ctx, f.Path, a, fetch, &o, breaker, func(acked int64) {
				mu.Lock()
				obs.FileProgress(f, acked, a.Bytes)
				mu.Unlock()
			})
		}
		res.Type, res.PublicID, res.ResourceType, res.DeliveryType, res.Path = "file", a.PublicID, a.ResourceType, a.Type, f.Path
		if res.Etag == "" {
			res.Etag = a.Etag
		}
		mu.Lock()
		defer mu.Unlock()
		finished++
		switch res.Status {
		case StatusDownloaded:
			sum.Downloaded++
			sum.BytesDownloaded += res.Bytes
		case StatusSkipped:
			sum.Skipped++
		case StatusFailed:
			sum.Failed++
		case StatusPlanned:
			sum.Planned++
		case StatusCanceled:
			sum.Canceled++
		}
		bs := batch.StatusUploaded
		if res.Status == StatusFailed {
			bs = batch.StatusFailed
		}
		obs.FileDone(f, batch.FileResult{Status: bs, Bytes: res.Bytes})
		if o.Done != nil {
			o.Done(res)
		}
	})

	sum.NotStarted = len(assets) - finished
	sum.Seconds = time.Since(start).Seconds()
	var err error
	if cause := context.Cause(ctx); errors.Is(cause, batch.ErrStopped) {
		err = cause
	} else if parent.Err() != nil && (sum.NotStarted > 0 || sum.Canceled > 0) {
		sum.Interrupted = true
		err = fmt.Errorf("interrupted: %d of %d assets not done; run the same command again to resume: %w", sum.NotStarted+sum.Canceled, len(assets), parent.Err())
	}
	switch {
	case err != nil && !sum.Interrupted:
		sum.ExitCode = batch.ExitUsage
	case sum.Interrupted:
		sum.ExitCode = batch.ExitInterrupted
	case sum.Failed > 0:
		sum.ExitCode = batch.ExitFailed
	}
	obs.End(&batch.Summary{})
	return sum, err
}

// one handles one asset: skip, plan, or download with retries.
func one(ctx context.Context, dest string, a Asset, fetch Fetcher, o *Options, breaker *batch.Breaker, progress func(int64)) FileResult {
	res := FileResult{Bytes: a.Bytes}
	fail := func(err error) FileResult {
		if ctx.Err() != nil {
			res.Status, res.Error = StatusCanceled, ctx.Err().Error()
			return res
		}
		res.Status, res.Error, res.Retryable = StatusFailed, err.Error(), o.Retryable(err)
		return res
	}
	if fi, err := os.Stat(dest); err == nil {
		switch {
		case !fi.Mode().IsRegular():
			return fail(fmt.Errorf("%s exists and is not a regular file; move it away", dest))
		case a.Etag == "":
			res.Status, res.Reason, res.Bytes = StatusSkipped, ReasonExists, fi.Size()
			return res
		case a.Bytes <= 0 || fi.Size() == a.Bytes:
			sum, err := batch.FileMD5(ctx, dest)
			if err != nil {
				return fail(err)
			}
			if sum == a.Etag {
				res.Status, res.Reason, res.MD5 = StatusSkipped, ReasonUnchanged, sum
				return res
			}
		}
	}
	if o.DryRun {
		res.Status = StatusPlanned
		return res
	}
	backoff := batch.NewBackoff(o.RetryWait)
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		n, sum, err := download(ctx, dest, a, fetch, progress)
		if ctx.Err() == nil && breaker.Tried(err) {
			// This try stopped the run: the asset failed (it is not one
			// canceled by another's failure).
			res.Status, res.Error, res.Retryable = StatusFailed, err.Error(), true
			return res
		}
		if err == nil {
			res.Status, res.Reason, res.Bytes, res.MD5 = StatusDownloaded, "", n, sum
			return res
		}
		res.Reason, res.MD5 = "", ""
		if errors.Is(err, ErrEtagMismatch) {
			res.Reason, res.MD5 = ReasonEtagMismatch, sum
		}
		if !backoff.Again(ctx, attempt, o.MaxAttempts, o.Retryable(err)) {
			return fail(err)
		}
	}
}

// download streams a's bytes into a temporary file next to dest while
// hashing them, and renames it to dest only when the length and the MD5
// are right. Memory stays constant whatever the size.
func download(ctx context.Context, dest string, a Asset, fetch Fetcher, progress func(int64)) (int64, string, error) {
	r, size, err := fetch(ctx, a)
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return 0, "", err
	}
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".cldrest-part")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, "", err
	}
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), &progressReader{r: r, fn: progress})
	if err != nil {
		return n, "", fmt.Errorf("downloading %s: %w", a.Key(), err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if size >= 0 && n != size {
		return n, sum, fmt.Errorf("downloading %s: got %d of %d bytes", a.Key(), n, size)
	}
	if a.Etag != "" && sum != a.Etag {
		return n, sum, fmt.Errorf("%s: %w (MD5 %s, etag %s)", a.Key(), ErrEtagMismatch, sum, a.Etag)
	}
	if err := f.Sync(); err != nil {
		return n, sum, err
	}
	if err := f.Close(); err != nil {
		return n, sum, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		ok = true
		return n, sum, err
	}
	ok = true
	return n, sum, nil
}

type progressReader struct {
	r    io.Reader
	n    int64
	fn   func(int64)
	last time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.fn != nil && (err != nil || time.Since(p.last) > 100*time.Millisecond) {
		p.last = time.Now()
		p.fn(p.n)
	}
	return n, err
}
