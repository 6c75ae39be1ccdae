package client

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// API selects which Cloudinary API a request belongs to; it decides how the
// request is authenticated.
type API int

const (
	// UploadAPI requests are signed (api_key, timestamp, signature added to
	// the form), or sent with Basic auth when the client is configured so,
	// or with a Bearer token when an OAuth token is configured, or sent
	// unsigned when Request.Unsigned is set (upload presets).
	UploadAPI API = iota
	// AdminAPI requests use HTTP Basic auth (api_key:api_secret) or a Bearer
	// token. GET and DELETE-without-body params go in the query string;
	// POST/PUT/DELETE bodies are JSON.
	AdminAPI
)

// Request describes one API call. The client turns it into an HTTP request
// afresh for every attempt (new timestamp, new signature, new body reader).
type Request struct {
	// Method is the HTTP method; empty means POST.
	Method string
	// API decides authentication and body encoding.
	API API
	// Path is relative to <upload_prefix>/v1_1/<cloud_name>/ (or Root), for example
	// "image/upload" or "resources/image/upload/folder%2Fsample". Callers
	// escape each segment with PathEscape.
	Path string
	// Root, when set, replaces "v1_1/<cloud_name>" as the root Path is
	// relative to, for the APIs served elsewhere on the same host:
	// "v2/<cloud_name>" (Analysis API) or
	// "v1_1/provisioning/accounts/<account_id>" (Provisioning API). Segments
	// are escaped by the caller, as in Path.
	Root string
	// Params are the Upload API form fields (signed) or, for Admin GET
	// requests, the query string. Empty values are never sent.
	Params url.Values
	// Body is JSON-encoded as the body of Admin POST/PUT/DELETE requests.
	Body any
	// File, when set, makes the Upload API body multipart/form-data with the
	// file streamed as the part "file"; otherwise the body is
	// application/x-www-form-urlencoded.
	File *File
	// Header holds extra headers (X-Unique-Upload-Id, Content-Range).
	Header http.Header
	// Idempotent marks a request that can be repeated after an ambiguous
	// failure (the body was sent but the response was lost) without creating
	// a second asset: a fixed public_id with explicit overwrite, destroy,
	// tags, every Admin GET/PUT/DELETE. Unmarked requests are retried only
	// when the server certainly did not apply them.
	Idempotent bool
	// Unsigned sends an Upload API request without credentials (the params
	// must carry an unsigned upload_preset).
	Unsigned bool
}

// File is the file part of a multipart upload. Exactly one of ReaderAt (with
// Size) and Stream is set. A ReaderAt is re-read from offset 0 for every
// attempt, so retries never buffer the file; a Stream of unknown length can
// be sent only once, so such a request gets a single attempt.
type File struct {
	Name        string // multipart filename; feeds original_filename
	ContentType string // default application/octet-stream
	ReaderAt    io.ReaderAt
	Size        int64
	Stream      io.Reader
}

// RateLimit is Cloudinary's X-FeatureRateLimit-* headers of one response.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// Response is the metadata of one completed API call.
type Response struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	RateLimit  RateLimit
	// Attempts is the number of HTTP attempts the call made, failed ones
	// (transport errors, retried statuses) included.
	Attempts int
	// Raw is the undecoded JSON body, for fields the typed results do not model.
	Raw json.RawMessage
}

// Meta is embedded in every typed result of the upload and admin packages:
// it carries the response metadata and is not part of the JSON.
type Meta struct {
	Response *Response `json:"-"`
}

// SetResponse stores r; Client.Do calls it on results that embed Meta.
func (m *Meta) SetResponse(r *Response) { m.Response = r }

// Attempts returns the number of HTTP attempts the call made, failed ones
// included (Response.Attempts), or 0 when there is no response.
func (m *Meta) Attempts() int {
	if m.Response == nil {
		return 0
	}
	return m.Response.Attempts
}

// PathEscape escapes one path segment (a public ID may contain "/", which
// must become %2F inside a segment).
func PathEscape(segment string) string { return url.PathEscape(segment) }
