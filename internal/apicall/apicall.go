// Package apicall is what the JSON API services (admin, account) share to
// send a call through client.Do: the call description, its encoding and the
// path rules. Each rule lives here once; the services only add their names.
package apicall

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/google/go-querystring/query"

	"github.com/cldrest/cldrest/client"
)

// Call is one Admin-API-style request: Query (a struct with url tags,
// url.Values or nil) goes into the query string, Body (JSON) into the
// request body.
type Call struct {
	Method string // default GET
	Root   string // client.Request.Root; empty for v1_1/<cloud_name>
	Path   string
	Query  any
	Body   any
	// Safe marks a POST that can be repeated after an ambiguous failure
	// without a second effect (reads such as search, set-to-value updates,
	// creates that answer 409 when repeated). GET, PUT and DELETE always are.
	Safe bool
}

// Do sends call with HTTP Basic auth (client.AdminAPI) and decodes the JSON
// answer into v. op names the method in input errors ("admin.Search").
func Do(ctx context.Context, c *client.Client, op string, call Call, v any) (*client.Response, error) {
	if ctx == nil {
		return nil, Invalid(op, "nil context; pass context.Background() or a request context")
	}
	var params url.Values
	switch q := call.Query.(type) {
	case nil:
	case url.Values:
		params = q
	default:
		vals, err := query.Values(q)
		if err != nil {
			return nil, Invalid(op, "cannot encode options: %v", err)
		}
		params = vals
	}
	method := call.Method
	if method == "" {
		method = http.MethodGet
	}
	return c.Do(ctx, &client.Request{
		Method:     method,
		API:        client.AdminAPI,
		Root:       call.Root,
		Path:       call.Path,
		Params:     params,
		Body:       call.Body,
		Idempotent: method != http.MethodPost || call.Safe,
	}, v)
}

// Invalid builds a one-line *client.InputError for op ("admin.Search").
func Invalid(op, format string, args ...any) error {
	return &client.InputError{Op: op, Reason: fmt.Sprintf(format, args...)}
}

// Path joins path segments, each escaped (client.PathEscape); empty
// segments are left out.
func Path(segments ...string) string {
	out := make([]string, 0, len(segments))
	for _, s := range segments {
		if s != "" {
			out = append(out, client.PathEscape(s))
		}
	}
	return strings.Join(out, "/")
}

// ValidSegment reports whether v can stand alone as one path segment that
// names something (a resource or delivery type, an ID): not empty, not "."
// or "..", no "/", "?", "#", "%", "\" or space, valid UTF-8. It is the one
// check of admin, account and delivery.
func ValidSegment(v string) bool {
	return v != "" && v != "." && v != ".." && !strings.ContainsAny(v, "/?#%\\ ") && utf8.ValidString(v)
}

// CopyOpts returns a copy of *p (or a zero value for nil), so calls and
// iterators never modify the caller's options.
func CopyOpts[T any](p *T) *T {
	var c T
	if p != nil {
		c = *p
	}
	return &c
}

// CheckIDs refuses more than limit ids, or an empty one; what names them
// ("public ID", "user ID") and op the method ("admin.Users").
func CheckIDs(op, what string, ids []string, limit int) error {
	if len(ids) > limit {
		return Invalid(op, "%d %ss given, at most %d per call; split the list", len(ids), what, limit)
	}
	for i, id := range ids {
		if id == "" {
			return Invalid(op, "%s #%d is empty", what, i+1)
		}
	}
	return nil
}
