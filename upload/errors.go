package upload

import (
	"errors"
	"fmt"

	"github.com/cldrest/cldrest/client"
)

// Sentinels for bad input. Every error returned before a request is sent is
// an *InputError that matches ErrInvalidInput and exactly one of the more
// specific sentinels below with errors.Is.
var (
	// ErrInvalidInput is matched by every *InputError; it is
	// client.ErrInvalidInput, shared by every package of the module.
	ErrInvalidInput = client.ErrInvalidInput
	// ErrFileNotFound: the path names no file.
	ErrFileNotFound = errors.New("upload: file not found")
	// ErrIsDirectory: the path names a directory.
	ErrIsDirectory = errors.New("upload: path is a directory")
	// ErrUnreadable: the file exists but cannot be opened or read.
	ErrUnreadable = errors.New("upload: file is not readable")
	// ErrEmptySource: the source holds no bytes.
	ErrEmptySource = errors.New("upload: source is empty")
	// ErrSizeMismatch: a ReaderAt does not hold exactly the declared size.
	ErrSizeMismatch = errors.New("upload: source size mismatch")
	// ErrBadSource: a source that is not usable (nil reader, bad URL).
	ErrBadSource = errors.New("upload: unusable source")
	// ErrChunkSize: a chunk size below client.MinChunkSize.
	ErrChunkSize = errors.New("upload: chunk size too small")
	// ErrResourceType: a resource type the action does not accept.
	ErrResourceType = errors.New("upload: unknown resource type")
	// ErrUnsignedParam: an unsigned upload has no upload preset, or
	// Params.UploadPreset names another one.
	ErrUnsignedParam = errors.New("upload: parameter not allowed in unsigned upload")
	// ErrInvalidParam: a parameter value that cannot be encoded or is out of range.
	ErrInvalidParam = errors.New("upload: invalid parameter")
	// ErrIntegrity is matched by *IntegrityError: the asset Cloudinary
	// stored is not the bytes sent (WithIntegrityCheck).
	ErrIntegrity = errors.New("upload: etag mismatch")
	// ErrIncomplete is returned (inside a *ChunkError for chunked uploads)
	// when the server's last answer does not describe a finished asset
	// (for example {"done": false}).
	ErrIncomplete = errors.New("upload: server did not report a finished upload")
)

// InputError reports bad input found before any request was sent: what was
// wrong and how to fix it. It is client.InputError, the module's one input
// error type; this package sets Op to "upload" and Kind to one of the
// sentinels above.
type InputError = client.InputError

func inputErr(kind error, what, reason, fix string) *InputError {
	return &InputError{Op: "upload", What: what, Reason: reason, Fix: fix, Kind: kind}
}

// ChunkError reports a chunked upload stopped by a failure that retries
// could not fix. No chunk after the failed one was sent (with parallel
// chunks, chunks already in flight may complete; none is started after the
// failure, and the final chunk is never sent).
type ChunkError struct {
	// UploadID is the X-Unique-Upload-Id shared by the upload's chunks.
	UploadID string
	// Offset is the number of bytes, counted from the start of the source,
	// that the server acknowledged without a gap; the failed chunk starts at
	// or after it.
	Offset int64
	// Chunk is the zero-based index of the chunk that failed and Range its
	// Content-Range value ("" when reading the source failed).
	Chunk int
	Range string
	// Err is the cause: usually a *client.APIError, a
	// *client.TransportError, a context error, a source read error, or
	// ErrIncomplete.
	Err error

	attempts int
}

// Attempts returns the number of HTTP requests the whole chunked upload
// made until it stopped: the attempts of every chunk, the failed chunk's
// included (Err's own Attempts, when it has one, counts only that chunk).
func (e *ChunkError) Attempts() int { return e.attempts }

// Error renders the upload id, the failed chunk and range, the
// acknowledged offset and the cause on one line.
func (e *ChunkError) Error() string {
	where := fmt.Sprintf("chunk %d", e.Chunk)
	if e.Range != "" {
		where += " (" + e.Range + ")"
	}
	return fmt.Sprintf("upload: chunked upload %s stopped at %s after %d acknowledged bytes: %v", e.UploadID, where, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *ChunkError) Unwrap() error { return e.Err }

// IntegrityError reports an upload that Cloudinary answered with an etag
// (the MD5 of the bytes it stored) that differs from the MD5 of the bytes
// sent, under WithIntegrityCheck. The asset under PublicID now holds other
// bytes than the source: uploading the source again (with overwrite)
// repairs it. It matches ErrIntegrity with errors.Is.
type IntegrityError struct {
	PublicID string
	Etag     string // from the answer; empty when the answer had none
	LocalMD5 string // of the bytes sent
	// Result is the server's answer, for its other fields.
	Result *Result
}

// Error names the public ID and both digests on one line.
func (e *IntegrityError) Error() string {
	if e.Etag == "" {
		return fmt.Sprintf("upload: %q: the answer has no etag, so the stored asset cannot be checked against the MD5 %s of the bytes sent; upload it again", e.PublicID, e.LocalMD5)
	}
	return fmt.Sprintf("upload: %q: etag mismatch: Cloudinary stored bytes with MD5 %s, the bytes sent have MD5 %s (changed in transit?); upload it again to replace the asset", e.PublicID, e.Etag, e.LocalMD5)
}

// Is matches ErrIntegrity.
func (e *IntegrityError) Is(target error) bool { return target == ErrIntegrity }

// Attempts returns the number of HTTP requests of the upload (see
// Result.Attempts).
func (e *IntegrityError) Attempts() int {
	if e.Result == nil {
		return 0
	}
	return e.Result.Attempts()
}
