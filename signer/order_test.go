package signer

import (
	"net/url"
	"testing"
)

// TestMixedArrayFormsOrder: a name sent in several forms (plain k, k[] and
// k[N]) signs in the one documented order, whatever order the map yields
// its keys in: plain values, then k[] values, then k[N] by index (equal
// indexes spelled differently, like k[1] and k[01], by key bytes). Each
// case is rendered many times because url.Values iteration order is random.
func TestMixedArrayFormsOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"plain then brackets", url.Values{"tags": {"7"}, "tags[]": {"8"}, "timestamp": {"1700000000"}}, "tags=7,8&timestamp=1700000000"},
		{"every form", url.Values{"t[1]": {"b"}, "t[]": {"y", "z"}, "t": {"w", "x"}, "t[0]": {"a"}}, "t=w,x,y,z,a,b"},
		{"plain then indexed", url.Values{"ids[0]": {"a"}, "ids": {"p"}}, "ids=p,a"},
		{"one index spelled three ways", url.Values{"t[1]": {"c"}, "t[01]": {"b"}, "t[+1]": {"a"}, "t[0]": {"z"}}, "t=z,a,b,c"},
		{"nested brackets are their own name", url.Values{"a[]": {"1"}, "a[][]": {"2"}, "a": {"0"}}, "a=0,1&a[]=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i < 500; i++ {
				if got := StringToSign(tt.params, 2); got != tt.want {
					t.Fatalf("run %d: got %q, want %q", i, got, tt.want)
				}
			}
		})
	}
}
