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

func TestCheckIDs(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string // "" for no error
	}{
		{nil, ""},
		{[]string{"a", "b"}, ""},
		{[]string{"a", "b", "c"}, "x.Op: 3 user IDs given, at most 2 per call; split the list"},
		{[]string{"a", ""}, "x.Op: user ID #2 is empty"},
	} {
		err := CheckIDs("x.Op", "user ID", tc.ids, 2)
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("CheckIDs(%q) = %q, want %q", tc.ids, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("CheckIDs(%q) = nil, want %q", tc.ids, tc.want)
		}
	}
	if p := CopyOpts[struct{ N int }](nil); p == nil || p.N != 0 {
		t.Errorf("CopyOpts(nil) = %v", p)
	}
	in := &struct{ N int }{1}
	if out := CopyOpts(in); out == in || out.N != 1 {
		t.Errorf("CopyOpts did not copy: %p %p %v", in, out, out)
	}
}
