package mockserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults used when no option overrides them.
const (
	DefaultCloud          = "demo"
	DefaultAPIKey         = "mock_key"
	DefaultAPISecret      = "mock_secret"
	DefaultAdminBudget    = 2000 // Admin API calls per hour (a paid plan's budget)
	DefaultMaxChunkIdle   = time.Hour
	DefaultRemoteTimeout  = 5 * time.Second
	DefaultJournalEntries = 10000
	// MinChunkSize is the smallest accepted non-final chunk of a chunked
	// upload.
	MinChunkSize = 5_242_880
	// MaxTimestampAge is how old a signed request's timestamp may be.
	MaxTimestampAge = time.Hour
	// DefaultMaxUploadSize is the largest file one upload request without
	// chunks may carry (Cloudinary requires chunks above 100 MB).
	DefaultMaxUploadSize = 104_857_600
)

// Option configures a Server.
type Option func(*config)

type credential struct{ key, secret string }

type config struct {
	cloud          string
	creds          []credential
	tokens         []string
	now            func() time.Time
	storage        Storage
	adminBudget    int
	maxUpload      int64
	tokenKey       string
	offlineRemote  bool
	maxChunkIdle   time.Duration
	minChunk       int64                                      // MinChunkSize (tests lower it to send small chunks)
	faultWait      func(ctx context.Context, d time.Duration) // waitFor (tests record delays instead)
	remoteTimeout  time.Duration
	journalSize    int
	control        bool
	seed           *uint64
	folderMode     string
	httpClient     *http.Client
	tempDir        string
	futureSkew     time.Duration
	notify         bool
	maxTimestampAg time.Duration
	provisioning   provisioningConfig // provisioning.go
	bodyTimeout    time.Duration
	maxUnverified  int64
	controlToken   string
	controlHosts   []string
	remoteDir      string // media.go: WithRemoteDir
	strict         bool   // media.go: WithStrictTransformations
}

// WithCloud sets the cloud name served under /v1_1/<cloud>/ (default "demo").
func WithCloud(name string) Option { return func(c *config) { c.cloud = name } }

// WithCredentials adds an API key and its secret. Repeat it to accept
// several keys; without it the server accepts mock_key / mock_secret.
func WithCredentials(key, secret string) Option {
	return func(c *config) { c.creds = append(c.creds, credential{key, secret}) }
}

// WithOAuthToken adds an OAuth token accepted as "Authorization: Bearer
// <token>" by both APIs.
func WithOAuthToken(token string) Option {
	return func(c *config) { c.tokens = append(c.tokens, token) }
}

// WithClock sets the server's base clock (default time.Now). Advance and
// SetNow shift it further.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithStorage selects Memory (default), Dir(path) or MetadataOnly.
func WithStorage(s Storage) Option { return func(c *config) { c.storage = s } }

// WithAdminBudget sets the Admin API budget per hour (default 2000). When
// it is used up, Admin calls answer 420 until the hour ends. n <= 0 means
// unlimited (the headers then report a limit of 1,000,000).
func WithAdminBudget(n int) Option { return func(c *config) { c.adminBudget = n } }

// WithMaxUploadSize sets the largest file an upload without chunks may
// carry (default DefaultMaxUploadSize, 100 MB); a larger one is refused
// with 400 "File size too large", as Cloudinary does: before any byte is
// read when the request's Content-Length already says so (Got is then the
// announced length), else as soon as the file passes the limit, without
// reading the rest. n <= 0 means unlimited (for measuring clients that send
// one huge request).
func WithMaxUploadSize(n int64) Option { return func(c *config) { c.maxUpload = n } }

// WithAuthTokenKey enables token-based access control with the hex key
// the console shows: an authenticated asset is then also delivered to a URL
// carrying a valid __cld_token__ (see signer.AuthToken) instead of an
// s--…-- signature.
func WithAuthTokenKey(hexKey string) Option { return func(c *config) { c.tokenKey = hexKey } }

// WithOfflineRemoteURLs makes remote file URLs that cannot be fetched
// become a deterministic placeholder image (a 1x1 PNG, "placeholder": true)
// instead of failing, so test suites can run without a network.
func WithOfflineRemoteURLs() Option { return func(c *config) { c.offlineRemote = true } }

// WithMaxChunkIdle sets how long (by the server clock) a chunked-upload
// session may go without a chunk before it is discarded (default 1 h).
func WithMaxChunkIdle(d time.Duration) Option { return func(c *config) { c.maxChunkIdle = d } }

// WithRemoteTimeout sets the timeout for fetching remote file URLs and for
// sending each notification (default 5 s; zero or negative keeps the default,
// so that Close, which waits for notifications, cannot hang).
func WithRemoteTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.remoteTimeout = d
		}
	}
}

// WithHTTPClient sets the client used to fetch remote file URLs.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithJournalSize sets how many requests the journal keeps (default 10000).
func WithJournalSize(n int) Option { return func(c *config) { c.journalSize = n } }

// WithControl enables the /_mock/ HTTP control endpoints (faults, journal,
// clock, reset). The Go API is always available.
func WithControl() Option { return func(c *config) { c.control = true } }

// WithSeed makes generated IDs (public IDs, asset IDs, request IDs)
// deterministic.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = &seed } }

// WithFixedFolders switches the account to fixed-folder mode (folders are
// public ID prefixes). The default is dynamic folders (asset_folder).
func WithFixedFolders() Option { return func(c *config) { c.folderMode = "fixed" } }

// WithTempDir sets where temporary files (parked chunks) go; default the
// storage directory for Dir storage, os.TempDir otherwise.
func WithTempDir(dir string) Option { return func(c *config) { c.tempDir = dir } }

// Server is a local Cloudinary: an http.Handler serving the Upload API and
// Admin API under /v1_1/<cloud>/, delivery URLs under /<cloud>/, and, when
// enabled, the /_mock/ control endpoints. It is safe for concurrent use.
type Server struct {
	cfg     config
	mu      sync.RWMutex
	st      *state
	blobs   blobStore
	persist *persister

	offset atomic.Int64 // added to cfg.now, in nanoseconds

	rngMu sync.Mutex
	rng   *mrand.Rand

	journal    *journal
	faults     *faultSet
	sessions   *chunkSessions
	budget     *budget
	unverified *unverifiedBudget
	actions    map[string]handlerFunc // Upload API actions
	admin      *adminMux              // Admin API route table (admin_routes.go)
	remote     *http.Client
	notifyWG   sync.WaitGroup
	media      mediaState // media.go: derived assets, render cache
}

// Open builds a Server. It fails only when Dir storage cannot be opened.
func Open(opts ...Option) (*Server, error) {
	cfg := config{
		cloud:          DefaultCloud,
		now:            time.Now,
		storage:        Memory,
		adminBudget:    DefaultAdminBudget,
		maxUpload:      DefaultMaxUploadSize,
		maxChunkIdle:   DefaultMaxChunkIdle,
		minChunk:       MinChunkSize,
		faultWait:      waitFor,
		remoteTimeout:  DefaultRemoteTimeout,
		journalSize:    DefaultJournalEntries,
		folderMode:     "dynamic",
		futureSkew:     time.Hour,
		maxTimestampAg: MaxTimestampAge,
		bodyTimeout:    DefaultBodyTimeout,
		maxUnverified:  DefaultMaxUnverifiedBytes,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.creds) == 0 {
		cfg.creds = []credential{{DefaultAPIKey, DefaultAPISecret}}
	}
	if cfg.cloud == "" {
		return nil, errors.New("mockserver: empty cloud name: pass a name to WithCloud")
	}
	if _, err := hex.DecodeString(cfg.tokenKey); err != nil {
		return nil, errors.New("mockserver: the auth token key must be hex, as the console shows it")
	}
	for _, c := range cfg.creds {
		if c.key == "" || c.secret == "" {
			return nil, errors.New("mockserver: empty API key or secret: pass both to WithCredentials")
		}
	}
	s := &Server{cfg: cfg, st: newState()}
	if cfg.seed != nil {
		s.rng = mrand.New(mrand.NewPCG(*cfg.seed, *cfg.seed^0x9e3779b97f4a7c15))
	} else {
		var seed [32]byte
		_, _ = rand.Read(seed[:])
		s.rng = mrand.New(mrand.NewChaCha8(seed))
	}
	switch cfg.storage.kind {
	case dirStorage:
		if cfg.storage.dir == "" {
			return nil, errors.New("mockserver: Dir storage needs a directory path")
		}
		root, err := filepath.Abs(cfg.storage.dir)
		if err != nil {
			return nil, fmt.Errorf("mockserver: storage directory: %w", err)
		}
		tmp := filepath.Join(root, "tmp")
		if cfg.tempDir != "" {
			tmp = cfg.tempDir
		}
		fs, err := newFileStore(filepath.Join(root, "blobs"), tmp)
		if err != nil {
			return nil, fmt.Errorf("mockserver: storage directory: %w", err)
		}
		s.blobs = fs
		s.persist = &persister{dir: root}
		if err := s.persist.load(s.st); err != nil {
			return nil, fmt.Errorf("mockserver: loading %s: %w", root, err)
		}
	case metadataStorage:
		tmp := cfg.tempDir
		if tmp == "" {
			tmp = os.TempDir()
		}
		s.blobs = &metaStore{tmpDir: tmp}
	default:
		s.blobs = newMemoryStore()
	}
	s.journal = newJournal(cfg.journalSize)
	s.faults = newFaultSet()
	s.sessions = newChunkSessions()
	s.budget = &budget{limit: cfg.adminBudget}
	s.unverified = &unverifiedBudget{limit: cfg.maxUnverified}
	s.actions = s.uploadActions()
	s.admin = newAdminMux(s.adminRouteTable())
	s.remote = cfg.httpClient
	if s.remote == nil {
		s.remote = &http.Client{Timeout: cfg.remoteTimeout}
	}
	return s, nil
}

// New is Open for configurations that cannot fail (Memory and MetadataOnly
// storage). It panics if Open returns an error; use Open with Dir storage.
func New(opts ...Option) *Server {
	s, err := Open(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Close waits for notifications in flight, then discards chunked-upload
// sessions and their temporary files. The Server must not be used afterwards.
func (s *Server) Close() error {
	s.notifyWG.Wait()
	s.sessions.closeAll()
	return nil
}

// Cloud returns the cloud name.
func (s *Server) Cloud() string { return s.cfg.cloud }

// APIKey returns the first configured API key.
func (s *Server) APIKey() string { return s.cfg.creds[0].key }

// CloudinaryURL returns cloudinary://KEY:SECRET@CLOUD?upload_prefix=baseURL
// for the first configured credentials.
func (s *Server) CloudinaryURL(baseURL string) string {
	c := s.cfg.creds[0]
	return "cloudinary://" + c.key + ":" + c.secret + "@" + s.cfg.cloud + "?upload_prefix=" + strings.TrimRight(baseURL, "/")
}

// Now returns the server clock's current time.
func (s *Server) Now() time.Time {
	return s.cfg.now().Add(time.Duration(s.offset.Load()))
}

// Advance moves the server clock forward by d (backward when negative) and
// expires chunked-upload sessions idle for longer than the limit.
func (s *Server) Advance(d time.Duration) {
	s.offset.Add(int64(d))
	s.sessions.sweep(s, s.Now())
}

// SetNow sets the server clock to t.
func (s *Server) SetNow(t time.Time) {
	s.offset.Store(int64(t.Sub(s.cfg.now())))
	s.sessions.sweep(s, s.Now())
}

// Reset forgets every asset, preset, folder, mapping, transformation,
// metadata field, chunk session, fault and journal entry, refills the Admin
// budget and sets the clock back to the base clock (WithClock, else
// time.Now), undoing Advance and SetNow. Dir storage is emptied as well.
func (s *Server) Reset() {
	s.offset.Store(0)
	s.mu.Lock()
	old := s.st
	s.st = newState()
	s.mu.Unlock()
	for _, a := range old.assets {
		s.blobs.remove(a.Blob)
		s.persist.removeAsset(a.AssetID)
	}
	for _, a := range old.trash {
		s.blobs.remove(a.Blob)
		s.persist.removeAsset(a.AssetID)
	}
	_ = s.persist.saveConfig(s.st.cfg)
	s.sessions.closeAll()
	s.faults.clear()
	s.journal.reset()
	s.budget.reset()
	s.media.reset()
}

// randString returns n random characters of alphabet.
func (s *Server) randString(n int, alphabet string) string {
	b := make([]byte, n)
	s.rngMu.Lock()
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	s.rngMu.Unlock()
	return string(b)
}

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits  = "0123456789abcdef"
)

func (s *Server) newHexID() string { return s.randString(32, hexDigits) }

// reqCtx carries one request through the handlers.
type reqCtx struct {
	s       *Server
	r       *http.Request
	w       http.ResponseWriter
	rid     string
	cloud   string
	label   string        // route label used by faults and the journal
	segs    []string      // path segments after /v1_1/<cloud>/
	match   *http.Request // the Admin API route match, for its path values
	p       *params
	auth    authInfo
	applied bool
	wrote   bool // the handler wrote the response itself
	dropped bool // a fault cuts the connection: the client gets no status
	fileLen int64
	fileDsc string
	body    *reqBody // nil when the request has no body
	hold    *hold    // the request's share of the unverified budget
}

// handlerFunc answers one route: a JSON value or an error.
type handlerFunc func(rc *reqCtx) (any, error)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rid := s.randString(32, hexDigits)
	w.Header().Set("X-Request-Id", rid)
	path := r.URL.Path
	rc := &reqCtx{s: s, r: r, rid: rid, hold: &hold{b: s.unverified}}
	defer rc.hold.release()
	if orig := r.Body; orig != nil && orig != http.NoBody && r.ContentLength != 0 {
		rc.body = newReqBody(w, r, s.cfg.bodyTimeout)
		r.Body = rc.body
		// net/http inspects the body it made once the handler returns
		// (what is left to discard, whether 100 Continue was sent).
		defer func() { r.Body = orig }()
	}
	if strings.HasPrefix(path, "/_mock/") || path == "/_mock" {
		if !s.cfg.control {
			writeError(w, notFound("The /_mock control endpoints are disabled: start the mock with control enabled (WithControl, --control)"))
			return
		}
		s.serveControl(rc, w)
		return
	}
	if _, present, err := s.headerAuth(r); present && err == nil {
		rc.hold.verify() // a valid Authorization header: nothing it sends counts as unverified
	}
	h, err := s.route(rc)
	if s.cors(w, r, rc.label) {
		return
	}
	if err != nil {
		rc.label = firstNonEmpty(rc.label, "unknown")
	}
	rec := &recorder{ResponseWriter: w}
	rc.w = rec
	fault := s.faults.pick(rc.label, r.Method)
	start := s.Now()
	journaled := false
	record := func() {
		if !journaled {
			journaled = true
			s.journal.add(s, rc, rec, start, faultName(fault))
		}
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				record()
				panic(v)
			}
			// A bug must not take the server down; answer like Cloudinary.
			if !rec.wroteHeader {
				writeError(rec, newAPIError(http.StatusInternalServerError, "Internal mock server error: %v", v))
			}
			record()
		}
	}()
	// The journal entry is written when the status line is, so a client that
	// has its response can always find its request in the journal.
	rec.onHeader = record
	if fault != nil && (fault.f.Kind == FaultReset || fault.f.Kind == FaultCommitDrop) {
		rc.dropped = true
	}
	if fault != nil && fault.f.Kind == FaultReset {
		record()
	}
	if fault != nil && fault.before(rc, rec) {
		record()
		return
	}
	if fault != nil && fault.buffers() {
		rec.buffer = true
	}
	if err != nil {
		drainBody(r)
		rc.writeError(rec, err)
	} else {
		s.run(rc, rec, h)
	}
	record()
	if fault != nil {
		fault.after(rc, rec)
	}
}

func (s *Server) run(rc *reqCtx, rec *recorder, h handlerFunc) {
	out, err := h(rc)
	if err != nil {
		if rc.p == nil {
			drainBody(rc.r)
		}
		rc.writeError(rec, err)
		return
	}
	if rc.wrote {
		return
	}
	writeJSON(rec, http.StatusOK, out)
}

// maxDrain bounds how much of an unread request body is consumed before an
// early error answer, so that a client still sending a chunk reads the
// status instead of a connection reset. A body that was stopped (too large)
// or timed out is not read any further.
const maxDrain = 32 << 20

// writeError answers err, unless the body gave the real reason: a body
// timeout answers 408 and a body past its limit 400, both closing the
// connection.
func (rc *reqCtx) writeError(w http.ResponseWriter, err error) {
	switch {
	case rc.body.timedOut():
		err = newAPIError(http.StatusRequestTimeout, "Request Timeout: the request body sent less than %d bytes in %s; send it without pauses, or raise the mock's body timeout (WithBodyTimeout, cldrest mock --body-timeout)", BodyProgress, rc.s.cfg.bodyTimeout)
	case rc.body.tooLarge():
		err = badRequest("Request body too large: more than %d bytes (the most this request may send)", rc.body.limit)
	}
	writeError(w, err)
}

func drainBody(r *http.Request) {
	if r.Body != nil {
		_, _ = io.CopyN(io.Discard, r.Body, maxDrain)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= 1<<20 { // not pinning one huge answer
			jsonBuffers.Put(buf)
		}
	}()
	b, err := appendJSON((*buf)[:0], v)
	if err != nil {
		status = http.StatusInternalServerError
		b = append(b[:0], `{"error":{"message":"Internal mock server error: cannot encode response"}}`...)
	}
	b = append(b, '\n')
	*buf = b
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = newAPIError(http.StatusInternalServerError, "Internal mock server error: %v", err)
	}
	for k, vs := range ae.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeJSON(w, ae.status, map[string]any{"error": map[string]string{"message": ae.message}})
}

// recorder observes (and for some faults buffers) a response.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	n           int64
	buffer      bool
	buf         []byte
	onHeader    func() // called once, before the status line goes out
}

func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader = true
	r.status = code
	if r.onHeader != nil {
		r.onHeader()
	}
	if !r.buffer {
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	r.n += int64(len(p))
	if r.buffer {
		r.buf = append(r.buf, p...)
		return len(p), nil
	}
	return r.ResponseWriter.Write(p)
}

// Flush implements http.Flusher when the underlying writer does.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok && !r.buffer {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
