package upload

import (
	"errors"
	"slices"
	"testing"
)

// The chunker is tested without HTTP: planning, ranges and the tracker that
// gives progress and ChunkError.Offset.

func TestPlanChunks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		size, chunk int64
		want        []chunk
	}{
		{10, 4, []chunk{{0, 0, 4}, {1, 4, 4}, {2, 8, 2}}},
		{8, 4, []chunk{{0, 0, 4}, {1, 4, 4}}},
		{3, 4, []chunk{{0, 0, 3}}},
		{0, 4, []chunk{}},
	}
	for _, tc := range cases {
		if got := planChunks(tc.size, tc.chunk); !slices.Equal(got, tc.want) {
			t.Errorf("planChunks(%d, %d) = %v, want %v", tc.size, tc.chunk, got, tc.want)
		}
	}
}

func TestContentRange(t *testing.T) {
	t.Parallel()
	if got := contentRange(4, 4, 10); got != "bytes 4-7/10" {
		t.Errorf("known total: %q", got)
	}
	if got := contentRange(0, 5, -1); got != "bytes 0-4/-1" {
		t.Errorf("unknown total: %q", got)
	}
}

func TestTrackerOffsetIsGapFreePrefix(t *testing.T) {
	t.Parallel()
	chunks := planChunks(10, 4)
	var seen [][2]int64
	tr := newTracker("up1", chunks, 10, func(acked, total int64) { seen = append(seen, [2]int64{acked, total}) })
	if tr.prefix() != 0 || tr.pending() != chunks[0] {
		t.Fatalf("fresh tracker: prefix %d pending %v", tr.prefix(), tr.pending())
	}
	tr.ack(chunks[1]) // out of order: no gap-free progress yet
	if tr.prefix() != 0 {
		t.Errorf("prefix %d after acking chunk 1 only", tr.prefix())
	}
	tr.ack(chunks[0])
	if tr.prefix() != 8 || tr.pending() != chunks[2] {
		t.Errorf("prefix %d pending %v after chunks 0 and 1", tr.prefix(), tr.pending())
	}
	cause := errors.New("boom")
	ce := tr.fail(chunks[2], cause)
	if ce.UploadID != "up1" || ce.Offset != 8 || ce.Chunk != 2 || ce.Range != "bytes 8-9/10" || !errors.Is(ce, cause) {
		t.Errorf("ChunkError %+v", ce)
	}
	tr.ack(chunks[2])
	if tr.prefix() != 10 || tr.pending().index != 3 {
		t.Errorf("all acked: prefix %d pending %v", tr.prefix(), tr.pending())
	}
	if want := [][2]int64{{4, 10}, {8, 10}, {10, 10}}; !slices.Equal(seen, want) {
		t.Errorf("progress %v, want %v", seen, want)
	}
}
