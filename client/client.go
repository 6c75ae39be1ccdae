package client

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/cldrest/cldrest/signer"
)

// Version is the library version reported in the default User-Agent.
const Version = "0.1.0"

// DefaultUserAgent is sent when WithUserAgent is not given, for example
// "cldrest/0.1.0 (go1.26.8)".
var DefaultUserAgent = "cldrest/" + Version + " (" + runtime.Version() + ")"

// Client sends requests to one Cloudinary product environment. It is safe
// for concurrent use; its configuration is fixed at New and never changes,
// so every service built on it sees the same settings. Printing a Client
// shows its cloud name, API key and base URL, never a credential.
type Client struct {
	cfg            Config
	baseURL        string // scheme://host[:port][/prefix], no trailing slash
	apiHost        string // host[:port] that may receive credentials
	apiScheme      string
	httpClient     *http.Client
	rc             *retryablehttp.Client // built once in New; hooks find the call in the request context
	logger         *slog.Logger
	userAgent      string
	retry          retryPolicy
	limiter        *rate.Limiter
	attemptTimeout time.Duration
	uploadTimeout  time.Duration
	stallTimeout   time.Duration
	now            func() time.Time
	basicUploads   bool
	boundary       string      // fixed multipart boundary (tests only)
	redactor       *redactor   // removes the credentials from server and transport text
	rate           *rateRecord // the last rate limit seen (LastRateLimit)
}

// rateRecord is the last rate limit any attempt of a Client saw.
type rateRecord struct {
	mu   sync.Mutex
	last RateLimit
	seen bool
}

// Option configures a Client in New. Options check their arguments; New
// returns the first error.
type Option func(*options) error

type options struct {
	httpClient     *http.Client
	baseURL        string
	logger         *slog.Logger
	userAgent      string
	retry          *retryPolicy
	limiter        *rate.Limiter
	attemptTimeout *time.Duration
	uploadTimeout  *time.Duration
	stallTimeout   time.Duration
	now            func() time.Time
	basicUploads   bool
	boundary       string
	jitter         func(time.Duration) time.Duration
	sleep          func(time.Duration) time.Duration
	idlePerHost    int
}

// DefaultMaxIdleConnsPerHost is the number of idle keep-alive connections
// per host the transport a Client builds keeps (net/http's default, 2,
// makes a batch at concurrency 8 open a new connection for most
// requests). WithMaxIdleConnsPerHost changes it.
const DefaultMaxIdleConnsPerHost = 16

func optErr(name, reason, fix string) error {
	return fmt.Errorf("client.%s: %s; %s", name, reason, fix)
}

// WithHTTPClient makes the Client send through a copy of hc (hc itself is
// never modified). Its Transport (default http.DefaultTransport) carries
// the requests; its Timeout, if any, applies to each attempt.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return optErr("WithHTTPClient", "nil *http.Client", "pass a client or leave the option out")
		}
		cp := *hc
		o.httpClient = &cp
		return nil
	}
}

// WithBaseURL overrides the configuration's upload_prefix, for example
// "http://127.0.0.1:8080" to talk to a mock server.
func WithBaseURL(base string) Option {
	return func(o *options) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			// Never quote base: it may carry credentials.
			return optErr("WithBaseURL", "not an http(s) base URL without credentials, query or fragment", "use a URL such as https://api.cloudinary.com or http://127.0.0.1:8080")
		}
		o.baseURL = strings.TrimRight(base, "/")
		return nil
	}
}

// WithMaxIdleConnsPerHost keeps up to n idle keep-alive connections per
// host, so n requests at a time reuse their connections instead of
// opening new ones; set it to at least the number of concurrent calls.
// Default: DefaultMaxIdleConnsPerHost. With WithHTTPClient, the client's
// Transport must be an *http.Transport (or nil); the Client then sends
// through a clone of it with the new limit, and the caller's transport is
// left unchanged.
func WithMaxIdleConnsPerHost(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return optErr("WithMaxIdleConnsPerHost", fmt.Sprintf("%d idle connections per host", n), "use 1 or more, at least the number of concurrent calls")
		}
		o.idlePerHost = n
		return nil
	}
}

// WithLogger sends debug records (method, path, status, attempt, duration
// of every attempt, and retry decisions) to l. Records never contain
// credentials, signatures or bodies. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return optErr("WithLogger", "nil logger", "pass a *slog.Logger or leave the option out")
		}
		o.logger = l
		return nil
	}
}

// WithUserAgent replaces DefaultUserAgent.
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return optErr("WithUserAgent", "empty or multi-line user agent", "pass one non-empty line")
		}
		o.userAgent = ua
		return nil
	}
}

// WithRetry sets the retry policy: at most maxAttempts attempts per call
// (1 disables retries), and backoff waits between minWait and maxWait (see
// the package documentation). Defaults: DefaultMaxAttempts,
// DefaultMinWait, DefaultMaxWait.
func WithRetry(maxAttempts int, minWait, maxWait time.Duration) Option {
	return func(o *options) error {
		switch {
		case maxAttempts < 1:
			return optErr("WithRetry", fmt.Sprintf("maxAttempts %d is below 1", maxAttempts), "use 1 for no retries or more to allow retries")
		case minWait < 0 || maxWait < 0:
			return optErr("WithRetry", "negative wait", "use waits of 0 or more")
		case maxWait < minWait:
			return optErr("WithRetry", fmt.Sprintf("maxWait %s is below minWait %s", maxWait, minWait), "make maxWait at least minWait")
		}
		o.retry = &retryPolicy{maxAttempts: maxAttempts, minWait: minWait, maxWait: maxWait}
		return nil
	}
}

// WithRateLimit limits Admin API attempts to r per second with bursts of
// burst (golang.org/x/time/rate). Upload API calls are not limited
// (Cloudinary does not rate-limit them). Waiting honours the context.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(o *options) error {
		if r <= 0 || burst < 1 {
			return optErr("WithRateLimit", fmt.Sprintf("rate %v with burst %d allows no request", r, burst), "use a positive rate and a burst of at least 1")
		}
		o.limiter = rate.NewLimiter(r, burst)
		return nil
	}
}

// WithAttemptTimeout bounds each attempt of a request without a file
// (connect, send, and read the whole response). Default: Config.Timeout.
// Zero means no per-attempt limit (the context still applies).
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return optErr("WithAttemptTimeout", "negative duration", "use 0 (no limit) or a positive duration")
		}
		o.attemptTimeout = &d
		return nil
	}
}

// WithUploadTimeout bounds each attempt of a request with a File.
// Default: Config.UploadTimeout, or Config.Timeout when that is zero.
// Zero means no per-attempt limit.
func WithUploadTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return optErr("WithUploadTimeout", "negative duration", "use 0 (no limit) or a positive duration")
		}
		o.uploadTimeout = &d
		return nil
	}
}

// WithStallTimeout aborts an attempt when neither its request body nor its
// response makes progress for d (waiting for the response after the body
// was sent counts as no progress). The attempt fails with ErrStalled and
// is retried under the usual rules. Zero (the default) disables it.
func WithStallTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return optErr("WithStallTimeout", "negative duration", "use 0 (disabled) or a positive duration")
		}
		o.stallTimeout = d
		return nil
	}
}

// WithClock sets the clock used for signing timestamps and for turning
// Retry-After / X-FeatureRateLimit-Reset dates into waits. Tests that move
// a mock server's clock pass the same clock here. Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return optErr("WithClock", "nil clock", "pass a func() time.Time or leave the option out")
		}
		o.now = now
		return nil
	}
}

// WithBasicAuthUploads authenticates Upload API requests with HTTP Basic
// (api_key:api_secret) instead of signing their parameters.
func WithBasicAuthUploads() Option {
	return func(o *options) error {
		o.basicUploads = true
		return nil
	}
}

// New returns a Client for cfg. It validates cfg and the options, reads no
// environment variables and makes no network call.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.APIKey == "" && !cfg.APISecret.IsZero() {
		// A secret alone signs (package signer) but cannot call the APIs,
		// which need the key beside every signature or Basic header.
		return nil, &ConfigError{Field: "api_key", Reason: "missing while an API secret is set", Fix: "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME or CLOUDINARY_API_KEY"}
	}
	cfg = cfg.withDefaults()
	o := options{}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	c := &Client{
		cfg:          cfg,
		baseURL:      strings.TrimRight(cfg.UploadPrefix, "/"),
		logger:       o.logger,
		userAgent:    o.userAgent,
		limiter:      o.limiter,
		stallTimeout: o.stallTimeout,
		now:          o.now,
		basicUploads: o.basicUploads,
		boundary:     o.boundary,
		redactor:     newRedactor(cfg.APIKey, cfg.APISecret, cfg.OAuthToken),
		rate:         &rateRecord{},
		retry:        retryPolicy{maxAttempts: DefaultMaxAttempts, minWait: DefaultMinWait, maxWait: DefaultMaxWait},
	}
	if o.baseURL != "" {
		c.baseURL = o.baseURL
		c.cfg.UploadPrefix = o.baseURL
	}
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, &ConfigError{Field: "upload_prefix", Reason: "not an http(s) URL", Fix: "use a base URL such as https://api.cloudinary.com"}
	}
	c.apiHost, c.apiScheme = u.Host, u.Scheme
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.now == nil {
		c.now = time.Now
	}
	if o.retry != nil {
		c.retry = *o.retry
	}
	c.retry.jitter = o.jitter
	c.retry.sleep = o.sleep
	c.attemptTimeout = cfg.Timeout
	if o.attemptTimeout != nil {
		c.attemptTimeout = *o.attemptTimeout
	}
	c.uploadTimeout = cfg.UploadTimeout
	if c.uploadTimeout == 0 {
		c.uploadTimeout = cfg.Timeout
	}
	if o.uploadTimeout != nil {
		c.uploadTimeout = *o.uploadTimeout
	}
	hc := o.httpClient
	if hc == nil {
		hc = &http.Client{}
		if o.idlePerHost == 0 {
			o.idlePerHost = DefaultMaxIdleConnsPerHost
		}
	}
	base, err := sizedTransport(hc.Transport, o.idlePerHost)
	if err != nil {
		return nil, err
	}
	hc.Transport = &attemptTransport{base: base, c: c}
	c.httpClient = hc
	c.rc = c.newRetryClient()
	return c, nil
}

// sizedTransport returns the RoundTripper a Client sends through: rt
// (http.DefaultTransport when nil), or, when idlePerHost is set, a clone of
// it keeping that many idle connections per host.
func sizedTransport(rt http.RoundTripper, idlePerHost int) (http.RoundTripper, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if idlePerHost == 0 {
		return rt, nil
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return nil, optErr("WithMaxIdleConnsPerHost", fmt.Sprintf("the WithHTTPClient transport is a %T, not an *http.Transport", rt), "size the idle pool of your RoundTripper yourself and leave the option out")
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = idlePerHost
	if t.MaxIdleConns != 0 && t.MaxIdleConns < idlePerHost {
		t.MaxIdleConns = idlePerHost
	}
	return t, nil
}

// LastRateLimit returns the budget reported by the most recent response
// (of any attempt, successful or not) that carried X-FeatureRateLimit-*
// headers, and false when none has been seen yet. Do records it, so every
// service built on the client sees the same value.
func (c *Client) LastRateLimit() (RateLimit, bool) {
	c.rate.mu.Lock()
	defer c.rate.mu.Unlock()
	return c.rate.last, c.rate.seen
}

// recordRateLimit remembers h's rate limit when it carries one.
func (c *Client) recordRateLimit(h http.Header) {
	rl := parseRateLimit(h)
	if rl.Limit == 0 && rl.Remaining == 0 && rl.Reset.IsZero() {
		return
	}
	c.rate.mu.Lock()
	c.rate.last, c.rate.seen = rl, true
	c.rate.mu.Unlock()
}

// Config returns a copy of the client's configuration (defaults filled,
// UploadPrefix reflecting WithBaseURL).
func (c *Client) Config() Config { return c.cfg }

// Now returns the current time of the client's clock (WithClock), for
// callers that sign with the same clock.
func (c *Client) Now() time.Time { return c.now() }

// BaseURL returns the API base URL (upload_prefix or WithBaseURL).
func (c *Client) BaseURL() string { return c.baseURL }

// APIURL returns <base URL>/v1_1/<cloud_name>/<path>.
func (c *Client) APIURL(path string) string {
	return c.baseURL + "/v1_1/" + c.cfg.CloudName + "/" + path
}

// requestURL is APIURL, or <base URL>/<root>/<path> for a Request.Root.
func (c *Client) requestURL(req *Request) string {
	if req.Root == "" {
		return c.APIURL(req.Path)
	}
	return c.baseURL + "/" + req.Root + "/" + req.Path
}

// String describes the client without any credential. It has a value
// receiver so that printing a Client value (not only a pointer) is safe.
func (c Client) String() string {
	return fmt.Sprintf("client.Client{cloud_name: %q, api_key: %q, base_url: %q}", c.cfg.CloudName, c.cfg.APIKey, c.baseURL)
}

// GoString is String: %#v never shows credentials either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Client) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// SignParams returns a copy of params, without empty values, with
// timestamp (the client clock, unless params already has one), api_key and
// signature added, signed with the configured algorithm and version. Use
// it for signed GET URLs (private download, archive download).
func (c *Client) SignParams(params url.Values) (url.Values, error) {
	if c.cfg.APIKey == "" || c.cfg.APISecret.IsZero() {
		return nil, errors.New("client.SignParams: signing needs api_key and api_secret; set them in CLOUDINARY_URL (cloudinary://API_KEY:API_SECRET@CLOUD_NAME)")
	}
	out := cleanParams(params)
	if out.Get("timestamp") == "" {
		out.Set("timestamp", strconv.FormatInt(c.now().Unix(), 10))
	}
	return c.sign(out)
}

// sign adds api_key and signature to p (modified in place).
func (c *Client) sign(p url.Values) (url.Values, error) {
	p.Del("signature")
	p.Del("api_key")
	sig, err := signer.Sign(p, c.cfg.APISecret.Reveal(), c.cfg.SignatureAlgorithm, c.cfg.SignatureVersion)
	if err != nil {
		return nil, fmt.Errorf("client: signing: %w", err)
	}
	p.Set("api_key", c.cfg.APIKey)
	p.Set("signature", sig)
	return p, nil
}

// cleanParams copies p without empty values (and keys left without any).
func cleanParams(p url.Values) url.Values {
	out := make(url.Values, len(p)+3)
	for k, vs := range p {
		for _, v := range vs {
			if v != "" {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

func (c *Client) basicAuth() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.cfg.APIKey+":"+c.cfg.APISecret.Reveal()))
}
