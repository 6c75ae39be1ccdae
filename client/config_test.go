package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

const cfgCanary = "CANARY-s3cr3t-7f1e"

func TestParseURL(t *testing.T) {
	t.Parallel()
	cfg, err := ParseURL("cloudinary://key:" + cfgCanary + "@test123?upload_prefix=https://test.prefix.com/&timeout=59&upload_timeout=58&chunk_size=6000000&signature_algorithm=sha256&signature_version=1&oauth_token=tok")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"cloud": "test123", "key": "key", "secret": cfgCanary, "prefix": "https://test.prefix.com",
		"timeout": 59 * time.Second, "upload": 58 * time.Second, "chunk": int64(6000000),
		"alg": signer.SHA256, "version": 1, "token": "tok",
	}
	got := map[string]any{
		"cloud": cfg.CloudName, "key": cfg.APIKey, "secret": cfg.APISecret.Reveal(), "prefix": cfg.UploadPrefix,
		"timeout": cfg.Timeout, "upload": cfg.UploadTimeout, "chunk": cfg.ChunkSize,
		"alg": cfg.SignatureAlgorithm, "version": cfg.SignatureVersion, "token": cfg.OAuthToken.Reveal(),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
}

func TestParseURLDefaultsAndDistribution(t *testing.T) {
	t.Parallel()
	cfg, err := ParseURL("cloudinary://key:p%40ss@demo/cdn.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APISecret.Reveal() != "p@ss" {
		t.Errorf("escaped secret not decoded")
	}
	if cfg.UploadPrefix != DefaultUploadPrefix || cfg.SignatureAlgorithm != signer.SHA1 || cfg.SignatureVersion != 2 ||
		cfg.Timeout != DefaultTimeout || cfg.ChunkSize != DefaultChunkSize {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if !cfg.PrivateCDN || cfg.SecureDistribution != "cdn.example.com" {
		t.Errorf("path not taken as secure distribution: %q %v", cfg.SecureDistribution, cfg.PrivateCDN)
	}
}

func TestParseURLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, field string
	}{
		{"empty", "", "CLOUDINARY_URL"},
		{"wrong scheme", "https://key:" + cfgCanary + "@demo", "CLOUDINARY_URL"},
		{"no scheme", "key:" + cfgCanary + "@demo", "CLOUDINARY_URL"},
		{"no cloud", "cloudinary://key:" + cfgCanary + "@", "cloud_name"},
		{"bad escape in secret", "cloudinary://key:" + cfgCanary + "%zz@demo", "CLOUDINARY_URL"},
		{"bad host", "cloudinary://key:" + cfgCanary + "@de mo", "CLOUDINARY_URL"},
		{"unknown algorithm", "cloudinary://key:" + cfgCanary + "@demo?signature_algorithm=md5", "signature_algorithm"},
		{"bad version", "cloudinary://key:" + cfgCanary + "@demo?signature_version=3", "signature_version"},
		{"small chunk", "cloudinary://key:" + cfgCanary + "@demo?chunk_size=7357", "chunk_size"},
		{"zero timeout", "cloudinary://key:" + cfgCanary + "@demo?timeout=0", "timeout"},
		{"negative upload timeout", "cloudinary://key:" + cfgCanary + "@demo?upload_timeout=-1", "upload_timeout"},
		{"bad prefix", "cloudinary://key:" + cfgCanary + "@demo?upload_prefix=ftp://x", "upload_prefix"},
		{"key without secret", "cloudinary://key@demo", "CLOUDINARY_URL"},
		{"key with empty secret", "cloudinary://key:@demo", "api_secret"},
		{"bad query escape", "cloudinary://key:" + cfgCanary + "@demo?timeout=%zz", "CLOUDINARY_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURL(tt.raw)
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want *ConfigError", err)
			}
			if ce.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", ce.Field, tt.field, err)
			}
			msg := err.Error()
			if strings.Contains(msg, cfgCanary) || strings.Contains(msg, "\n") || ce.Fix == "" {
				t.Errorf("bad message %q", msg)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cfg, err := configFromLookup(env(map[string]string{
		"CLOUDINARY_URL":           "cloudinary://key:" + cfgCanary + "@demo",
		"CLOUDINARY_CLOUD_NAME":    "other",
		"CLOUDINARY_API_KEY":       "k2",
		"CLOUDINARY_API_SECRET":    "s2",
		"CLOUDINARY_UPLOAD_PREFIX": "http://127.0.0.1:9/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CloudName != "other" || cfg.APIKey != "k2" || cfg.APISecret.Reveal() != "s2" || cfg.UploadPrefix != "http://127.0.0.1:9" {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	cfg, err = configFromLookup(env(map[string]string{"CLOUDINARY_CLOUD_NAME": "c", "CLOUDINARY_API_KEY": "k", "CLOUDINARY_API_SECRET": "s"}))
	if err != nil || cfg.CloudName != "c" {
		t.Errorf("individual variables: %v %+v", err, cfg)
	}
	_, err = configFromLookup(env(nil))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "CLOUDINARY_URL" || !strings.Contains(err.Error(), "export CLOUDINARY_URL") {
		t.Errorf("unset: %v", err)
	}
	t.Setenv("CLOUDINARY_URL", "cloudinary://a:b@envcloud")
	t.Setenv("CLOUDINARY_CLOUD_NAME", "")
	if cfg, err := ConfigFromEnv(); err != nil || cfg.CloudName != "envcloud" {
		t.Errorf("ConfigFromEnv: %v %+v", err, cfg)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	cfg, err := ParseURL("cloudinary://key:" + cfgCanary + "@demo?oauth_token=" + cfgCanary)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("cfg", "cfg", cfg, "secret", cfg.APISecret)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "cfg", cfg, "secret", cfg.APISecret)
	js, _ := json.Marshal(cfg)
	text, _ := cfg.APISecret.MarshalText()
	outputs := []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s %q %x %X", cfg, cfg, cfg, cfg.APISecret, cfg.APISecret, cfg.APISecret, cfg.APISecret),
		fmt.Sprintf("%v %+v %#v", &cfg, &cfg, &cfg), cfg.APISecret.String(), cfg.APISecret.GoString(),
		string(js), string(text), logs.String(),
	}
	for _, out := range outputs {
		if strings.Contains(out, cfgCanary) {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if !strings.Contains(string(js), redacted) {
		t.Errorf("JSON does not show the placeholder: %s", js)
	}
	if cfg.APISecret.Reveal() != cfgCanary {
		t.Error("Reveal lost the value")
	}
	if !(Secret{}).IsZero() || NewSecret("").Reveal() != "" || (Secret{}).String() != "" {
		t.Error("zero Secret misbehaves")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := Config{CloudName: "demo", APIKey: "k", APISecret: NewSecret("s")}
	if err := ok.Validate(); err != nil {
		t.Fatalf("minimal config rejected: %v", err)
	}
	tests := []struct {
		name  string
		mod   func(*Config)
		field string
	}{
		{"no cloud", func(c *Config) { c.CloudName = "" }, "cloud_name"},
		{"slash in cloud", func(c *Config) { c.CloudName = "a/b" }, "cloud_name"},
		{"bad alg", func(c *Config) { c.SignatureAlgorithm = "md5" }, "signature_algorithm"},
		{"bad version", func(c *Config) { c.SignatureVersion = 7 }, "signature_version"},
		{"small chunk", func(c *Config) { c.ChunkSize = 100 }, "chunk_size"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			var ce *ConfigError
			if err := c.Validate(); !errors.As(err, &ce) || ce.Field != tt.field {
				t.Errorf("err = %v, want field %s", err, tt.field)
			}
		})
	}
}

// A secret without a key is enough to sign (cldrest sign) but not to call
// the APIs: ParseURL takes it, New refuses it.
func TestSecretWithoutKey(t *testing.T) {
	t.Parallel()
	cfg, err := ParseURL("cloudinary://:" + cfgCanary + "@demo")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	_, err = New(cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "api_key" || strings.Contains(err.Error(), cfgCanary) {
		t.Fatalf("New: %v, want a ConfigError for api_key", err)
	}
}

// FuzzParseURL: no panic, and the error text never contains the password.
func FuzzParseURL(f *testing.F) {
	f.Add("key", "secret", "demo", "upload_prefix=http://127.0.0.1:1")
	f.Add("k", "s%zz", "demo", "")
	f.Add("k", "s:e@c", "de mo", "chunk_size=1")
	f.Add("", "", "", "timeout=%")
	f.Fuzz(func(t *testing.T, key, secret, cloud, query string) {
		secret = "QX7" + secret + "7XQ" // markers no message text contains
		raw := "cloudinary://" + key + ":" + secret + "@" + cloud
		if query != "" {
			raw += "?" + query
		}
		cfg, err := ParseURL(raw)
		if err != nil {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q contains the secret %q", err, secret)
			}
			return
		}
		// Printing must not depend on the secret at all.
		other := cfg
		if !cfg.APISecret.IsZero() {
			other.APISecret = NewSecret(cfg.APISecret.Reveal() + "x")
		}
		if fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg) != fmt.Sprintf("%v %+v %#v", other, other, other) {
			t.Fatalf("printed config depends on the secret")
		}
	})
}
