package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/google/go-querystring/query"
)

// Service calls the Cloudinary Admin API through a *client.Client. It is safe
// for concurrent use. Create it with New.
type Service struct {
	c *client.Client
}

// New returns a Service that sends its requests through c (authentication,
// retries, 420/429 waits, the optional client-side rate limiter and the
// last rate limit seen are the client's job). Like upload.New, it panics on
// a nil client: that is a programming error, not bad input.
func New(c *client.Client) *Service {
	if c == nil {
		panic("admin.New: nil *client.Client")
	}
	return &Service{c: c}
}

// Client returns the client the service sends its requests through.
func (s *Service) Client() *client.Client { return s.c }

// LastRateLimit returns the Admin API budget reported by the most recent
// response that carried X-FeatureRateLimit-* headers (successful or not),
// and false when no such response has been seen yet. It is the client's
// record (client.Client.LastRateLimit), so every service on one client
// agrees. The same values are on every result as Meta.Response.RateLimit.
func (s *Service) LastRateLimit() (client.RateLimit, bool) { return s.c.LastRateLimit() }

// ErrInvalidInput is matched (errors.Is) by every error the package returns
// for bad arguments, before any request is sent (a *client.InputError). It
// is client.ErrInvalidInput, shared by every package of the module.
var ErrInvalidInput = client.ErrInvalidInput

// invalid builds a one-line input error naming the method, what is wrong and
// how to fix it.
func invalid(op, format string, args ...any) error {
	return &client.InputError{Op: "admin." + op, Reason: fmt.Sprintf(format, args...)}
}

// ResourceType is an asset's resource type (cld.ResourceType).
type ResourceType = cld.ResourceType

// Resource types accepted by the Admin API.
const (
	Image = cld.Image
	Video = cld.Video
	Raw   = cld.Raw
)

// DeliveryType is an asset's delivery ("type") such as upload or private
// (cld.DeliveryType).
type DeliveryType = cld.DeliveryType

// Common delivery types.
const (
	Upload        = cld.Upload
	Private       = cld.Private
	Authenticated = cld.Authenticated
	Fetch         = cld.Fetch
	List          = cld.List
)

// Direction orders listings.
type Direction string

// Sort directions.
const (
	Asc  Direction = "asc"
	Desc Direction = "desc"
)

func rtOrDefault(rt ResourceType) ResourceType {
	if rt == "" {
		return Image
	}
	return rt
}

func dtOrDefault(dt DeliveryType) DeliveryType {
	if dt == "" {
		return Upload
	}
	return dt
}

// validName reports whether v can be used as a path segment of a
// resource type or delivery type (no separators, no dots-only names).
func validName(v string) bool {
	return v != "" && v != "." && v != ".." && !strings.ContainsAny(v, "/?#%\\ ")
}

func checkTypes(op string, rt ResourceType, dt DeliveryType) error {
	if rt != "" && !validName(string(rt)) {
		return invalid(op, "resource type %q is not valid; use image, video or raw", rt)
	}
	if dt != "" && !validName(string(dt)) {
		return invalid(op, "delivery type %q is not valid; use upload, private, authenticated, ...", dt)
	}
	return nil
}

// path joins escaped path segments.
func path(segments ...string) string {
	out := make([]string, 0, len(segments))
	for _, s := range segments {
		if s == "" {
			continue
		}
		out = append(out, client.PathEscape(s))
	}
	return strings.Join(out, "/")
}

// call is one Admin request: query (a struct with url tags, url.Values or nil)
// goes into the query string, body (JSON) into the request body.
type call struct {
	method string
	root   string // client.Request.Root; empty for v1_1/<cloud_name>
	path   string
	query  any
	body   any
	// safe marks a POST that can be repeated after an ambiguous failure
	// without a second effect (reads such as search, set-to-value updates,
	// creates that answer 409 when repeated). GET, PUT and DELETE always are.
	safe bool
}

func (s *Service) do(ctx context.Context, op string, c call, v any) (*client.Response, error) {
	if s == nil || s.c == nil {
		return nil, invalid(op, "the Service has no client; create it with admin.New(client)")
	}
	if ctx == nil {
		return nil, invalid(op, "nil context; pass context.Background() or a request context")
	}
	var params url.Values
	switch q := c.query.(type) {
	case nil:
	case url.Values:
		params = q
	default:
		vals, err := query.Values(q)
		if err != nil {
			return nil, invalid(op, "cannot encode options: %v", err)
		}
		params = vals
	}
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	resp, err := s.c.Do(ctx, &client.Request{
		Method:     method,
		API:        client.AdminAPI,
		Root:       c.root,
		Path:       c.path,
		Params:     params,
		Body:       c.body,
		Idempotent: method != http.MethodPost || c.safe,
	}, v)
	return resp, err
}
