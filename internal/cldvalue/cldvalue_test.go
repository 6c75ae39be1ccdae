package cldvalue

import (
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPairsWireForms pins the pipe form of context and metadata strings in
// both directions: what EncodePairs sends, and that DecodePairs reads it
// back to the same map.
func TestPairsWireForms(t *testing.T) {
	tests := []struct {
		name string
		m    map[string]string
		wire string
	}{
		{"empty map", map[string]string{}, ""},
		{"one pair", map[string]string{"alt": "x"}, "alt=x"},
		{"keys sorted", map[string]string{"b": "2", "a": "1", "C": "3"}, "C=3|a=1|b=2"},
		{"backslash doubled", map[string]string{"path": `C:\dir`}, `path=C:\\dir`},
		{"equals escaped", map[string]string{"k": "a=b"}, `k=a\=b`},
		{"pipe escaped", map[string]string{"k": "a|b"}, `k=a\|b`},
		{"all three", map[string]string{"k": `\=|`}, `k=\\\=\|`},
		{"backslash before equals", map[string]string{"k": `\=`}, `k=\\\=`},
		{"trailing backslash", map[string]string{"k": `end\`}, `k=end\\`},
		{"empty value kept", map[string]string{"k": "", "l": "v"}, "k=|l=v"},
		{"unicode untouched", map[string]string{"ключ": "значение ☃ 🎉", "名": "東京"}, "ключ=значение ☃ 🎉|名=東京"},
		{"number as text", map[string]string{"count": "5", "price": "-1.5e3"}, "count=5|price=-1.5e3"},
		{"json-ish value", map[string]string{"j": `{"a":"b","c":[1,2]}`}, `j={"a":"b","c":[1,2]}`},
		{"json array value", map[string]string{"set": `["x","y"]`}, `set=["x","y"]`},
		{"json value with escapes", map[string]string{"j": `{"a":"x=y|z\\"}`}, `j={"a":"x\=y\|z\\\\"}`},
		{"quotes not escaped", map[string]string{"q": `say "hi"`}, `q=say "hi"`},
		{"spaces kept", map[string]string{" k ": " v "}, " k = v "},
		{"newline kept", map[string]string{"k": "a\nb"}, "k=a\nb"},
		{"key that looks like json", map[string]string{`{"a":"b`: `"}`}, `{"a":"b="}`},
		{"ampersand and percent", map[string]string{"k": "a&b=%20"}, `k=a&b\=%20`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodePairs(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.wire {
				t.Errorf("EncodePairs = %q, want %q", got, tc.wire)
			}
			if back := DecodePairs(tc.wire); !maps.Equal(back, tc.m) {
				t.Errorf("DecodePairs(%q) = %q, want %q", tc.wire, back, tc.m)
			}
		})
	}
}

// TestDecodePairsLenient pins how a server reads pipe strings the encoder
// never produces (other SDKs, hand-written parameters).
func TestDecodePairsLenient(t *testing.T) {
	tests := []struct {
		wire string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"k", map[string]string{"k": ""}},
		{"k=", map[string]string{"k": ""}},
		{"=v", map[string]string{}},
		{"||a=1||", map[string]string{"a": "1"}},
		{"a=1|a=2", map[string]string{"a": "2"}},
		{"a=b=c", map[string]string{"a": "b=c"}},
		{`a\=b=c`, map[string]string{"a=b": "c"}},
		{`a=x\y`, map[string]string{"a": "xy"}},
		{`a=\`, map[string]string{"a": `\`}},
		{`\`, map[string]string{`\`: ""}},
		{`a=1\|b=2`, map[string]string{"a": "1|b=2"}},
		{" a = b ", map[string]string{" a ": " b "}},
	}
	for _, tc := range tests {
		if got := DecodePairs(tc.wire); !maps.Equal(got, tc.want) {
			t.Errorf("DecodePairs(%q) = %q, want %q", tc.wire, got, tc.want)
		}
	}
	if DecodePairs("") == nil {
		t.Error("DecodePairs(\"\") is nil, want an empty map")
	}
}

func TestCheckKey(t *testing.T) {
	for _, k := range []string{"", "a=b", "a|b", `a\b`, "="} {
		err := CheckKey(k)
		if err == nil {
			t.Errorf("CheckKey(%q) = nil, want an error", k)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckKey(%q) error spans lines: %q", k, err)
		}
		if _, err := EncodePairs(map[string]string{k: "v", "ok": "v"}); err == nil {
			t.Errorf("EncodePairs accepted key %q", k)
		}
		if _, err := EncodeMetadata(map[string]any{k: "v"}); err == nil {
			t.Errorf("EncodeMetadata accepted key %q", k)
		}
	}
	for _, k := range []string{"a", "alt_text", "ключ", " spaced ", "{json"} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v, want nil", k, err)
		}
	}
}

func TestDecodeJSONPairs(t *testing.T) {
	tests := []struct {
		name string
		json string
		want map[string]string
	}{
		{"response object", `{"custom":{"alt":"x","caption":"C:\\dir"}}`, map[string]string{"alt": "x", "caption": `C:\dir`}},
		{"flat object (search)", `{"alt":"x"}`, map[string]string{"alt": "x"}},
		{"flat key named custom", `{"custom":"x"}`, map[string]string{"custom": "x"}},
		{"custom null", `{"custom":null}`, map[string]string{}},
		{"list form", `[{"key":"a","value":"1"},{"key":"b","value":"2"}]`, map[string]string{"a": "1", "b": "2"}},
		{"pipe string", `"a=1|b=x\\=y"`, map[string]string{"a": "1", "b": "x=y"}},
		{"numeric value", `{"custom":{"n":5,"f":-1.25e3,"big":12345678901234567890}}`, map[string]string{"n": "5", "f": "-1.25e3", "big": "12345678901234567890"}},
		{"numeric value in list", `[{"key":"n","value":5}]`, map[string]string{"n": "5"}},
		{"bool null array object values", `{"b":true,"z":null,"arr":["a", "b"],"o":{"x": 1}}`, map[string]string{"b": "true", "z": "", "arr": `["a","b"]`, "o": `{"x":1}`}},
		{"unicode", `{"custom":{"名":"\u6771\u4eac"}}`, map[string]string{"名": "東京"}},
		{"empty object", `{}`, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeJSONPairs([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) || got == nil {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if m, err := DecodeJSONPairs([]byte(" null ")); m != nil || err != nil {
		t.Errorf("null: got %v, %v; want nil, nil", m, err)
	}
	for _, bad := range []string{`5`, `true`, `{"a":`, `[1]`, `"unterminated`} {
		if _, err := DecodeJSONPairs([]byte(bad)); err == nil {
			t.Errorf("DecodeJSONPairs(%s) accepted", bad)
		}
	}
}

type stock int
type label string
type ids []string

func TestFormatMetadataValue(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"string", "a=b|c", "a=b|c"},
		{"empty string clears", "", ""},
		{"int", 50, "50"},
		{"negative int64", int64(-7), "-7"},
		{"int8", int8(-128), "-128"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615"},
		{"float", 9.5, "9.5"},
		{"float without exponent", 1e21, "1000000000000000000000"},
		{"small float", 0.000001, "0.000001"},
		{"float32", float32(0.1), "0.1"},
		{"json.Number kept as written", json.Number("12345678901234567890"), "12345678901234567890"},
		{"date", time.Date(2024, 3, 4, 23, 59, 0, 0, time.FixedZone("x", -5*3600)), "2024-03-04"},
		{"set", []string{"green", "red"}, `["green","red"]`},
		{"empty set", []string{}, `[]`},
		{"nil set", []string(nil), `[]`},
		{"set from JSON", []any{"a", "b"}, `["a","b"]`},
		{"set not HTML-escaped", []string{"a<b>&c"}, `["a<b>&c"]`},
		{"set with quotes", []string{`say "x"`}, `["say \"x\""]`},
		{"named int", stock(3), "3"},
		{"named string", label("l"), "l"},
		{"named set", ids{"x"}, `["x"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FormatMetadataValue(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), struct{}{}, nil, true, []int{1}, []any{"a", 1}, json.Number("x"), map[string]string{}} {
		if s, err := FormatMetadataValue(bad); err == nil {
			t.Errorf("FormatMetadataValue(%#v) = %q, want an error", bad, s)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
}

// TestMetadataWireForm is spec §2.4's worked example for metadata.
func TestMetadataWireForm(t *testing.T) {
	got, err := EncodeMetadata(map[string]any{"color_id": []string{"green", "red"}, "in_stock_id": 50})
	if err != nil {
		t.Fatal(err)
	}
	if want := `color_id=["green","red"]|in_stock_id=50`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, err = EncodeMetadata(map[string]any{"note": `a|b=c\`, "set": []string{`x|y`}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `note=a\|b\=c\\|set=["x\|y"]`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := EncodeMetadata(map[string]any{"k": struct{}{}}); err == nil || !strings.Contains(err.Error(), `field "k"`) {
		t.Errorf("err = %v, want one naming the field", err)
	}
}

func TestParseMetadataValue(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`["a","b"]`, []string{"a", "b"}},
		{`[]`, []string{}},
		{`["a<b"]`, []string{"a<b"}},
		{`[1]`, `[1]`},
		{`[`, `[`},
		{`50`, `50`},
		{`2024-01-02`, `2024-01-02`},
		{``, ``},
	}
	for _, tc := range tests {
		if got := ParseMetadataValue(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseMetadataValue(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func TestRects(t *testing.T) {
	tests := []struct {
		rs   [][4]int
		wire string
	}{
		{nil, ""},
		{[][4]int{{10, 20, 150, 130}}, "10,20,150,130"},
		{[][4]int{{10, 20, 150, 130}, {213, 345, 82, 61}}, "10,20,150,130|213,345,82,61"},
		{[][4]int{{-5, -1, 0, 0}}, "-5,-1,0,0"},
	}
	for _, tc := range tests {
		got, err := EncodeRects(tc.rs)
		if err != nil || got != tc.wire {
			t.Errorf("EncodeRects(%v) = %q, %v; want %q", tc.rs, got, err, tc.wire)
		}
		back, err := DecodeRects(tc.wire)
		if err != nil || !reflect.DeepEqual(back, tc.rs) {
			t.Errorf("DecodeRects(%q) = %v, %v; want %v", tc.wire, back, err, tc.rs)
		}
	}
	if got, err := DecodeRects(" 1, 2 ,3,4 | 5,6,7,8"); err != nil || !reflect.DeepEqual(got, [][4]int{{1, 2, 3, 4}, {5, 6, 7, 8}}) {
		t.Errorf("spaces: got %v, %v", got, err)
	}
	if _, err := EncodeRects([][4]int{{0, 0, -1, 1}}); err == nil {
		t.Error("negative width accepted")
	}
	for _, bad := range []string{"1,2,3", "1,2,3,4,5", "a,b,c,d", "1,2,-3,4", "1,2,3,-4", "1,2,3,4|", "|1,2,3,4", "1.5,2,3,4"} {
		if _, err := DecodeRects(bad); err == nil {
			t.Errorf("DecodeRects(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
}

func TestTimes(t *testing.T) {
	want := time.Date(2024, 6, 25, 9, 25, 44, 0, time.UTC)
	for _, s := range []string{"2024-06-25T09:25:44Z", "2024-06-25T09:25:44+00:00", "2024-06-25T11:25:44+02:00", "2024-06-25T09:25:44.000Z"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := ParseTime(""); err != nil || !got.IsZero() {
		t.Errorf(`ParseTime("") = %v, %v; want the zero time`, got, err)
	}
	for _, bad := range []string{"yesterday", "2024-06-25", "1719307544", "2024-06-25 09:25:44"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
	if got := FormatTime(want); got != "2024-06-25T09:25:44Z" {
		t.Errorf("FormatTime = %q", got)
	}
	if got := FormatTime(want.Add(1500 * time.Millisecond)); got != "2024-06-25T09:25:45.5Z" {
		t.Errorf("FormatTime with fraction = %q", got)
	}
	if got := FormatTime(time.Time{}); got != "" {
		t.Errorf("FormatTime(zero) = %q, want \"\"", got)
	}
}
