package account

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/cldrest/cldrest/client"
)

// EnvAccountURL is the environment variable ConfigFromEnv reads.
const EnvAccountURL = "CLOUDINARY_ACCOUNT_URL"

const urlFix = "use account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID (Console > Settings > Account > Provisioning API Access), percent-encoding special characters in the key and secret"

// Config is everything needed to call the Provisioning API of one account.
// Printing it never shows the secret.
type Config struct {
	AccountID string
	Key       string        // provisioning key
	Secret    client.Secret // provisioning secret
	// UploadPrefix is the API base URL, default https://api.cloudinary.com.
	UploadPrefix string
	// Timeout bounds each attempt of a call; default client.DefaultTimeout.
	Timeout time.Duration
}

// Validate reports the first wrong field as a *client.ConfigError (which
// matches client.ErrInvalidConfig); it never contains the secret.
func (c Config) Validate() error {
	if _, err := c.clientConfig(); err != nil {
		return err
	}
	switch {
	case c.Key == "":
		return &client.ConfigError{Field: "provisioning_key", Reason: "missing", Fix: urlFix}
	case c.Secret.IsZero():
		return &client.ConfigError{Field: "provisioning_secret", Reason: "missing for provisioning key " + c.Key, Fix: urlFix}
	}
	return nil
}

// clientConfig is the client configuration of the account: the client's
// "cloud name" is the account ID (the Provisioning API's path names it;
// requests are sent below that root).
func (c Config) clientConfig() (client.Config, error) {
	cfg := client.Config{CloudName: c.AccountID, APIKey: c.Key, APISecret: c.Secret, UploadPrefix: c.UploadPrefix, Timeout: c.Timeout}
	if err := cfg.Validate(); err != nil {
		return client.Config{}, accountError(err)
	}
	return cfg.WithDefaults(), nil
}

// ParseURL parses a CLOUDINARY_ACCOUNT_URL,
//
//	account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID[?upload_prefix=…&timeout=…]
//
// with the query options of client.ParseURL (upload_prefix, timeout). The
// result is validated; errors never contain the secret.
func ParseURL(raw string) (Config, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Config{}, &client.ConfigError{Field: EnvAccountURL, Reason: "empty", Fix: urlFix}
	}
	scheme, rest, found := strings.Cut(raw, "://")
	if !found || !strings.EqualFold(scheme, "account") {
		// Never echo the input: it holds the secret.
		return Config{}, &client.ConfigError{Field: EnvAccountURL, Reason: "scheme must be account://", Fix: urlFix}
	}
	// The account URL has the shape of a CLOUDINARY_URL with the account ID
	// as host: parse it with the same (secret-safe) parser.
	cc, err := client.ParseURL("cloudinary://" + rest)
	if err != nil {
		return Config{}, accountError(err)
	}
	cfg := Config{AccountID: cc.CloudName, Key: cc.APIKey, Secret: cc.APISecret, UploadPrefix: cc.UploadPrefix, Timeout: cc.Timeout}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// ConfigFromEnv parses CLOUDINARY_ACCOUNT_URL. An unset variable is a
// *client.ConfigError saying how to set it.
func ConfigFromEnv() (Config, error) {
	raw, ok := os.LookupEnv(EnvAccountURL)
	if !ok || strings.TrimSpace(raw) == "" {
		return Config{}, &client.ConfigError{Field: EnvAccountURL, Reason: "not set", Fix: "export " + EnvAccountURL + "=account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID"}
	}
	return ParseURL(raw)
}

var accountWords = strings.NewReplacer("CLOUDINARY_URL", EnvAccountURL, "cloud name", "account ID", "API key", "provisioning key", "API secret", "provisioning secret")

// accountError renames the fields and words of a client configuration
// error for the account configuration.
func accountError(err error) error {
	var ce *client.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	out := &client.ConfigError{Field: ce.Field, Reason: accountWords.Replace(ce.Reason), Fix: ce.Fix}
	switch ce.Field {
	case "CLOUDINARY_URL":
		out.Field, out.Fix = EnvAccountURL, urlFix
	case "cloud_name":
		out.Field, out.Fix = "account_id", urlFix
	case "api_key":
		out.Field, out.Fix = "provisioning_key", urlFix
	case "api_secret":
		out.Field, out.Fix = "provisioning_secret", urlFix
	}
	return out
}
