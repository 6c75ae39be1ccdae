package pull

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/internal/batch"
)

// TestSummaryIsBatchs: the human summary lists the first
// batch.MaxListedFailures failures and a count, and advises a rerun only
// for retryable failures; a collision counts its bytes as failed, as an
// upload failure does.
func TestSummaryIsBatchs(t *testing.T) {
	content := map[string][]byte{}
	for i := range 12 {
		content[fmt.Sprintf("f%02d", i)] = []byte(fmt.Sprintf("content %d", i))
	}
	rem := &fakeRemote{content: content, corrupt: map[string]int{}, fetches: map[string]int{}}
	for id := range content {
		rem.corrupt[id] = 100
	}
	assets := assetsOf(content)
	twin := assets[0]
	twin.ResourceType = "image"
	assets = append(assets, twin)
	var out bytes.Buffer
	o := NewOutput(&out, false, true)
	var collided FileResult
	done := func(r FileResult) {
		if r.Reason == ReasonCollision {
			collided = r
		}
		o.Done(r)
	}
	sum, err := Run(context.Background(), t.TempDir(), assets, rem.fetch, Options{MaxAttempts: 1, Done: done})
	if err != nil || sum.Failed != 13 {
		t.Fatalf("%+v %v", sum, err)
	}
	o.End(sum)
	if collided.Bytes != twin.Bytes || collided.Retryable {
		t.Errorf("collision: %+v", collided)
	}
	got := out.String()
	for _, want := range []string{
		"failed (13):\n",
		fmt.Sprintf("  ... and %d more (--json lists them all)\n", 13-batch.MaxListedFailures),
		"13 assets failed: 12 may succeed if you run the same command again; fix the others",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n  raw/upload/") + strings.Count(got, "\n  image/upload/"); n != batch.MaxListedFailures {
		t.Errorf("summary names %d failures, want %d:\n%s", n, batch.MaxListedFailures, got)
	}
}
