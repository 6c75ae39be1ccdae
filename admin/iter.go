package admin

import (
	"context"
	"fmt"
	"iter"

	"github.com/cldrest/cldrest/internal/apicall"
)

// paginate follows next_cursor: fetch is called with the cursor to request
// (first the caller's own, usually empty) and returns one page's items and
// the next cursor. The sequence stops at the end, at the first error (which
// it yields once), when the consumer stops, or when ctx is done.
func paginate[T any](ctx context.Context, op, first string, fetch func(cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := first
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, next, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if next == cursor {
				yield(zero, fmt.Errorf("admin.%s: the server returned the same next_cursor %q twice; stopping to avoid an endless loop", op, next))
				return
			}
			cursor = next
		}
	}
}

// copyOpts returns a copy of *p (apicall.CopyOpts).
func copyOpts[T any](p *T) *T { return apicall.CopyOpts(p) }
