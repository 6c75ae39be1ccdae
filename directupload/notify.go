package directupload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

// DefaultMaxNotificationBytes bounds a notification's body unless
// WithMaxBodyBytes says otherwise.
const DefaultMaxNotificationBytes = 1 << 20

// maxReplayEntries bounds how many notifications are remembered at once to
// refuse replays.
const maxReplayEntries = 100_000

// WithWindow sets how old (maxAge, default 2 hours) and how far in the
// future (maxSkew, default 5 minutes) a notification's X-Cld-Timestamp may
// be. It applies to a NotificationHandler.
func WithWindow(maxAge, maxSkew time.Duration) Option {
	return func(s *settings) { s.maxAge, s.maxSkew = maxAge, maxSkew }
}

// WithMaxBodyBytes bounds the size of a notification's body (default
// DefaultMaxNotificationBytes); a larger one is answered 413. It applies to
// a NotificationHandler.
func WithMaxBodyBytes(n int64) Option { return func(s *settings) { s.maxBody = n } }

// NotificationFunc receives each verified notification once. Returning an
// error answers 500, so that Cloudinary sends the notification again.
type NotificationFunc func(ctx context.Context, ev Event) error

// NotificationHandler is an http.Handler receiving Cloudinary's
// notifications (webhooks): it verifies X-Cld-Signature and X-Cld-Timestamp
// over the raw body with the API secret (signer.VerifyNotification) within
// the validity window, refuses a notification it has already handled inside
// that window, decodes it (ParseNotification) and calls its
// NotificationFunc. It answers 200 when the callback succeeded (or the
// notification was a duplicate of one that did), 400 for a malformed one,
// 401 for a bad signature or a timestamp outside the window, 413 for a body
// over the limit and 500 when the callback failed.
type NotificationHandler struct {
	secret client.Secret
	fn     NotificationFunc
	s      settings
	seen   replayCache
}

// NewNotificationHandler returns a NotificationHandler verifying with cfg's
// API secret and calling fn. Options: WithWindow, WithMaxBodyBytes,
// WithLogger, WithClock.
func NewNotificationHandler(cfg client.Config, fn NotificationFunc, opts ...Option) (*NotificationHandler, error) {
	if cfg.APISecret.IsZero() {
		return nil, errors.New("directupload: verifying notifications needs the API secret: use CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
	}
	if fn == nil {
		return nil, errors.New("directupload: NewNotificationHandler needs a NotificationFunc to hand notifications to")
	}
	s := newSettings(opts)
	if s.maxAge <= 0 || s.maxSkew < 0 || s.maxBody <= 0 {
		return nil, errors.New("directupload: WithWindow needs a positive maximum age and a skew of 0 or more, WithMaxBodyBytes a positive size")
	}
	return &NotificationHandler{secret: cfg.APISecret, fn: fn, s: s}, nil
}

// ServeHTTP handles one notification.
func (h *NotificationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.answer(ctx, w, refuse(http.StatusMethodNotAllowed, "", "notifications are POSTed"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.answer(ctx, w, refuse(http.StatusRequestEntityTooLarge, "", fmt.Sprintf("body larger than %d bytes", h.s.maxBody)))
			return
		}
		h.answer(ctx, w, refuse(http.StatusBadRequest, "", "unreadable body"))
		return
	}
	ts, sig := r.Header.Get("X-Cld-Timestamp"), r.Header.Get("X-Cld-Signature")
	if ts == "" || sig == "" {
		h.answer(ctx, w, refuse(http.StatusUnauthorized, "", "missing X-Cld-Timestamp or X-Cld-Signature"))
		return
	}
	err = signer.VerifyNotification(body, ts, h.secret.Reveal(), sig,
		signer.WithWindow(h.s.maxAge, h.s.maxSkew), signer.WithClock(h.s.now))
	if err != nil {
		h.answer(ctx, w, refuse(http.StatusUnauthorized, "X-Cld-Signature", err.Error()))
		return
	}
	ev, err := ParseNotification(body)
	if err != nil {
		h.answer(ctx, w, refuse(http.StatusBadRequest, "", err.Error()))
		return
	}
	signedAt, _ := strconv.ParseInt(ts, 10, 64)
	ev.Meta().SignedAt = time.Unix(signedAt, 0).UTC()
	key := ts + "/" + sig
	switch h.seen.start(key, ev.Meta().SignedAt.Add(h.s.maxAge+h.s.maxSkew), h.s.now()) {
	case replayDone:
		h.s.log.InfoContext(ctx, "directupload: duplicate notification ignored", h.attrs(ev)...)
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate"})
		return
	case replayInFlight:
		h.answer(ctx, w, refuse(http.StatusConflict, "", "the same notification is being handled; send it again later"))
		return
	case replayFull:
		h.answer(ctx, w, refuse(http.StatusServiceUnavailable, "", "too many notifications in the validity window; send it again later"))
		return
	}
	if err := h.fn(ctx, ev); err != nil {
		h.seen.forget(key)
		h.s.log.ErrorContext(ctx, "directupload: notification callback failed", append(h.attrs(ev), slog.String("error", err.Error()))...)
		writeRefusal(w, refuse(http.StatusInternalServerError, "", "the notification could not be handled; send it again later"))
		return
	}
	h.seen.finish(key)
	h.s.log.InfoContext(ctx, "directupload: notification", h.attrs(ev)...)
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (h *NotificationHandler) attrs(ev Event) []any {
	m := ev.Meta()
	return []any{slog.String("type", m.NotificationType), slog.String("request_id", m.RequestID), slog.Time("signed_at", m.SignedAt)}
}

func (h *NotificationHandler) answer(ctx context.Context, w http.ResponseWriter, r *Refusal) {
	h.s.log.WarnContext(ctx, "directupload: notification refused", slog.Int("status", r.Status), slog.String("reason", r.Reason))
	writeRefusal(w, r)
}

// replayCache remembers the notifications handled inside the window, at
// most max (maxReplayEntries) at once. Entries leave in the order they came
// (order is a FIFO of the keys): each start first drops the expired entries
// at the head, so expiring costs O(1) amortised per notification and the
// cache never rescans. A key is queued once for as long as it is in m (a
// notification's expiry is fixed by its timestamp, part of the key), so the
// queue holds exactly len(m) keys. An entry that expired behind one that
// has not yet stays until that one expires, at most one validity window
// past its own insertion.
type replayCache struct {
	mu    sync.Mutex
	m     map[string]replayEntry
	order []string // keys in insertion order; order[head:] are in m
	head  int
	max   int // 0: maxReplayEntries
}

type replayEntry struct {
	expires time.Time
	state   replayState // replayInFlight, replayDone or replayNew (callback failed: handle again)
}

type replayState int

const (
	replayNew replayState = iota
	replayInFlight
	replayDone
	replayFull
)

// start marks key as being handled, unless it is already known.
func (c *replayCache) start(key string, expires, now time.Time) replayState {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(now)
	if e, ok := c.m[key]; ok {
		if now.Before(e.expires) && e.state != replayNew {
			return e.state
		}
		e.state = replayInFlight // failed before, or expired behind the head: handle again
		c.m[key] = e
		return replayNew
	}
	limit := c.max
	if limit <= 0 {
		limit = maxReplayEntries
	}
	if len(c.m) >= limit {
		return replayFull
	}
	if c.m == nil {
		c.m = map[string]replayEntry{}
	}
	c.m[key] = replayEntry{expires: expires, state: replayInFlight}
	c.order = append(c.order, key)
	return replayNew
}

// expire drops the expired entries at the head of the queue and, once the
// dropped part is the larger half, moves the live keys to the front.
func (c *replayCache) expire(now time.Time) {
	for c.head < len(c.order) {
		k := c.order[c.head]
		if now.Before(c.m[k].expires) {
			break
		}
		delete(c.m, k)
		c.order[c.head] = ""
		c.head++
	}
	if c.head > 0 && c.head >= len(c.order)/2 {
		n := copy(c.order, c.order[c.head:])
		clear(c.order[n:])
		c.order, c.head = c.order[:n], 0
	}
}

func (c *replayCache) set(key string, state replayState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		e.state = state
		c.m[key] = e
	}
}

// finish records that key was handled: repeats answer "duplicate".
func (c *replayCache) finish(key string) { c.set(key, replayDone) }

// forget lets key be handled again (its callback failed).
func (c *replayCache) forget(key string) { c.set(key, replayNew) }
