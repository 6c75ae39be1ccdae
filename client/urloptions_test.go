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

// UnknownURLOptions reads the options as ParseURL does: a query ParseURL
// refuses has no options to warn about (it used to name "a;b").
func TestUnknownURLOptionsParsesLikeParseURL(t *testing.T) {
	for _, raw := range []string{
		"cloudinary://k:s@demo?a;b=1",
		"cloudinary://k:s@demo?frobnicate=%zz",
	} {
		if _, err := ParseURL(raw); err == nil {
			t.Fatalf("ParseURL(%q) accepted it", raw)
		}
		if got := UnknownURLOptions(raw); got != nil {
			t.Errorf("UnknownURLOptions(%q) = %+v, want nil (ParseURL refuses the query)", raw, got)
		}
	}
	got := UnknownURLOptions("  cloudinary://k:s@demo?frob%6Eicate=1&&timeout=5  ")
	if want := []UnknownURLOption{{Key: "frobnicate"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// A '?' (or '/', '#') left unescaped in the secret ends the credentials
// early: ParseURL refuses the URL without quoting it, and UnknownURLOptions
// must not name the rest of the secret as an unknown option key.
func TestUnknownURLOptionsNeverNameTheSecret(t *testing.T) {
	for _, raw := range []string{
		"cloudinary://k:CAN?ARYsecret@demo?upload_prefix=http://x",
		"cloudinary://k:CAN/ARY?secret@demo",
		"cloudinary://k:CAN?ARY&secret=1@demo",
	} {
		if _, err := ParseURL(raw); err == nil {
			t.Fatalf("ParseURL(%q) accepted it", raw)
		}
		for _, u := range UnknownURLOptions(raw) {
			if strings.Contains(u.Key, "ARY") || strings.Contains(u.Key, "secret") {
				t.Errorf("UnknownURLOptions(%q) names %q: part of the secret", raw, u.Key)
			}
		}
	}
}
