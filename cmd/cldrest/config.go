package main

import (
	"github.com/cldrest/cldrest/client"
)

// envConfig reads CLOUDINARY_URL and the CLOUDINARY_* overrides when any is
// set, without requiring them: commands fill the rest from flags. A
// malformed CLOUDINARY_URL is a usage error (exit 2).
func envConfig() (client.Config, error) {
	cfg, err := client.ConfigFromEnv(client.Partial())
	if err != nil {
		return client.Config{}, &exitError{code: exitUsage, err: err}
	}
	return cfg, nil
}
