package mockserver

import (
	"fmt"
	"net/http"
)

// apiError is an error answered as Cloudinary does: {"error":{"message":...}}
// with a status code from the set real SDKs accept (spec §8.2).
type apiError struct {
	status  int
	message string
	header  http.Header // extra response headers (Retry-After, X-Cld-Error)
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

func newAPIError(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, format, args...)
}

func unauthorized(format string, args ...any) *apiError {
	return newAPIError(http.StatusUnauthorized, format, args...)
}

func forbidden(format string, args ...any) *apiError {
	return newAPIError(http.StatusForbidden, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return newAPIError(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return newAPIError(http.StatusConflict, format, args...)
}

// unsupported answers features the mock does not emulate: never a silent 200.
func unsupported(what string) *apiError {
	return badRequest("The cldrest mock server does not support %s", what)
}

func missingParam(name string) *apiError {
	return badRequest("Missing required parameter - %s", name)
}

func resourceNotFound(id string) *apiError {
	return notFound("Resource not found - %s", id)
}
