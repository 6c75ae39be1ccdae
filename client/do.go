package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/cldrest/cldrest/internal/multipartbody"
)

// maxSuccessBody bounds a 2xx body decoded into a result.
const maxSuccessBody = 64 << 20

// drainLimit bounds what is read past a response body's limit to keep its
// connection alive; beyond it, closing the connection is cheaper.
const drainLimit = 256 << 10

// ErrResponseTooLarge is returned when a 2xx JSON body exceeds 64 MiB.
var ErrResponseTooLarge = errors.New("response body larger than 64 MiB")

type stateKey struct{}

// callState is the per-call state shared by the retry hooks and the
// transport. The retry loop runs on the caller's goroutine, so apart from
// the trace flags (atomics in attemptTransport) it needs no locking.
type callState struct {
	c           *Client
	req         *Request
	method      string
	path        string
	api         API
	auth        string // Authorization header value, "" for none
	signForm    bool   // add api_key/timestamp/signature per attempt
	idempotent  bool
	maxAttempts int
	timeout     time.Duration
	limiter     bool
	toWriter    io.Writer

	attempt  int
	nextWait time.Duration
	lastErr  error

	captured *http.Response
	body     []byte
	bodyErr  error
	apiErr   *APIError // built from captured, once

	boundary string
	jsonBody []byte

	// The body: build makes one per attempt; ready is the one built
	// before the first attempt; sizing is set while SetBody asks for the
	// length (see attemptReader).
	build  bodyBuilder
	ready  *attemptBody
	sizing bool
}

// attemptBody is the body of one attempt; the transport reads its length.
type attemptBody struct {
	r io.Reader
	n int64 // -1 unknown
}

func (b *attemptBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *attemptBody) Close() error               { return nil }

// Len lets retryablehttp size the request (it calls the body function
// once before the first attempt).
func (b *attemptBody) Len() int {
	if b.n < 0 {
		return 0
	}
	return int(b.n)
}

// Do sends req, retrying as the retry policy allows (see the package
// documentation), and decodes a 2xx JSON body into v when v is non-nil
// (unknown fields are ignored; an empty body is fine). If v is an
// io.Writer the 2xx body is copied into it instead. If v has a
// SetResponse(*Response) method (results embedding Meta), it receives the
// response metadata.
//
// Non-2xx answers are returned as *APIError together with the Response,
// except that a 502 or 504 on a request not marked Idempotent comes back
// as an *AmbiguousError wrapping the *APIError, without a Response.
// Other errors: *AmbiguousError (failure after the body was sent on a
// request not marked Idempotent), *RetryError (the context ended while
// waiting to retry, or the next wait would pass its deadline),
// *TransportError (no usable answer: the last attempt failed in the
// transport, or the context ended during it), *DecodeError (a 2xx body
// that is not the expected JSON) and validation errors (before any I/O).
// Every error returned after an attempt was made, and every result that
// embeds Meta, reports the number of attempts through an Attempts() int
// method, failed attempts included; match it with errors.As and
// interface{ Attempts() int }.
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	if ctx == nil {
		return nil, &InputError{Op: "client.Do", Reason: "nil context", Fix: "pass context.Background() or a request context"}
	}
	st, err := c.newCall(req)
	if err != nil {
		return nil, err
	}
	if w, ok := v.(io.Writer); ok {
		st.toWriter = w
	}
	rreq, err := st.request(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.rc.Do(rreq)
	return st.finish(ctx, resp, err, v)
}

// newRetryClient builds the Client's one retryablehttp.Client. Its hooks
// find the state of the call in the request's context.
func (c *Client) newRetryClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		Logger:       nil, // never retryablehttp's default stderr logger
		RetryWaitMin: c.retry.minWait,
		RetryWaitMax: c.retry.maxWait,
		RetryMax:     c.retry.maxAttempts - 1, // a call may allow fewer (checkRetry)
		CheckRetry:   checkRetry,
		Backoff:      c.backoff,
		PrepareRetry: prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

func callOf(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// checkRetry is retryablehttp's CheckRetry: the call's retry policy.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := callOf(ctx)
	if st == nil {
		return false, err
	}
	return st.checkRetry(ctx, resp, err)
}

// backoff is retryablehttp's Backoff: the wait checkRetry chose for a
// response, or for a transport failure (no response to find the call by)
// a full-jitter draw below the ceiling checkRetry checked the deadline
// against.
func (c *Client) backoff(_, _ time.Duration, retry int, resp *http.Response) time.Duration {
	var st *callState
	if resp != nil && resp.Request != nil {
		st = callOf(resp.Request.Context())
	}
	var d time.Duration
	if st != nil {
		d = st.nextWait
	} else {
		d = c.retry.wait(retry, nil, c.now())
	}
	if c.retry.sleep != nil {
		return c.retry.sleep(d)
	}
	return d
}

// prepareRetry is retryablehttp's PrepareRetry: it starts the next attempt
// and re-signs a signed GET (form bodies are re-signed by their body
// function, which retryablehttp calls for every attempt).
func prepareRetry(r *http.Request) error {
	st := callOf(r.Context())
	if st == nil {
		return nil
	}
	st.attempt++
	st.captured, st.body, st.bodyErr = nil, nil, nil
	if !st.signedQuery() {
		return nil
	}
	p, err := st.form()
	if err != nil {
		return &fatalError{err: err}
	}
	u := *r.URL
	u.RawQuery = p.Encode()
	r.URL = &u
	return nil
}

func validPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.HasPrefix(p, "/"):
		return errors.New("path must be relative to /v1_1/<cloud_name>/ (no leading slash)")
	case strings.ContainsAny(p, "?# \t\r\n"):
		return errors.New("path contains '?', '#' or whitespace; put parameters in Params and escape segments with PathEscape")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return errors.New("path contains a '.' or '..' segment")
		}
	}
	return nil
}

// badRequest is the input error of a request Do refuses before any I/O.
func badRequest(method, path, reason, fix string) error {
	return &InputError{Op: "client.Do", What: method + " " + path, Reason: reason, Fix: fix}
}

// newCall validates req and chooses its authentication (before any I/O).
func (c *Client) newCall(req *Request) (*callState, error) {
	method, err := validateRequest(req)
	if err != nil {
		return nil, err
	}
	st := &callState{
		c: c, req: req, method: method, path: req.Path, api: req.API,
		idempotent:  req.Idempotent || method == http.MethodGet,
		maxAttempts: c.retry.maxAttempts,
		timeout:     c.attemptTimeout,
		attempt:     1,
	}
	if err := st.authenticate(); err != nil {
		return nil, err
	}
	if f := req.File; f != nil {
		if f.Stream != nil {
			st.maxAttempts = 1 // a one-shot stream cannot be replayed
		}
		st.timeout = c.uploadTimeout
		st.boundary = c.boundary
		if st.boundary == "" {
			st.boundary = multipartbody.RandomBoundary()
		}
	}
	return st, nil
}

// validateRequest checks the shape of req and returns its method.
func validateRequest(req *Request) (string, error) {
	if req == nil {
		return "", &InputError{Op: "client.Do", Reason: "nil *Request", Fix: "pass the request to send"}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodPost
	}
	bad := func(reason, fix string) (string, error) { return "", badRequest(method, req.Path, reason, fix) }
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return bad("unsupported method", "use GET, POST, PUT or DELETE")
	}
	if err := validPath(req.Path); err != nil {
		return bad(err.Error(), "pass a path such as image/upload")
	}
	if req.Root != "" {
		if err := validPath(req.Root); err != nil {
			return bad("Root: "+err.Error(), "pass a root such as v2/<cloud_name>")
		}
	}
	switch req.API {
	case UploadAPI:
		if req.Body != nil {
			return bad("Body is for Admin API requests", "put Upload API fields in Params")
		}
	case AdminAPI:
		if req.File != nil {
			return bad("File is for Upload API requests", "send files through the Upload API")
		}
		if req.Body != nil && method == http.MethodGet {
			return bad("GET requests cannot carry a JSON Body", "put GET parameters in Params")
		}
	default:
		return bad(fmt.Sprintf("unknown API %d", req.API), "use client.UploadAPI or client.AdminAPI")
	}
	if f := req.File; f != nil {
		switch {
		case method == http.MethodGet:
			return bad("a File needs POST or PUT", "leave Method empty (POST)")
		case (f.ReaderAt == nil) == (f.Stream == nil):
			return bad("File needs exactly one of ReaderAt and Stream", "set ReaderAt and Size for retryable uploads")
		case f.ReaderAt != nil && f.Size < 0:
			return bad(fmt.Sprintf("File.Size %d is negative", f.Size), "set Size to the number of bytes to send")
		}
	}
	return method, nil
}

// authenticate chooses how the call proves its identity: a signed form, a
// Basic or Bearer header, or nothing (unsigned uploads).
func (st *callState) authenticate() error {
	c, req := st.c, st.req
	hasKey := c.cfg.APIKey != "" && !c.cfg.APISecret.IsZero()
	oauth := !c.cfg.OAuthToken.IsZero()
	switch req.API {
	case UploadAPI:
		switch {
		case req.Unsigned:
		case oauth:
			st.auth = "Bearer " + c.cfg.OAuthToken.Reveal()
		case !hasKey:
			return badRequest(st.method, st.path, "signed Upload API request needs api_key and api_secret", "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME, or mark the request Unsigned with an unsigned upload_preset")
		case c.basicUploads:
			st.auth = c.basicAuth()
		default:
			st.signForm = true
		}
	case AdminAPI:
		switch {
		case oauth:
			st.auth = "Bearer " + c.cfg.OAuthToken.Reveal()
		case !hasKey:
			return badRequest(st.method, st.path, "Admin API request needs api_key and api_secret (or an oauth_token)", "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
		default:
			st.auth = c.basicAuth()
		}
		st.limiter = c.limiter != nil
	}
	return nil
}

// signedQuery reports whether the call carries its fields (and, when
// signed, its signature) in the query string: a GET to the Upload API.
func (st *callState) signedQuery() bool {
	return st.method == http.MethodGet && st.api == UploadAPI
}

// request builds the retryable request: URL, headers and body. Every body
// is built once here so encoding errors surface before any I/O.
func (st *callState) request(ctx context.Context) (*retryablehttp.Request, error) {
	c, req := st.c, st.req
	bad := func(reason, fix string) error { return badRequest(st.method, st.path, reason, fix) }
	u, err := url.Parse(c.requestURL(req))
	if err != nil {
		return nil, bad("path is not a valid URL path", "escape each segment with client.PathEscape")
	}
	header := make(http.Header)
	for k, vs := range req.Header {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	header.Set("User-Agent", c.userAgent)
	header.Set("Accept", "application/json")

	body, err := st.bodyFunc(u, header)
	if _, ok := err.(*InputError); ok {
		return nil, err
	} else if err != nil {
		return nil, bad(err.Error(), "check the request parameters")
	}
	var first *attemptBody
	if body != nil {
		if first, err = body(); err != nil {
			return nil, bad(err.Error(), "check the request parameters")
		}
	}
	hreq, err := http.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), st.method, u.String(), nil)
	if err != nil {
		return nil, bad("cannot build request: "+err.Error(), "check the path")
	}
	hreq.Header = header
	rreq := &retryablehttp.Request{Request: hreq}
	if body != nil {
		// SetBody calls the ReaderFunc once to learn the length (a
		// LenReader): it gets the length alone, and the first attempt
		// gets the body built above.
		st.build, st.ready = body, first
		st.sizing = true
		err := rreq.SetBody(retryablehttp.ReaderFunc(st.attemptReader))
		st.sizing = false
		if err != nil {
			return nil, bad(err.Error(), "check the request parameters")
		}
	}
	rreq.SetResponseHandler(st.handleResponse)
	return rreq, nil
}

// bodyBuilder builds the body of one attempt.
type bodyBuilder func() (*attemptBody, error)

// attemptReader is the request's retryablehttp.ReaderFunc: the length
// alone while SetBody sizes the request, then the body built before the
// first attempt, then a fresh body (freshly signed) for every later
// attempt or transport rewind.
func (st *callState) attemptReader() (io.Reader, error) {
	switch {
	case st.sizing:
		return lenOnly(st.ready.Len()), nil
	case st.ready != nil:
		b := st.ready
		st.ready = nil
		return b, nil
	}
	return st.build()
}

// lenOnly is what SetBody reads the length from; it is never sent.
type lenOnly int

func (n lenOnly) Read([]byte) (int, error) { return 0, io.EOF }
func (n lenOnly) Len() int                 { return int(n) }

// bodyFunc encodes the call's fields: in u's query (Admin API, and signed
// Upload GETs), as a JSON body (Admin Body), as multipart (a File) or as a
// form. It returns the function that builds the body of an attempt.
func (st *callState) bodyFunc(u *url.URL, header http.Header) (bodyBuilder, error) {
	req := st.req
	switch {
	case st.signedQuery():
		p, err := st.form()
		if err != nil {
			return nil, err
		}
		u.RawQuery = p.Encode()
		return nil, nil
	case st.method == http.MethodGet || req.API == AdminAPI:
		if len(req.Params) > 0 {
			u.RawQuery = cleanParams(req.Params).Encode()
		}
		if req.Body == nil {
			return nil, nil
		}
		b, err := json.Marshal(req.Body)
		if err != nil {
			return nil, badRequest(st.method, st.path, "Body cannot be encoded as JSON: "+err.Error(), "pass a JSON-encodable value")
		}
		st.jsonBody = b
		header.Set("Content-Type", "application/json")
		return st.jsonReader, nil
	case req.File != nil:
		header.Set("Content-Type", "multipart/form-data; boundary="+st.boundary)
		return st.multipartReader, nil
	default:
		header.Set("Content-Type", "application/x-www-form-urlencoded")
		return st.formReader, nil
	}
}

// form returns the Upload API fields of one attempt, freshly signed.
func (st *callState) form() (url.Values, error) {
	p := cleanParams(st.req.Params)
	if !st.signForm {
		return p, nil
	}
	p.Set("timestamp", strconv.FormatInt(st.c.now().Unix(), 10))
	return st.c.sign(p)
}

func (st *callState) formReader() (*attemptBody, error) {
	p, err := st.form()
	if err != nil {
		return nil, err
	}
	enc := p.Encode()
	return &attemptBody{r: strings.NewReader(enc), n: int64(len(enc))}, nil
}

func (st *callState) jsonReader() (*attemptBody, error) {
	return &attemptBody{r: bytes.NewReader(st.jsonBody), n: int64(len(st.jsonBody))}, nil
}

func (st *callState) multipartReader() (*attemptBody, error) {
	f := st.req.File
	p, err := st.form()
	if err != nil {
		return nil, err
	}
	mf := &multipartbody.File{FileName: f.Name, ContentType: f.ContentType, ReaderAt: f.ReaderAt, Stream: f.Stream, Size: f.Size}
	if f.Stream != nil && f.Size == 0 {
		mf.Size = -1
	}
	mb, err := multipartbody.New(p, mf, st.boundary)
	if err != nil {
		return nil, err
	}
	return &attemptBody{r: mb.Reader(), n: mb.Len()}, nil
}

// capture reads resp's body once (bounded) and replaces it with an
// in-memory reader.
func (st *callState) capture(resp *http.Response) {
	if st.captured == resp {
		return
	}
	st.captured, st.apiErr = resp, nil
	limit := int64(maxErrorBody)
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if success {
		limit = maxSuccessBody
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err == nil && int64(len(b)) > limit {
		// Read a little more of an oversized body so that a short rest
		// ends at EOF and the connection returns to the idle pool.
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
	}
	resp.Body.Close()
	switch {
	case success && err != nil:
		st.bodyErr = &attemptError{err: err, sent: true}
	case success && int64(len(b)) > limit:
		st.bodyErr = &fatalError{err: ErrResponseTooLarge}
	}
	if int64(len(b)) > limit {
		b = b[:limit]
	}
	st.body = b
	resp.Body = io.NopCloser(bytes.NewReader(b))
}

// handleResponse reads the final response of an attempt inside the retry
// loop, so a 2xx body lost mid-read goes through the retry policy.
func (st *callState) handleResponse(resp *http.Response) error {
	if st.toWriter != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	st.capture(resp)
	return st.bodyErr
}

// checkRetry is the retry policy (see the package documentation).
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	now := st.c.now()
	if err != nil {
		var fe *fatalError
		if errors.As(err, &fe) {
			return false, err
		}
		st.lastErr = err
		var ae *attemptError
		if errors.As(err, &ae) && ae.sent && !st.idempotent {
			return false, &AmbiguousError{Method: st.method, Path: st.path, attempts: st.attempt, Err: st.c.sanitize(ae.err)}
		}
		if st.attempt >= st.maxAttempts {
			return false, err
		}
		// The wait is drawn by backoff (which has no response to find
		// this call by); its ceiling must fit before the deadline.
		return st.schedule(ctx, st.c.retry.ceiling(st.attempt-1), err)
	}
	if !retryableStatus(resp.StatusCode) {
		return false, nil
	}
	st.capture(resp)
	apiErr := st.apiError(resp)
	st.lastErr = apiErr
	if gatewayStatus(resp.StatusCode) && !st.idempotent {
		// A gateway answered for the origin: it may have forwarded the
		// request and lost (or given up waiting for) the answer.
		return false, &AmbiguousError{Method: st.method, Path: st.path, attempts: st.attempt, Err: apiErr}
	}
	if st.attempt >= st.maxAttempts {
		return false, nil
	}
	wait := st.c.retry.wait(st.attempt-1, resp, now)
	if wait > st.c.retry.maxWait {
		// The server asks for longer than we may wait (a rate limit that
		// resets in minutes): retrying sooner is refused again.
		return false, nil
	}
	return st.schedule(ctx, wait, apiErr)
}

func (st *callState) schedule(ctx context.Context, wait time.Duration, last error) (bool, error) {
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		return false, &RetryError{Method: st.method, Path: st.path, attempts: st.attempt, Wait: wait, Cause: context.DeadlineExceeded, Last: st.c.sanitize(last)}
	}
	st.nextWait = wait
	st.c.logger.LogAttrs(ctx, slog.LevelDebug, "cloudinary retry",
		slog.String("method", st.method), slog.String("path", st.path),
		slog.Int("attempt", st.attempt), slog.Duration("wait", wait), slog.String("reason", st.c.sanitize(last).Error()))
	return true, nil
}

// apiError is the *APIError of the captured response resp, built once:
// checkRetry builds it to decide on a retry, and finish returns the same
// one when that response is the last.
func (st *callState) apiError(resp *http.Response) *APIError {
	if st.apiErr != nil && st.captured == resp {
		return st.apiErr
	}
	e := newAPIError(resp.StatusCode, resp.Header, st.body, st.c.redactor)
	e.Method, e.Path, e.attempts = st.method, st.path, st.attempt
	st.apiErr = e
	return e
}

func (st *callState) transportError(err error) *TransportError {
	return &TransportError{Method: st.method, Path: st.path, Err: err, attempts: st.attempt}
}

func (st *callState) response(resp *http.Response) *Response {
	return &Response{
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		RequestID:  resp.Header.Get("X-Request-Id"),
		RateLimit:  parseRateLimit(resp.Header),
		Attempts:   st.attempt,
	}
}

// finish turns the outcome of the retry loop into Do's results.
func (st *callState) finish(ctx context.Context, resp *http.Response, err error, v any) (*Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		var amb *AmbiguousError
		var re *RetryError
		var fe *fatalError
		switch {
		case errors.As(err, &amb), errors.As(err, &re):
			return nil, err
		case ctx.Err() != nil:
			if st.lastErr != nil {
				return nil, &RetryError{Method: st.method, Path: st.path, attempts: st.attempt, Cause: ctx.Err(), Last: st.c.sanitize(st.lastErr)}
			}
			return nil, st.transportError(ctx.Err())
		case errors.As(err, &fe):
			return nil, st.transportError(st.c.sanitize(fe.err))
		}
		return nil, st.transportError(st.c.sanitize(err))
	}
	r := st.response(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		st.capture(resp)
		return r, st.apiError(resp)
	}
	if st.toWriter != nil && st.captured != resp {
		_, err := io.Copy(st.toWriter, resp.Body)
		resp.Body.Close()
		if err != nil {
			return r, st.transportError(fmt.Errorf("reading response: %w", st.c.sanitize(err)))
		}
	} else {
		st.capture(resp)
		if len(bytes.TrimSpace(st.body)) > 0 {
			r.Raw = json.RawMessage(st.body)
			if st.toWriter != nil {
				if _, err := st.toWriter.Write(st.body); err != nil {
					return r, fmt.Errorf("cloudinary: %s %s: writing response: %w", st.method, st.path, err)
				}
			} else if v != nil {
				if err := json.Unmarshal(st.body, v); err != nil {
					return r, &DecodeError{Method: st.method, Path: st.path, StatusCode: resp.StatusCode, Err: err, Snippet: st.c.redactor.clean(string(st.body), maxSnippet), attempts: st.attempt}
				}
			}
		}
	}
	if sr, ok := v.(interface{ SetResponse(*Response) }); ok {
		sr.SetResponse(r)
	}
	return r, nil
}

// DecodeError reports a 2xx body that is not the expected JSON.
type DecodeError struct {
	Method, Path string
	StatusCode   int
	Snippet      string
	Err          error

	attempts int
}

// Attempts returns the number of HTTP attempts the call made.
func (e *DecodeError) Attempts() int { return e.attempts }

// Error says which response was not the expected JSON, with a snippet.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("cloudinary: %s %s: %d response is not the expected JSON (%v): %s", e.Method, e.Path, e.StatusCode, e.Err, e.Snippet)
}

// Unwrap returns the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// sanitize is the one pass every transport error goes through before Do
// returns or logs it: it strips the query strings of every *url.Error in
// err's chain (a signed GET carries its signature there; a wrapped
// RoundTripper may quote the URL again below the one http.Client adds) and
// redacts every form of the credentials (a RoundTripper may quote the
// Authorization header, or a URL carrying a token).
func (c *Client) sanitize(err error) error {
	if err == nil {
		return nil
	}
	orig := err.Error()
	msg := orig
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ue, ok := e.(*url.Error); ok {
			if i := strings.IndexByte(ue.URL, '?'); i >= 0 {
				msg = strings.ReplaceAll(msg, ue.URL, ue.URL[:i])
			}
		}
	}
	if msg = c.redactor.redact(msg); msg == orig {
		return err
	}
	return &sanitizedError{msg: msg, err: err}
}

type sanitizedError struct {
	msg string
	err error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.err }
