package admin

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

func TestDeleteResourcesAll(t *testing.T) {
	_, s := startMock(t, nil)
	var assets []seedAsset
	var ids []string
	for i := range 230 {
		id := fmt.Sprintf("del/a%03d", i)
		ids = append(ids, id)
		if i%50 != 7 { // five IDs have no asset
			assets = append(assets, seedAsset{publicID: id})
		}
	}
	seed(t, s, assets)
	sum, err := s.DeleteResourcesAll(context.Background(), append(ids, "del/a000"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"del/a007", "del/a057", "del/a107", "del/a157", "del/a207"}
	if sum.Calls != 3 || sum.Deleted != 225 || sum.NotFound != 5 || !reflect.DeepEqual(sum.NotFoundIDs, want) {
		t.Errorf("summary calls %d deleted %d not found %d %v; want 3 calls, 225 deleted, %v not found", sum.Calls, sum.Deleted, sum.NotFound, sum.NotFoundIDs, want)
	}
	left, err := s.ListResources(context.Background(), &ListResourcesOptions{Prefix: "del/"})
	if err != nil || len(left.Resources) != 0 {
		t.Errorf("left %v, %v", left, err)
	}
}
