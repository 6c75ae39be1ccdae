package account

import (
	"context"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apicall"
)

// Service calls the Provisioning API of one account. It is safe for
// concurrent use. Create it with New.
type Service struct {
	c    *client.Client
	root string // v1_1/provisioning/accounts/<account_id>
	id   string
}

// New validates cfg and returns a Service whose calls go through a
// *client.Client built with opts (client.WithHTTPClient, client.WithRetry,
// client.WithRateLimit, ...). It makes no network call.
func New(cfg Config, opts ...client.Option) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cc, err := cfg.clientConfig()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cc, opts...)
	if err != nil {
		return nil, accountError(err)
	}
	return &Service{c: c, root: "v1_1/provisioning/accounts/" + client.PathEscape(cfg.AccountID), id: cfg.AccountID}, nil
}

// Client returns the client the service sends its requests through.
func (s *Service) Client() *client.Client { return s.c }

// Do sends req to the Provisioning API of the service's account, below
// /v1_1/provisioning/accounts/<account_id>/, with HTTP Basic auth and the
// client's retries and typed errors, decoding the JSON answer into v (nil
// keeps only Response.Raw). It is the escape hatch for calls this package
// does not type (cldrest api --account uses it); req.Root and req.API are
// set by Do.
func (s *Service) Do(ctx context.Context, req *client.Request, v any) (*client.Response, error) {
	if s == nil || s.c == nil {
		return nil, invalid("Do", "the Service has no client; create it with account.New")
	}
	if req == nil {
		return nil, invalid("Do", "nil request")
	}
	r := *req
	r.API, r.Root = client.AdminAPI, s.root
	return s.c.Do(ctx, &r, v)
}

// AccountID returns the account the service manages.
func (s *Service) AccountID() string { return s.id }

// ErrInvalidInput is matched (errors.Is) by every error the package returns
// for bad arguments, before any request is sent. It is client.ErrInvalidInput,
// the module's one input sentinel (client.IsRetryable never retries it).
var ErrInvalidInput = client.ErrInvalidInput

func invalid(op, format string, args ...any) error {
	return apicall.Invalid("account."+op, format, args...)
}

// MessageResult is the answer of the delete calls ({"message":"ok"}).
type MessageResult struct {
	client.Meta
	Message string `json:"message"`
}

// call is one Provisioning API request (apicall.Call).
type call = apicall.Call

func (s *Service) do(ctx context.Context, op string, c call, v any) error {
	if s == nil || s.c == nil {
		return invalid(op, "the Service has no client; create it with account.New")
	}
	c.Root = s.root
	_, err := apicall.Do(ctx, s.c, "account."+op, c, v)
	return err
}

// path joins escaped path segments (apicall.Path).
func path(segments ...string) string { return apicall.Path(segments...) }

// checkID refuses an empty ID or one that would change the path.
func checkID(op, what, id string) error {
	if !apicall.ValidSegment(id) {
		return invalid(op, "%s %q is not valid; pass the %s as the API returned it", what, id, what)
	}
	return nil
}

func checkIDs(op, what string, ids []string) error {
	return apicall.CheckIDs("account."+op, what, ids, MaxIDsPerCall)
}

// MaxIDsPerCall is the most IDs one list call filters on.
const MaxIDsPerCall = 100

// copyOpts returns a copy of *p (apicall.CopyOpts).
func copyOpts[T any](p *T) *T { return apicall.CopyOpts(p) }
