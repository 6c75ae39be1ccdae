// Package client is the engine every cldrest API call goes through: the
// configuration (CLOUDINARY_URL, Config, Secret), authentication, request
// bodies, the retry policy, typed errors and response metadata. The
// upload and admin packages build Requests and call Client.Do; they never
// talk HTTP themselves.
//
// # Authentication (spec §1.4)
//
// Upload API requests are signed: every attempt gets a fresh timestamp,
// then api_key and a signature computed with the configured algorithm
// (SHA-1 or SHA-256) and signature version. With WithBasicAuthUploads they
// use HTTP Basic instead. Admin API requests use HTTP Basic. When the
// configuration has an OAuth token, both APIs send "Authorization: Bearer"
// and nothing is signed. Requests marked Unsigned carry no credential at
// all (they must name an unsigned upload_preset). Authorization headers are
// attached only to the configured API host (scheme and host of
// upload_prefix), never to a redirect target elsewhere.
//
// # Bodies
//
// Upload API parameters go in an application/x-www-form-urlencoded body,
// or in a multipart/form-data body when the Request has a File. Fields are
// sorted and empty values dropped, so bodies are deterministic. Multipart
// bodies are streamed with an exactly computed Content-Length: a File with
// a ReaderAt is re-read through a new io.SectionReader for every attempt,
// so retries never buffer the file. A File with a Stream (unknown or
// one-shot source) gets exactly one attempt. Admin GET and DELETE
// parameters go in the query string; an Admin Body is sent as JSON.
//
// # Retry policy
//
// Client.Do makes at most maxAttempts attempts (WithRetry; default
// DefaultMaxAttempts). After each failed attempt, in order:
//
//  1. If the call's context is done, stop with the context's error
//     (wrapped with the last attempt's error in a *RetryError).
//  2. A response with status 420, 429, 500, 502, 503 or 504 is retried,
//     except that 502 and 504 (a gateway speaking for an origin that may
//     have applied the request) are ambiguous like case 4 below. Any other
//     status (including 501 and every other 4xx) is final and becomes an
//     *APIError.
//  3. A transport failure before the request was completely sent (dial
//     error, connection refused, a keep-alive connection the server had
//     closed) is retried: the server cannot have applied it.
//  4. A failure after the request was sent and before a complete response
//     arrived (connection reset, EOF, timeout, a 2xx body cut short) is
//     ambiguous: the server may have applied it. It is retried only when
//     Request.Idempotent is set (GET requests always are); otherwise Do
//     returns an *AmbiguousError (errors.Is(err, ErrAmbiguous)) explaining
//     why. Mark a request Idempotent when repeating it cannot create a
//     second asset: an upload with a fixed public_id and explicit
//     overwrite, destroy, tags, Admin GET/PUT/DELETE. An upload whose
//     public_id is chosen by the server must not be marked.
//
// The wait before a retry is the response's Retry-After (seconds or HTTP
// date), or for 420/429 its X-FeatureRateLimit-Reset time; when that is
// longer than the maximum wait, Do does not retry and returns the
// *APIError at once (for a rate limit its message and RateLimit.Reset say
// when the limit resets). Otherwise the wait is a capped exponential
// backoff with full jitter: a uniform draw from
// [0, min(maxWait, minWait·2^n)] for the n-th retry.
// When the wait would end after the context's deadline, Do returns at once
// with a *RetryError that wraps both context.DeadlineExceeded and the last
// *APIError. Cancelling the context during a wait returns immediately.
//
// Each attempt can also be bounded by WithAttemptTimeout (requests without
// a file), WithUploadTimeout (requests with a file) and WithStallTimeout
// (no progress of the request body or the response for a while); such
// failures are transport failures under rules 3 and 4. WithRateLimit
// spaces Admin API attempts on the client side.
//
// # Errors and metadata
//
// Every non-2xx answer is an *APIError carrying the status, Cloudinary's
// message, the request id, rate-limit headers, the number of attempts and
// a short body snippet when the body was not Cloudinary's error JSON (an
// HTML page from a proxy, an empty or truncated body). Error bodies are
// read up to 1 MiB. Match statuses with errors.Is and the sentinels
// ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrAlreadyExists, ErrRateLimited and ErrServerError. Successful calls
// return a *Response with the status, X-Request-Id, the parsed
// X-FeatureRateLimit-* headers, the attempt count and the raw JSON; typed
// results embedding Meta receive it through SetResponse. A call that got no
// usable answer (the last attempt failed in the transport, or the context
// ended during it) is a *TransportError wrapping the cause.
//
// Attempts are counted the same way everywhere: every attempt sent counts,
// the ones that ended in a transport error included (four connection
// resets and a success are five attempts). Results embedding Meta and
// every error type above (*APIError, *AmbiguousError, *RetryError,
// *TransportError, *DecodeError) have an Attempts() int method, so callers
// read the count with one interface whatever went wrong:
//
//	var a interface{ Attempts() int }
//	if errors.As(err, &a) {
//		log.Printf("gave up after %d attempts", a.Attempts())
//	}
//
// # Secrets and logs
//
// The API secret and the OAuth token live in Secret values, which never
// print. Debug logs (WithLogger) record method, path, status, attempt and
// duration of each attempt and every retry decision, never a credential,
// signature, Authorization header or body.
//
// A server (or proxy, or wrapped RoundTripper) may quote the credentials
// back. Everything Do returns from server or transport text — an
// *APIError's Message, Snippet, RequestID and Header, a *DecodeError's
// Snippet, and the transport errors inside *AmbiguousError, *RetryError
// and plain errors, and the debug log — first has every form of the
// credentials the client sends replaced with "[REDACTED]": the secret and
// the token as they are, the base64 of "key:secret" of the Basic header
// (standard and URL-safe, padded or not), and each of those query- or
// path-escaped. Redaction happens before text is cut to length, so a cut
// never leaves the start of a credential behind. (A *Response's Header is
// the server's, unredacted.)
//
// Configuration errors (*ConfigError) never quote CLOUDINARY_URL: they name
// what is malformed and its position.
package client
