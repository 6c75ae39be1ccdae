package transform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinels matched by errors.Is against the errors this package returns.
var (
	// ErrInvalid marks a transformation Cloudinary itself would reject
	// (unknown parameter, malformed value). A server answers it with 400.
	ErrInvalid = errors.New("invalid transformation")
	// ErrUnsupported marks a valid Cloudinary transformation, parameter or
	// source format that this engine does not render. A server answers it
	// with 400 and never falls back to the original.
	ErrUnsupported = errors.New("transformation not supported by the cldrest mock")
	// ErrTooLarge marks a source or an output above the pixel limit.
	ErrTooLarge = errors.New("image too large")
	// ErrDecode marks source bytes that are not a decodable image.
	ErrDecode = errors.New("cannot decode image")
)

// Error is a transformation that cannot be parsed or rendered. Param is the
// offending parameter as written ("w_abc", "e_cartoonify", "f_avif"); Msg is
// the one-line message a server puts in its error body and X-Cld-Error.
type Error struct {
	Param string
	Msg   string
	kind  error // one of the sentinels
}

// Error returns Msg.
func (e *Error) Error() string { return e.Msg }

// newError builds an Error whose message is one printable line, safe for an
// X-Cld-Error header: control characters and invalid UTF-8 that came from
// the transformation are escaped (\n, \x00).
func newError(kind error, param, msg string) *Error {
	return &Error{Param: param, Msg: oneLine(msg), kind: kind}
}

func oneLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsControl(r) || (r == utf8.RuneError && n == 1) {
			q := strconv.QuoteToASCII(s[i : i+n])
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Is reports whether target is the sentinel this error belongs to
// (ErrInvalid, ErrUnsupported, ErrTooLarge or ErrDecode).
func (e *Error) Is(target error) bool { return target == e.kind }

// invalidComponent is Cloudinary's answer to a parameter it does not know.
func invalidComponent(param string) *Error {
	return newError(ErrInvalid, param, "Invalid transformation component - "+param)
}

// invalidValue is Cloudinary's answer to a known parameter with a bad value,
// e.g. "Invalid width in transformation: abc".
func invalidValue(param, what, value string) *Error {
	return newError(ErrInvalid, param, fmt.Sprintf("Invalid %s in transformation: %s", what, value))
}

func invalidf(param, format string, args ...any) *Error {
	return newError(ErrInvalid, param, fmt.Sprintf(format, args...))
}

// unsupported names a valid transformation the engine does not render.
func unsupported(param, why string) *Error {
	msg := "The cldrest mock server does not support the transformation " + param
	if why != "" {
		msg += " (" + why + ")"
	}
	return newError(ErrUnsupported, param, msg)
}

func tooLarge(w, h, limit int) *Error {
	return newError(ErrTooLarge, "", fmt.Sprintf("Image of %dx%d (%.0f pixels) exceeds the cldrest mock's limit of %d pixels; request smaller dimensions", w, h, float64(w)*float64(h), limit))
}

func decodeError(format string, args ...any) *Error {
	return newError(ErrDecode, "", fmt.Sprintf(format, args...))
}
