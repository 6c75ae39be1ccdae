package admin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

// gifDataURI is a 1x1 GIF, the smallest asset the mock accepts.
const gifDataURI = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

// startMock starts the mock with the canary credentials and returns it with
// a Service pointing at it.
func startMock(t testing.TB, mopts []mockserver.Option, copts ...client.Option) (*mockserver.Running, *Service) {
	t.Helper()
	mopts = append([]mockserver.Option{mockserver.WithCredentials(testKey, testSecret), mockserver.WithStorage(mockserver.MetadataOnly)}, mopts...)
	m := mockserver.Start(t, mopts...)
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	c, err := client.New(cfg, copts...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return m, New(c)
}

// seedAsset is one asset to upload.
type seedAsset struct {
	publicID string
	params   url.Values // extra upload params (tags, context, asset_folder, moderation, ...)
}

// seed uploads assets through the Upload API (signed, not charged to the
// Admin budget) with a few workers, so the upload path is exercised too
// (mockserver.Server.PutAsset seeds without HTTP).
func seed(t testing.TB, s *Service, assets []seedAsset) {
	t.Helper()
	ctx := context.Background()
	work := make(chan seedAsset)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				p := url.Values{"file": {gifDataURI}, "public_id": {a.publicID}}
				for k, v := range a.params {
					p[k] = v
				}
				_, err := s.c.Do(ctx, &client.Request{Method: "POST", API: client.UploadAPI, Path: "image/upload", Params: p, Idempotent: true}, nil)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("upload %s: %w", a.publicID, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, a := range assets {
		work <- a
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
}

// put stores assets in the mock directly (mockserver.Server.PutAsset): the
// bulk of a listing test, which seed's uploads would only slow down.
func put(t testing.TB, m *mockserver.Running, assets []seedAsset) {
	t.Helper()
	for _, a := range assets {
		if len(a.params) > 0 {
			t.Fatalf("put %s: upload params need seed", a.publicID)
		}
		if _, err := m.PutAsset(mockserver.Asset{PublicID: a.publicID}); err != nil {
			t.Fatal(err)
		}
	}
}

func numbered(prefix string, n int) []seedAsset {
	out := make([]seedAsset, n)
	for i := range out {
		out[i] = seedAsset{publicID: fmt.Sprintf("%s%05d", prefix, i)}
	}
	return out
}

// adminEntries returns the journal entries of Admin API calls.
func adminEntries(m *mockserver.Running) []mockserver.JournalEntry {
	var out []mockserver.JournalEntry
	for _, e := range m.Journal() {
		if len(e.Route) > 6 && e.Route[:6] == "admin/" {
			out = append(out, e)
		}
	}
	return out
}

// TestMockIterateAll lists 1,500 assets in pages of 500 (the largest page
// the API serves) through ListResourcesAll: every asset exactly once, in
// exactly 3 requests (a first page, one in the middle and a full last page
// after which the iterator stops without asking for an empty one).
func TestMockIterateAll(t *testing.T) {
	t.Parallel()
	const n, pageSize = 1_500, 500
	// The mock's clock stands still: its rate-limit budget is per clock
	// hour, and a run across an hour boundary counted one call short.
	frozen := time.Now()
	m, s := startMock(t, []mockserver.Option{mockserver.WithClock(func() time.Time { return frozen })})
	put(t, m, numbered("iter/", n))
	seed(t, s, numbered("other/", 3)) // must not be listed
	m.ClearJournal()

	seen := make(map[string]bool, n)
	opts := &ListResourcesOptions{Prefix: "iter/", ListFlags: ListFlags{ListOptions: ListOptions{MaxResults: pageSize}}}
	for r, err := range s.ListResourcesAll(t.Context(), opts) {
		if err != nil {
			t.Fatalf("after %d items: %v", len(seen), err)
		}
		if seen[r.PublicID] {
			t.Fatalf("%s listed twice", r.PublicID)
		}
		seen[r.PublicID] = true
	}
	if len(seen) != n {
		t.Errorf("listed %d distinct assets, want %d", len(seen), n)
	}
	if opts.NextCursor != "" {
		t.Error("the iterator modified the caller's options")
	}
	entries := adminEntries(m)
	if len(entries) != n/pageSize {
		t.Errorf("%d Admin requests, want %d", len(entries), n/pageSize)
	}
	for i, e := range entries {
		if e.Method != "GET" || e.Path != "/v1_1/demo/resources/image/upload" || e.Status != 200 ||
			fmt.Sprint(e.Params["max_results"]) != fmt.Sprintf("[%d]", pageSize) || fmt.Sprint(e.Params["prefix"]) != "[iter/]" {
			t.Errorf("request %d: %s %s %v status %d", i, e.Method, e.Path, e.Params, e.Status)
		}
		if (i == 0) != (len(e.Params["next_cursor"]) == 0) {
			t.Errorf("request %d: next_cursor %q", i, e.Params["next_cursor"])
		}
	}
	if rl, ok := s.LastRateLimit(); !ok || rl.Limit == 0 || rl.Remaining != rl.Limit-len(entries) {
		t.Errorf("LastRateLimit %+v %v after %d calls", rl, ok, len(entries))
	}
}

// TestMockDeleteAllByPrefix deletes 1,001 assets by prefix: the mock deletes
// at most 1,000 per call and answers partial, and the helper loops for the
// one left.
func TestMockDeleteAllByPrefix(t *testing.T) {
	t.Parallel()
	const n = 1_001
	m, s := startMock(t, nil)
	put(t, m, numbered("del/", n))
	seed(t, s, numbered("keep/", 5))
	m.ClearJournal()

	sum, err := s.DeleteAllByPrefix(t.Context(), "del/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Calls != 2 || sum.Deleted != n || sum.NotFound != 0 || sum.Last == nil || sum.Last.Partial {
		t.Errorf("summary %+v", sum)
	}
	entries := adminEntries(m)
	if len(entries) != 2 {
		t.Fatalf("%d Admin requests, want 2", len(entries))
	}
	for _, e := range entries {
		if e.Method != "DELETE" || e.Path != "/v1_1/demo/resources/image/upload" || fmt.Sprint(e.Params["prefix"]) != "[del/]" {
			t.Errorf("request %s %s %v", e.Method, e.Path, e.Params)
		}
	}
	left, err := s.ListResources(t.Context(), &ListResourcesOptions{Prefix: "del/"})
	if err != nil || len(left.Resources) != 0 {
		t.Errorf("after delete: %v, %v", left, err)
	}
	kept, err := s.ListResources(t.Context(), &ListResourcesOptions{Prefix: "keep/"})
	if err != nil || len(kept.Resources) != 5 {
		t.Errorf("kept: %v, %v", kept, err)
	}
}

// TestMockAmbiguousPOST checks which Admin POSTs are marked safe to repeat:
// when the mock applies a request and then drops the connection, a search
// is retried and succeeds, while creating an upload preset without a name
// (a repeat would create a second preset) fails as ambiguous.
func TestMockAmbiguousPOST(t *testing.T) {
	t.Parallel()
	m, s := startMock(t, nil, client.WithRetry(3, time.Millisecond, 10*time.Millisecond))
	seed(t, s, numbered("amb/", 2))
	if _, err := m.AddFault(mockserver.Fault{Route: "admin/resources", Method: "POST", Kind: mockserver.FaultCommitDrop, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(t.Context(), &SearchQuery{Expression: Field("public_id").Prefix("amb/").String()})
	if err != nil || res.TotalCount != 2 || res.Response.Attempts != 2 {
		t.Fatalf("search: %v (result %+v)", err, res)
	}

	if _, err := m.AddFault(mockserver.Fault{Route: "admin/upload_presets", Method: "POST", Kind: mockserver.FaultCommitDrop, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateUploadPreset(t.Context(), &UploadPresetParams{Settings: map[string]any{"folder": "x"}})
	if !errors.Is(err, client.ErrAmbiguous) {
		t.Fatalf("create preset: err = %v, want client.ErrAmbiguous", err)
	}
	list, err := s.UploadPresets(t.Context(), nil)
	if err != nil || len(list.Presets) != 1 {
		t.Errorf("presets after the dropped create: %v, %v; want exactly one (applied once, not repeated)", list, err)
	}
}
