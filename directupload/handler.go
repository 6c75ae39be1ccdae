package directupload

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

// ClientTimestampSkew is how far a timestamp the caller put in its
// parameters (the Upload Widget signs its own) may be from the server's
// clock. Without one the server sets the timestamp.
const ClientTimestampSkew = 10 * time.Minute

// maxRequestBytes bounds a signing request's body.
const maxRequestBytes = 64 << 10

// Caller is who asks for a signature, as the Authenticator established it.
type Caller struct {
	// ID names the caller in audit lines, keys the rate limit and replaces
	// {caller} in the policy's templates. Empty means anonymous.
	ID string
}

// Authenticator establishes who sent a signing request, with the
// application's own means (a session cookie, a bearer token, a header set by
// a proxy). Return a *Refusal to choose the answer (a status outside 4xx
// becomes 401); any other error is answered 401 and logged, not shown to the
// caller.
type Authenticator func(r *http.Request) (Caller, error)

// Anonymous is an Authenticator that accepts everyone as the anonymous
// caller: for local development, or behind a proxy that authenticates.
func Anonymous(*http.Request) (Caller, error) { return Caller{}, nil }

// BearerTokens is an Authenticator for "Authorization: Bearer TOKEN" with a
// fixed set of tokens, each mapped to a caller ID.
func BearerTokens(tokens map[string]string) Authenticator {
	return func(r *http.Request) (Caller, error) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || got == "" {
			return Caller{}, refuse(http.StatusUnauthorized, "", "send Authorization: Bearer TOKEN")
		}
		id, found := "", false
		for token, callerID := range tokens {
			if subtle.ConstantTimeCompare([]byte(token), []byte(got)) == 1 {
				id, found = callerID, true
			}
		}
		if !found {
			return Caller{}, refuse(http.StatusUnauthorized, "", "unknown bearer token")
		}
		return Caller{ID: id}, nil
	}
}

// Option configures a Handler or a NotificationHandler; each option says
// which it applies to.
type Option func(*settings)

type settings struct {
	auth            Authenticator
	log             *slog.Logger
	now             func() time.Time
	maxAge, maxSkew time.Duration
	maxBody         int64
}

func newSettings(opts []Option) settings {
	s := settings{
		log: slog.New(slog.DiscardHandler), now: time.Now,
		maxAge: signer.DefaultNotificationMaxAge, maxSkew: signer.DefaultNotificationMaxSkew,
		maxBody: DefaultMaxNotificationBytes,
	}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// WithAuthenticator sets how a Handler authenticates callers. Without it
// every HTTP request is refused (Sign, called from Go, is not affected).
func WithAuthenticator(a Authenticator) Option { return func(s *settings) { s.auth = a } }

// WithLogger sets where audit lines go. A Handler writes one Info line per
// signature (who, what was signed; never the secret or the signature) and
// one Warn line per refusal; a NotificationHandler one line per
// notification. The default discards them.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.log = l } }

// WithClock replaces time.Now: for a Handler's timestamps and rate limit, a
// NotificationHandler's validity window.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }

// Handler is the signature service: an http.Handler answering POST
// requests whose body is the parameters to sign — a JSON object, the Upload
// Widget's {"params_to_sign": {…}}, or a form — with a Signature as JSON.
// What may be signed is decided by its Policy. It is safe for concurrent use.
type Handler struct {
	c      *client.Client
	cfg    client.Config
	policy *compiledPolicy
	auth   Authenticator
	log    *slog.Logger
	now    func() time.Time
	limits *limiters
}

// NewHandler returns a signature service signing with cfg's API key,
// secret, signature algorithm and version, under policy p. It fails when cfg
// cannot sign or p is inconsistent, saying what to fix.
func NewHandler(cfg client.Config, p Policy, opts ...Option) (*Handler, error) {
	if cfg.APIKey == "" || cfg.APISecret.IsZero() {
		return nil, errors.New("directupload: signing needs the API key and secret: use CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME (an OAuth token cannot sign uploads)")
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("directupload: %w", err)
	}
	s := newSettings(opts)
	h := &Handler{c: c, cfg: c.Config(), auth: s.auth, log: s.log, now: s.now}
	if h.policy, err = p.compile(h.cfg.SignatureVersion); err != nil {
		return nil, err
	}
	if h.policy.ratePerMinute > 0 {
		h.limits = &limiters{perMinute: h.policy.ratePerMinute, m: map[string]*rate.Limiter{}}
	}
	return h, nil
}

// Signature is the answer to a signing request: what the browser posts to
// UploadURL beside the file. Params are the signed parameters, timestamp
// included; send each of them as given, plus api_key and signature.
type Signature struct {
	Signature    string            `json:"signature"`
	Timestamp    string            `json:"timestamp"`
	APIKey       string            `json:"api_key"`
	CloudName    string            `json:"cloud_name"`
	UploadURL    string            `json:"upload_url"`
	ResourceType string            `json:"resource_type"`
	Params       map[string]string `json:"params"`
}

// Form returns the upload's form fields except the file: Params, api_key
// and signature.
func (s *Signature) Form() url.Values {
	f := url.Values{}
	for k, v := range s.Params {
		f.Set(k, v)
	}
	f.Set("api_key", s.APIKey)
	f.Set("signature", s.Signature)
	return f
}

type remoteKey struct{}

// Sign applies the policy to what caller asked for and signs the result.
// params may carry resource_type (which picks UploadURL) and a timestamp
// within ClientTimestampSkew of the clock; without one the server sets it.
// A refusal is a *Refusal. Every outcome is logged.
func (h *Handler) Sign(ctx context.Context, caller Caller, params url.Values) (*Signature, error) {
	sig, err := h.sign(caller, params)
	if err != nil {
		h.refused(ctx, caller, err)
		return nil, err
	}
	h.log.InfoContext(ctx, "directupload: signed", h.who(ctx, caller,
		slog.String("resource_type", sig.ResourceType),
		slog.String("timestamp", sig.Timestamp),
		slog.String("signed", signer.StringToSign(sig.Form(), h.cfg.SignatureVersion)))...)
	return sig, nil
}

func (h *Handler) sign(caller Caller, params url.Values) (*Signature, error) {
	now := h.now()
	if h.limits != nil {
		if wait := h.limits.reserve(caller.ID, now); wait > 0 {
			r := refuse(http.StatusTooManyRequests, "", fmt.Sprintf("too many signing requests (the limit is %d a minute); retry in %s", h.policy.ratePerMinute, wait.Round(time.Second)))
			r.RetryAfter = wait
			return nil, r
		}
	}
	req := url.Values{}
	for k, vs := range params {
		req[k] = vs
	}
	rt := h.policy.resourceTypes[0]
	if v := strings.Join(req["resource_type"], ","); v != "" {
		if !slices.Contains(h.policy.resourceTypes, v) {
			return nil, refuse(http.StatusForbidden, "resource_type", fmt.Sprintf("%q is not allowed (allowed: %s)", v, strings.Join(h.policy.resourceTypes, ", ")))
		}
		rt = v
	}
	delete(req, "resource_type")
	ts := now.Unix()
	if v := strings.Join(req["timestamp"], ","); v != "" {
		t, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, refuse(http.StatusBadRequest, "timestamp", "not a Unix time in seconds; leave it out and the server sets it")
		}
		// Compare in seconds: a Duration would overflow for a far timestamp.
		if skew := int64(ClientTimestampSkew / time.Second); t-ts > skew || ts-t > skew {
			return nil, refuse(http.StatusBadRequest, "timestamp", fmt.Sprintf("more than %s from the server's clock; leave it out and the server sets it", ClientTimestampSkew))
		}
		ts = t
	}
	delete(req, "timestamp")
	out, err := h.policy.apply(caller, req)
	if err != nil {
		return nil, err
	}
	out.Set("timestamp", strconv.FormatInt(ts, 10))
	signed, err := h.c.SignParams(out)
	if err != nil {
		return nil, fmt.Errorf("directupload: %w", err)
	}
	s := &Signature{
		Signature:    signed.Get("signature"),
		Timestamp:    signed.Get("timestamp"),
		APIKey:       signed.Get("api_key"),
		CloudName:    h.cfg.CloudName,
		UploadURL:    h.c.APIURL(rt + "/upload"),
		ResourceType: rt,
		Params:       make(map[string]string, len(out)),
	}
	for k := range out {
		s.Params[k] = out.Get(k)
	}
	return s, nil
}

// refused writes the audit line of a refusal.
func (h *Handler) refused(ctx context.Context, caller Caller, err error) {
	var r *Refusal
	if !errors.As(err, &r) {
		h.log.ErrorContext(ctx, "directupload: signing failed", h.who(ctx, caller, slog.String("error", err.Error()))...)
		return
	}
	h.log.WarnContext(ctx, "directupload: refused", h.who(ctx, caller,
		slog.Int("status", r.Status), slog.String("param", r.Param), slog.String("reason", r.Reason))...)
}

func (h *Handler) who(ctx context.Context, caller Caller, attrs ...any) []any {
	id := caller.ID
	if id == "" {
		id = "(anonymous)"
	}
	out := []any{slog.String("caller", id)}
	if remote, ok := ctx.Value(remoteKey{}).(string); ok {
		out = append(out, slog.String("remote", remote))
	}
	return append(out, attrs...)
}

// ServeHTTP answers a signing request: 200 with a Signature, or a 4xx JSON
// error {"error": {"message", "param", "reason"}}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithValue(r.Context(), remoteKey{}, r.RemoteAddr)
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.answerRefusal(ctx, w, Caller{}, refuse(http.StatusMethodNotAllowed, "", "send the parameters to sign with POST"))
		return
	}
	if h.auth == nil {
		h.answerRefusal(ctx, w, Caller{}, refuse(http.StatusUnauthorized, "", "the signature service has no authenticator: configure one with directupload.WithAuthenticator"))
		return
	}
	caller, err := h.auth(r)
	if err != nil {
		var ref *Refusal
		switch {
		case !errors.As(err, &ref):
			h.log.WarnContext(ctx, "directupload: authentication failed", h.who(ctx, Caller{}, slog.String("error", err.Error()))...)
			ref = refuse(http.StatusUnauthorized, "", "not authenticated")
		case ref.Status < 400 || ref.Status > 499:
			ref = &Refusal{Status: http.StatusUnauthorized, Param: ref.Param, Reason: ref.Reason, RetryAfter: ref.RetryAfter}
		}
		h.answerRefusal(ctx, w, caller, ref)
		return
	}
	params, err := readParams(w, r)
	if err != nil {
		h.answerRefusal(ctx, w, caller, err)
		return
	}
	sig, err := h.Sign(ctx, caller, params)
	if err != nil {
		var ref *Refusal
		if !errors.As(err, &ref) {
			ref = refuse(http.StatusInternalServerError, "", "signing failed")
		}
		writeRefusal(w, ref)
		return
	}
	writeJSON(w, http.StatusOK, sig)
}

// answerRefusal logs and writes a refusal found before Sign ran.
func (h *Handler) answerRefusal(ctx context.Context, w http.ResponseWriter, caller Caller, err error) {
	h.refused(ctx, caller, err)
	var ref *Refusal
	if !errors.As(err, &ref) {
		ref = refuse(http.StatusBadRequest, "", err.Error())
	}
	writeRefusal(w, ref)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"cannot encode the answer","reason":"cannot encode the answer"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// limiters holds one token bucket per caller ID.
type limiters struct {
	mu        sync.Mutex
	perMinute int
	m         map[string]*rate.Limiter
}

// maxLimiters bounds the number of callers tracked at once.
const maxLimiters = 10000

// reserve takes a token for id at now, or returns how long to wait.
func (l *limiters) reserve(id string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[id]
	if lim == nil {
		if len(l.m) >= maxLimiters {
			// Forget callers whose bucket has refilled: a new bucket is the same.
			for k, v := range l.m {
				if v.TokensAt(now) >= float64(l.perMinute) {
					delete(l.m, k)
				}
			}
			if len(l.m) >= maxLimiters {
				clear(l.m)
			}
		}
		lim = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.m[id] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}
