package admin

import (
	"encoding/json"
	"testing"
	"time"
)

var testTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func bptr(b bool) *bool { return &b }

// TestBodyEncoding pins the JSON wire forms of body types.
func TestBodyEncoding(t *testing.T) {
	t.Parallel()
	sp, _ := (&StreamingProfileParams{DisplayName: "D", Representations: []string{"w_1", `w_2"`}}).body("n")
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"tags comma string", Tags{"a", "b c"}, `"a,b c"`},
		{"context escaped and sorted", &UpdateResourceParams{Context: Context{"z": "1", "a": `x=y|w\`}}, `{"context":"a=x\\=y\\|w\\\\|z=1"}`},
		{"metadata typed values", &UpdateResourceParams{Metadata: Metadata{"set": []string{"a", "b"}, "n": 50, "d": testTime}}, `{"metadata":"d=2024-05-06|n=50|set=[\"a\",\"b\"]"}`},
		{"coordinates", &UpdateResourceParams{FaceCoordinates: Coordinates{{X: 1, Y: 2, Width: 3, Height: 4}}, CustomCoordinates: Coordinates{{X: 0, Y: 0, Width: 5, Height: 6}}}, `{"face_coordinates":"1,2,3,4","custom_coordinates":"0,0,5,6"}`},
		{"sort default desc", []SortBy{{Field: "created_at"}, {Field: "public_id", Direction: Asc}}, `[{"created_at":"desc"},{"public_id":"asc"}]`},
		{"preset flattened", UploadPresetParams{Name: "p", Unsigned: bptr(false), Settings: map[string]any{"folder": "f"}}, `{"folder":"f","name":"p","unsigned":false}`},
		{"preset settings cannot override name", UploadPresetParams{Name: "p", Settings: map[string]any{"name": "evil"}}, `{"name":"p"}`},
		{"streaming representations json string", sp, `{"name":"n","display_name":"D","representations":"[{\"transformation\":\"w_1\"},{\"transformation\":\"w_2\\\"\"}]"}`},
		{"delete body", deleteBody{PublicIDs: []string{"a"}, Transformations: "x|y"}, `{"public_ids":["a"],"transformations":"x|y"}`},
		{"empty update", &UpdateResourceParams{ResourceType: Video}, `{}`},
		{"search empty", &SearchQuery{}, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

// TestDecodeShapes checks response shapes the API answers in more than one form.
func TestDecodeShapes(t *testing.T) {
	t.Parallel()
	var r Resource
	if err := json.Unmarshal([]byte(`{"public_id":"x","context":[{"key":"a","value":"1"}],"created_at":"2024-05-06T07:08:09Z","unknown_field":{"x":1}}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Context["a"] != "1" || !r.CreatedAt.Equal(testTime) {
		t.Errorf("decoded %+v", r)
	}
	var sr0 SearchResult
	if err := json.Unmarshal([]byte(`{"resources":[{"public_id":"x","context":{"alt":"flat","n":5},"created_at":"2024-05-06T07:08:09+00:00","uploaded_at":""}]}`), &sr0); err != nil {
		t.Fatal(err)
	}
	if r := sr0.Resources[0]; r.Context["alt"] != "flat" || r.Context["n"] != "5" || !r.CreatedAt.Equal(testTime) || !r.UploadedAt.IsZero() {
		t.Errorf("search resource decoded %+v", r)
	}
	var rr RestoreResult
	if err := json.Unmarshal([]byte(`{"b":{"public_id":"b"},"a":{"error":"no_backup"}}`), &rr); err != nil {
		t.Fatal(err)
	}
	if ids := rr.IDs(); len(ids) != 2 || ids[0] != "a" || rr.Restored["a"].Error != "no_backup" {
		t.Errorf("restore decoded %+v", rr)
	}
	var sr SearchResult
	if err := json.Unmarshal([]byte(`{"aggregations":{"format":{"jpg":3},"bytes":[{"from":0,"to":10,"count":2}]}}`), &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Counts("format")["jpg"] != 3 || sr.Counts("bytes") != nil || sr.Counts("none") != nil {
		t.Errorf("Counts wrong: %v", sr.Aggregations)
	}
}
