package client

import (
	"errors"
	"strings"
	"testing"
)

// leaks reports the longest piece (6 bytes or more) of secret that msg
// contains, or "" when it contains none.
func leaks(msg, secret string) string {
	for n := len(secret); n >= 6; n-- {
		for i := 0; i+n <= len(secret); i++ {
			if strings.Contains(msg, secret[i:i+n]) {
				return secret[i : i+n]
			}
		}
	}
	return ""
}

// TestMalformedURLNeverEchoesCredentials: every malformed CLOUDINARY_URL
// is refused with a one-line *ConfigError that says what is wrong and
// where, and that contains no piece of the canary secret, wherever the
// mistake put it (the API key, the cloud name, the path, an option value).
// Each URL is checked through ParseURL and through ConfigFromEnv.
func TestMalformedURLNeverEchoesCredentials(t *testing.T) {
	t.Parallel()
	const c = cfgCanary
	tests := []struct {
		name, raw string
		field     string
		want      string // in the message
	}{
		{"semicolon for colon", "cloudinary://key;" + c + "@demo", "CLOUDINARY_URL", "no ':' between the API key and the API secret"},
		{"secret alone", "cloudinary://" + c + "@demo", "CLOUDINARY_URL", "no ':' between the API key and the API secret"},
		{"key and secret glued", "cloudinary://key" + c + "@demo", "CLOUDINARY_URL", "no ':' between the API key and the API secret"},
		{"comma for colon", "cloudinary://key," + c + "@demo?timeout=5", "CLOUDINARY_URL", "characters 14-"},
		{"slash in secret", "cloudinary://key:" + c + "/x@demo", "CLOUDINARY_URL", "position"},
		{"slash in numeric secret start", "cloudinary://key:123/" + c + "@demo", "CLOUDINARY_URL", "ends the credentials early"},
		{"question mark in secret", "cloudinary://key:123?" + c + "@demo", "CLOUDINARY_URL", "ends the credentials early"},
		{"hash in secret", "cloudinary://key:123#" + c + "@demo", "CLOUDINARY_URL", "ends the credentials early"},
		{"hash after cloud", "cloudinary://key:s@demo#" + c, "CLOUDINARY_URL", "'#' at position 24"},
		{"bad escape", "cloudinary://key:" + c + "%zz@demo", "CLOUDINARY_URL", "invalid percent-escape at position 36"},
		{"quote in secret", "cloudinary://key:" + c + "\"@demo", "CLOUDINARY_URL", "position 36"},
		{"newline in secret", "cloudinary://key:" + c + "\n@demo", "CLOUDINARY_URL", "control character at position 36"},
		{"space in cloud", "cloudinary://key:" + c + "@de mo", "CLOUDINARY_URL", "cloud name"},
		{"port on cloud", "cloudinary://key:s@" + c + ":99", "CLOUDINARY_URL", "port"},
		{"wrong scheme", "https://key:" + c + "@demo", "CLOUDINARY_URL", "scheme must be cloudinary://"},
		{"pasted export line", "CLOUDINARY_URL=cloudinary://key:" + c + "@demo", "CLOUDINARY_URL", "starts with CLOUDINARY_URL="},
		{"no cloud", "cloudinary://key:" + c + "@", "cloud_name", "missing"},
		{"timeout", "cloudinary://key:s@demo?timeout=" + c, "timeout", "position 33"},
		{"upload timeout", "cloudinary://key:s@demo?upload_timeout=" + c, "upload_timeout", "position"},
		{"algorithm", "cloudinary://key:s@demo?signature_algorithm=" + c, "signature_algorithm", "sha1 or sha256"},
		{"version", "cloudinary://key:s@demo?signature_version=" + c, "signature_version", "1 or 2"},
		{"chunk size", "cloudinary://key:s@demo?chunk_size=" + c, "chunk_size", "position"},
		{"prefix", "cloudinary://key:s@demo?upload_prefix=" + c, "upload_prefix", "http"},
		{"credentials in the prefix", "cloudinary://key:s@demo?upload_prefix=https://key:" + c + "@api.cloudinary.com", "upload_prefix", "has credentials"},
		{"query escape", "cloudinary://key:s@demo?oauth_token=" + c + "%zz", "CLOUDINARY_URL", "percent-escape at position"},
		{"query semicolon", "cloudinary://key:s@demo?oauth_token=" + c + ";timeout=5", "CLOUDINARY_URL", "';' at position"},
		{"key with empty secret", "cloudinary://" + c + ":@demo", "api_secret", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, perr := ParseURL(tt.raw)
			_, eerr := configFromLookup(func(k string) (string, bool) {
				if k == "CLOUDINARY_URL" {
					return tt.raw, true
				}
				return "", false
			})
			for via, err := range map[string]error{"ParseURL": perr, "ConfigFromEnv": eerr} {
				var ce *ConfigError
				if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("%s: err = %v, want a *ConfigError", via, err)
				}
				msg := err.Error()
				if piece := leaks(msg, c); piece != "" {
					t.Errorf("%s: message echoes %q of the secret: %s", via, piece, msg)
				}
				if ce.Field != tt.field || !strings.Contains(msg, tt.want) || strings.ContainsAny(msg, "\r\n") || ce.Fix == "" {
					t.Errorf("%s: got field %q, message %q; want field %q, a one-line message containing %q and a fix", via, ce.Field, msg, tt.field, tt.want)
				}
			}
		})
	}
}

// FuzzParseURLNeverEchoes puts the canary anywhere in a CLOUDINARY_URL
// (between two fuzzed pieces) and checks that no error of ParseURL or
// ConfigFromEnv contains a piece of it.
func FuzzParseURLNeverEchoes(f *testing.F) {
	for _, seed := range [][2]string{
		{"key;", "@demo"}, {"", "@demo"}, {"key", "@demo"}, {"key:123/", "@demo"}, {"key:s@demo?timeout=", ""},
		{"key:s@demo?signature_algorithm=", "&timeout=1"}, {"key:", "%zz@demo"}, {"key:s@", ":99"}, {"k:s@demo#", ""},
		{"key:s@demo?chunk_size=", ""}, {"key:", "\n@demo"}, {"key:s@demo?a=b;c=", ""}, {"", ":@demo"},
	} {
		f.Add(seed[0], seed[1])
	}
	const canary = "Zq9CanaryXw4"
	f.Fuzz(func(t *testing.T, before, after string) {
		raw := "cloudinary://" + before + canary + after
		_, perr := ParseURL(raw)
		_, eerr := configFromLookup(func(k string) (string, bool) {
			switch k {
			case "CLOUDINARY_URL":
				return raw, true
			case "CLOUDINARY_API_SECRET":
				return "", false
			}
			return "", false
		})
		for _, err := range []error{perr, eerr} {
			if err == nil {
				continue
			}
			if piece := leaks(err.Error(), canary); piece != "" {
				t.Fatalf("error for %q echoes %q: %v", raw, piece, err)
			}
		}
	})
}

// WithBaseURL refuses a base URL with credentials without quoting it.
func TestWithBaseURLNeverEchoes(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://key:" + cfgCanary + "@api.cloudinary.com", "ftp://" + cfgCanary, "https://h/?token=" + cfgCanary} {
		_, err := New(Config{CloudName: "demo", APIKey: "k", APISecret: NewSecret("s")}, WithBaseURL(base))
		if err == nil || leaks(err.Error(), cfgCanary) != "" {
			t.Errorf("WithBaseURL(%q): %v", base, err)
		}
	}
}
