package client

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Client sends requests to one Cloudinary product environment. It is safe
// for concurrent use; its configuration is fixed at New.
type Client struct {
	cfg Config
	// TODO(client issue): pipeline state.
}

// Option configures a Client in New.
type Option func(*options) error

type options struct {
	httpClient *http.Client
	logger     *slog.Logger
	now        func() time.Time
}

// New returns a Client for cfg. It validates cfg, reads no environment
// variables and makes no network call.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	return &Client{cfg: cfg.withDefaults()}, nil
}

// Config returns a copy of the client's configuration (defaults filled).
func (c *Client) Config() Config { return c.cfg }

// Do sends req, retrying as the retry policy allows, and decodes a 2xx JSON
// body into v (when v is non-nil). Non-2xx answers are *APIError values.
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	return nil, errors.New("client.Do: not implemented yet")
}

// SignParams returns a copy of params with timestamp, api_key and signature
// added, for signed GET URLs (private download, archive download).
func (c *Client) SignParams(params url.Values) (url.Values, error) {
	return nil, errors.New("client.SignParams: not implemented yet")
}

// APIURL returns <upload_prefix>/v1_1/<cloud_name>/<path>.
func (c *Client) APIURL(path string) string {
	return c.cfg.UploadPrefix + "/v1_1/" + c.cfg.CloudName + "/" + path
}
