package client

import (
	"reflect"
	"strings"
	"testing"
)

func TestUnknownURLOptions(t *testing.T) {
	got := UnknownURLOptions("cloudinary://k:SECRET@demo?upload_prefx=http://x&timeout=5&Chunk_Size=6000000&frobnicate=SECRET")
	want := []UnknownURLOption{{"upload_prefx", "upload_prefix"}, {"Chunk_Size", "chunk_size"}, {"frobnicate", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, u := range got {
		if strings.Contains(u.Key+u.Suggestion, "SECRET") {
			t.Errorf("a value leaked: %+v", u)
		}
	}
	if got := UnknownURLOptions("cloudinary://k:s@demo"); got != nil {
		t.Errorf("no options: %+v", got)
	}
}
