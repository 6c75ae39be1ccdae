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

// hourEnder is TestMockAdminBudget's time machine, between the client and
// the mock. When the mock answers 420 (the hour's budget is used up), it
// moves the shared clock forward to lead before the reset, as if the rest
// of the hour passed while the job was blocked, and restates the answer's
// Retry-After (the mock's whole seconds, rounded up, so at least 1 s) as
// the reset itself, an HTTP date: the client must still wait out the last
// lead of the hour, and only that. It records the reset each 420 named for
// its call (callID in the request context) and reports every attempt of
// that call sent before it, one that did not wait for the reset.
type hourEnder struct {
	next  http.RoundTripper
	clock *testClock
	lead  time.Duration

	mu        sync.Mutex
	notBefore map[int]time.Time // call → the reset its last 420 named
	early     []string
}

// callID keys the call number in a request's context.
type callID struct{}

func (h *hourEnder) RoundTrip(r *http.Request) (*http.Response, error) {
	id, _ := r.Context().Value(callID{}).(int)
	h.mu.Lock()
	if nb, now := h.notBefore[id], h.clock.Now(); now.Before(nb) {
		h.early = append(h.early, fmt.Sprintf("call %d retried %v before the reset", id, nb.Sub(now)))
	}
	h.mu.Unlock()
	resp, err := h.next.RoundTrip(r)
	if err != nil || resp.StatusCode != 420 {
		return resp, err
	}
	reset, perr := http.ParseTime(resp.Header.Get("X-FeatureRateLimit-Reset"))
	if perr != nil {
		return resp, nil // the test fails: the client cannot wait an hour
	}
	h.clock.jumpTo(reset.Add(-h.lead))
	resp.Header.Set("Retry-After", reset.Format(http.TimeFormat))
	h.mu.Lock()
	h.notBefore[id] = reset
	h.mu.Unlock()
	return resp, nil
}

// TestMockAdminBudget runs a 30-call Admin job with 3 workers against a mock
// whose budget is 10 calls per hour: every call succeeds (the client waits
// for each reset on 420, never retrying before it) and no window ever
// serves more than 10 calls.
func TestMockAdminBudget(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	start := time.Now().UTC().Truncate(time.Hour).Add(2 * time.Hour).Add(10 * time.Minute)
	clock.jumpTo(start) // mid-hour, in the future: the first window is a fresh one
	ender := &hourEnder{next: http.DefaultTransport, clock: clock, lead: 25 * time.Millisecond, notBefore: map[int]time.Time{}}
	m, s := startMock(t, []mockserver.Option{mockserver.WithAdminBudget(10), mockserver.WithClock(clock.Now)},
		client.WithClock(clock.Now), client.WithHTTPClient(&http.Client{Transport: ender}), client.WithRetry(8, 50*time.Millisecond, 1500*time.Millisecond))

	const calls, workers = 30, 3
	var failures atomic.Int32
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ctx := context.WithValue(t.Context(), callID{}, i)
				var err error
				if i%2 == 0 {
					_, err = s.Ping(ctx)
				} else {
					_, err = s.ListResources(ctx, &ListResourcesOptions{Prefix: strconv.Itoa(i)})
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

	ender.mu.Lock()
	for _, e := range ender.early {
		t.Error(e)
	}
	ender.mu.Unlock()
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
// end to end through the client. The client's clock is set, not waited
// for: first 20 s before the reset, under a 10 s deadline, so the call
// gives up at once and its *client.RetryError names the wait it chose
// (exactly the 20 s to the reset); then 5 ms before it, so the retry waits
// those 5 ms and succeeds.
func TestRateLimitedRetry(t *testing.T) {
	t.Parallel()
	for _, status := range []int{420, 429} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			reset := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) // the header has second precision
			var now atomic.Pointer[time.Time]
			setNow := func(before time.Duration) { at := reset.Add(-before); now.Store(&at) }
			var calls atomic.Int32
			f := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= 2 { // the first attempt of each call
					w.Header().Set("X-FeatureRateLimit-Remaining", "0")
					w.Header().Set("X-FeatureRateLimit-Reset", reset.Format(http.TimeFormat))
					w.WriteHeader(status)
					fmt.Fprint(w, `{"error":{"message":"Rate Limit Exceeded"}}`)
					return
				}
				fmt.Fprint(w, `{"status":"ok"}`)
			}, client.WithClock(func() time.Time { return *now.Load() }))

			setNow(20 * time.Second)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_, err := f.svc.Ping(ctx)
			var re *client.RetryError
			if !errors.As(err, &re) || re.Wait != 20*time.Second || re.Attempts() != 1 ||
				!errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrRateLimited) {
				t.Fatalf("err = %v, want a *client.RetryError after 1 attempt naming the 20s wait until the reset", err)
			}

			setNow(5 * time.Millisecond)
			res, err := f.svc.Ping(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 3 || res.Response.Attempts != 2 || res.Status != "ok" {
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
