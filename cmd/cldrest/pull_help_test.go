package main

import (
	"strings"
	"testing"
)

// TestPullHelpNamesTheStop: pull's circuit breaker (6836e99) ends a run
// with exit 2; --help says so, as upload's does.
func TestPullHelpNamesTheStop(t *testing.T) {
	out, _, code := runCLI(t, "pull", "--help")
	if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "2 usage or configuration error (or a network failure that stopped the run") {
		t.Errorf("exit %d; pull --help does not say that a stopped run exits 2:\n%s", code, out)
	}
}
