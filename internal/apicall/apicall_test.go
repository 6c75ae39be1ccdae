package apicall

import "testing"

func TestValidSegment(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"image", true}, {"sa_1-x.y", true}, {"ünï", true},
		{"", false}, {".", false}, {"..", false}, {"a/b", false}, {"a?b", false}, {"a#b", false},
		{"a%2F", false}, {`a\b`, false}, {"a b", false}, {"a\xffb", false},
	} {
		if got := ValidSegment(tc.v); got != tc.want {
			t.Errorf("ValidSegment(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		segs []string
		want string
	}{
		{[]string{"resources", "image", "upload", "a/b c"}, "resources/image/upload/a%2Fb%20c"},
		{[]string{"folders", "", "x"}, "folders/x"},
		{nil, ""},
	} {
		if got := Path(tc.segs...); got != tc.want {
			t.Errorf("Path(%q) = %q, want %q", tc.segs, got, tc.want)
		}
	}
}
