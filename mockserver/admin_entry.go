package mockserver

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the Admin API entry: authentication, the hourly budget,
// and the paging helpers every list shares.

// budget is the hourly Admin API allowance.
type budget struct {
	mu     sync.Mutex
	limit  int
	window time.Time
	used   int
}

func (b *budget) reset() {
	b.mu.Lock()
	b.used = 0
	b.window = time.Time{}
	b.mu.Unlock()
}

// peek reports the budget without counting a call.
func (b *budget) peek(now time.Time) (limit, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := now.UTC().Truncate(time.Hour)
	used := b.used
	if !w.Equal(b.window) {
		used = 0
	}
	limit = b.limit
	if limit <= 0 {
		limit, used = 1_000_000, 0
	}
	return limit, max(limit-used, 0), w.Add(time.Hour)
}

// take counts one call; ok is false when the budget is used up.
func (b *budget) take(now time.Time) (limit, remaining int, reset time.Time, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := now.UTC().Truncate(time.Hour)
	if !w.Equal(b.window) {
		b.window, b.used = w, 0
	}
	limit = b.limit
	if limit <= 0 {
		limit = 1_000_000
		b.used = 0
	}
	reset = b.window.Add(time.Hour)
	if b.used >= limit {
		return limit, 0, reset, false
	}
	b.used++
	return limit, limit - b.used, reset, true
}

// adminEntry authenticates, charges the hourly budget and dispatches an
// Admin API call.
func (s *Server) adminEntry(rc *reqCtx) (any, error) {
	if err := rc.authAdmin(); err != nil {
		return nil, err
	}
	if err := s.charge(rc, s.budget); err != nil {
		return nil, err
	}
	if err := rc.parse(nil); err != nil {
		return nil, err
	}
	h, err := s.admin.match(rc)
	if err != nil {
		return nil, err
	}
	return h(rc)
}

// charge counts one call against b, sets the X-FeatureRateLimit-* headers
// and answers 420 with Retry-After when the hour's budget is used up.
func (s *Server) charge(rc *reqCtx, b *budget) error {
	now := s.Now()
	limit, remaining, reset, ok := b.take(now)
	h := rc.w.Header()
	h.Set("X-FeatureRateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-FeatureRateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-FeatureRateLimit-Reset", reset.UTC().Format(http.TimeFormat))
	if !ok {
		wait := int(reset.Sub(now).Seconds()) + 1
		return &apiError{status: 420, message: "Rate Limit Exceeded",
			header: http.Header{"Retry-After": {strconv.Itoa(wait)}}}
	}
	return nil
}

// maxResults reads max_results with a default and an upper bound.
func maxResults(p *params, def, max int) (int, error) {
	n, err := p.integer("max_results", int64(def))
	if err != nil {
		return 0, err
	}
	if n < 0 || n > int64(max) {
		return 0, badRequest("max_results must be between 0 and %d", max)
	}
	return int(n), nil
}

// page cuts one page from items; cursor encodes the offset and the key of
// the last item returned, so a page survives deletions before it.
func page[T any](items []T, max int, cursor string, keyOf func(T) string) ([]T, string, error) {
	start := 0
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil {
			return nil, "", badRequest("Invalid next_cursor")
		}
		offStr, last, ok := strings.Cut(string(raw), "|")
		off, err := strconv.Atoi(offStr)
		if !ok || err != nil || off < 0 {
			return nil, "", badRequest("Invalid next_cursor")
		}
		start = off
		if off > 0 && (off > len(items) || keyOf(items[off-1]) != last) {
			for i, it := range items {
				if keyOf(it) == last {
					start = i + 1
					break
				}
			}
			if start > len(items) {
				start = len(items)
			}
		}
	}
	end := start + max
	if end > len(items) {
		end = len(items)
	}
	out := items[start:end]
	next := ""
	if end < len(items) && end > start {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end) + "|" + keyOf(items[end-1])))
	}
	return out, next, nil
}

func filter(as []*asset, keep func(*asset) bool) []*asset {
	out := as[:0:0]
	for _, a := range as {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

func methodNotAllowed(m string) error {
	return notFound("Unsupported method %s for this Admin API endpoint", m)
}
