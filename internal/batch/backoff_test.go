package batch

import (
	"context"
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
