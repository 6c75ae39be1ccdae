package client

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cldrest/cldrest/signer"
)

// Defaults used when a CLOUDINARY_URL or Config leaves a field empty.
const (
	DefaultUploadPrefix     = "https://api.cloudinary.com"
	DefaultTimeout          = 60 * time.Second
	DefaultChunkSize        = 20_000_000
	MinChunkSize            = 5_242_880
	DefaultSignatureVersion = 2
)

// MaxUploadSize is the largest file Cloudinary accepts in one upload
// request without chunks (100 MiB: 104,857,600 bytes); larger files must be
// sent in chunks, which may themselves be larger.
const MaxUploadSize = 104_857_600

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("invalid Cloudinary configuration")

// ConfigError reports one wrong configuration field, what is wrong with it
// (for CLOUDINARY_URL, where: a character position) and how to fix it. It
// never contains the API secret, nor any part of CLOUDINARY_URL.
type ConfigError struct {
	Field  string // e.g. "CLOUDINARY_URL", "chunk_size"
	Reason string // what is wrong
	Fix    string // how to fix it
}

// Error names the field, what is wrong with it and the fix; never the secret.
func (e *ConfigError) Error() string {
	msg := "cloudinary config: " + e.Field + ": " + e.Reason
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// Is makes errors.Is(err, ErrInvalidConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Config is everything needed to talk to one Cloudinary product environment.
// The zero values of optional fields mean the defaults; call Validate (New
// does) before use. Printing a Config never shows the secret or the token.
type Config struct {
	CloudName  string
	APIKey     string
	APISecret  Secret
	OAuthToken Secret // when set, requests carry "Authorization: Bearer" and are not signed

	// UploadPrefix is the API base URL, default https://api.cloudinary.com.
	// Point it at a mock server for tests.
	UploadPrefix string

	SignatureAlgorithm signer.Algorithm // default SHA1
	SignatureVersion   int              // 1 or 2, default 2

	Timeout       time.Duration // per attempt of a request without a file, default 60s
	UploadTimeout time.Duration // per attempt of a request with a file; 0 means Timeout
	ChunkSize     int64         // bytes per chunk of a large upload, default 20,000,000

	// Delivery settings (spec §10).
	SecureDistribution string // custom delivery host (private CDN or CNAME)
	PrivateCDN         bool
}

// withDefaults returns c with empty optional fields filled.
func (c Config) withDefaults() Config {
	if c.UploadPrefix == "" {
		c.UploadPrefix = DefaultUploadPrefix
	}
	if c.SignatureAlgorithm == "" {
		c.SignatureAlgorithm = signer.SHA1
	}
	if c.SignatureVersion == 0 {
		c.SignatureVersion = DefaultSignatureVersion
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ChunkSize == 0 {
		c.ChunkSize = DefaultChunkSize
	}
	return c
}

// WithDefaults returns c with every empty optional field set to its default.
func (c Config) WithDefaults() Config { return c.withDefaults() }

// Validate reports the first wrong field as a *ConfigError.
// Empty optional fields are accepted (they mean the defaults).
func (c Config) Validate() error {
	if c.CloudName == "" {
		return &ConfigError{Field: "cloud_name", Reason: "missing", Fix: "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME or CLOUDINARY_CLOUD_NAME"}
	}
	if err := c.validateValues(); err != nil {
		return err
	}
	if c.APIKey != "" && c.APISecret.IsZero() && c.OAuthToken.IsZero() {
		// Never name the key: a malformed value may hold the secret.
		return &ConfigError{Field: "api_secret", Reason: "missing: an API key is set but no API secret", Fix: "set it in CLOUDINARY_URL or CLOUDINARY_API_SECRET"}
	}
	return nil
}

// validateValues checks the fields that are set, not that the required
// ones are.
func (c Config) validateValues() error {
	c = c.withDefaults()
	if strings.ContainsAny(c.CloudName, "/?#@ ") {
		return &ConfigError{Field: "cloud_name", Reason: fmt.Sprintf("%q is not a valid cloud name", c.CloudName), Fix: "use the cloud name shown in the Cloudinary console"}
	}
	if !c.SignatureAlgorithm.Valid() {
		return &ConfigError{Field: "signature_algorithm", Reason: fmt.Sprintf("unknown algorithm %q", c.SignatureAlgorithm), Fix: "use sha1 or sha256"}
	}
	if c.SignatureVersion != 1 && c.SignatureVersion != 2 {
		return &ConfigError{Field: "signature_version", Reason: fmt.Sprintf("unknown version %d", c.SignatureVersion), Fix: "use 1 or 2"}
	}
	if c.Timeout < 0 {
		return &ConfigError{Field: "timeout", Reason: "must be positive", Fix: "give a number of seconds greater than 0"}
	}
	if c.UploadTimeout < 0 {
		return &ConfigError{Field: "upload_timeout", Reason: "must be positive", Fix: "give a number of seconds greater than 0"}
	}
	if c.ChunkSize < MinChunkSize {
		return &ConfigError{Field: "chunk_size", Reason: fmt.Sprintf("%d is below the minimum", c.ChunkSize), Fix: fmt.Sprintf("use at least %d bytes (5 MiB)", MinChunkSize)}
	}
	u, err := url.Parse(c.UploadPrefix)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ConfigError{Field: "upload_prefix", Reason: "not an http(s) URL", Fix: "use a base URL such as https://api.cloudinary.com or http://127.0.0.1:8080"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// Credentials in a URL end up in logs and proxies (never quote it).
		return &ConfigError{Field: "upload_prefix", Reason: "has credentials, a query or a fragment", Fix: "give the base URL alone, such as https://api.cloudinary.com; the key and secret go before the '@' of CLOUDINARY_URL"}
	}
	return nil
}

// ParseURL parses a CLOUDINARY_URL of the form
//
//	cloudinary://API_KEY:API_SECRET@CLOUD_NAME[/SECURE_DISTRIBUTION]?upload_prefix=…&signature_algorithm=…
//
// Recognised query keys: upload_prefix, signature_algorithm, signature_version,
// timeout and upload_timeout (seconds), chunk_size (bytes), oauth_token,
// secure_distribution, private_cdn. Unknown keys are ignored, like the
// official SDKs do. The result is validated. Errors never quote any part
// of the URL (a misplaced separator can put the secret anywhere in it):
// they name what is malformed and its position (1-based, in characters).
func ParseURL(raw string) (Config, error) {
	cfg, shape, err := parseURL(raw)
	if err != nil {
		return Config{}, err
	}
	if err := shape.check(cfg); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}

const (
	urlFix    = "use cloudinary://API_KEY:API_SECRET@CLOUD_NAME, percent-encoding special characters in the key and secret"
	escapeFix = "percent-encode '/', '?', '#' and '@' in the API key and secret as %2F, %3F, %23 and %40"
)

// urlShape is what parseURL saw of the credentials of a CLOUDINARY_URL,
// for the check that needs the final configuration (a secret may still
// come from CLOUDINARY_API_SECRET).
type urlShape struct {
	from, to int  // character positions of the credentials; 0 without any
	noColon  bool // credentials without the ':' between key and secret
}

// check refuses credentials without a ':' when no secret or token came
// from elsewhere: "cloudinary://key;secret@cloud" and
// "cloudinary://secret@cloud" would otherwise read as an API key without
// a secret, and the whole text, secret included, would be taken as the key.
func (s urlShape) check(cfg Config) error {
	if !s.noColon || !cfg.APISecret.IsZero() || !cfg.OAuthToken.IsZero() {
		return nil
	}
	return urlError(fmt.Sprintf("the credentials (characters %d-%d) have no ':' between the API key and the API secret", s.from, s.to), urlFix)
}

func urlError(reason, fix string) error {
	return &ConfigError{Field: "CLOUDINARY_URL", Reason: reason, Fix: fix}
}

// queryOption is one key=value of a CLOUDINARY_URL query, with the
// character position of its value.
type queryOption struct {
	key, value string
	pos        int
}

func parseURL(orig string) (Config, urlShape, error) {
	raw := strings.TrimSpace(orig)
	if raw == "" {
		return Config{}, urlShape{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "empty", Fix: urlFix}
	}
	off := len(orig) - len(strings.TrimLeftFunc(orig, unicode.IsSpace))
	pos := func(i int) int { return utf8.RuneCountInString(orig[:off+i]) + 1 }
	fail := func(reason, fix string) (Config, urlShape, error) {
		return Config{}, urlShape{}, urlError(reason, fix)
	}

	const scheme = "cloudinary://"
	switch {
	case strings.HasPrefix(raw, "CLOUDINARY_URL="):
		return fail("the value starts with CLOUDINARY_URL=", "set the variable to the URL alone: CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
	case !strings.HasPrefix(raw, scheme):
		return fail("scheme must be cloudinary://", urlFix)
	}
	if i := strings.IndexFunc(raw, unicode.IsControl); i >= 0 {
		return fail(fmt.Sprintf("control character at position %d", pos(i)), "remove it (a line break or tab copied with the URL?)")
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' && (i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2])) {
			return fail(fmt.Sprintf("invalid percent-escape at position %d", pos(i)), "write % as %25 and other special characters as %XX, e.g. %40 for @")
		}
	}

	// The credentials and cloud name end at the first '/', '?' or '#'.
	rest := len(scheme)
	end := len(raw)
	if i := strings.IndexAny(raw[rest:], "/?#"); i >= 0 {
		end = rest + i
	}
	at := strings.LastIndexByte(raw[rest:end], '@')
	var shape urlShape
	if at < 0 {
		if i := strings.IndexByte(raw[end:], '@'); i >= 0 {
			return fail(fmt.Sprintf("the '/', '?' or '#' at position %d ends the credentials early (an '@' follows at position %d)", pos(end), pos(end+i)), escapeFix)
		}
	} else {
		at += rest
		creds := raw[rest:at]
		if i := strings.IndexFunc(creds, notUserinfo); i >= 0 {
			return fail(fmt.Sprintf("the credentials have a character that must be percent-encoded at position %d", pos(rest+i)), "percent-encode it as %XX (e.g. %22 for a double quote)")
		}
		if creds != "" {
			shape = urlShape{from: pos(rest), to: pos(at) - 1, noColon: !strings.Contains(creds, ":")}
		}
	}
	hostStart := max(rest, at+1)
	if i := strings.IndexFunc(raw[hostStart:end], notCloudNameChar); i >= 0 {
		if raw[hostStart+i] == ':' {
			return fail(fmt.Sprintf("the cloud name has a port (the ':' at position %d)", pos(hostStart+i)), "give the cloud name alone; to send API calls to another host, set upload_prefix=http://HOST:PORT")
		}
		return fail(fmt.Sprintf("the cloud name has a character that is not allowed at position %d", pos(hostStart+i)), "use the cloud name shown in the Cloudinary console (letters, digits, '-', '_')")
	}
	if i := strings.IndexByte(raw[end:], '#'); i >= 0 {
		return fail(fmt.Sprintf("'#' at position %d: CLOUDINARY_URL has no fragment", pos(end+i)), "percent-encode '#' as %23 (in an option value, for example)")
	}

	u, err := url.Parse(raw)
	if err != nil {
		// Not reached for the shapes checked above; url.Parse errors
		// quote the whole input, secret included, so never show them.
		return fail("malformed URL", urlFix)
	}
	opts, err := splitOptions(raw, pos)
	if err != nil {
		return Config{}, urlShape{}, err
	}

	var cfg Config
	cfg.CloudName = u.Host
	if u.User != nil {
		cfg.APIKey = u.User.Username()
		secret, _ := u.User.Password()
		cfg.APISecret = NewSecret(secret)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		cfg.SecureDistribution, cfg.PrivateCDN = p, true
	}
	if err := cfg.applyOptions(opts); err != nil {
		return Config{}, urlShape{}, err
	}
	if cfg.CloudName == "" {
		return Config{}, urlShape{}, &ConfigError{Field: "cloud_name", Reason: "missing from CLOUDINARY_URL", Fix: urlFix}
	}
	return cfg, shape, nil
}

// splitOptions splits the query of raw (a trimmed CLOUDINARY_URL) into its
// options, unescaped, in order, with pos giving the character position of
// a byte offset of raw. It is the one reading of the options: ParseURL
// applies them and UnknownURLOptions names the ones it ignores.
func splitOptions(raw string, pos func(int) int) ([]queryOption, error) {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return nil, nil
	}
	var opts []queryOption
	for i := q + 1; i <= len(raw); {
		pair := raw[i:]
		if j := strings.IndexByte(pair, '&'); j >= 0 {
			pair = pair[:j]
		}
		if j := strings.IndexByte(pair, ';'); j >= 0 {
			return nil, urlError(fmt.Sprintf("';' at position %d in the options", pos(i+j)), "separate options with '&' and percent-encode ';' in values as %3B")
		}
		k, v, eq := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(k)
		value, verr := url.QueryUnescape(v)
		if kerr != nil || verr != nil {
			return nil, urlError(fmt.Sprintf("malformed option at position %d", pos(i)), "percent-encode the values of upload_prefix and the other options")
		}
		valueAt := i + len(k)
		if eq {
			valueAt++
		}
		if key != "" {
			opts = append(opts, queryOption{key: key, value: value, pos: pos(valueAt)})
		}
		i += len(pair) + 1
	}
	return opts, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// notUserinfo reports a character RFC 3986 does not allow unescaped in
// userinfo ('@' aside, which url.Parse accepts before the last one).
func notUserinfo(r rune) bool {
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	return !strings.ContainsRune("-._~!$&'()*+,;=:%@", r)
}

// notCloudNameChar reports a character that cannot be part of a cloud name
// in a CLOUDINARY_URL.
func notCloudNameChar(r rune) bool {
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	return !strings.ContainsRune("-._~", r)
}

// urlOptions are the CLOUDINARY_URL query options, each with the function
// that applies its value (what it returns, when not "", says what the
// value should have been and how to fix it). URLOptions lists their keys.
var urlOptions = []struct {
	key   string
	apply func(c *Config, v string) (what, fix string)
}{
	{"upload_prefix", func(c *Config, v string) (string, string) {
		c.UploadPrefix = strings.TrimRight(v, "/")
		return "", ""
	}},
	{"signature_algorithm", func(c *Config, v string) (string, string) {
		alg, err := signer.ParseAlgorithm(v)
		if err != nil {
			return "a known algorithm", "use sha1 or sha256"
		}
		c.SignatureAlgorithm = alg
		return "", ""
	}},
	{"signature_version", func(c *Config, v string) (string, string) {
		n, err := strconv.Atoi(v)
		if err != nil || (n != 1 && n != 2) {
			return "a known signature version", "use 1 or 2"
		}
		c.SignatureVersion = n
		return "", ""
	}},
	{"timeout", func(c *Config, v string) (string, string) { return seconds(&c.Timeout, v) }},
	{"upload_timeout", func(c *Config, v string) (string, string) { return seconds(&c.UploadTimeout, v) }},
	{"chunk_size", func(c *Config, v string) (string, string) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < MinChunkSize {
			return fmt.Sprintf("a size of at least %d bytes", MinChunkSize), fmt.Sprintf("use at least %d bytes (5 MiB)", MinChunkSize)
		}
		c.ChunkSize = n
		return "", ""
	}},
	{"oauth_token", func(c *Config, v string) (string, string) {
		c.OAuthToken = NewSecret(v)
		return "", ""
	}},
	{"secure_distribution", func(c *Config, v string) (string, string) {
		c.SecureDistribution = v
		return "", ""
	}},
	{"secure_cname", func(c *Config, v string) (string, string) {
		c.SecureDistribution = v
		return "", ""
	}},
	{"private_cdn", func(c *Config, v string) (string, string) {
		c.PrivateCDN = v == "true" || v == "1"
		return "", ""
	}},
}

// seconds sets *d from a positive number of seconds.
func seconds(d *time.Duration, v string) (string, string) {
	n, err := parseSeconds(v)
	if err != nil {
		return "a positive number of seconds", "give a number of seconds greater than 0, e.g. 60"
	}
	*d = n
	return "", ""
}

// applyOptions applies the recognised query options in order (a repeated
// key: the last one wins); others are ignored (UnknownURLOptions names
// them). Errors name the option and the position of its value, never the
// value: a misplaced separator can put the secret there.
func (c *Config) applyOptions(opts []queryOption) error {
	for _, o := range opts {
		for _, known := range urlOptions {
			if known.key != o.key {
				continue
			}
			if what, fix := known.apply(c, o.value); what != "" {
				return &ConfigError{Field: o.key, Reason: fmt.Sprintf("the value at position %d of CLOUDINARY_URL is not %s", o.pos, what), Fix: fix}
			}
		}
	}
	return nil
}

func parseSeconds(v string) (time.Duration, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f > 1e9 {
		return 0, errors.New("bad seconds")
	}
	return time.Duration(f * float64(time.Second)), nil
}

// envURL is the variable that holds the whole configuration.
const envURL = "CLOUDINARY_URL"

// envOverrides are the variables ConfigFromEnv applies over CLOUDINARY_URL,
// in order, each with the field it sets. With envURL they are the one list
// of the CLOUDINARY_* variables (EnvVars is built from it).
var envOverrides = []struct {
	name  string
	apply func(c *Config, v string)
}{
	{"CLOUDINARY_CLOUD_NAME", func(c *Config, v string) { c.CloudName = v }},
	{"CLOUDINARY_API_KEY", func(c *Config, v string) { c.APIKey = v }},
	{"CLOUDINARY_API_SECRET", func(c *Config, v string) { c.APISecret = NewSecret(v) }},
	{"CLOUDINARY_UPLOAD_PREFIX", func(c *Config, v string) { c.UploadPrefix = strings.TrimRight(v, "/") }},
}

// EnvVars lists the environment variables ConfigFromEnv reads:
// CLOUDINARY_URL, then the overrides it applies over it.
var EnvVars = func() []string {
	names := []string{envURL}
	for _, o := range envOverrides {
		names = append(names, o.name)
	}
	return names
}()

// EnvOption changes how ConfigFromEnv reads the environment.
type EnvOption func(*envOptions)

type envOptions struct {
	partial bool
	lookup  func(string) (string, bool)
}

// Partial makes ConfigFromEnv return what the environment sets even when it
// is incomplete (no cloud name, an API key whose secret comes later), for
// callers such as a CLI that complete the configuration from flags and then
// pass it to New, which validates it. When none of EnvVars is set, the
// result is a zero Config and no error. A malformed CLOUDINARY_URL or an
// invalid value (an unknown signature algorithm, a bad upload prefix) is
// still an error.
func Partial() EnvOption { return func(o *envOptions) { o.partial = true } }

// WithLookup reads variables through lookup instead of os.LookupEnv (for
// tests and for configuration held elsewhere).
func WithLookup(lookup func(string) (string, bool)) EnvOption {
	return func(o *envOptions) {
		if lookup != nil {
			o.lookup = lookup
		}
	}
}

// ConfigFromEnv builds a Config from CLOUDINARY_URL, then applies the
// overrides CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, CLOUDINARY_API_SECRET
// and CLOUDINARY_UPLOAD_PREFIX. CLOUDINARY_URL may be absent when
// CLOUDINARY_CLOUD_NAME is set. The result is validated (see Partial for
// callers that complete it themselves). It is the one place that knows the
// CLOUDINARY_* variables.
func ConfigFromEnv(opts ...EnvOption) (Config, error) {
	o := envOptions{lookup: os.LookupEnv}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.partial {
		return partialFromLookup(o.lookup)
	}
	return configFromLookup(o.lookup)
}

// partialFromLookup is ConfigFromEnv under Partial.
func partialFromLookup(lookup func(string) (string, bool)) (Config, error) {
	anySet := false
	for _, k := range EnvVars {
		if v, ok := lookup(k); ok && strings.TrimSpace(v) != "" {
			anySet = true
		}
	}
	if !anySet {
		return Config{}, nil
	}
	cfg, shape, err := readEnv(lookup)
	if err != nil {
		return Config{}, err
	}
	if err := shape.check(cfg); err != nil {
		return Config{}, err
	}
	if err := cfg.validateValues(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func configFromLookup(lookup func(string) (string, bool)) (Config, error) {
	cfg, shape, err := readEnv(lookup)
	if err != nil {
		return Config{}, err
	}
	raw, _ := lookup(envURL)
	if cfg.CloudName == "" && strings.TrimSpace(raw) == "" {
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "not set", Fix: "export CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME (or CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, CLOUDINARY_API_SECRET)"}
	}
	if err := shape.check(cfg); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}

// readEnv parses CLOUDINARY_URL, when set, and applies the other variables
// over it, without validating the result.
func readEnv(lookup func(string) (string, bool)) (Config, urlShape, error) {
	var cfg Config
	var shape urlShape
	if raw, ok := lookup(envURL); ok && strings.TrimSpace(raw) != "" {
		var err error
		if cfg, shape, err = parseURL(raw); err != nil {
			return Config{}, urlShape{}, err
		}
	}
	for _, o := range envOverrides {
		if v, ok := lookup(o.name); ok && v != "" {
			o.apply(&cfg, v)
		}
	}
	return cfg, shape, nil
}
