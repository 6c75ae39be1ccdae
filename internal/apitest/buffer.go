package apitest

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// Buffer collects output written from several goroutines (a logger, a
// progress display, a child process) and lets a test wait for what it
// expects to be written. The zero value is ready to use.
type Buffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	grew chan struct{} // closed by the next Write; nil when nobody waits
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.grew != nil {
		close(b.grew)
		b.grew = nil
	}
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// WaitFor returns once ok holds for what was written so far, checking
// again after every Write. It fails the test after a minute without (a
// safety net for a hang, not a timing assertion), naming what it waited for
// and showing the end of the output.
func (b *Buffer) WaitFor(t testing.TB, what string, ok func(out string) bool) {
	t.Helper()
	safety := time.NewTimer(time.Minute)
	defer safety.Stop()
	for {
		b.mu.Lock()
		out := b.b.String()
		if b.grew == nil {
			b.grew = make(chan struct{})
		}
		grew := b.grew
		b.mu.Unlock()
		if ok(out) {
			return
		}
		select {
		case <-grew:
		case <-safety.C:
			if len(out) > 2000 {
				out = "…" + out[len(out)-2000:]
			}
			t.Fatalf("no %s within a minute; output so far:\n%s", what, out)
		}
	}
}
