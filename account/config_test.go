package account

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

const (
	testAccount = "16a8ff3b-736b-49a6-85c0-03b69d5a357b"
	testKey     = "123456789012345"
	testSecret  = "canary-PROV-secret-9c2e" // must never appear in any output
)

func TestParseURL(t *testing.T) {
	cfg, err := ParseURL("account://" + testKey + ":" + testSecret + "@" + testAccount + "?upload_prefix=http://127.0.0.1:9/&timeout=7")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AccountID != testAccount || cfg.Key != testKey || cfg.Secret.Reveal() != testSecret || cfg.UploadPrefix != "http://127.0.0.1:9" || cfg.Timeout != 7*time.Second {
		t.Fatalf("parsed %+v", cfg)
	}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, testSecret) {
		t.Fatalf("printing the config shows the secret: %s", s)
	}
	// The scheme is case-insensitive, as in the Node.js SDK; percent-escapes
	// in the secret are decoded.
	cfg, err = ParseURL("ACCOUNT://k:a%2Fb%40c@acc")
	if err != nil || cfg.Secret.Reveal() != "a/b@c" || cfg.UploadPrefix != client.DefaultUploadPrefix {
		t.Fatalf("parsed %+v, %v", cfg, err)
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		raw, field, reason string
	}{
		{"", EnvAccountURL, "empty"},
		{"cloudinary://" + testKey + ":" + testSecret + "@demo", EnvAccountURL, "scheme must be account://"},
		{testKey + ":" + testSecret + "@acc", EnvAccountURL, "scheme must be account://"},
		{"account://" + testKey + ":" + testSecret + "@", "account_id", "missing"},
		{"account://" + testKey + ":" + testSecret + "%zz@acc", EnvAccountURL, "invalid percent-escape"},
		{"account://@acc", "provisioning_key", "missing"},
		{"account://" + testKey + "@acc", EnvAccountURL, "no ':' between the provisioning key and the"},
		{"account://" + testKey + ":" + testSecret + "@acc?upload_prefix=ftp://x", "upload_prefix", "not an http(s) URL"},
		{"account://" + testKey + ":" + testSecret + "@acc?timeout=-1", "timeout", "not a positive number"},
	}
	for _, tc := range tests {
		_, err := ParseURL(tc.raw)
		var ce *client.ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, client.ErrInvalidConfig) {
			t.Errorf("%q: err %v, want a *client.ConfigError", tc.raw, err)
			continue
		}
		msg := err.Error()
		if ce.Field != tc.field || !strings.Contains(ce.Reason, tc.reason) {
			t.Errorf("%q: %s: %s, want %s: %s", tc.raw, ce.Field, ce.Reason, tc.field, tc.reason)
		}
		if strings.Contains(msg, testSecret) || strings.Contains(msg, "\n") {
			t.Errorf("%q: message %q shows the secret or spans lines", tc.raw, msg)
		}
		if strings.Contains(msg, "cloudinary://") || strings.Contains(msg, "CLOUD_NAME") {
			t.Errorf("%q: message %q speaks of CLOUDINARY_URL, not the account URL", tc.raw, msg)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvAccountURL, "")
	if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "export "+EnvAccountURL+"=account://") {
		t.Fatalf("unset: %v", err)
	}
	t.Setenv(EnvAccountURL, " account://k:s@acc ")
	cfg, err := ConfigFromEnv()
	if err != nil || cfg.AccountID != "acc" {
		t.Fatalf("%+v %v", cfg, err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{AccountID: "acc", Key: "k"}); !errors.Is(err, client.ErrInvalidConfig) || !strings.Contains(err.Error(), "provisioning_secret") {
		t.Fatalf("no secret: %v", err)
	}
	if _, err := New(Config{AccountID: "a/b", Key: "k", Secret: client.NewSecret("s")}); err == nil || !strings.Contains(err.Error(), "account_id") {
		t.Fatalf("bad account ID: %v", err)
	}
	s, err := New(Config{AccountID: "acc", Key: "k", Secret: client.NewSecret(testSecret)})
	if err != nil || s.AccountID() != "acc" {
		t.Fatalf("%v %v", s, err)
	}
	if out := fmt.Sprintf("%v %+v", s.Client(), *s); strings.Contains(out, testSecret) {
		t.Fatalf("printing the service shows the secret: %s", out)
	}
}

// FuzzParseURL checks that no input makes ParseURL panic, accept a URL
// without the account:// scheme, or echo a secret in its error.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"account://k:s@acc", "account://k:%zz@acc", "account://k:s@acc?upload_prefix=http://x", "ACCOUNT://:@", "cloudinary://k:s@c", "account://k:s@a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		const canary = "Zq9canarySECRETx"
		in := strings.Replace(raw, ":s@", ":"+canary+"@", 1)
		cfg, err := ParseURL(in)
		if err != nil {
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error echoes the secret: %v", err)
			}
			return
		}
		if !strings.EqualFold(strings.TrimSpace(in)[:10], "account://") {
			t.Fatalf("accepted %q without the account scheme", in)
		}
		if cfg.AccountID == "" || cfg.Key == "" || cfg.Secret.IsZero() {
			t.Fatalf("accepted an incomplete config %+v", cfg)
		}
	})
}
