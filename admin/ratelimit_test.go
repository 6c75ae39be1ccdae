package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

// testClock is real time shifted by an adjustable offset, shared by the mock
// and the client so that both agree on the X-FeatureRateLimit-Reset times.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// jumpTo moves the clock forward to t (never backward).
func (c *testClock) jumpTo(t time.Time) {
	for {
		old := c.offset.Load()
		now := time.Now().Add(time.Duration(old))
		if !t.After(now) {
			return
		}
		if c.offset.CompareAndSwap(old, old+int64(t.Sub(now))) {
			return
		}
	}
}

// hourEnder fast-forwards the shared clock to just before the budget's reset
// as soon as a response reports the budget used up: the rest of the hour
// "passes" while the job is blocked, and the client must still wait for the
// reset itself.
type hourEnder struct {
	next  http.RoundTripper
	clock *testClock
	lead  time.Duration
}

func (h hourEnder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	reset, perr := http.ParseTime(resp.Header.Get("X-FeatureRateLimit-Reset"))
	switch {
	case perr != nil:
	case resp.StatusCode == http.StatusOK && resp.Header.Get("X-FeatureRateLimit-Remaining") == "0":
		h.clock.jumpTo(reset.Add(-h.lead))
	case resp.StatusCode == 420 && resp.Header.Get("Retry-After") != "" && !isShortWait(resp.Header.Get("Retry-After")):
		// A call that reached the mock just before another worker's jump
		// was told to wait most of an hour; that hour has now "passed"
		// too, so its wait is what is left until the reset. Other 420s
		// are left as the mock sent them.
		h.clock.jumpTo(reset.Add(-h.lead))
		left := reset.Sub(h.clock.Now())
		resp.Header.Set("Retry-After", strconv.Itoa(int(max(left, 0)/time.Second)+1))
	}
	return resp, nil
}

// isShortWait reports whether a Retry-After of seconds is under a minute.
func isShortWait(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n < 60
}

// TestMockAdminBudget runs a 30-call Admin job with 3 workers against a mock
// whose budget is 10 calls per hour: every call succeeds (the client waits
// for each reset on 420) and no window ever serves more than 10 calls.
func TestMockAdminBudget(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	start := time.Now().UTC().Truncate(time.Hour).Add(2 * time.Hour).Add(10 * time.Minute)
	clock.jumpTo(start) // mid-hour, in the future: the first window is a fresh one
	hc := &http.Client{Transport: hourEnder{next: http.DefaultTransport, clock: clock, lead: 300 * time.Millisecond}}
	m, s := startMock(t, []mockserver.Option{mockserver.WithAdminBudget(10), mockserver.WithClock(clock.Now)},
		client.WithClock(clock.Now), client.WithHTTPClient(hc), client.WithRetry(8, 50*time.Millisecond, 1500*time.Millisecond))

	const calls, workers = 30, 3
	var failures atomic.Int32
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var err error
				if i%2 == 0 {
					_, err = s.Ping(t.Context())
				} else {
					_, err = s.ListResources(t.Context(), &ListResourcesOptions{Prefix: strconv.Itoa(i)})
				}
				if err != nil {
					failures.Add(1)
					t.Errorf("call %d: %v", i, err)
				}
			}
		}()
	}
	for i := range calls {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d calls failed", n, calls)
	}
	perWindow := map[time.Time]int{}
	limited := 0
	for _, e := range adminEntries(m) {
		switch e.Status {
		case http.StatusOK:
			perWindow[e.Time.Truncate(time.Hour)]++
		case 420:
			limited++
		default:
			t.Errorf("unexpected status %d for %s %s", e.Status, e.Method, e.Path)
		}
	}
	total := 0
	for w, n := range perWindow {
		total += n
		if n > 10 {
			t.Errorf("window %s served %d calls, budget is 10", w.Format(time.RFC3339), n)
		}
	}
	if total != calls || len(perWindow) != 3 || limited < 2 {
		t.Errorf("%d successful calls in %d windows with %d answers 420; want %d in 3 windows, at least 2 answers 420", total, len(perWindow), limited, calls)
	}
	rl, ok := s.LastRateLimit()
	if !ok || rl.Limit != 10 || rl.Remaining < 0 || rl.Remaining > 10 {
		t.Errorf("LastRateLimit %+v %v", rl, ok)
	}
}

// TestRateLimitedRetry checks that a 420 or 429 without Retry-After is
// retried after X-FeatureRateLimit-Reset and that the call then succeeds,
// end to end through the client.
func TestRateLimitedRetry(t *testing.T) {
	t.Parallel()
	for _, status := range []int{420, 429} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			// A fixed clock 250 ms before a whole second: the reset header
			// (second precision) is 250 ms away.
			now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).Add(-250 * time.Millisecond)
			reset := now.Truncate(time.Second).Add(time.Second)
			var calls atomic.Int32
			f := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("X-FeatureRateLimit-Remaining", "0")
					w.Header().Set("X-FeatureRateLimit-Reset", reset.Format(http.TimeFormat))
					w.WriteHeader(status)
					fmt.Fprint(w, `{"error":{"message":"Rate Limit Exceeded"}}`)
					return
				}
				fmt.Fprint(w, `{"status":"ok"}`)
			}, client.WithClock(func() time.Time { return now }))
			began := time.Now()
			res, err := f.svc.Ping(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if waited := time.Since(began); waited < 200*time.Millisecond {
				t.Errorf("retried after %v, want the 250ms until the reset", waited)
			}
			if calls.Load() != 2 || res.Response.Attempts != 2 || res.Status != "ok" {
				t.Errorf("%d calls, %d attempts, status %q", calls.Load(), res.Response.Attempts, res.Status)
			}
		})
	}
}

// TestRateLimitExhaustedRecordsBudget checks that a final 420 is an
// *client.APIError matching client.ErrRateLimited and that LastRateLimit
// still reports the budget.
func TestRateLimitExhaustedRecordsBudget(t *testing.T) {
	t.Parallel()
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-FeatureRateLimit-Remaining", "0")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(420)
		fmt.Fprint(w, `{"error":{"message":"Rate Limit Exceeded"}}`)
	}, client.WithRetry(2, time.Millisecond, time.Millisecond))
	_, err := f.svc.Ping(t.Context())
	var apiErr *client.APIError
	if !errors.Is(err, client.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Attempts() != 2 {
		t.Fatalf("err = %v, want a rate-limited *client.APIError after 2 attempts", err)
	}
	if rl, ok := f.svc.LastRateLimit(); !ok || rl.Limit != 500 || rl.Remaining != 0 {
		t.Errorf("LastRateLimit %+v %v, want limit 500 remaining 0", rl, ok)
	}
}

// TestClientSideRateLimit checks that client.WithRateLimit spaces Admin
// calls made through the service.
func TestClientSideRateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	requests := 0
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		fmt.Fprint(w, `{"status":"ok"}`)
	}, client.WithRateLimit(rate.Every(time.Hour), 1))
	// The burst lets one call through at once; the next token is an hour
	// away, past the second call's deadline, so the limiter refuses it at
	// once (rate.Limiter.Wait) and it is never sent. Without the limiter it
	// would be sent and succeed.
	if _, err := f.svc.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := f.svc.Ping(ctx); err == nil {
		t.Fatal("second call went through; the limiter must hold it past its deadline")
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 1 {
		t.Fatalf("server saw %d requests, want 1 (the limiter must hold the second)", requests)
	}
}

// TestRateLimitRecordedOnClient checks that the last rate limit lives on the
// client: a second service on the same client, which made no call, reports
// what the first one saw; New refuses a nil client as upload.New does.
func TestRateLimitRecordedOnClient(t *testing.T) {
	t.Parallel()
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-FeatureRateLimit-Remaining", "42")
		fmt.Fprint(w, `{"status":"ok"}`)
	})
	other := New(f.svc.Client())
	if _, ok := other.LastRateLimit(); ok {
		t.Fatal("a rate limit before any call")
	}
	if _, err := f.svc.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, okA := f.svc.LastRateLimit()
	b, okB := other.LastRateLimit()
	c, okC := f.svc.Client().LastRateLimit()
	if !okA || !okB || !okC || a.Remaining != 42 || b != a || c != a {
		t.Errorf("services disagree: %+v %v / %+v %v / client %+v %v", a, okA, b, okB, c, okC)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "admin.New: nil *client.Client") {
			t.Errorf("New(nil) recovered %v", r)
		}
	}()
	New(nil)
}
