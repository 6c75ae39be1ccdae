package client

import (
	"context"
	"errors"
)

// ErrInvalidInput is matched (errors.Is) by every *InputError: bad input
// found before any request was sent, in this package, upload and admin.
var ErrInvalidInput = errors.New("invalid input")

// InputError reports bad input found before any request was sent: where it
// was found, what was wrong and how to fix it. Every package of the module
// returns this one type (upload.InputError is an alias). Kind, when set, is
// a more specific sentinel (for example upload.ErrFileNotFound); Err, when
// set, is the underlying cause (for example an *fs.PathError).
type InputError struct {
	Op     string // the package or method, e.g. "upload", "admin.Search", "client.Do"
	What   string // the offending input, e.g. `source "/tmp/x.jpg"`; may be empty
	Reason string
	Fix    string
	Kind   error
	Err    error
}

// Error renders "<op>: <what>: <reason>; <fix>" on one line.
func (e *InputError) Error() string {
	msg := e.Op + ": "
	if e.What != "" {
		msg += e.What + ": "
	}
	msg += e.Reason
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// Is matches ErrInvalidInput and the error's Kind.
func (e *InputError) Is(target error) bool {
	return target == ErrInvalidInput || (e.Kind != nil && target == e.Kind)
}

// Unwrap returns the underlying cause, if any (so errors.Is(err,
// fs.ErrNotExist) works for a missing file).
func (e *InputError) Unwrap() error { return e.Err }

// IsRetryable reports whether trying a failed call again may succeed. It is
// the one retry classification of the module: it classifies statuses with
// the rule Do's own retry policy uses (retryableStatus), and callers that
// retry whole jobs (the CLI's batch engine) call it on the error Do, upload
// or admin returned.
//
// Retryable: the statuses the retry policy retries (420, 429, 500, 502,
// 503, 504; 501 and other 4xx are final), transport failures, stalls and
// attempt timeouts, and errors of other packages that wrap none of the
// errors below (an upload.IntegrityError, for instance). Not retryable: nil,
// a cancelled or expired context (the caller's decision), bad input or
// configuration, an *AmbiguousError (repeating may apply the request twice;
// retry it only when you know the call is idempotent) and a *DecodeError
// (the server answered 2xx).
func IsRetryable(err error) bool {
	switch {
	case err == nil, errors.Is(err, ErrAmbiguous),
		errors.Is(err, ErrInvalidInput), errors.Is(err, ErrInvalidConfig):
		return false
	case errors.Is(err, ErrStalled), errors.Is(err, ErrAttemptTimeout):
		return true // an attempt cut short (its chain also holds context.Canceled)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	if _, ok := errors.AsType[*DecodeError](err); ok {
		return false
	}
	if ae, ok := errors.AsType[*APIError](err); ok {
		return retryableStatus(ae.StatusCode)
	}
	return true
}
