package client_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cldrest/cldrest/client"
)

func TestConfigFromEnvPartial(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) client.EnvOption {
		return client.WithLookup(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
	}
	cases := []struct {
		name    string
		env     map[string]string
		want    client.Config
		errWant string // ConfigError field; "" for success
	}{
		{"nothing set", nil, client.Config{}, ""},
		{"blank values", map[string]string{"CLOUDINARY_URL": "  "}, client.Config{}, ""},
		{"key only", map[string]string{"CLOUDINARY_API_KEY": "k"}, client.Config{APIKey: "k"}, ""},
		{"secret only", map[string]string{"CLOUDINARY_API_SECRET": "s"}, client.Config{APISecret: client.NewSecret("s")}, ""},
		{"prefix trimmed", map[string]string{"CLOUDINARY_UPLOAD_PREFIX": "http://127.0.0.1:9/"}, client.Config{UploadPrefix: "http://127.0.0.1:9"}, ""},
		{"malformed URL", map[string]string{"CLOUDINARY_URL": "https://k:s@c"}, client.Config{}, "CLOUDINARY_URL"},
		{"credentials without colon", map[string]string{"CLOUDINARY_URL": "cloudinary://secretonly@c"}, client.Config{}, "CLOUDINARY_URL"},
		{"bad prefix", map[string]string{"CLOUDINARY_UPLOAD_PREFIX": "ftp://x"}, client.Config{}, "upload_prefix"},
		{"bad cloud name", map[string]string{"CLOUDINARY_CLOUD_NAME": "a/b"}, client.Config{}, "cloud_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := client.ConfigFromEnv(client.Partial(), env(tc.env))
			if tc.errWant != "" {
				ce, ok := errors.AsType[*client.ConfigError](err)
				if !ok || ce.Field != tc.errWant {
					t.Fatalf("err = %v, want a ConfigError on %s", err, tc.errWant)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CloudName != tc.want.CloudName || cfg.APIKey != tc.want.APIKey || cfg.APISecret.Reveal() != tc.want.APISecret.Reveal() || cfg.UploadPrefix != tc.want.UploadPrefix {
				t.Errorf("cfg = %+v, want %+v", cfg, tc.want)
			}
		})
	}
	// Without Partial the same incomplete environment is refused.
	if _, err := client.ConfigFromEnv(env(map[string]string{"CLOUDINARY_API_KEY": "k"})); !errors.Is(err, client.ErrInvalidConfig) {
		t.Errorf("complete mode accepted an API key alone: %v", err)
	}
}

func TestIsRetryable(t *testing.T) {
	t.Parallel()
	api := func(code int) error { return client.NewAPIError(code, nil, nil) }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"420", api(420), true},
		{"429", api(429), true},
		{"500", api(500), true},
		{"502", api(502), true},
		{"503", api(503), true},
		{"504", api(504), true},
		{"501 is final", api(501), false},
		{"400", api(400), false},
		{"401", api(401), false},
		{"404", api(404), false},
		{"408", api(408), false},
		{"wrapped 503", fmt.Errorf("chunk 3: %w", api(503)), true},
		{"ambiguous", &client.AmbiguousError{Err: api(502)}, false},
		{"transport", &client.TransportError{Err: errors.New("connection reset")}, true},
		{"stalled", &client.TransportError{Err: fmt.Errorf("%w: %w", client.ErrStalled, context.Canceled)}, true},
		{"attempt timeout", &client.TransportError{Err: fmt.Errorf("%w: x", client.ErrAttemptTimeout)}, true},
		{"canceled", &client.TransportError{Err: context.Canceled}, false},
		{"input", &client.InputError{Op: "upload", Reason: "x"}, false},
		{"config", &client.ConfigError{Field: "cloud_name"}, false},
		{"decode", &client.DecodeError{Err: errors.New("bad json")}, false},
		{"other", errors.New("etag mismatch"), true},
	}
	for _, tc := range cases {
		if got := client.IsRetryable(tc.err); got != tc.want {
			t.Errorf("%s: IsRetryable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
		// The client's own policy agrees on statuses.
		if ae, ok := errors.AsType[*client.APIError](tc.err); ok && tc.name == fmt.Sprint(ae.StatusCode) && ae.Temporary() != tc.want {
			t.Errorf("%s: Temporary() = %v disagrees", tc.name, ae.Temporary())
		}
	}
}

// EnvVars is what ConfigFromEnv reads: every variable it looks up is
// listed, and every listed one is looked up.
func TestEnvVarsAreTheVariablesRead(t *testing.T) {
	asked := map[string]bool{}
	lookup := func(k string) (string, bool) {
		asked[k] = true
		return map[string]string{"CLOUDINARY_URL": "cloudinary://k:s@demo"}[k], k == "CLOUDINARY_URL"
	}
	if _, err := client.ConfigFromEnv(client.WithLookup(lookup)); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ConfigFromEnv(client.WithLookup(lookup), client.Partial()); err != nil {
		t.Fatal(err)
	}
	if len(asked) != len(client.EnvVars) {
		t.Errorf("looked up %v, EnvVars = %v", asked, client.EnvVars)
	}
	for _, k := range client.EnvVars {
		if !asked[k] {
			t.Errorf("EnvVars lists %s, ConfigFromEnv never reads it", k)
		}
	}
}
