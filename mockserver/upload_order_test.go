package mockserver

import (
	"net/url"
	"testing"
)

// TestOverwriteFalseAnswersBeforeRendering checks that an upload with
// overwrite=false of an existing public ID answers the existing asset
// without rendering its incoming transformation: a file that cannot be
// rendered does not fail the request, and the asset is unchanged.
func TestOverwriteFalseAnswersBeforeRendering(t *testing.T) {
	s := New(fixedClock())
	first := uploadFile(t, s, "image", url.Values{"public_id": {"p"}}, "a.png", pngBytes(4, 4, 0))
	mustStatus(t, first, 200)
	broken := pngBytes(8, 8, 0)[:40] // a PNG header with dimensions, no image data: sniffs as PNG, cannot render
	params := url.Values{"public_id": {"p"}, "transformation": {"w_2"}}
	if r := uploadFile(t, s, "image", params, "b.png", broken); r.status == 200 {
		t.Fatalf("the broken file renders (status 200: %s): the test needs a file that cannot", r.body)
	}
	params.Set("overwrite", "false")
	keep := uploadFile(t, s, "image", params, "b.png", broken)
	mustStatus(t, keep, 200)
	if keep.json["existing"] != true || keep.str("version_id") != first.str("version_id") || keep.num("width") != 4 {
		t.Fatalf("overwrite=false must answer the existing asset without rendering: %s", keep.body)
	}
}
