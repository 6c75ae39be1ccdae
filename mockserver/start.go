package mockserver

import (
	"net/http/httptest"
	"testing"
)

// Running is a Server listening on a loopback port, started by Start.
type Running struct {
	*Server
	// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string
	hs  *httptest.Server
}

// Start opens a Server with opts, serves it on 127.0.0.1 on a free port and
// stops it (and removes its temporary files) when the test ends. A failure
// to open the server fails the test. The http.Server waits for request
// headers as long as for body bytes (WithBodyTimeout).
func Start(t testing.TB, opts ...Option) *Running {
	t.Helper()
	s, err := Open(opts...)
	if err != nil {
		t.Fatalf("mockserver.Start: %v", err)
	}
	hs := httptest.NewUnstartedServer(s)
	if d := s.cfg.bodyTimeout; d > 0 {
		hs.Config.ReadHeaderTimeout = d
	}
	hs.Start()
	rs := &Running{Server: s, URL: hs.URL, hs: hs}
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		_ = s.Close()
	})
	return rs
}

// CloudinaryURL returns cloudinary://KEY:SECRET@CLOUD?upload_prefix=URL for
// the first configured credentials: set it as CLOUDINARY_URL to point any
// Cloudinary client at the mock.
func (r *Running) CloudinaryURL() string { return r.Server.CloudinaryURL(r.URL) }

// APIBase returns URL + "/v1_1/" + cloud, the prefix of every API route.
func (r *Running) APIBase() string { return r.URL + "/v1_1/" + r.Cloud() }

// AccountURL returns account://KEY:SECRET@ACCOUNT_ID?upload_prefix=URL for
// the provisioning credentials: set it as CLOUDINARY_ACCOUNT_URL to point a
// Provisioning API client at the mock.
func (r *Running) AccountURL() string { return r.Server.AccountURL(r.URL) }
