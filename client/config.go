package client

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

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
// and how to fix it. It never contains the API secret.
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
	c = c.withDefaults()
	if c.CloudName == "" {
		return &ConfigError{Field: "cloud_name", Reason: "missing", Fix: "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME or CLOUDINARY_CLOUD_NAME"}
	}
	if strings.ContainsAny(c.CloudName, "/?#@ ") {
		return &ConfigError{Field: "cloud_name", Reason: fmt.Sprintf("%q is not a valid cloud name", c.CloudName), Fix: "use the cloud name shown in the Cloudinary console"}
	}
	if c.APIKey != "" && c.APISecret.IsZero() && c.OAuthToken.IsZero() {
		return &ConfigError{Field: "api_secret", Reason: "missing for API key " + c.APIKey, Fix: "set it in CLOUDINARY_URL or CLOUDINARY_API_SECRET"}
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
	return nil
}

// ParseURL parses a CLOUDINARY_URL of the form
//
//	cloudinary://API_KEY:API_SECRET@CLOUD_NAME[/SECURE_DISTRIBUTION]?upload_prefix=…&signature_algorithm=…
//
// Recognised query keys: upload_prefix, signature_algorithm, signature_version,
// timeout and upload_timeout (seconds), chunk_size (bytes), oauth_token,
// secure_distribution, private_cdn. Unknown keys are ignored, like the
// official SDKs do. The result is validated; errors never contain the secret.
func ParseURL(raw string) (Config, error) {
	cfg, err := parseURL(raw)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}

const urlFix = "use cloudinary://API_KEY:API_SECRET@CLOUD_NAME, percent-encoding special characters in the key and secret"

func parseURL(raw string) (Config, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "empty", Fix: urlFix}
	}
	scheme, _, found := strings.Cut(raw, "://")
	if !found || scheme != "cloudinary" {
		// Never echo the input: it holds the secret.
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "scheme must be cloudinary://", Fix: urlFix}
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse errors quote the whole input, secret included: describe
		// the problem without it.
		reason := "malformed URL"
		var esc url.EscapeError
		var host url.InvalidHostError
		switch {
		case errors.As(err, &esc):
			reason = "invalid percent-escape"
		case errors.As(err, &host):
			reason = "invalid character in cloud name"
		}
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: reason, Fix: urlFix}
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
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "malformed query string", Fix: "percent-encode the values of upload_prefix and the other options"}
	}
	if err := cfg.applyOptions(q); err != nil {
		return Config{}, err
	}
	if cfg.CloudName == "" {
		return Config{}, &ConfigError{Field: "cloud_name", Reason: "missing from CLOUDINARY_URL", Fix: urlFix}
	}
	return cfg, nil
}

func (c *Config) applyOptions(q url.Values) error {
	for key, values := range q {
		v := values[len(values)-1]
		var err error
		switch key {
		case "upload_prefix":
			c.UploadPrefix = strings.TrimRight(v, "/")
		case "signature_algorithm":
			c.SignatureAlgorithm, err = signer.ParseAlgorithm(v)
			if err != nil {
				return &ConfigError{Field: key, Reason: fmt.Sprintf("unknown algorithm %q", v), Fix: "use sha1 or sha256"}
			}
		case "signature_version":
			c.SignatureVersion, err = strconv.Atoi(v)
			if err != nil || (c.SignatureVersion != 1 && c.SignatureVersion != 2) {
				return &ConfigError{Field: key, Reason: fmt.Sprintf("unknown version %q", v), Fix: "use 1 or 2"}
			}
		case "timeout", "upload_timeout":
			d, perr := parseSeconds(v)
			if perr != nil {
				return &ConfigError{Field: key, Reason: fmt.Sprintf("%q is not a positive number of seconds", v), Fix: "give a number of seconds greater than 0, e.g. 60"}
			}
			if key == "timeout" {
				c.Timeout = d
			} else {
				c.UploadTimeout = d
			}
		case "chunk_size":
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil || n < MinChunkSize {
				return &ConfigError{Field: key, Reason: fmt.Sprintf("%q is not a size of at least %d bytes", v, MinChunkSize), Fix: fmt.Sprintf("use at least %d bytes (5 MiB)", MinChunkSize)}
			}
			c.ChunkSize = n
		case "oauth_token":
			c.OAuthToken = NewSecret(v)
		case "secure_distribution", "secure_cname":
			c.SecureDistribution = v
		case "private_cdn":
			c.PrivateCDN = v == "true" || v == "1"
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

// ConfigFromEnv builds a Config from CLOUDINARY_URL, then applies the
// overrides CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, CLOUDINARY_API_SECRET
// and CLOUDINARY_UPLOAD_PREFIX. CLOUDINARY_URL may be absent when
// CLOUDINARY_CLOUD_NAME is set. The result is validated.
func ConfigFromEnv() (Config, error) {
	return configFromLookup(os.LookupEnv)
}

func configFromLookup(lookup func(string) (string, bool)) (Config, error) {
	var cfg Config
	raw, hasURL := lookup("CLOUDINARY_URL")
	if hasURL && strings.TrimSpace(raw) != "" {
		var err error
		if cfg, err = parseURL(raw); err != nil {
			return Config{}, err
		}
	}
	set := false
	if v, ok := lookup("CLOUDINARY_CLOUD_NAME"); ok && v != "" {
		cfg.CloudName, set = v, true
	}
	if v, ok := lookup("CLOUDINARY_API_KEY"); ok && v != "" {
		cfg.APIKey = v
	}
	if v, ok := lookup("CLOUDINARY_API_SECRET"); ok && v != "" {
		cfg.APISecret = NewSecret(v)
	}
	if v, ok := lookup("CLOUDINARY_UPLOAD_PREFIX"); ok && v != "" {
		cfg.UploadPrefix = strings.TrimRight(v, "/")
	}
	if !set && (!hasURL || strings.TrimSpace(raw) == "") {
		return Config{}, &ConfigError{Field: "CLOUDINARY_URL", Reason: "not set", Fix: "export CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME (or CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, CLOUDINARY_API_SECRET)"}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}
