// Package batch is the engine behind "cldrest upload": it turns paths into a
// deterministic list of files (walking directories, include/exclude globs,
// hidden files, public IDs derived from relative paths, shard selection),
// uploads them with a bounded worker pool through a narrow Uploader
// interface, keeps a resume journal, and reports per-file results, progress
// and a summary.
//
// The package knows nothing about HTTP or Cloudinary's wire format: the CLI
// adapts the upload and admin packages to Uploader and Lookup, and tests use
// fakes.
package batch

import (
	"context"
	"time"
)

// File is one file selected for upload.
type File struct {
	// Path is the path the file is opened with (as given on the command
	// line, joined with the walked relative path).
	Path string
	// Rel is the slash-separated path relative to its root argument. It
	// drives the public ID and the shard.
	Rel string
	// Size is the size in bytes when the file was listed.
	Size int64
	// PublicID is the deterministic public ID derived from Rel (see
	// PublicID).
	PublicID string
}

// Result is what an Uploader reports for one file.
type Result struct {
	PublicID  string
	Etag      string
	SecureURL string
	// MD5 is the lowercase hex MD5 of the bytes sent; empty when unknown
	// (the engine then hashes the file itself).
	MD5 string
	// Attempts is the number of HTTP attempts made, also on failure (0 is
	// read as 1).
	Attempts int
	// Existing reports that the server already had an asset under PublicID
	// and kept it instead of storing the file (overwriting turned off):
	// Etag and SecureURL are the kept asset's. The file is reported with
	// StatusExists, not as uploaded.
	Existing bool
	// Corrupt, with an error, reports that the server stored other bytes
	// than the file's (its etag differs from MD5): the asset under PublicID
	// is no longer what an earlier journal entry recorded. MD5 and Etag
	// carry the two digests.
	Corrupt bool
}

// ProgressFunc is told how many bytes of a file the server acknowledged.
type ProgressFunc func(acked, total int64)

// Uploader uploads one file under f.PublicID, overwriting any asset with that
// public ID (or, when overwriting is turned off, keeping it and reporting
// Result.Existing), so that repeating the call cannot create a second asset.
// It must be safe for concurrent use and must return promptly when ctx is
// done.
type Uploader interface {
	Upload(ctx context.Context, f File, progress ProgressFunc) (Result, error)
}

// Lookup finds the etag (the MD5 of the stored bytes) of the existing asset
// with f.PublicID, for --skip-existing=etag. found is false when there is no
// such asset.
type Lookup interface {
	Etag(ctx context.Context, f File) (etag string, found bool, err error)
}

// Status is the outcome of one file.
type Status string

// Statuses of FileResult.
const (
	StatusUploaded Status = "uploaded" // sent and stored
	StatusExists   Status = "exists"   // sent, but the server kept the asset it had (Result.Existing)
	StatusSkipped  Status = "skipped"  // already done (Reason says why)
	StatusFailed   Status = "failed"   // gave up after retries
	StatusPlanned  Status = "planned"  // --dry-run: would be uploaded
	StatusCanceled Status = "canceled" // in flight when the run was interrupted
)

// Reasons for StatusSkipped, and for StatusFailed (ReasonEtagMismatch).
const (
	ReasonJournal = "journal" // a completed journal entry has the same size and MD5
	ReasonEtag    = "etag"    // the remote asset's etag equals the local MD5
	// ReasonExists: with RunOptions.KeepExisting, a journal entry with the
	// same size and MD5 found the public ID taken (StatusExists).
	ReasonExists = "exists"
	// ReasonOptionsChanged (StatusUploaded): the journal had the file's
	// bytes, uploaded with other options (RunOptions.OptionsKey); it was
	// uploaded again so that the new options apply.
	ReasonOptionsChanged = "options_changed"
	// ReasonEtagMismatch: the server stored other bytes than the file's
	// (Result.Corrupt); a rerun uploads the file again.
	ReasonEtagMismatch = "etag_mismatch"
)

// FileResult is the outcome of one file; it is also the JSON object printed
// per file with --json.
type FileResult struct {
	Type      string `json:"type"` // always "file"
	Path      string `json:"path"`
	PublicID  string `json:"public_id"`
	Status    Status `json:"status"`
	Reason    string `json:"reason,omitempty"`
	Bytes     int64  `json:"bytes"`
	MD5       string `json:"md5"`
	Etag      string `json:"etag"`
	SecureURL string `json:"secure_url"`
	Error     string `json:"error"`
	Attempts  int    `json:"attempts"`
	// Retryable marks a failure that running the job again may fix (a
	// timeout, a 5xx, a rate limit), unlike a bad file or a 4xx answer.
	Retryable bool `json:"retryable"`

	Duration time.Duration `json:"-"`

	err error // the failure behind Error, for RunOptions.Fatal
}

// Summary totals a run; it is also the final JSON object printed with --json.
type Summary struct {
	Type          string  `json:"type"` // always "summary"
	Files         int     `json:"files"`
	Uploaded      int     `json:"uploaded"`
	Exists        int     `json:"exists"`
	Skipped       int     `json:"skipped"`
	Failed        int     `json:"failed"`
	Planned       int     `json:"planned"`
	Canceled      int     `json:"canceled"`
	NotStarted    int     `json:"not_started"`
	Bytes         int64   `json:"bytes"`          // total size of the selected files
	BytesUploaded int64   `json:"bytes_uploaded"` // size of the files uploaded in this run
	Attempts      int     `json:"attempts"`
	Seconds       float64 `json:"duration_seconds"`
	DryRun        bool    `json:"dry_run"`
	Interrupted   bool    `json:"interrupted"`
	Journal       string  `json:"journal"`
	ExitCode      int     `json:"exit_code"`
}

// Exit codes of a run (the CLI's contract).
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// Code returns the exit code the summary calls for: 130 when interrupted,
// 1 when any file failed, 0 otherwise.
func (s *Summary) Code() int {
	switch {
	case s.Interrupted:
		return ExitInterrupted
	case s.Failed > 0:
		return ExitFailed
	}
	return ExitOK
}
