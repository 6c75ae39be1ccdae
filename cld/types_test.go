package cld_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cldrest/cldrest/cld"
)

// TestDerivedDecodesBothAPIs decodes an upload's eager entry and an Admin
// API derived resource into the one Derived type.
func TestDerivedDecodesBothAPIs(t *testing.T) {
	t.Parallel()
	var eager, admin cld.Derived
	if err := json.Unmarshal([]byte(`{"transformation":"w_10","width":10,"height":7,"bytes":99,"format":"jpg","status":"pending","batch_id":"b1"}`), &eager); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"id":"d1","transformation":"w_10","format":"jpg","bytes":99,"public_id":"p","resource_type":"image","type":"upload"}`), &admin); err != nil {
		t.Fatal(err)
	}
	if eager.Width != 10 || eager.Height != 7 || eager.Status != "pending" || eager.BatchID != "b1" {
		t.Errorf("eager %+v", eager)
	}
	if admin.ID != "d1" || admin.PublicID != "p" || cld.ResourceType(admin.ResourceType) != cld.Image || cld.DeliveryType(admin.Type) != cld.Upload {
		t.Errorf("admin %+v", admin)
	}
}

func TestSearchQueryCheck(t *testing.T) {
	for _, tc := range []struct {
		q     cld.SearchQuery
		param string // "" for valid
	}{
		{cld.SearchQuery{}, ""},
		{cld.SearchQuery{Expression: "tags=cat", MaxResults: cld.MaxSearchResults, SortBy: []cld.SortBy{{Field: "created_at"}, {Field: "bytes", Direction: cld.Asc}}}, ""},
		{cld.SearchQuery{Expression: "*"}, "expression"},
		{cld.SearchQuery{MaxResults: -1}, "max_results"},
		{cld.SearchQuery{MaxResults: cld.MaxSearchResults + 1}, "max_results"},
		{cld.SearchQuery{SortBy: []cld.SortBy{{Direction: cld.Desc}}}, "sort_by"},
		{cld.SearchQuery{SortBy: []cld.SortBy{{Field: "x", Direction: "DESC"}}}, "sort_by"},
	} {
		err := tc.q.Check()
		ve, ok := errors.AsType[*cld.ValueError](err)
		switch {
		case tc.param == "" && err != nil:
			t.Errorf("Check(%+v) = %v, want nil", tc.q, err)
		case tc.param != "" && (!ok || ve.Param != tc.param):
			t.Errorf("Check(%+v) = %v, want a *cld.ValueError for %s", tc.q, err, tc.param)
		}
	}
}
