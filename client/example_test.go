package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/cldrest/cldrest/client"
)

// A fake Cloudinary for the examples: answers uploads and 404s the rest.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-1")
		if strings.HasSuffix(r.URL.Path, "/image/upload") {
			io.WriteString(w, `{"public_id":"sample","secure_url":"https://res.cloudinary.com/demo/image/upload/sample.jpg"}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"Resource not found - missing"}}`)
	}))
}

func Example() {
	srv := exampleServer()
	defer srv.Close()

	cfg, err := client.ParseURL("cloudinary://123456789012345:abcdefghijklmnopqrstuvwxyz0@demo?upload_prefix=" + url.QueryEscape(srv.URL))
	if err != nil {
		panic(err)
	}
	c, err := client.New(cfg, client.WithRetry(3, 100*time.Millisecond, 5*time.Second))
	if err != nil {
		panic(err)
	}

	// A signed multipart upload, streamed from an io.ReaderAt.
	var res struct {
		client.Meta
		PublicID  string `json:"public_id"`
		SecureURL string `json:"secure_url"`
	}
	data := strings.NewReader("fake image bytes")
	_, err = c.Do(context.Background(), &client.Request{
		Path:       "image/upload",
		Params:     url.Values{"public_id": {"sample"}, "overwrite": {"true"}},
		File:       &client.File{Name: "sample.jpg", ReaderAt: data, Size: data.Size()},
		Idempotent: true, // fixed public_id with overwrite: safe to repeat
	}, &res)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.PublicID, res.Response.StatusCode, res.Response.RequestID)

	// An Admin API call that fails: a typed error.
	_, err = c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "resources/image/upload/missing"}, nil)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message, errors.Is(err, client.ErrNotFound))
	}
	// Output:
	// sample 200 req-1
	// 404 Resource not found - missing true
}

func ExampleClient_SignParams() {
	cfg := client.Config{CloudName: "demo", APIKey: "1234", APISecret: client.NewSecret("abcd")}
	c, err := client.New(cfg, client.WithClock(func() time.Time { return time.Unix(1315060510, 0) }))
	if err != nil {
		panic(err)
	}
	p, err := c.SignParams(url.Values{"public_id": {"sample"}, "attachment": {"true"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Get("timestamp"), p.Get("api_key"), len(p.Get("signature")))
	// Output: 1315060510 1234 40
}

// IsRetryable is the one retry classification: a job runner that tries
// whole jobs again asks it, and agrees with the client's own retry policy.
func ExampleIsRetryable() {
	for _, err := range []error{
		client.NewAPIError(503, nil, []byte(`{"error":{"message":"busy"}}`)),
		client.NewAPIError(501, nil, nil),
		fmt.Errorf("chunk 2: %w", client.NewAPIError(429, nil, nil)),
		&client.InputError{Op: "upload", Reason: "empty source"},
		context.Canceled,
	} {
		fmt.Println(client.IsRetryable(err))
	}
	// Output:
	// true
	// false
	// true
	// false
	// false
}

// A command line reads what the environment sets, even when incomplete,
// and completes it from its flags; New validates the result.
func ExampleConfigFromEnv_partial() {
	env := map[string]string{"CLOUDINARY_API_KEY": "123", "CLOUDINARY_API_SECRET": "s3cr3t"}
	cfg, err := client.ConfigFromEnv(client.Partial(), client.WithLookup(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.CloudName = "demo" // from a --cloud flag
	c, err := client.New(cfg)
	fmt.Println(c, err)
	// Output: client.Client{cloud_name: "demo", api_key: "123", base_url: "https://api.cloudinary.com"} <nil>
}
