package mockserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Request bodies: how long the mock waits for them, how much of them it
// reads, and how much of them it holds before the request's credentials are
// verified.

const (
	// DefaultBodyTimeout is how long the mock waits for request body bytes
	// (see WithBodyTimeout).
	DefaultBodyTimeout = 30 * time.Second
	// BodyProgress is how many bytes a request body must bring (unless it
	// ends) within every body timeout.
	BodyProgress = 16 << 10
	// DefaultMaxUnverifiedBytes is how much the mock holds, across all
	// requests in flight, for requests whose credentials are not verified
	// yet (see WithMaxUnverifiedBytes).
	DefaultMaxUnverifiedBytes = 128 << 20
	// bodyOverhead is what a multipart body may add to its fields and file:
	// boundaries and part headers.
	bodyOverhead = 1 << 20
)

// WithBodyTimeout sets how long the mock waits for the next bytes of a
// request body (default DefaultBodyTimeout, 30 s). The wait starts again
// whenever BodyProgress (16 KiB) more bytes have arrived, so a large upload
// is never cut while it moves at more than 16 KiB per d, and a body that
// trickles slower is answered 408 and its connection closed. d <= 0 turns
// the timeout off. It applies when the Server runs inside an http.Server (it
// sets the connection's read deadline through http.ResponseController); an
// http.Server's own ReadHeaderTimeout still guards the headers.
func WithBodyTimeout(d time.Duration) Option { return func(c *config) { c.bodyTimeout = d } }

// WithMaxUnverifiedBytes bounds what the mock holds in memory for requests
// whose credentials it has not verified yet, across all requests in flight:
// their text parameters, and with Memory storage their file bytes (default
// DefaultMaxUnverifiedBytes, 128 MiB). A request that would pass the bound
// is answered 503 with Retry-After: 1. A request stops counting as soon as
// it is verified: at once with a valid Authorization header, and when the
// file begins if the parameters before it (the usual order) carry a valid
// signature or an unsigned upload preset. n <= 0 means no bound.
func WithMaxUnverifiedBytes(n int64) Option { return func(c *config) { c.maxUnverified = n } }

// unverifiedBudget is the server-wide count of bytes held for unverified
// requests.
type unverifiedBudget struct {
	mu    sync.Mutex
	limit int64 // <= 0: unlimited
	held  int64
}

// take reserves n bytes; false when they do not fit.
func (b *unverifiedBudget) take(n int64) bool {
	if b.limit <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.held+n > b.limit {
		return false
	}
	b.held += n
	return true
}

func (b *unverifiedBudget) give(n int64) {
	if b.limit <= 0 || n == 0 {
		return
	}
	b.mu.Lock()
	b.held -= n
	b.mu.Unlock()
}

// inUse returns the bytes held (tests).
func (b *unverifiedBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held
}

// hold is one request's share of the unverified budget. It is used by the
// request's goroutine only.
type hold struct {
	b        *unverifiedBudget
	n        int64
	verified bool
}

// take charges n more bytes unless the request is verified.
func (h *hold) take(n int64) error {
	if h == nil || h.verified || n <= 0 {
		return nil
	}
	if !h.b.take(n) {
		return &apiError{status: http.StatusServiceUnavailable,
			message: fmt.Sprintf("Too busy: this request would pass the %d bytes the mock holds for requests not verified yet (WithMaxUnverifiedBytes, cldrest mock --max-unverified-size); retry shortly, and send api_key, timestamp and signature before the file", h.b.limit),
			header:  http.Header{"Retry-After": {"1"}}}
	}
	h.n += n
	return nil
}

// verify marks the request verified: what it holds no longer counts.
func (h *hold) verify() {
	if h == nil {
		return
	}
	h.verified = true
	h.release()
}

// release gives back what the request holds.
func (h *hold) release() {
	if h == nil {
		return
	}
	h.b.give(h.n)
	h.n = 0
}

// heldReader charges every byte read through it to a hold: file bytes that
// Memory storage keeps while the request is unverified.
type heldReader struct {
	r io.Reader
	h *hold
}

func (r *heldReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if herr := r.h.take(int64(n)); herr != nil {
		return n, herr
	}
	return n, err
}

// give returns n bytes charged earlier.
func (h *hold) give(n int64) {
	if h == nil || h.verified || n <= 0 {
		return
	}
	h.b.give(n)
	h.n -= n
}

// readText reads r to its end as a string, at most limit bytes (tooLarge
// when there is more, or when size announces more), charging h for every
// byte before reading it. With a known size (a Content-Length; -1 when
// unknown) it charges and allocates that much at once, so a request either
// gets all it needs or is refused before it holds anything; else it reads
// and charges blocks (512 bytes growing to 32 KiB) and joins them into one
// string at the end.
func readText(r io.Reader, limit, size int64, h *hold) (s string, tooLarge bool, err error) {
	if size > limit {
		return "", true, nil // announced: nothing to read
	}
	if size > 0 {
		if err := h.take(size); err != nil {
			return "", false, err
		}
		var b strings.Builder
		b.Grow(int(size))
		n, err := io.Copy(&b, io.LimitReader(r, limit+1))
		if err != nil {
			return "", false, err
		}
		if n > limit {
			return "", true, nil
		}
		return b.String(), false, nil
	}
	var blocks [][]byte
	var total int64
	block := int64(512)
	for {
		want := min(block, limit+1-total)
		block = min(2*block, 32<<10)
		if err := h.take(want); err != nil {
			return "", false, err
		}
		buf := make([]byte, want)
		n, rerr := io.ReadFull(r, buf)
		h.give(want - int64(n))
		total += int64(n)
		if n > 0 {
			blocks = append(blocks, buf[:n])
		}
		if total > limit {
			return "", true, nil
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", false, rerr
		}
	}
	if len(blocks) == 1 {
		return string(blocks[0]), false, nil
	}
	var b strings.Builder
	b.Grow(int(total))
	for _, blk := range blocks {
		b.Write(blk)
	}
	return b.String(), false, nil
}

// Reasons a request body stopped being read.
var (
	errBodyTimeout = errors.New("request body timeout")
	errBodyStopped = errors.New("request body no longer read")
)

// reqBody wraps a request's body. It keeps the connection's read deadline
// one body timeout ahead while the body makes progress, refuses to read past
// a limit, and can be stopped; it remembers why reading ended.
type reqBody struct {
	r        io.ReadCloser
	ctl      *http.ResponseController
	w        http.ResponseWriter
	timeout  time.Duration
	now      func() time.Time // time.Now (tests pace bodies on a fake clock)
	armedAt  time.Time
	progress int64 // bytes since the deadline was last moved
	reading  bool
	n        int64
	limit    int64 // -1: none
	err      error // sticky
}

func newReqBody(w http.ResponseWriter, r *http.Request, timeout time.Duration) *reqBody {
	b := &reqBody{r: r.Body, ctl: http.NewResponseController(w), w: w, timeout: timeout, now: time.Now, limit: -1}
	b.arm() // also guards the bytes net/http discards after a handler that did not read
	return b
}

// arm moves the read deadline one timeout ahead.
func (b *reqBody) arm() {
	b.progress = 0
	if b.timeout > 0 {
		b.armedAt = b.now()
		_ = b.ctl.SetReadDeadline(b.armedAt.Add(b.timeout))
	}
}

func (b *reqBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if !b.reading {
		b.reading = true
		b.arm() // the wait starts when the handler starts reading
	}
	if b.limit >= 0 && int64(len(p)) > b.limit-b.n+1 {
		p = p[:b.limit-b.n+1]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	b.progress += int64(n)
	if b.timeout > 0 && b.progress >= BodyProgress && b.now().Sub(b.armedAt) >= b.timeout/8 {
		b.arm()
	}
	if b.limit >= 0 && b.n > b.limit {
		n -= int(b.n - b.limit)
		b.n = b.limit
		b.err = &http.MaxBytesError{Limit: b.limit}
		b.w.Header().Set("Connection", "close")
		return n, b.err
	}
	switch {
	case err == io.EOF:
		if b.timeout > 0 {
			// Done: net/http now reads the connection in the background
			// and must not trip over our deadline while the handler works.
			_ = b.ctl.SetReadDeadline(time.Time{})
		}
	case isTimeout(err):
		b.err = errBodyTimeout
		b.w.Header().Set("Connection", "close")
		return n, b.err
	}
	return n, err
}

func (b *reqBody) Close() error { return b.r.Close() }

// setLimit makes reading past n bytes (in total) fail.
func (b *reqBody) setLimit(n int64) { b.limit = n }

// stop ends reading: the rest of the body is never read, and the connection
// is closed after the response.
func (b *reqBody) stop() {
	if b.err == nil {
		b.err = errBodyStopped
	}
	b.w.Header().Set("Connection", "close")
}

// timedOut reports whether the body timeout cut the body.
func (b *reqBody) timedOut() bool { return b != nil && b.err == errBodyTimeout }

// tooLarge reports whether the body passed its limit.
func (b *reqBody) tooLarge() bool {
	var mbe *http.MaxBytesError
	return b != nil && errors.As(b.err, &mbe)
}

func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// limitBody refuses a body whose Content-Length is above n before reading
// any of it, and makes reading past n bytes fail.
func (rc *reqCtx) limitBody(n int64) error {
	if rc.body == nil {
		return nil
	}
	if rc.r.ContentLength > n {
		rc.body.stop()
		return badRequest("Request body too large: Content-Length %d, the most this request may send is %d", rc.r.ContentLength, n)
	}
	rc.body.setLimit(n)
	return nil
}

// clip shortens s to at most n bytes for an error message, saying how much
// was left out.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d more bytes)", len(s)-n)
}
