package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

// attempter is how callers read the attempt count of any result or error.
type attempter interface{ Attempts() int }

// attemptsOf reads the attempt count the documented way: errors.As with
// the one small interface, whatever the concrete type.
func attemptsOf(t *testing.T, err error) int {
	t.Helper()
	var a attempter
	if !errors.As(err, &a) {
		t.Fatalf("%T %v has no Attempts() int in its chain", err, err)
	}
	return a.Attempts()
}

// Four resets then a success: the server saw five requests, and the count
// says five, from the response and from the typed result.
func TestAttemptsCountTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("success after resets", func(t *testing.T) {
		rec := newRecorder(t, resetAfterBody, resetAfterBody, resetAfterBody, resetAfterBody, ok(`{"public_id":"p"}`))
		c := newTestClient(t, rec, client.WithRetry(5, time.Millisecond, 5*time.Millisecond))
		var res uploadResultMeta
		resp, err := c.Do(context.Background(), uploadReq(true), &res)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rec.Hits()); n != 5 || resp.Attempts != 5 || res.Attempts() != 5 {
			t.Fatalf("server saw %d requests; Response.Attempts %d, Meta.Attempts() %d; want 5", n, resp.Attempts, res.Attempts())
		}
	})
	t.Run("resets exhaust the attempts", func(t *testing.T) {
		rec := newRecorder(t, resetAfterBody, resetAfterBody, resetAfterBody, resetAfterBody)
		c := newTestClient(t, rec, client.WithRetry(4, time.Millisecond, 5*time.Millisecond))
		_, err := c.Do(context.Background(), uploadReq(true), nil)
		var te *client.TransportError
		if !errors.As(err, &te) || errors.Is(err, client.ErrAmbiguous) {
			t.Fatalf("err %T %v, want a *client.TransportError", err, err)
		}
		if n, got := len(rec.Hits()), attemptsOf(t, err); n != 4 || got != 4 {
			t.Fatalf("server saw %d requests, Attempts() %d; want 4", n, got)
		}
	})
}

type uploadResultMeta struct {
	client.Meta
	PublicID string `json:"public_id"`
}

// Every error that went through the retry loop exposes its attempt count
// through the same method.
func TestEveryErrorExposesAttempts(t *testing.T) {
	t.Parallel()
	refused := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	for _, tc := range []struct {
		name  string
		steps []func(http.ResponseWriter, *http.Request)
		idem  bool
		ctx   func() (context.Context, context.CancelFunc)
		check func(error) bool
		want  int
	}{
		{"APIError final", steps(status(400, `{"error":{"message":"bad"}}`)), true, nil,
			func(err error) bool { _, ok := errors.AsType[*client.APIError](err); return ok }, 1},
		{"APIError exhausted", steps(status(503, `{}`), status(503, `{}`), status(503, `{}`)), true, nil,
			func(err error) bool { _, ok := errors.AsType[*client.APIError](err); return ok }, 3},
		{"AmbiguousError reset", steps(status(503, `{}`), resetAfterBody), false, nil,
			func(err error) bool { return errors.Is(err, client.ErrAmbiguous) }, 2},
		{"AmbiguousError gateway", steps(status(500, `{}`), status(502, `{}`)), false, nil,
			func(err error) bool { return errors.Is(err, client.ErrAmbiguous) }, 2},
		{"DecodeError", steps(status(503, `{}`), ok(`not json`)), true, nil,
			func(err error) bool { _, ok := errors.AsType[*client.DecodeError](err); return ok }, 2},
		{"RetryError", steps(status(503, `{}`, "Retry-After", "2")), true,
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), time.Second)
			},
			func(err error) bool { _, ok := errors.AsType[*client.RetryError](err); return ok }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.steps...)
			c := newTestClient(t, rec, client.WithRetry(3, 0, 5*time.Second), client.WithJitterForTest(func(time.Duration) time.Duration { return 0 }))
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			var res uploadResultMeta
			_, err := c.Do(ctx, uploadReq(tc.idem), &res)
			if err == nil || !tc.check(err) {
				t.Fatalf("err %T %v", err, err)
			}
			if got, n := attemptsOf(t, err), len(rec.Hits()); got != tc.want || n != tc.want {
				t.Fatalf("Attempts() %d, server saw %d requests; want %d", got, n, tc.want)
			}
		})
	}
	t.Run("TransportError refused", func(t *testing.T) {
		c, err := client.New(testConfig(refused(t)), client.WithRetry(3, 0, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(context.Background(), uploadReq(false), nil)
		if _, ok := errors.AsType[*client.TransportError](err); !ok || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err %T %v", err, err)
		}
		if got := attemptsOf(t, err); got != 3 {
			t.Fatalf("Attempts() %d, want 3", got)
		}
	})
}

func steps(s ...func(http.ResponseWriter, *http.Request)) []func(http.ResponseWriter, *http.Request) {
	return s
}
