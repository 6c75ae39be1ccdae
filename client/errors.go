package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors matched (errors.Is) by *APIError according to its status.
var (
	ErrBadRequest    = errors.New("bad request")             // 400
	ErrUnauthorized  = errors.New("unauthorized")            // 401
	ErrForbidden     = errors.New("forbidden")               // 403
	ErrNotFound      = errors.New("not found")               // 404
	ErrAlreadyExists = errors.New("already exists")          // 409
	ErrRateLimited   = errors.New("rate limited")            // 420, 429
	ErrServerError   = errors.New("cloudinary server error") // 5xx
)

// ErrAmbiguous is matched (errors.Is) by *AmbiguousError.
var ErrAmbiguous = errors.New("request may have been applied")

// ErrStalled is the cause of an attempt aborted because its request body or
// response made no progress for the stall timeout (WithStallTimeout).
var ErrStalled = errors.New("transfer stalled")

// ErrAttemptTimeout is the cause of an attempt aborted by the per-attempt
// timeout (WithAttemptTimeout, WithUploadTimeout).
var ErrAttemptTimeout = errors.New("attempt timed out")

// maxErrorBody is how much of an error response body is read.
const maxErrorBody = 1 << 20

// maxSnippet is the length of APIError.Snippet.
const maxSnippet = 256

// maxMessage is the length of APIError.Message.
const maxMessage = 4096

// APIError is a non-2xx answer from Cloudinary. It matches the sentinel for
// its status with errors.Is (ErrNotFound for 404, ErrRateLimited for 420
// and 429, ErrServerError for any 5xx, …).
type APIError struct {
	Method     string
	Path       string // request path below /v1_1/<cloud_name>/
	StatusCode int
	// Message is Cloudinary's {"error":{"message":…}}; empty when the body
	// was not such JSON (an HTML page, an empty or truncated body).
	Message   string
	RequestID string // X-Request-Id
	RateLimit RateLimit
	Header    http.Header // response headers
	// Snippet is the start of the body (at most 256 bytes, valid UTF-8,
	// control characters replaced) for bodies without a JSON message.
	Snippet string

	attempts int
}

// Attempts returns the number of HTTP attempts the call made, this one
// included (0 for an *APIError not returned by Client.Do).
func (e *APIError) Attempts() int { return e.attempts }

// Error is one line: method and path, status, Cloudinary's message (or a
// body snippet), request id, attempts and, for a rate limit, the reset time.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("cloudinary: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := statusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Snippet != "":
		s := e.Snippet
		if len(s) > 120 {
			s = truncUTF8(s, 120) + "…"
		}
		b.WriteString(": body: " + s)
	default:
		b.WriteString(" (empty body)")
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	if e.attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.attempts)
	}
	if e.Is(ErrRateLimited) && !e.RateLimit.Reset.IsZero() {
		b.WriteString("; the limit resets at " + e.RateLimit.Reset.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// statusText is http.StatusText, with a name for Cloudinary's 420.
func statusText(code int) string {
	if code == 420 {
		return "Rate Limited"
	}
	return http.StatusText(code)
}

// Is matches the sentinel of e's status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrAlreadyExists:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == 420 || e.StatusCode == http.StatusTooManyRequests
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// Temporary reports whether the status is one the retry policy retries.
func (e *APIError) Temporary() bool { return retryableStatus(e.StatusCode) }

// NewAPIError builds the *APIError for a response status, headers and (at
// most the first 1 MiB of) its body. It never fails: bodies that are not
// Cloudinary's error JSON yield an empty Message and a Snippet. A nil
// header is allowed. Method and Path are left for the caller.
func NewAPIError(status int, header http.Header, body []byte) *APIError {
	return newAPIError(status, header, body, nil)
}

// newAPIError is NewAPIError with the client's redactor, which removes the
// credentials from the message, snippet and headers before any of them is
// cut to length (a cut must not leave the start of a secret behind).
func newAPIError(status int, header http.Header, body []byte, red *redactor) *APIError {
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	if header == nil {
		header = http.Header{}
	}
	e := &APIError{
		StatusCode: status,
		Header:     red.header(header),
		RequestID:  red.redact(header.Get("X-Request-Id")),
		RateLimit:  parseRateLimit(header),
	}
	if red != nil {
		// Redact the raw body before decoding it, so that a JSON escape
		// next to a credential (\u00a followed by the secret) cannot hide
		// part of it from the redaction of the decoded message.
		body = []byte(red.redact(string(body)))
	}
	var doc struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &doc) == nil && len(doc.Error) > 0 {
		var inner struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(doc.Error, &inner) == nil && inner.Message != "":
			e.Message = inner.Message
		case json.Unmarshal(doc.Error, &s) == nil:
			e.Message = s
		}
	}
	// The decoded message is redacted again: JSON escapes may spell out a
	// credential (\u0043ANARY…). The body was redacted above.
	e.Message = red.clean(e.Message, maxMessage)
	if e.Message == "" {
		e.Snippet = cleanText(string(body), maxSnippet)
	}
	return e
}

// cleanText makes s valid UTF-8 without control characters and at most n
// bytes long.
func cleanText(s string, n int) string {
	if len(s) > 4*n {
		s = s[:4*n] // bound the work; replacement below can only grow bytes 3x
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(truncUTF8(strings.TrimSpace(s), n))
}

func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.ValidString(s); i++ {
		s = s[:len(s)-1]
	}
	return s
}

// AmbiguousError reports a request that failed after its body was sent
// and before a complete response arrived (connection reset, EOF, timeout,
// or a 502/504 from a gateway, then wrapped as an *APIError): Cloudinary
// may have applied it. It was not retried because it is not
// marked Request.Idempotent — retrying an upload with a server-chosen
// public_id could create a second asset. It matches ErrAmbiguous and
// unwraps to the transport error or the gateway's *APIError.
type AmbiguousError struct {
	Method   string
	Path     string
	Err      error
	attempts int
}

// Attempts returns the number of HTTP attempts made, the ambiguous one
// included.
func (e *AmbiguousError) Attempts() int { return e.attempts }

// Error says why the request was not retried and how to make it retryable.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("cloudinary: %s %s: attempt %d failed after the request was sent (%v); "+
		"not retried because the server may already have applied it and a retry could create a second asset; "+
		"to allow retries, give the upload a fixed public_id with overwrite=true (or use upload.WithIdempotent when a duplicate is harmless; client.Request.Idempotent for direct calls)",
		e.Method, e.Path, e.attempts, e.Err)
}

// Unwrap returns the transport error or the gateway's *APIError.
func (e *AmbiguousError) Unwrap() error { return e.Err }

// Is matches ErrAmbiguous.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// RetryError reports retries stopped by the context: it was cancelled
// during a backoff, or the next wait would pass its deadline. It unwraps
// to both Cause (context.Canceled or context.DeadlineExceeded) and Last,
// the error of the last attempt (often an *APIError), so errors.Is and
// errors.As see both.
type RetryError struct {
	Method string
	Path   string
	// Wait is the backoff that was cut short or would have passed the
	// deadline; zero when unknown.
	Wait  time.Duration
	Cause error
	Last  error

	attempts int
}

// Attempts returns the number of HTTP attempts made before retrying stopped.
func (e *RetryError) Attempts() int { return e.attempts }

// Error says why retrying stopped, with the last attempt's error.
func (e *RetryError) Error() string {
	var why string
	if e.Wait > 0 {
		why = fmt.Sprintf("next attempt in %s would pass the context deadline", e.Wait.Round(time.Millisecond))
	} else {
		why = "context ended before the call could complete"
	}
	return fmt.Sprintf("cloudinary: %s %s: gave up after %d attempt(s): %s (%v); last error: %v",
		e.Method, e.Path, e.attempts, why, e.Cause, e.Last)
}

// Unwrap returns Cause and Last.
func (e *RetryError) Unwrap() []error { return []error{e.Cause, e.Last} }

// TransportError reports a call that ended without an answer to decode
// after the retry policy gave up: the last attempt failed in the transport
// (connection refused or reset, EOF, a timeout or stall, a 2xx body cut
// short), the context ended during an attempt, or the answer was unusable
// (ErrResponseTooLarge). It unwraps to that cause, so errors.Is sees
// syscall.ECONNREFUSED, context.Canceled, ErrStalled and the like.
type TransportError struct {
	Method string
	Path   string
	Err    error

	attempts int
}

// Error names the call, the number of attempts and the last cause.
func (e *TransportError) Error() string {
	return fmt.Sprintf("cloudinary: %s %s: attempt %d: %v", e.Method, e.Path, e.attempts, e.Err)
}

// Unwrap returns the cause of the last attempt's failure.
func (e *TransportError) Unwrap() error { return e.Err }

// Attempts returns the number of HTTP attempts made, the failed ones
// included.
func (e *TransportError) Attempts() int { return e.attempts }
