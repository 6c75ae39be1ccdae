package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"
)

// attemptError is a transport failure of one attempt; sent reports whether
// the whole request had been written (so the server may have applied it).
type attemptError struct {
	err  error
	sent bool
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

// fatalError is never retried.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// attemptTransport wraps the caller's RoundTripper: it attaches
// credentials (to the API host only), applies the Admin rate limit, the
// per-attempt and stall timeouts, classifies failures as sent or not, and
// logs each round trip.
type attemptTransport struct {
	base http.RoundTripper
	c    *Client
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(stateKey{}).(*callState)
	if st == nil {
		return t.base.RoundTrip(req)
	}
	c := t.c
	start := time.Now()
	if st.limiter {
		if err := c.limiter.Wait(req.Context()); err != nil {
			closeBody(req)
			if cerr := req.Context().Err(); cerr != nil {
				return nil, cerr
			}
			return nil, &fatalError{err: fmt.Errorf("admin rate limit (WithRateLimit): %w: %w", err, context.DeadlineExceeded)}
		}
	}
	actx, cancel := context.WithCancelCause(req.Context())
	var timer *time.Timer
	if st.timeout > 0 {
		timer = time.AfterFunc(st.timeout, func() { cancel(ErrAttemptTimeout) })
	}
	wd := newWatchdog(c.stallTimeout, cancel)
	var wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	})
	stop := func() {
		if timer != nil {
			timer.Stop()
		}
		wd.stop()
		cancel(nil)
	}

	r2 := req.Clone(actx)
	if req.Body != nil && req.Body != http.NoBody {
		if ab, ok := req.Body.(*attemptBody); ok {
			r2.ContentLength = ab.n
			if ab.n < 0 {
				r2.ContentLength = 0 // unknown: chunked
			}
		}
		r2.Body = &progressBody{rc: req.Body, wd: wd}
	}
	if c.sameHost(r2) && st.auth != "" {
		r2.Header.Set("Authorization", st.auth)
	} else {
		r2.Header.Del("Authorization")
	}

	resp, err := t.base.RoundTrip(r2)
	if err != nil {
		cause := context.Cause(actx)
		stop()
		if req.Context().Err() == nil && (errors.Is(cause, ErrStalled) || errors.Is(cause, ErrAttemptTimeout)) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
		sent := wrote.Load() && !strings.Contains(err.Error(), "server closed idle connection")
		t.log(req, st, 0, time.Since(start), err)
		return nil, &attemptError{err: err, sent: sent}
	}
	c.recordRateLimit(resp.Header)
	if resp.Request == nil {
		resp.Request = r2 // the retry hooks find the call through it
	}
	resp.Body = &watchBody{rc: resp.Body, wd: wd, stop: stop, ctx: actx, parent: req.Context()}
	t.log(req, st, resp.StatusCode, time.Since(start), nil)
	return resp, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func (c *Client) sameHost(r *http.Request) bool {
	return r.URL.Host == c.apiHost && r.URL.Scheme == c.apiScheme
}

func (t *attemptTransport) log(req *http.Request, st *callState, status int, d time.Duration, err error) {
	l := t.c.logger
	if !l.Enabled(req.Context(), slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("attempt", st.attempt),
		slog.Duration("duration", d),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		// A wrapped RoundTripper may quote the signed query or the
		// credentials: sanitize like the returned errors.
		attrs = append(attrs, slog.String("error", t.c.sanitize(err).Error()))
	}
	l.LogAttrs(req.Context(), slog.LevelDebug, "cloudinary request", attrs...)
}

// watchdog cancels an attempt when no progress was reported for d.
type watchdog struct {
	d       time.Duration
	start   time.Time
	last    atomic.Int64 // nanoseconds since start of the last progress
	stopped atomic.Bool
	t       *time.Timer
	cancel  context.CancelCauseFunc
}

func newWatchdog(d time.Duration, cancel context.CancelCauseFunc) *watchdog {
	if d <= 0 {
		return nil
	}
	w := &watchdog{d: d, start: time.Now(), cancel: cancel}
	w.t = time.AfterFunc(d, w.fire)
	return w
}

func (w *watchdog) ping() {
	if w != nil {
		w.last.Store(int64(time.Since(w.start)))
	}
}

func (w *watchdog) fire() {
	if w.stopped.Load() {
		return
	}
	idle := time.Since(w.start) - time.Duration(w.last.Load())
	if idle >= w.d {
		w.cancel(ErrStalled)
		return
	}
	w.t.Reset(w.d - idle)
}

func (w *watchdog) stop() {
	if w != nil {
		w.stopped.Store(true)
		w.t.Stop()
	}
}

// progressBody reports request-body progress to the watchdog.
type progressBody struct {
	rc io.ReadCloser
	wd *watchdog
}

func (p *progressBody) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	if n > 0 {
		p.wd.ping()
	}
	return n, err
}

func (p *progressBody) Close() error { return p.rc.Close() }

// watchBody reports response progress, ends the attempt's timers on Close
// and names the cause when a timeout or stall cut the body short.
type watchBody struct {
	rc     io.ReadCloser
	wd     *watchdog
	stop   func()
	ctx    context.Context
	parent context.Context
	closed atomic.Bool
}

func (w *watchBody) Read(b []byte) (int, error) {
	n, err := w.rc.Read(b)
	if n > 0 {
		w.wd.ping()
	}
	if err != nil && err != io.EOF && w.parent.Err() == nil {
		if cause := context.Cause(w.ctx); errors.Is(cause, ErrStalled) || errors.Is(cause, ErrAttemptTimeout) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
	}
	return n, err
}

func (w *watchBody) Close() error {
	err := w.rc.Close()
	if w.closed.CompareAndSwap(false, true) {
		w.stop()
	}
	return err
}
