package client

import (
	"fmt"
	"io"
	"log/slog"
)

const redacted = "[REDACTED]"

// Secret holds a credential (the API secret or an OAuth token) so that it
// cannot be printed by accident: String, GoString, Format, MarshalJSON,
// MarshalText and LogValue all redact it, and because the value sits behind
// a pointer even reflection-based printing of an enclosing struct shows only
// an address. Reveal returns the value for the few places that need it.
type Secret struct {
	v *string
}

// NewSecret wraps s. An empty s gives the zero Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

// Reveal returns the secret value. Call it only to sign or authenticate.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String returns a placeholder, never the value.
func (s Secret) String() string {
	if s.IsZero() {
		return ""
	}
	return redacted
}

// GoString returns a placeholder, never the value.
func (s Secret) GoString() string { return "client.Secret(" + fmt.Sprintf("%q", s.String()) + ")" }

// Format prints the placeholder for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	io.WriteString(f, s.String())
}

// MarshalJSON encodes the placeholder as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText encodes the placeholder.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue makes slog print the placeholder.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
