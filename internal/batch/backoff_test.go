package batch

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBackoff: the wait doubles from the first one up to maxRetryWait, an
// ended context stops a wait at once, and a live one lets it finish. An
// ended context lets the doubling be observed without sleeping.
func TestBackoff(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	b := NewBackoff(4 * time.Second)
	var seen []time.Duration
	for range 4 {
		seen = append(seen, b.next)
		if b.Wait(ended) {
			t.Fatal("Wait on an ended context reported it waited")
		}
	}
	want := []time.Duration{4 * time.Second, 8 * time.Second, maxRetryWait, maxRetryWait}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("waits %v, want %v", seen, want)
		}
	}
	if !NewBackoff(0).Wait(context.Background()) {
		t.Error("a zero wait with a live context reported the context ended")
	}
}

// TestRetryWaitFromEnv: EnvRetryWait replaces the first wait of every
// Backoff, and a value that is not a duration from 0 to 15s is an error
// naming the variable (and leaves the first wait alone).
func TestRetryWaitFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env   string
		ok    bool
		bad   bool
		first time.Duration
	}{
		{env: "", first: 4 * time.Second},
		{env: "10ms", ok: true, first: 10 * time.Millisecond},
		{env: "0", ok: true, first: 0},
		{env: "15s", ok: true, first: 15 * time.Second},
		{env: "16s", ok: true, bad: true, first: 4 * time.Second},
		{env: "-1ms", ok: true, bad: true, first: 4 * time.Second},
		{env: "fast", ok: true, bad: true, first: 4 * time.Second},
	} {
		t.Setenv(EnvRetryWait, tt.env)
		_, ok, err := RetryWaitFromEnv()
		if ok != tt.ok || (err != nil) != tt.bad {
			t.Errorf("%s=%q: ok %v, error %v", EnvRetryWait, tt.env, ok, err)
		}
		if err != nil && !strings.Contains(err.Error(), EnvRetryWait) {
			t.Errorf("%s=%q: error %q does not name the variable", EnvRetryWait, tt.env, err)
		}
		if got := NewBackoff(4 * time.Second).next; got != tt.first {
			t.Errorf("%s=%q: first wait %v, want %v", EnvRetryWait, tt.env, got, tt.first)
		}
	}
}
