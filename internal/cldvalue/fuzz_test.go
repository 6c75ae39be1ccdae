package cldvalue

import (
	"maps"
	"reflect"
	"testing"
)

// encodable reports whether every key of m has a wire form.
func encodable[V any](m map[string]V) bool {
	for k := range m {
		if CheckKey(k) != nil {
			return false
		}
	}
	return true
}

// FuzzPairs checks the pipe form both ways from any string a server might
// receive: decoding never panics; when the decoded keys have a wire form,
// encoding succeeds, is a fixed point (encode(decode(x)) decodes to the
// same map and encodes to the same string), and otherwise encoding refuses.
func FuzzPairs(f *testing.F) {
	for _, s := range []string{"", "a=b", `a=C:\\dir|b=x\=y\|z`, "k", "=v", "||", `\`, `a\=b=c`, "a=1|a=2", "ключ=☃", `j={"a":"b"}`, " k = v "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := DecodePairs(s)
		enc, err := EncodePairs(m)
		if !encodable(m) {
			if err == nil {
				t.Fatalf("EncodePairs(%q) accepted a key without a wire form", m)
			}
			return
		}
		if err != nil {
			t.Fatalf("EncodePairs(%q): %v", m, err)
		}
		back := DecodePairs(enc)
		if !maps.Equal(back, m) {
			t.Fatalf("decode(encode(decode(%q))) = %q, want %q (wire %q)", s, back, m, enc)
		}
		if again, _ := EncodePairs(back); again != enc {
			t.Fatalf("encode not stable: %q then %q", enc, again)
		}
	})
}

// FuzzEncodePairs builds maps from fuzzed keys and values and checks that
// decode(encode(m)) == m for every map with encodable keys.
func FuzzEncodePairs(f *testing.F) {
	f.Add("path", `C:\dir`, "alt", "a=b|c")
	f.Add("k", "", "l", `\`)
	f.Add("名", "東京", "j", `{"a":"x=y"}`)
	f.Add("a", `\\|=`, "b", "\x00\xff")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		enc, err := EncodePairs(m)
		if !encodable(m) {
			if err == nil {
				t.Fatalf("EncodePairs(%q) accepted a key without a wire form", m)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if back := DecodePairs(enc); !maps.Equal(back, m) {
			t.Fatalf("DecodePairs(EncodePairs(%q)) = %q (wire %q)", m, back, enc)
		}
	})
}

// FuzzJSONPairs feeds any JSON to the response decoder: no panic, and a
// decoded context survives the pipe form unchanged.
func FuzzJSONPairs(f *testing.F) {
	for _, s := range []string{`{"custom":{"a":"b"}}`, `{"a":5}`, `[{"key":"k","value":null}]`, `"a=b"`, `null`, `{"custom":null}`, `{"custom":{"n":1e400}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeJSONPairs(b)
		if err != nil || !encodable(m) {
			return
		}
		enc, err := EncodePairs(m)
		if err != nil {
			t.Fatal(err)
		}
		if back := DecodePairs(enc); !maps.Equal(back, m) {
			t.Fatalf("pipe form lost %q: got %q (wire %q)", m, back, enc)
		}
	})
}

// FuzzMetadataValue checks that a value a server decodes re-encodes to a
// form that decodes to the same value.
func FuzzMetadataValue(f *testing.F) {
	for _, s := range []string{"", "50", `["a","b"]`, `[]`, `["a\u003c"]`, `[ "x" ]`, `[1]`, `[null]`, `["\ud800"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := ParseMetadataValue(s)
		enc, err := FormatMetadataValue(v)
		if err != nil {
			t.Fatalf("FormatMetadataValue(%#v) from %q: %v", v, s, err)
		}
		if back := ParseMetadataValue(enc); !reflect.DeepEqual(back, v) {
			t.Fatalf("%q: parsed %#v, formatted %q, parsed again %#v", s, v, enc, back)
		}
	})
}

// FuzzRects checks the coordinates form: what decodes re-encodes to a
// string that decodes to the same rectangles and encodes the same again.
func FuzzRects(f *testing.F) {
	for _, s := range []string{"", "1,2,3,4", "10,20,150,130|213,345,82,61", " 1, 2 ,3,4", "-1,-2,0,0", "1,2,3", "+1,2,3,4", "1,2,3,4|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := DecodeRects(s)
		if err != nil {
			return
		}
		enc, err := EncodeRects(rs)
		if err != nil {
			t.Fatalf("EncodeRects(%v) from %q: %v", rs, s, err)
		}
		back, err := DecodeRects(enc)
		if err != nil || !reflect.DeepEqual(back, rs) {
			t.Fatalf("%q: decoded %v, encoded %q, decoded again %v, %v", s, rs, enc, back, err)
		}
		if again, _ := EncodeRects(back); again != enc {
			t.Fatalf("encode not stable: %q then %q", enc, again)
		}
	})
}
