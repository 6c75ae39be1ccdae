package directupload

import (
	"fmt"
	"testing"
	"time"
)

// The replay cache expires entries as it goes: a full cache accepts a new
// notification as soon as the oldest one has expired, and however many
// notifications pass through, it holds only those of the last window.
func TestReplayCacheExpiresIncrementally(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	c := replayCache{max: 3}
	for i := range 3 {
		if got := c.start(fmt.Sprint(i), t0.Add(10*time.Second), t0); got != replayNew {
			t.Fatalf("entry %d: %v", i, got)
		}
		c.finish(fmt.Sprint(i))
	}
	if got := c.start("3", t0.Add(20*time.Second), t0.Add(5*time.Second)); got != replayFull {
		t.Fatalf("a full cache took a fourth entry: %v", got)
	}
	if got := c.start("1", t0.Add(10*time.Second), t0.Add(5*time.Second)); got != replayDone {
		t.Fatalf("a replay inside the window: %v", got)
	}
	if got := c.start("3", t0.Add(20*time.Second), t0.Add(10*time.Second)); got != replayNew {
		t.Fatalf("the cache stayed full after its entries expired: %v", got)
	}
	if len(c.m) != 1 || len(c.order)-c.head != 1 {
		t.Fatalf("after expiry: %d entries, %d queued", len(c.m), len(c.order)-c.head)
	}

	// A long stream, one notification a second with a 10 s window: the
	// cache never holds more than the window's worth, and its queue stays
	// as small (no rescans, no growth).
	c = replayCache{max: 1000}
	for i := range 10_000 {
		now := t0.Add(time.Duration(i) * time.Second)
		if got := c.start(fmt.Sprint("k", i), now.Add(10*time.Second), now); got != replayNew {
			t.Fatalf("notification %d: %v", i, got)
		}
		c.finish(fmt.Sprint("k", i))
		if len(c.m) > 11 || len(c.order) > 2*11 {
			t.Fatalf("notification %d: %d entries, queue of %d", i, len(c.m), len(c.order))
		}
	}
}

// A notification whose callback failed is handled again on a retry, and
// stays queued once.
func TestReplayCacheForget(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	var c replayCache
	exp := t0.Add(time.Minute)
	if got := c.start("a", exp, t0); got != replayNew {
		t.Fatal(got)
	}
	if got := c.start("a", exp, t0); got != replayInFlight {
		t.Fatalf("while in flight: %v", got)
	}
	c.forget("a")
	if got := c.start("a", exp, t0); got != replayNew {
		t.Fatalf("after a failed callback: %v", got)
	}
	c.finish("a")
	if got := c.start("a", exp, t0); got != replayDone {
		t.Fatalf("after success: %v", got)
	}
	if len(c.order)-c.head != 1 {
		t.Fatalf("queued %d times", len(c.order)-c.head)
	}
}
