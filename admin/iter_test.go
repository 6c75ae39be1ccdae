package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// TestIteratorsEndToEnd drives the ...All methods through the real client:
// they follow next_cursor, copy the caller's options, stop at the first
// error and do not fetch after the context is cancelled.
func TestIteratorsEndToEnd(t *testing.T) {
	t.Parallel()
	// page serves "p<cursor>" style pages: 3 pages of 2 items, then an
	// error if asked for cursor "bad".
	handler := func(w http.ResponseWriter, r *http.Request) {
		c := r.URL.Query().Get("next_cursor")
		if r.Method == http.MethodPost { // search: cursor in the JSON body
			var q SearchQuery
			_ = json.NewDecoder(r.Body).Decode(&q)
			c = q.NextCursor
		}
		pageOf := func(next string, names ...string) {
			var res, tags, folders, named, mappings []string
			for _, n := range names {
				res = append(res, `{"public_id":"`+n+`"}`)
				tags = append(tags, `"`+n+`"`)
				folders = append(folders, `{"path":"`+n+`"}`)
				named = append(named, `{"name":"`+n+`"}`)
				mappings = append(mappings, `{"folder":"`+n+`"}`)
			}
			fmt.Fprintf(w, `{"resources":[%s],"tags":[%s],"folders":[%s],"transformations":[%s],"presets":[%[4]s],"mappings":[%s],"next_cursor":%q}`,
				strings.Join(res, ","), strings.Join(tags, ","), strings.Join(folders, ","), strings.Join(named, ","), strings.Join(mappings, ","), next)
		}
		switch c {
		case "":
			pageOf("c2", "a", "b")
		case "c2":
			pageOf("c3", "c", "d")
		case "c3":
			pageOf("", "e")
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"message":"Invalid next_cursor"}}`)
		}
	}
	collect := func(seq func(func(string, error) bool)) (string, error) {
		var got []string
		for v, err := range seq {
			if err != nil {
				return strings.Join(got, ""), err
			}
			got = append(got, v)
		}
		return strings.Join(got, ""), nil
	}
	ids := func(s iter.Seq2[Resource, error]) func(func(string, error) bool) {
		return func(yield func(string, error) bool) {
			for r, err := range s {
				if !yield(r.PublicID, err) {
					return
				}
			}
		}
	}
	paths := func(s iter.Seq2[Folder, error]) func(func(string, error) bool) {
		return func(yield func(string, error) bool) {
			for f, err := range s {
				if !yield(f.Path, err) {
					return
				}
			}
		}
	}
	ctx := context.Background()
	tests := []struct {
		name  string
		seq   func(s *Service) func(func(string, error) bool)
		want  string
		calls int
	}{
		{"ListResourcesAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.ListResourcesAll(ctx, nil))
		}, "abcde", 3},
		{"ResourcesByTagAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.ResourcesByTagAll(ctx, "t", nil))
		}, "abcde", 3},
		{"ResourcesByContextAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.ResourcesByContextAll(ctx, "k", "", nil))
		}, "abcde", 3},
		{"ResourcesByModerationAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.ResourcesByModerationAll(ctx, "manual", "pending", nil))
		}, "abcde", 3},
		{"ResourcesByAssetFolderAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.ResourcesByAssetFolderAll(ctx, "f", nil))
		}, "abcde", 3},
		{"SearchAll", func(s *Service) func(func(string, error) bool) {
			return ids(s.SearchAll(ctx, &SearchQuery{MaxResults: 2}))
		}, "abcde", 3},
		{"TagsAll from a cursor", func(s *Service) func(func(string, error) bool) {
			return s.TagsAll(ctx, &TagsOptions{NextCursor: "c2"})
		}, "cde", 2},
		{"RootFoldersAll", func(s *Service) func(func(string, error) bool) { return paths(s.RootFoldersAll(ctx, nil)) }, "abcde", 3},
		{"SubFoldersAll", func(s *Service) func(func(string, error) bool) { return paths(s.SubFoldersAll(ctx, "x", nil)) }, "abcde", 3},
		{"SearchFoldersAll", func(s *Service) func(func(string, error) bool) {
			return paths(s.SearchFoldersAll(ctx, nil))
		}, "abcde", 3},
		{"TransformationsAll", func(s *Service) func(func(string, error) bool) {
			return names(s.TransformationsAll(ctx, nil), func(v TransformationInfo) string { return v.Name })
		}, "abcde", 3},
		{"UploadPresetsAll", func(s *Service) func(func(string, error) bool) {
			return names(s.UploadPresetsAll(ctx, nil), func(v UploadPreset) string { return v.Name })
		}, "abcde", 3},
		{"UploadMappingsAll", func(s *Service) func(func(string, error) bool) {
			return names(s.UploadMappingsAll(ctx, nil), func(v UploadMapping) string { return v.Folder })
		}, "abcde", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, handler)
			got, err := collect(tc.seq(f.svc))
			if err != nil || got != tc.want || len(f.requests()) != tc.calls {
				t.Errorf("got %q, %v after %d requests; want %q after %d", got, err, len(f.requests()), tc.want, tc.calls)
			}
		})
	}

	t.Run("stops at the first error", func(t *testing.T) {
		f := setup(t, handler)
		got, err := collect(ids(f.svc.ListResourcesAll(ctx, &ListResourcesOptions{ListFlags: ListFlags{ListOptions: ListOptions{NextCursor: "bad"}}})))
		if !errors.Is(err, client.ErrNotFound) || got != "" || len(f.requests()) != 1 {
			t.Errorf("got %q, %v after %d requests", got, err, len(f.requests()))
		}
	})
	t.Run("context cancelled between pages", func(t *testing.T) {
		f := setup(t, handler)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var got []string
		var gotErr error
		for r, err := range f.svc.ListResourcesAll(cctx, nil) {
			if err != nil {
				gotErr = err
				break
			}
			got = append(got, r.PublicID)
			if len(got) == 2 {
				cancel()
			}
		}
		if !errors.Is(gotErr, context.Canceled) || len(got) != 2 || len(f.requests()) != 1 {
			t.Errorf("got %v, %v after %d requests; want 2 items, context.Canceled, 1 request", got, gotErr, len(f.requests()))
		}
	})
	t.Run("caller options untouched", func(t *testing.T) {
		f := setup(t, handler)
		opts := &ResourcesByTagOptions{ListFlags: ListFlags{ListOptions: ListOptions{MaxResults: 2}}}
		if _, err := collect(ids(f.svc.ResourcesByTagAll(ctx, "t", opts))); err != nil {
			t.Fatal(err)
		}
		if opts.NextCursor != "" || opts.MaxResults != 2 {
			t.Errorf("options changed: %+v", opts)
		}
		for i, r := range f.requests() {
			if r.Query.Get("max_results") != "2" {
				t.Errorf("request %d lost max_results: %v", i, r.Query)
			}
		}
	})
}

// names maps a sequence to strings.
func names[T any](s iter.Seq2[T, error], name func(T) string) func(func(string, error) bool) {
	return func(yield func(string, error) bool) {
		for v, err := range s {
			if !yield(name(v), err) {
				return
			}
		}
	}
}
