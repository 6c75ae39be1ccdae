package mockserver

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Request bodies: how much of them the mock holds before the request's
// credentials are verified.

// DefaultMaxUnverifiedBytes is how much the mock holds, across all requests
// in flight, for requests whose credentials are not verified yet (see
// WithMaxUnverifiedBytes).
const DefaultMaxUnverifiedBytes = 128 << 20

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

// clip shortens s to at most n bytes for an error message, saying how much
// was left out.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d more bytes)", len(s)-n)
}
