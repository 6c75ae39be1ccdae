package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fakePages serves n items in pages of size, cursors "c<i>".
func fakePages(n, size int, calls *[]string, failAt int) func(string) ([]int, string, error) {
	return func(c string) ([]int, string, error) {
		*calls = append(*calls, c)
		if failAt > 0 && len(*calls) == failAt {
			return nil, "", errors.New("boom")
		}
		start := 0
		if c != "" {
			fmt.Sscanf(c, "c%d", &start)
		}
		end := min(start+size, n)
		var items []int
		for i := start; i < end; i++ {
			items = append(items, i)
		}
		next := ""
		if end < n {
			next = fmt.Sprintf("c%d", end)
		}
		return items, next, nil
	}
}

func TestPaginate(t *testing.T) {
	tests := []struct {
		name      string
		n, size   int
		first     string
		failAt    int
		stopAfter int // consumer breaks after this many items (0: never)
		wantItems int
		wantCalls []string
		wantErr   bool
	}{
		{name: "all pages", n: 25, size: 10, wantItems: 25, wantCalls: []string{"", "c10", "c20"}},
		{name: "exact multiple", n: 20, size: 10, wantItems: 20, wantCalls: []string{"", "c10"}},
		{name: "empty", n: 0, size: 10, wantItems: 0, wantCalls: []string{""}},
		{name: "starts at caller cursor", n: 25, size: 10, first: "c20", wantItems: 5, wantCalls: []string{"c20"}},
		{name: "stops at first error", n: 25, size: 10, failAt: 2, wantItems: 10, wantCalls: []string{"", "c10"}, wantErr: true},
		{name: "consumer break fetches no more", n: 25, size: 10, stopAfter: 3, wantItems: 3, wantCalls: []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			items, errs := 0, 0
			for v, err := range paginate(context.Background(), "Test", tc.first, fakePages(tc.n, tc.size, &calls, tc.failAt)) {
				if err != nil {
					errs++
					continue
				}
				_ = v
				items++
				if tc.stopAfter > 0 && items == tc.stopAfter {
					break
				}
			}
			if items != tc.wantItems || fmt.Sprint(calls) != fmt.Sprint(tc.wantCalls) {
				t.Errorf("items %d calls %q, want %d %q", items, calls, tc.wantItems, tc.wantCalls)
			}
			if (errs == 1) != tc.wantErr || errs > 1 {
				t.Errorf("%d errors, wantErr %v", errs, tc.wantErr)
			}
		})
	}
}

func TestPaginateContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls []string
	fetch := fakePages(100, 10, &calls, 0)
	n := 0
	var gotErr error
	for _, err := range paginate(ctx, "Test", "", fetch) {
		if err != nil {
			gotErr = err
			break
		}
		n++
		if n == 10 {
			cancel() // the next page must not be fetched
		}
	}
	if !errors.Is(gotErr, context.Canceled) || len(calls) != 1 || n != 10 {
		t.Errorf("err %v, %d calls, %d items; want context.Canceled after 1 call and 10 items", gotErr, len(calls), n)
	}
}

func TestPaginateStuckCursor(t *testing.T) {
	calls := 0
	fetch := func(c string) ([]int, string, error) {
		calls++
		return []int{1}, "same", nil
	}
	var gotErr error
	for _, err := range paginate(context.Background(), "Test", "", fetch) {
		if err != nil {
			gotErr = err
		}
	}
	if gotErr == nil || !strings.Contains(gotErr.Error(), "same next_cursor") || calls != 2 {
		t.Errorf("err %v after %d calls; want a loop error after 2", gotErr, calls)
	}
}

func TestCopyOptsDoesNotAlias(t *testing.T) {
	o := &ListResourcesOptions{Prefix: "p"}
	c := copyOpts(o)
	c.NextCursor = "x"
	if o.NextCursor != "" {
		t.Error("copyOpts aliased the caller's options")
	}
	if copyOpts[ListResourcesOptions](nil) == nil {
		t.Error("copyOpts(nil) returned nil")
	}
}
