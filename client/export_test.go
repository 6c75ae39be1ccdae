package client

import (
	"net/http"
	"time"
)

// WithBoundaryForTest fixes the multipart boundary so golden bodies are
// deterministic.
func WithBoundaryForTest(b string) Option {
	return func(o *options) error { o.boundary = b; return nil }
}

// WithJitterForTest replaces the full-jitter draw.
func WithJitterForTest(j func(time.Duration) time.Duration) Option {
	return func(o *options) error { o.jitter = j; return nil }
}

// WithSleepForTest passes every wait the retry policy chose to sleep and
// waits for what it returns instead (record the wait, return 0).
func WithSleepForTest(sleep func(time.Duration) time.Duration) Option {
	return func(o *options) error { o.sleep = sleep; return nil }
}

// PolicyWait exposes the backoff computation for table tests.
func PolicyWait(maxAttempts int, minWait, maxWait time.Duration, jitter func(time.Duration) time.Duration, retry int, resp *http.Response, now time.Time) time.Duration {
	return retryPolicy{maxAttempts: maxAttempts, minWait: minWait, maxWait: maxWait, jitter: jitter}.wait(retry, resp, now)
}

// RetryableStatus exposes the status rule.
var RetryableStatus = retryableStatus
