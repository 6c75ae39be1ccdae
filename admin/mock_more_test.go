package admin

import (
	"net/url"
	"slices"
	"testing"
)

// TestMockRelatedVisualFolderSearch checks related assets, the mock's
// deterministic visual search and folder search through later reads.
func TestMockRelatedVisualFolderSearch(t *testing.T) {
	_, s := startMock(t, nil)
	seed(t, s, []seedAsset{
		{"shop/red-shoe", url.Values{"tags": {"shoe,red"}, "asset_folder": {"shop/shoes"}}},
		{"shop/blue-shoe", url.Values{"tags": {"shoe,blue"}, "asset_folder": {"shop/shoes"}}},
		{"shop/red-hat", url.Values{"tags": {"hat,red"}, "asset_folder": {"shop/hats"}}},
		{"misc/cat", url.Values{"tags": {"cat"}}},
	})
	ctx := t.Context()
	ids := func(l *ResourceList, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range l.Resources {
			out = append(out, r.PublicID)
		}
		return out
	}

	res, err := s.AddRelatedAssets(ctx, "shop/red-shoe", []string{"image/upload/shop/red-hat", "image/upload/nope"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Success) != 1 || len(res.Failed) != 1 || res.Failed[0].Status != 404 {
		t.Fatalf("AddRelatedAssets: %+v", res)
	}
	hat, err := s.Resource(ctx, "shop/red-hat", &ResourceOptions{Related: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hat.Related) != 1 || hat.Related[0].PublicID != "shop/red-shoe" {
		t.Fatalf("related of the hat (relations go both ways): %+v", hat.Related)
	}
	again, err := s.AddRelatedAssets(ctx, "shop/red-shoe", []string{"image/upload/shop/red-hat"}, nil)
	if err != nil || len(again.Failed) != 1 || again.Failed[0].Status != 409 {
		t.Fatalf("relating twice: %+v, %v", again, err)
	}
	if _, err := s.DeleteRelatedAssetsByAssetID(ctx, hat.AssetID, []string{hat.Related[0].AssetID}); err != nil {
		t.Fatal(err)
	}
	if hat, _ = s.Resource(ctx, "shop/red-hat", &ResourceOptions{Related: true}); len(hat.Related) != 0 {
		t.Fatalf("after unrelating: %+v", hat.Related)
	}

	red, _ := s.Resource(ctx, "shop/red-shoe", nil)
	got := ids(s.VisualSearch(ctx, &VisualSearchOptions{ImageAssetID: red.AssetID}))
	if !slices.Equal(got, []string{"shop/red-hat", "shop/blue-shoe"}) && !slices.Equal(got, []string{"shop/blue-shoe", "shop/red-hat"}) {
		t.Fatalf("visual search by asset ID (images sharing a tag): %v", got)
	}
	if got := ids(s.VisualSearch(ctx, &VisualSearchOptions{Text: "cat"})); !slices.Equal(got, []string{"misc/cat"}) {
		t.Fatalf("visual search by text: %v", got)
	}
	if got := ids(s.VisualSearch(ctx, &VisualSearchOptions{ImageURL: red.SecureURL})); len(got) != 2 {
		t.Fatalf("visual search by the delivery URL of a stored image: %v", got)
	}

	fl, err := s.SearchFolders(ctx, &SearchQuery{Expression: "path=shop/*", SortBy: []SortBy{{Field: "name", Direction: Desc}}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range fl.Folders {
		paths = append(paths, f.Path)
	}
	if fl.TotalCount != 2 || !slices.Equal(paths, []string{"shop/shoes", "shop/hats"}) {
		t.Fatalf("folder search: %d %v", fl.TotalCount, paths)
	}
	byFolder, err := s.ResourcesByAssetFolder(ctx, "shop/shoes", &ResourcesByAssetFolderOptions{ListFlags{ListOptions: ListOptions{MaxResults: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if byFolder.TotalCount != 2 || len(byFolder.Resources) != 1 || byFolder.NextCursor == "" {
		t.Fatalf("by asset folder: total %d, %d resources, cursor %q", byFolder.TotalCount, len(byFolder.Resources), byFolder.NextCursor)
	}
}

// TestMockUpdateCoordinatesAccessControl: the update parameters the mock
// used to refuse are stored and read back.
func TestMockUpdateCoordinatesAccessControl(t *testing.T) {
	_, s := startMock(t, nil)
	seed(t, s, []seedAsset{{"faces", nil}})
	ctx := t.Context()
	_, err := s.UpdateResource(ctx, "faces", &UpdateResourceParams{
		FaceCoordinates:   Coordinates{{X: 1, Y: 2, Width: 3, Height: 4}},
		CustomCoordinates: Coordinates{{X: 5, Y: 6, Width: 7, Height: 8}},
		AccessControl:     []byte(`[{"access_type":"token"}]`),
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Resource(ctx, "faces", &ResourceOptions{Coordinates: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Coordinates) != `{"faces":[[1,2,3,4]],"custom":[[5,6,7,8]]}` || string(r.AccessControl) != `[{"access_type":"token"}]` {
		t.Fatalf("coordinates %s, access_control %s", r.Coordinates, r.AccessControl)
	}
	if _, err := s.UpdateResource(ctx, "faces", &UpdateResourceParams{AccessControl: []byte(`[{"access_type":"everyone"}]`)}); err == nil {
		t.Fatal("an unknown access_type was accepted")
	}
}
