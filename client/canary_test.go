package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

// TestSecretCanary drives every path that produces text — debug logs,
// errors of each kind, and every fmt verb over configs, clients, errors
// and responses — and checks the canary secret (and the OAuth token)
// never appears.
func TestSecretCanary(t *testing.T) {
	t.Parallel()
	const token = "CANARY-oauth-token-5d2e"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}))
	echo := func(w http.ResponseWriter, r *http.Request) {
		// A hostile or buggy server echoing the secret in its message.
		status(401, `{"error":{"message":"api_secret mismatch: `+testSecret+`"}}`)(w, r)
	}
	rec := newRecorder(t,
		status(503, `{"error":{"message":"busy"}}`, "Retry-After", "0"), ok(`{"public_id":"x","api_key":"123456789012345"}`),
		echo,
		status(502, "<html>"+testSecret+"</html>", "Content-Type", "text/html"),
		status(502, "<html>"+testSecret+"</html>", "Content-Type", "text/html"),
		resetAfterBody,
		ok(`{}`),
	)
	c := newTestClient(t, rec, client.WithLogger(logger), client.WithRetry(2, 0, time.Millisecond))
	var texts []string
	add := func(vals ...any) {
		for _, v := range vals {
			texts = append(texts, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
		}
	}
	var res uploadResult
	resp, err := c.Do(context.Background(), uploadReq(false), &res)
	if err != nil {
		t.Fatal(err)
	}
	add(resp, res, c, *c, c.Config(), testConfig("x"))
	_, err = c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	var ae *client.APIError
	if !errors.As(err, &ae) || strings.Contains(ae.Message, testSecret) {
		t.Fatalf("401: %v", err)
	}
	add(err, ae, *ae)
	_, err = c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	add(err)
	_, err = c.Do(context.Background(), uploadReq(false), nil)
	if !errors.Is(err, client.ErrAmbiguous) {
		t.Fatalf("want ambiguous, got %v", err)
	}
	add(err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	_, err = c.Do(ctx, uploadReq(false), nil)
	add(err)

	// Transport error (refused), with a signed GET query in the URL.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c2, _ := client.New(testConfig("http://"+addr), client.WithLogger(logger), client.WithRetry(1, 0, 0))
	_, err = c2.Do(context.Background(), &client.Request{Method: "GET", Path: "image/download", Params: url.Values{"public_id": {"x"}}}, nil)
	if err == nil || strings.Contains(err.Error(), "signature=") {
		t.Fatalf("refused GET: %v", err)
	}
	add(err, c2)

	// OAuth token and config errors.
	cfg := testConfig("http://" + addr)
	cfg.OAuthToken = client.NewSecret(token)
	c3, _ := client.New(cfg, client.WithLogger(logger), client.WithRetry(1, 0, 0))
	_, err = c3.Do(context.Background(), uploadReq(false), nil)
	add(err, c3, cfg)
	_, err = client.New(client.Config{CloudName: "bad name", APIKey: "k", APISecret: client.NewSecret(testSecret)})
	add(err)
	_, err = client.ParseURL("cloudinary://k:" + testSecret + "@bad%zz")
	add(err)
	_, err = c.SignParams(url.Values{"a": {"b"}})
	add(err)

	texts = append(texts, logs.String())
	if !strings.Contains(logs.String(), "cloudinary request") {
		t.Fatal("no debug logs captured")
	}
	for i, s := range texts {
		mustContainNone(t, fmt.Sprintf("text %d", i), s)
		if strings.Contains(s, token) {
			t.Errorf("text %d contains the OAuth token: %s", i, s)
		}
		if strings.Contains(s, "Basic ") || strings.Contains(s, "signature=") {
			t.Errorf("text %d contains an auth header or signature: %s", i, s)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestLogOmitsSignedQueryOfWrappedTransportError: a caller's RoundTripper
// that quotes the URL in its error (a *url.Error) must not put the
// signature of a signed GET into the debug log.
func TestLogOmitsSignedQueryOfWrappedTransportError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errors.New("proxy down")}
	})
	c, err := client.New(testConfig("http://127.0.0.1:1"), client.WithHTTPClient(&http.Client{Transport: rt}), client.WithLogger(logger), client.WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &client.Request{Method: "GET", Path: "image/download", Params: url.Values{"public_id": {"x"}}}, nil)
	if err == nil || strings.Contains(err.Error(), "signature=") {
		t.Fatalf("error: %v", err)
	}
	if !strings.Contains(logs.String(), "proxy down") {
		t.Fatalf("transport error not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), "signature=") {
		t.Errorf("log carries the signed query: %s", logs.String())
	}
}
