// Package memtest measures heap growth for the memory-bound tests of
// upload and mockserver (one sampler, so the two agree on what "held"
// means), and says whether they run at full size.
package memtest

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// BigTestsEnv names the environment variable that opts in to the
// full-size memory-bound tests (README, Development): set to 1, upload's
// TestMemoryBounds sends 1 GiB and mockserver's TestUnverifiedMemoryBounded
// fills the default unverified budget.
const BigTestsEnv = "CLDREST_BIG_TESTS"

// Big reports whether the memory-bound tests run at full size: BigTestsEnv
// is 1 and the run is not -short (the race pass shrinks them).
func Big() bool { return os.Getenv(BigTestsEnv) == "1" && !testing.Short() }

// HeapPeak samples the heap (objects, live or not yet swept) every
// millisecond until stop is called. stop returns how far the peak rose
// above the level at the start, and how much of that a full GC leaves
// (what is retained). GC runs at GOGC=10 meanwhile, so garbage can neither
// hide a bound violation behind a lazy collector nor fake one.
func HeapPeak() (stop func() (peak, retained int64)) {
	old := debug.SetGCPercent(10)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int64 { metrics.Read(sample); return int64(sample[0].Value.Uint64()) }
	base := read()
	var (
		mu      sync.Mutex
		highest = base
		done    = make(chan struct{})
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				v := read()
				mu.Lock()
				highest = max(highest, v)
				mu.Unlock()
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		wg.Wait()
		debug.SetGCPercent(old)
		runtime.GC()
		return highest - base, read() - base
	}
}
