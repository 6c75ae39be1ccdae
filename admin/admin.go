package admin

import (
	"context"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apicall"
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
	return apicall.Invalid("admin."+op, format, args...)
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

// Direction orders listings (cld.Direction).
type Direction = cld.Direction

// Sort directions.
const (
	Asc  = cld.Asc
	Desc = cld.Desc
)

// checkDirection refuses a direction other than asc, desc or empty; what
// names the argument ("direction", "sort direction").
func checkDirection(op, what string, d Direction) error {
	if !d.Valid() {
		return invalid(op, "%s %q; use asc or desc", what, d)
	}
	return nil
}

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

func checkTypes(op string, rt ResourceType, dt DeliveryType) error {
	if rt != "" && !apicall.ValidSegment(string(rt)) {
		return invalid(op, "resource type %q is not valid; use image, video or raw", rt)
	}
	if dt != "" && !apicall.ValidSegment(string(dt)) {
		return invalid(op, "delivery type %q is not valid; use upload, private, authenticated, ...", dt)
	}
	return nil
}

// path joins escaped path segments, leaving out empty ones (apicall.Path).
func path(segments ...string) string { return apicall.Path(segments...) }

// call is one Admin request (apicall.Call).
type call = apicall.Call

func (s *Service) do(ctx context.Context, op string, c call, v any) (*client.Response, error) {
	if s == nil || s.c == nil {
		return nil, invalid(op, "the Service has no client; create it with admin.New(client)")
	}
	return apicall.Do(ctx, s.c, "admin."+op, c, v)
}
