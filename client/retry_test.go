package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

func uploadReq(idempotent bool) *client.Request {
	return &client.Request{Path: "image/upload", Params: url.Values{"public_id": {"p"}}, Idempotent: idempotent}
}

func TestRetryAfterTwoSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, status(503, `{"error":{"message":"busy"}}`, "Retry-After", "2"), ok(`{}`))
	waits := &waitLog{}
	c := newTestClient(t, rec, client.WithRetry(3, time.Millisecond, 5*time.Second), waits.option())
	resp, err := c.Do(context.Background(), uploadReq(false), nil)
	if err != nil {
		t.Fatal(err)
	}
	hits := rec.Hits()
	if resp.Attempts != 2 || len(hits) != 2 {
		t.Fatalf("attempts %d hits %d", resp.Attempts, len(hits))
	}
	if got := waits.all(); len(got) != 1 || got[0] != 2*time.Second {
		t.Fatalf("waits %v, want the 2s Retry-After asked for", got)
	}
}

// waitLog records the waits the retry policy chose and sleeps none of them.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitLog) option() client.Option {
	return client.WithSleepForTest(func(d time.Duration) time.Duration {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.waits = append(w.waits, d)
		return 0
	})
}

func (w *waitLog) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.waits)
}

func TestRetryAfterBeyondDeadlineReturnsPromptly(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, status(503, `{"error":{"message":"come back later"}}`, "Retry-After", "30", "X-Request-Id", "r1"))
	c := newTestClient(t, rec, client.WithRetry(4, time.Millisecond, time.Minute))
	// Waiting until the deadline would end in a RetryError without Wait.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Do(ctx, uploadReq(true), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v does not wrap DeadlineExceeded", err)
	}
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Message != "come back later" || ae.RequestID != "r1" {
		t.Fatalf("err %v does not wrap the last *APIError (%+v)", err, ae)
	}
	var re *client.RetryError
	if !errors.As(err, &re) || re.Wait != 30*time.Second || re.Attempts() != 1 {
		t.Fatalf("RetryError %+v", re)
	}
	if !strings.Contains(err.Error(), "deadline") || len(rec.Hits()) != 1 {
		t.Fatalf("err %q, hits %d", err, len(rec.Hits()))
	}
}

func Test420WaitsForRateLimitReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	reset := now.Add(7 * time.Second)
	rec := newRecorder(t, status(420, `{"error":{"message":"Rate Limit Exceeded"}}`,
		"X-FeatureRateLimit-Limit", "500", "X-FeatureRateLimit-Remaining", "0",
		"X-FeatureRateLimit-Reset", reset.Format(http.TimeFormat)),
		status(200, `{"resources":[]}`, "X-FeatureRateLimit-Limit", "500", "X-FeatureRateLimit-Remaining", "499",
			"X-FeatureRateLimit-Reset", "Sat, 01 Apr 2017 22:00:00 GMT"))
	waits := &waitLog{}
	c := newTestClient(t, rec, client.WithRetry(3, time.Millisecond, 10*time.Second), client.WithClock(func() time.Time { return now }), waits.option())
	resp, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "resources/image"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hits := rec.Hits(); len(hits) != 2 {
		t.Fatalf("%d hits", len(hits))
	}
	if got := waits.all(); len(got) != 1 || got[0] != 7*time.Second {
		t.Fatalf("waits %v, want the 7s until the reset", got)
	}
	want := client.RateLimit{Limit: 500, Remaining: 499, Reset: time.Date(2017, 4, 1, 22, 0, 0, 0, time.UTC)}
	if !resp.RateLimit.Reset.Equal(want.Reset) || resp.RateLimit.Limit != 500 || resp.RateLimit.Remaining != 499 || resp.Attempts != 2 {
		t.Fatalf("rate limit %+v attempts %d", resp.RateLimit, resp.Attempts)
	}
}

// A reset further away than the maximum wait is not waited for in slices:
// the 420 comes back at once and says when the limit resets.
func Test420BeyondMaxWaitReturnsAtOnce(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(24 * time.Minute).UTC().Truncate(time.Second)
	rec := newRecorder(t, status(420, `{"error":{"message":"Rate Limit Exceeded"}}`,
		"X-FeatureRateLimit-Limit", "500", "X-FeatureRateLimit-Remaining", "0",
		"X-FeatureRateLimit-Reset", reset.Format(http.TimeFormat)))
	waits := &waitLog{}
	c := newTestClient(t, rec, client.WithRetry(4, time.Millisecond, 30*time.Second), waits.option())
	_, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	var ae *client.APIError
	if !errors.As(err, &ae) || !errors.Is(err, client.ErrRateLimited) || len(rec.Hits()) != 1 || len(waits.all()) != 0 {
		t.Fatalf("err %v after %d attempts and waits %v, want the 420 at once", err, len(rec.Hits()), waits.all())
	}
	want := "420 Rate Limited: Rate Limit Exceeded"
	if msg := err.Error(); !strings.Contains(msg, want) || !strings.Contains(msg, "the limit resets at "+reset.Format(time.RFC3339)) {
		t.Fatalf("message %q lacks %q and the reset time", msg, want)
	}
}

func TestFinalStatusesAreNotRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code     int
		sentinel error
	}{
		{400, client.ErrBadRequest},
		{401, client.ErrUnauthorized},
		{403, client.ErrForbidden},
		{404, client.ErrNotFound},
		{409, client.ErrAlreadyExists},
		{501, client.ErrServerError},
		{423, nil},
	}
	all := []error{client.ErrBadRequest, client.ErrUnauthorized, client.ErrForbidden, client.ErrNotFound,
		client.ErrAlreadyExists, client.ErrRateLimited, client.ErrServerError}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			rec := newRecorder(t, status(tc.code, `{"error":{"message":"nope"}}`), ok(`{}`))
			c := newTestClient(t, rec)
			resp, err := c.Do(context.Background(), uploadReq(true), nil)
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.code || ae.Message != "nope" || ae.Attempts() != 1 {
				t.Fatalf("err %v (%+v)", err, ae)
			}
			if resp == nil || resp.StatusCode != tc.code {
				t.Fatalf("resp %+v", resp)
			}
			if n := len(rec.Hits()); n != 1 {
				t.Fatalf("%d attempts, want 1", n)
			}
			for _, s := range all {
				if got := errors.Is(err, s); got != (s == tc.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
		})
	}
}

func TestRetryableStatusesExhaustAttempts(t *testing.T) {
	t.Parallel()
	for _, code := range []int{420, 429, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			steps := make([]func(http.ResponseWriter, *http.Request), 3)
			for i := range steps {
				steps[i] = status(code, `{"error":{"message":"again"}}`)
			}
			rec := newRecorder(t, steps...)
			c := newTestClient(t, rec, client.WithRetry(3, 0, time.Millisecond))
			_, err := c.Do(context.Background(), uploadReq(true), nil)
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.StatusCode != code || ae.Attempts() != 3 || len(rec.Hits()) != 3 {
				t.Fatalf("err %v hits %d", err, len(rec.Hits()))
			}
			if !ae.Temporary() {
				t.Error("Temporary() false for a retryable status")
			}
		})
	}
}

// A 502 or 504 comes from a gateway that may have handed the request to an
// origin that applied it: an unmarked upload is not repeated, while 500 and
// 503 still are.
func TestGatewayStatusIsAmbiguousForUnmarkedRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code      int
		ambiguous bool
	}{{500, false}, {502, true}, {503, false}, {504, true}} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			rec := newRecorder(t, status(tc.code, `{"error":{"message":"upstream"}}`), ok(`{}`))
			c := newTestClient(t, rec, client.WithRetry(3, 0, time.Millisecond))
			_, err := c.Do(context.Background(), uploadReq(false), nil)
			if !tc.ambiguous {
				if err != nil || len(rec.Hits()) != 2 {
					t.Fatalf("err %v after %d attempts, want success after 2", err, len(rec.Hits()))
				}
				return
			}
			var amb *client.AmbiguousError
			var ae *client.APIError
			if !errors.As(err, &amb) || !errors.Is(err, client.ErrAmbiguous) || !errors.As(err, &ae) || ae.StatusCode != tc.code {
				t.Fatalf("err %v, want an *AmbiguousError wrapping the %d *APIError", err, tc.code)
			}
			if !errors.Is(err, client.ErrServerError) || len(rec.Hits()) != 1 {
				t.Fatalf("hits %d, ErrServerError %v", len(rec.Hits()), errors.Is(err, client.ErrServerError))
			}
		})
	}
}

// resetAfterBody reads the whole request, then resets the connection
// without answering: the request may have been applied.
func resetAfterBody(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func TestConnectionResetAfterBodySent(t *testing.T) {
	t.Parallel()
	t.Run("idempotent is retried", func(t *testing.T) {
		rec := newRecorder(t, resetAfterBody, ok(`{"public_id":"p"}`))
		c := newTestClient(t, rec)
		var res uploadResult
		resp, err := c.Do(context.Background(), uploadReq(true), &res)
		if err != nil || resp.Attempts != 2 || res.PublicID != "p" {
			t.Fatalf("err %v resp %+v", err, resp)
		}
	})
	t.Run("unmarked upload is not retried", func(t *testing.T) {
		rec := newRecorder(t, resetAfterBody, ok(`{"public_id":"p"}`))
		c := newTestClient(t, rec)
		f := &client.File{Name: "a.jpg", ReaderAt: strings.NewReader("jpegdata"), Size: 8}
		_, err := c.Do(context.Background(), &client.Request{Path: "image/upload", File: f}, nil)
		var amb *client.AmbiguousError
		if !errors.As(err, &amb) || !errors.Is(err, client.ErrAmbiguous) || amb.Attempts() != 1 {
			t.Fatalf("err %v, want *AmbiguousError", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "fixed public_id with overwrite=true") || !strings.Contains(msg, "upload.WithIdempotent") || !strings.Contains(msg, "second asset") {
			t.Fatalf("error does not say why or how to opt in: %s", msg)
		}
		if n := len(rec.Hits()); n != 1 {
			t.Fatalf("%d attempts, want 1", n)
		}
	})
}

func TestDialFailureIsAlwaysRetried(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, ok(`{"public_id":"p"}`))
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c := newTestClient(t, rec, client.WithHTTPClient(&http.Client{Transport: tr}))
	resp, err := c.Do(context.Background(), uploadReq(false), nil)
	if err != nil || resp.Attempts != 2 || dials.Load() != 2 {
		t.Fatalf("err %v resp %+v dials %d", err, resp, dials.Load())
	}
}

func TestConnectionRefusedExhaustsAttempts(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := client.New(testConfig("http://"+addr), client.WithRetry(3, 0, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), uploadReq(false), nil)
	if err == nil || errors.Is(err, client.ErrAmbiguous) || !strings.Contains(err.Error(), "attempt 3") {
		t.Fatalf("err %v, want a transport error after 3 attempts", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err %v does not unwrap to ECONNREFUSED", err)
	}
}

func TestHTML502IsAPIErrorWithSnippet(t *testing.T) {
	t.Parallel()
	page := "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>" + strings.Repeat("<!-- pad -->", 100) + "</body></html>"
	rec := newRecorder(t, status(502, page, "Content-Type", "text/html"))
	c := newTestClient(t, rec, client.WithRetry(1, 0, 0))
	_, err := c.Do(context.Background(), uploadReq(true), nil)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || ae.Message != "" {
		t.Fatalf("err %v", err)
	}
	if !strings.HasPrefix(ae.Snippet, "<html><head><title>502 Bad Gateway") || len(ae.Snippet) > 256 {
		t.Fatalf("snippet %q", ae.Snippet)
	}
	if !errors.Is(err, client.ErrServerError) || !strings.Contains(err.Error(), "502 Bad Gateway") || len(err.Error()) > 400 {
		t.Fatalf("error string %q", err)
	}
}

func TestCancelDuringBackoffReturnsQuicklyWithoutLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	answered := make(chan struct{}, 1)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		status(503, `{"error":{"message":"busy"}}`)(w, r)
		answered <- struct{}{}
	})
	defer rec.srv.Close() // before goleak runs
	// The backoff is an hour: only the cancellation can end the wait.
	waiting := make(chan struct{})
	c := newTestClient(t, rec,
		client.WithRetry(4, time.Hour, time.Hour),
		client.WithJitterForTest(func(d time.Duration) time.Duration { return d }),
		client.WithSleepForTest(func(d time.Duration) time.Duration { close(waiting); return d }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-answered
		<-waiting // the backoff has been chosen; the wait begins
		cancel()
	}()
	_, err := c.Do(ctx, uploadReq(true), nil)
	var ae *client.APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("err %v", err)
	}
}

func TestStreamFileGetsOneAttempt(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, status(503, `{"error":{"message":"busy"}}`), ok(`{}`))
	c := newTestClient(t, rec)
	f := &client.File{Name: "s.bin", Stream: io.LimitReader(strings.NewReader(strings.Repeat("x", 5000)), 5000)}
	_, err := c.Do(context.Background(), &client.Request{Path: "raw/upload", File: f, Idempotent: true}, nil)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Attempts() != 1 {
		t.Fatalf("err %v", err)
	}
	hits := rec.Hits()
	if len(hits) != 1 || hits[0].fileSize != 5000 || len(hits[0].te) != 1 || hits[0].te[0] != "chunked" {
		t.Fatalf("hits %+v", hits)
	}
}

func TestStallTimeoutAbortsAndRetriesIdempotent(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		select { // never answer; give up when the client goes away
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}, ok(`{"ok":true}`), ok(`{"ok":true}`)) // a third answer for an answered attempt taken for a stall
	c := newTestClient(t, rec, client.WithStallTimeout(150*time.Millisecond))
	// Undetected, the stall would end after 5 s with an empty 200 answer
	// to the first attempt. (On a loaded machine the answered attempt may
	// pass for a stall too and be retried once more: at least 2 attempts.)
	resp, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	if err != nil || resp.Attempts < 2 {
		t.Fatalf("err %v resp %+v", err, resp)
	}
	// The same stall on an unmarked upload is ambiguous and names the cause
	// (a stall seen early makes no difference here).
	rec2 := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c2 := newTestClient(t, rec2, client.WithStallTimeout(150*time.Millisecond))
	_, err = c2.Do(context.Background(), uploadReq(false), nil)
	if !errors.Is(err, client.ErrAmbiguous) || !errors.Is(err, client.ErrStalled) {
		t.Fatalf("err %v, want ambiguous stall", err)
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, rec, client.WithAttemptTimeout(100*time.Millisecond), client.WithRetry(1, 0, 0))
	_, err := c.Do(context.Background(), &client.Request{Method: "GET", API: client.AdminAPI, Path: "ping"}, nil)
	if !errors.Is(err, client.ErrAttemptTimeout) {
		t.Fatalf("err %v, want ErrAttemptTimeout", err)
	}
}

func TestRetryPolicyWaits(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	hdr := func(code int, kv ...string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r
	}
	maxJ := func(d time.Duration) time.Duration { return d }
	cases := []struct {
		name  string
		retry int
		resp  *http.Response
		want  time.Duration
	}{
		{"first backoff is minWait at most", 0, nil, 100 * time.Millisecond},
		{"doubles", 2, nil, 400 * time.Millisecond},
		{"capped at maxWait", 10, nil, 5 * time.Second},
		{"huge retry number capped", 200, nil, 5 * time.Second},
		{"retry-after seconds", 0, hdr(503, "Retry-After", "3"), 3 * time.Second},
		{"retry-after beyond maxWait as asked", 0, hdr(503, "Retry-After", "3600"), time.Hour},
		{"retry-after date", 0, hdr(429, "Retry-After", now.Add(2*time.Second).Format(http.TimeFormat)), 2 * time.Second},
		{"retry-after past date", 0, hdr(429, "Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), 0},
		{"reset on 420", 0, hdr(420, "X-FeatureRateLimit-Reset", now.Add(time.Second).Format(http.TimeFormat)), time.Second},
		{"reset on 429 unix", 0, hdr(429, "X-FeatureRateLimit-Reset", fmt.Sprint(now.Add(4*time.Second).Unix())), 4 * time.Second},
		{"reset ignored on 503", 1, hdr(503, "X-FeatureRateLimit-Reset", now.Add(time.Hour).Format(http.TimeFormat)), 200 * time.Millisecond},
		{"retry-after wins over reset", 0, hdr(420, "Retry-After", "1", "X-FeatureRateLimit-Reset", now.Add(3*time.Second).Format(http.TimeFormat)), time.Second},
		{"garbage retry-after falls back", 0, hdr(503, "Retry-After", "soon"), 100 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := client.PolicyWait(4, 100*time.Millisecond, 5*time.Second, maxJ, tc.retry, tc.resp, now)
			if got != tc.want {
				t.Fatalf("wait %v, want %v", got, tc.want)
			}
		})
	}
	// Full jitter: every draw lies in [0, ceiling].
	for i := range 200 {
		d := client.PolicyWait(4, 100*time.Millisecond, 5*time.Second, nil, 3, nil, now)
		if d < 0 || d > 800*time.Millisecond {
			t.Fatalf("draw %d: %v outside [0, 800ms]", i, d)
		}
	}
}

func TestRetryableStatusTable(t *testing.T) {
	t.Parallel()
	for code := 100; code < 600; code++ {
		want := code == 420 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504
		if got := client.RetryableStatus(code); got != want {
			t.Errorf("status %d: retryable %v, want %v", code, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"2", 2 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"abc", 0, false},
		{"99999999999999", 365 * 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"Fri, 02 Jan 2026 03:04:10 GMT", 5 * time.Second, true},
		{"Friday, 02-Jan-26 03:04:10 GMT", 5 * time.Second, true}, // RFC 850
		{"Fri Jan  2 03:04:10 2026", 5 * time.Second, true},       // ANSI C
		{"Thu, 01 Jan 2026 00:00:00 GMT", 0, true},
	}
	for _, tc := range cases {
		got, ok := client.ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// truncated200 promises 100 bytes of JSON, sends 10 and closes: the
// server applied the request but the answer was lost.
func truncated200(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(200)
	io.WriteString(w, `{"public_i`)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestTruncatedSuccessBodyIsAmbiguous(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, truncated200, truncated200, ok(`{"public_id":"p"}`))
	c := newTestClient(t, rec)
	_, err := c.Do(context.Background(), uploadReq(false), nil)
	if !errors.Is(err, client.ErrAmbiguous) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v, want ambiguous unexpected EOF", err)
	}
	var res uploadResult
	resp, err := c.Do(context.Background(), uploadReq(true), &res)
	if err != nil || resp.Attempts != 2 || res.PublicID != "p" {
		t.Fatalf("idempotent retry: err %v resp %+v", err, resp)
	}
}

// TestSignedGETIsResignedPerAttempt checks that a signed Upload API GET
// carries a fresh timestamp and signature on every attempt (PrepareRetry),
// each valid for its own parameters.
func TestSignedGETIsResignedPerAttempt(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, status(503, `{}`), status(503, `{}`), ok(`{}`))
	var tick atomic.Int64
	clock := func() time.Time { return time.Unix(1700000000+tick.Add(1), 0) }
	c := newTestClient(t, rec, client.WithClock(clock))
	resp, err := c.Do(context.Background(), &client.Request{Method: "GET", Path: "image/download", Params: url.Values{"public_id": {"x"}}, Idempotent: true}, nil)
	if err != nil || resp.Attempts != 3 {
		t.Fatalf("err %v resp %+v", err, resp)
	}
	seen := map[string]bool{}
	for i, h := range rec.Hits() {
		q := h.query
		if q.Get("public_id") != "x" || q.Get("api_key") != testKey || !signer.Verify(q, testSecret, q.Get("signature")) {
			t.Errorf("attempt %d: query %v is not signed for its parameters", i+1, q)
		}
		if seen[q.Get("timestamp")] {
			t.Errorf("attempt %d reuses timestamp %s", i+1, q.Get("timestamp"))
		}
		seen[q.Get("timestamp")] = true
	}
}
