package upload_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/upload"
)

func TestTagsAllBatches(t *testing.T) {
	e := startMock(t, nil)
	ctx := context.Background()
	var ids []string
	for i := range 2500 {
		ids = append(ids, fmt.Sprintf("gone/%04d", i))
	}
	for _, id := range []string{"x/a", "x/b", "x/c"} {
		if _, err := e.svc.Upload(ctx, upload.FromBytes([]byte(id)), &upload.Params{ResourceType: "raw", PublicID: id}); err != nil {
			t.Fatal(err)
		}
	}
	// The assets sit in different batches of 1,000.
	ids[10], ids[1500], ids[2499] = "x/a", "x/b", "x/c"
	res, err := e.svc.TagsAll(ctx, upload.TagAdd, []string{"t"}, ids, &upload.TagParams{ResourceType: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(res.PublicIDs)
	if strings.Join(res.PublicIDs, ",") != "x/a,x/b,x/c" {
		t.Errorf("changed %q, want x/a, x/b, x/c", res.PublicIDs)
	}
	calls := 0
	for _, j := range e.m.Journal() {
		if strings.HasSuffix(j.Route, "tags") {
			calls++
		}
	}
	if calls != 3 {
		t.Errorf("%d tags calls for 2,500 IDs, want 3", calls)
	}
}
