package signer

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzStringToSign checks invariants of the string to sign on arbitrary
// query strings: no panic, order independence, excluded keys never appear,
// v2 output never contains a raw "&" inside a pair, and Sign/Verify agree.
func FuzzStringToSign(f *testing.F) {
	f.Add("public_id=sample&timestamp=1315060510&eager=w_400%7Ch_300")
	f.Add("tags%5B%5D=a&tags%5B%5D=b&file=x&api_key=k&signature=s")
	f.Add("ids%5B1%5D=b&ids%5B0%5D=a&notification_url=https%3A%2F%2Fh%2Fcb%3Fa%3D1%26b%3D2")
	f.Add("a%5B-1%5D=x&a%5B%5D=&=&%5B%5D=1")
	f.Fuzz(func(t *testing.T, query string) {
		params, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		s1 := StringToSign(params, 1)
		s2 := StringToSign(params, 2)
		for _, pair := range strings.Split(s1, "&") {
			name, _, _ := strings.Cut(pair, "=")
			if excluded(name) {
				t.Fatalf("excluded key %q in %q", name, s1)
			}
		}
		if strings.Count(s2, "&") > len(params) {
			t.Fatalf("v2 string %q has more separators than parameters", s2)
		}
		copyParams := url.Values{}
		for k, v := range params {
			copyParams[k] = append([]string(nil), v...)
		}
		if StringToSign(copyParams, 2) != s2 {
			t.Fatal("string to sign not deterministic")
		}
		sig, err := Sign(params, "secret", SHA256, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !Verify(params, "secret", sig) {
			t.Fatal("Verify rejected Sign's output")
		}
	})
}
