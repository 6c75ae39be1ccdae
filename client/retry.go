package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry defaults used when WithRetry is not given.
const (
	DefaultMaxAttempts = 4
	DefaultMinWait     = 500 * time.Millisecond
	DefaultMaxWait     = 30 * time.Second
)

// retryableStatus reports whether a response status is retried: 420 and
// 429 (rate limited), 500, 502, 503, 504. 501 and other 4xx are final.
func retryableStatus(code int) bool {
	switch code {
	case 420, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// gatewayStatus reports whether a status comes from a gateway speaking for
// the origin (502, 504): the origin may have received and applied the
// request, so it is ambiguous like a connection lost after the body was
// sent.
func gatewayStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// ParseRetryAfter parses a Retry-After value: delay-seconds (a
// non-negative integer) or an HTTP date, which is converted to a wait
// relative to now (a date in the past gives 0). ok is false for an absent
// or malformed value.
func ParseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(365*24*time.Hour/time.Second) {
			n = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// parseResetTime parses X-FeatureRateLimit-Reset: an HTTP date (what
// Cloudinary sends) or Unix seconds.
func parseResetTime(value string) (time.Time, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, false
	}
	if t, err := http.ParseTime(value); err == nil {
		return t, true
	}
	if n, err := strconv.ParseInt(value, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// parseRateLimit reads the X-FeatureRateLimit-* headers; absent or
// malformed headers leave zero fields.
func parseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-FeatureRateLimit-Limit"))); err == nil {
		rl.Limit = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-FeatureRateLimit-Remaining"))); err == nil {
		rl.Remaining = n
	}
	if t, ok := parseResetTime(h.Get("X-FeatureRateLimit-Reset")); ok {
		rl.Reset = t
	}
	return rl
}

// retryPolicy is the immutable retry configuration of a Client.
type retryPolicy struct {
	maxAttempts      int
	minWait, maxWait time.Duration
	// jitter returns a uniform random duration in [0, d]; replaced in tests.
	jitter func(d time.Duration) time.Duration
	// sleep, when set (tests only), turns the wait the policy chose into
	// the time actually slept, so tests check long waits without taking them.
	sleep func(d time.Duration) time.Duration
}

func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// serverWait returns the wait a response asks for: Retry-After for any
// retryable status, else X-FeatureRateLimit-Reset for 420/429.
func serverWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		return d, true
	}
	if resp.StatusCode == 420 || resp.StatusCode == http.StatusTooManyRequests {
		if rl := parseRateLimit(resp.Header); !rl.Reset.IsZero() {
			return max(rl.Reset.Sub(now), 0), true
		}
	}
	return 0, false
}

// wait returns the backoff before retry number retry (0 for the wait after
// the first attempt): the server's requested wait as asked (checkRetry
// gives up when it exceeds maxWait), else a full-jitter draw from
// [0, min(maxWait, minWait·2^retry)].
func (p retryPolicy) wait(retry int, resp *http.Response, now time.Time) time.Duration {
	if d, ok := serverWait(resp, now); ok {
		return d
	}
	j := p.jitter
	if j == nil {
		j = fullJitter
	}
	return j(p.ceiling(retry))
}

// ceiling is the longest jittered wait before retry number retry:
// min(maxWait, minWait·2^retry).
func (p retryPolicy) ceiling(retry int) time.Duration {
	ceiling := p.maxWait
	if retry < 62 {
		if c := p.minWait << uint(retry); c > 0 && c < ceiling {
			ceiling = c
		}
	}
	return ceiling
}
