package transform

import (
	"errors"
	"fmt"
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

// Is reports whether target is the sentinel this error belongs to
// (ErrInvalid, ErrUnsupported, ErrTooLarge or ErrDecode).
func (e *Error) Is(target error) bool { return target == e.kind }

// invalidComponent is Cloudinary's answer to a parameter it does not know.
func invalidComponent(param string) *Error {
	return &Error{Param: param, Msg: "Invalid transformation component - " + param, kind: ErrInvalid}
}

// invalidValue is Cloudinary's answer to a known parameter with a bad value,
// e.g. "Invalid width in transformation: abc".
func invalidValue(param, what, value string) *Error {
	return &Error{Param: param, Msg: fmt.Sprintf("Invalid %s in transformation: %s", what, value), kind: ErrInvalid}
}

func invalidf(param, format string, args ...any) *Error {
	return &Error{Param: param, Msg: fmt.Sprintf(format, args...), kind: ErrInvalid}
}

// unsupported names a valid transformation the engine does not render.
func unsupported(param, why string) *Error {
	msg := "The cldrest mock server does not support the transformation " + param
	if why != "" {
		msg += " (" + why + ")"
	}
	return &Error{Param: param, Msg: msg, kind: ErrUnsupported}
}

func tooLarge(w, h, limit int) *Error {
	return &Error{
		Msg:  fmt.Sprintf("Image of %dx%d (%d pixels) exceeds the cldrest mock's limit of %d pixels; request smaller dimensions", w, h, w*h, limit),
		kind: ErrTooLarge,
	}
}

func decodeError(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), kind: ErrDecode}
}
