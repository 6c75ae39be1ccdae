package batch

import (
	"context"
	"testing"
	"time"
)

func TestBackoffAgain(t *testing.T) {
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name             string
		ctx              context.Context
		attempt, max     int
		retryable, again bool
	}{
		{"retryable, tries left", live, 1, 3, true, true},
		{"last try", live, 3, 3, true, false},
		{"not retryable", live, 1, 3, false, false},
		{"context ended", ended, 1, 3, true, false},
	} {
		if got := NewBackoff(time.Millisecond).Again(tc.ctx, tc.attempt, tc.max, tc.retryable); got != tc.again {
			t.Errorf("%s: Again = %v, want %v", tc.name, got, tc.again)
		}
	}
}
