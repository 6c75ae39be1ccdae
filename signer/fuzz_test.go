package signer

import (
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzStringToSign checks invariants of the string to sign on arbitrary
// query strings: no panic; shuffle invariance (the same parameters listed
// in sorted, reversed and several shuffled key orders render the same
// string, so map iteration order can never matter); agreement with
// referenceStringToSign, a plain rendering of the documented rules;
// excluded keys never appear; v2 output never contains a raw "&" inside a
// pair; and Sign/Verify agree. Seeds live in testdata/fuzz/FuzzStringToSign
// (issue12_* are the inputs that signed in two ways before the order was
// made total).
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
		for _, v := range []int{1, 2} {
			want := StringToSign(params, v)
			if ref := referenceStringToSign(params, v); want != ref {
				t.Fatalf("v%d: StringToSign = %q, reference rendering = %q", v, want, ref)
			}
			for i, keys := range keyOrders(params, query) {
				if got := renderInOrder(params, keys, v); got != want {
					t.Fatalf("v%d: key order %d %q renders %q, want %q", v, i, keys, got, want)
				}
			}
		}
		for _, pair := range strings.Split(s1, "&") {
			name, _, _ := strings.Cut(pair, "=")
			if excluded(name) {
				t.Fatalf("excluded key %q in %q", name, s1)
			}
		}
		if strings.Count(s2, "&") > len(params) {
			t.Fatalf("v2 string %q has more separators than parameters", s2)
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

// keyOrders lists the wire keys of params in sorted and reversed order and
// in four shuffles seeded by the input.
func keyOrders(params url.Values, seed string) [][]string {
	sorted := slices.Sorted(maps.Keys(params))
	reversed := slices.Clone(sorted)
	slices.Reverse(reversed)
	orders := [][]string{sorted, reversed}
	h := fnv.New64a()
	h.Write([]byte(seed))
	r := rand.New(rand.NewPCG(h.Sum64(), 12))
	for range 4 {
		s := slices.Clone(sorted)
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		orders = append(orders, s)
	}
	return orders
}

// renderInOrder renders params with its wire keys handed to the renderer
// in the given order, instead of map order.
func renderInOrder(params url.Values, keys []string, version int) string {
	var entries []entry
	for _, k := range keys {
		base, idx := splitKey(k)
		if !excluded(base) {
			entries = append(entries, entry{base: base, idx: idx, key: k})
		}
	}
	return string(appendEntries(nil, params, entries, version))
}

// referenceStringToSign is the documented algorithm written as plainly as
// possible (spec §2.5 plus StringToSign's order of mixed forms), to check
// the optimised renderer against.
func referenceStringToSign(params url.Values, version int) string {
	type wireKey struct {
		rank int // 0 plain, 1 k[], 2 k[N]
		n    int
		key  string
	}
	byBase := map[string][]wireKey{}
	for k := range params {
		base, idx := splitKey(k)
		if excluded(base) {
			continue
		}
		wk := wireKey{key: k}
		switch {
		case idx == plainKey:
			wk.rank = 0
		case idx == appendedKey:
			wk.rank = 1
		default:
			wk.rank, wk.n = 2, idx
		}
		byBase[base] = append(byBase[base], wk)
	}
	var pairs []string
	for _, base := range slices.Sorted(maps.Keys(byBase)) {
		wks := byBase[base]
		slices.SortFunc(wks, func(a, b wireKey) int {
			switch {
			case a.rank != b.rank:
				return a.rank - b.rank
			case a.n != b.n:
				return a.n - b.n
			}
			return strings.Compare(a.key, b.key)
		})
		var values []string
		for _, wk := range wks {
			values = append(values, params[wk.key]...)
		}
		joined := strings.Join(values, ",")
		if joined == "" {
			continue
		}
		pair := base + "=" + joined
		if version >= 2 {
			pair = strings.ReplaceAll(pair, "&", "%26")
		}
		pairs = append(pairs, pair)
	}
	return strings.Join(pairs, "&")
}
