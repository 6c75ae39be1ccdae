package main

import (
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
	cfg, err := client.ConfigFromEnv(client.Partial())
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
