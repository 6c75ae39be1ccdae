package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cldrest/cldrest/client"
)

// envConfig reads CLOUDINARY_URL and the CLOUDINARY_* overrides when any is
// set, without requiring them: commands fill the rest from flags. A
// malformed CLOUDINARY_URL is a usage error (exit 2); options the client
// ignores (misspelt, most likely) are warned about on warn.
func envConfig(warn io.Writer) (client.Config, error) {
	warnURLOptions(warn, os.Getenv("CLOUDINARY_URL"))
	anySet := false
	for _, k := range []string{"CLOUDINARY_URL", "CLOUDINARY_CLOUD_NAME", "CLOUDINARY_API_KEY", "CLOUDINARY_API_SECRET", "CLOUDINARY_UPLOAD_PREFIX"} {
		if strings.TrimSpace(os.Getenv(k)) != "" {
			anySet = true
		}
	}
	if !anySet {
		return client.Config{}, nil
	}
	cfg, err := client.ConfigFromEnv()
	var ce *client.ConfigError
	if errors.As(err, &ce) && ce.Field == "cloud_name" && os.Getenv("CLOUDINARY_URL") == "" {
		// Only some CLOUDINARY_* variables: let flags complete the config.
		cfg = client.Config{APIKey: os.Getenv("CLOUDINARY_API_KEY"), APISecret: client.NewSecret(os.Getenv("CLOUDINARY_API_SECRET")), UploadPrefix: strings.TrimRight(os.Getenv("CLOUDINARY_UPLOAD_PREFIX"), "/")}
		return cfg, nil
	}
	if err != nil {
		return client.Config{}, &exitError{code: exitUsage, err: err}
	}
	return cfg, nil
}

// warnURLOptions prints one warning per CLOUDINARY_URL option that the
// client ignores (a misspelling, most likely), naming the key only.
func warnURLOptions(w io.Writer, raw string) {
	for _, u := range client.UnknownURLOptions(raw) {
		hint := "known options: " + strings.Join(client.URLOptions, ", ")
		if u.Suggestion != "" {
			hint = "did you mean " + u.Suggestion + "?"
		}
		fmt.Fprintf(w, "cldrest: warning: CLOUDINARY_URL option %q is not recognised and is ignored (%s)\n", u.Key, hint)
	}
}
