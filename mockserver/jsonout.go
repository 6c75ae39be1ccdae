package mockserver

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
)

// appendJSON appends v encoded exactly as json.Marshal encodes it. The
// shapes answers are built from (maps of strings to values, strings,
// integers, booleans, string lists) are encoded without reflection, which
// allocates for every key and value of a map; anything else goes through
// json.Marshal.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, v)
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case []string:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONString(b, s); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendJSONMap(b, v)
	case map[string]string:
		return appendJSONMap(b, v)
	}
	out, err := json.Marshal(v)
	return append(b, out...), err
}

// appendJSONMap appends m with its keys sorted, as json.Marshal does.
func appendJSONMap[V any](b []byte, m map[string]V) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var arr [32]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSONString(b, k); err != nil {
			return b, err
		}
		b = append(b, ':')
		if b, err = appendJSON(b, any(m[k])); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONString appends s quoted: as is when it is printable ASCII that
// json.Marshal leaves alone, else through json.Marshal (escapes, HTML
// characters, invalid UTF-8).
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			out, err := json.Marshal(s)
			return append(b, out...), err
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// jsonBuffers recycles the buffers answers are encoded into.
var jsonBuffers = sync.Pool{New: func() any { return new([]byte) }}
