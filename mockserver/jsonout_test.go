package mockserver

import (
	"encoding/json"
	"testing"
	"time"
)

// TestAppendJSONMatchesMarshal checks that the answer encoder writes what
// json.Marshal writes, for the shapes it encodes itself and for the ones it
// hands to json.Marshal.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	type named string
	cases := []any{
		nil, "", "plain", `quote " and \ backslash`, "<html> & more", "tab\tnewline\n", "ünïcode ☃", "\u2028", "bad \xff utf-8",
		true, false, 0, -42, int64(1) << 62, 3.5, 1e21, []string(nil), []string{}, []string{"a", "<b>"},
		map[string]any(nil), map[string]any{},
		map[string]any{"z": 1, "a": "x", "m": []string{"t"}, "n": nil, "nested": map[string]any{"k": map[string]string{"b": "2", "a": "1"}}},
		map[string]string{"é": "v", "a&b": "c"},
		map[string]any{"time": time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), "named": named("x"), "list": []any{1, "a"}, "f": 0.1},
		[]map[string]any{{"a": 1}}, map[string]any{"c": make(chan int)},
	}
	many := map[string]any{}
	for i := range 40 { // more keys than the encoder's stack array
		many[string(rune('A'+i))] = i
	}
	cases = append(cases, many)
	for _, v := range cases {
		want, werr := json.Marshal(v)
		got, gerr := appendJSON([]byte("prefix"), v)
		if (werr != nil) != (gerr != nil) || werr == nil && string(got) != "prefix"+string(want) {
			t.Errorf("appendJSON(%#v) = %s, %v; json.Marshal = %s, %v", v, got, gerr, want, werr)
		}
	}
}
