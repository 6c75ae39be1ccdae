// Package cldvalue is the one home of the wire rules for Cloudinary's
// structured parameter values (spec §2.4):
//
//   - context and metadata: "k1=v1|k2=v2", keys sorted, a backslash in
//     front of every "\", "=" and "|" inside a value;
//   - metadata values: strings, numbers, dates (YYYY-MM-DD) and sets
//     (a JSON array of external IDs);
//   - coordinates: "x,y,w,h|x,y,w,h";
//   - times in responses: RFC 3339 with "Z" or a numeric offset.
//
// The public types of package cld encode and decode through these
// functions, and so does the mock, so the client and the mock cannot
// disagree about a wire form. Encoders refuse what has no wire form;
// decoders never fail on a pipe string (whatever a server may send, they
// give the reading Cloudinary's own parser would).
package cldvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Escape returns s with a backslash in front of every "\", "=" and "|",
// the escaping of context and metadata values.
func Escape(s string) string {
	if !strings.ContainsAny(s, `\=|`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '=' || c == '|' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// CheckKey says why k cannot be a context or metadata key, or returns nil.
// Cloudinary's SDKs send keys unescaped, so a key may not be empty nor hold
// "=", "|" or "\".
func CheckKey(k string) error {
	if k == "" {
		return errors.New("empty key; give every entry a name")
	}
	if i := strings.IndexAny(k, `=|\`); i >= 0 {
		return fmt.Errorf("key %q contains %q; keys may not contain =, | or \\ (values may)", k, k[i:i+1])
	}
	return nil
}

// EncodePairs renders m in the pipe form "k1=v1|k2=v2": keys sorted (so the
// form, and a signature over it, is deterministic), values escaped. An
// empty value is kept ("k="): for the context action it removes the key.
// An empty map gives "".
func EncodePairs(m map[string]string) (string, error) {
	return encode(m, func(v string) (string, error) { return v, nil })
}

// encode is the one pipe-form encoder: keys checked and sorted, each value
// turned into text by format (a failure names the key), escaped.
func encode[V any](m map[string]V, format func(V) (string, error)) (string, error) {
	keys, err := sortedKeys(m)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, k := range keys {
		s, err := format(m[k])
		if err != nil {
			return "", fmt.Errorf("field %q: %w", k, err)
		}
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(Escape(s))
	}
	return b.String(), nil
}

func sortedKeys[V any](m map[string]V) ([]string, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if err := CheckKey(k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// DecodePairs reads the pipe form. A backslash makes the next byte literal
// (in keys and values); an unescaped "|" ends an entry and the first
// unescaped "=" ends its key. An entry without "=" has an empty value;
// entries with an empty key are dropped; a later entry replaces an earlier
// one with the same key; a backslash at the very end is kept. Nothing is
// trimmed. The result is never nil.
func DecodePairs(s string) map[string]string {
	out := map[string]string{}
	var key, val strings.Builder
	inKey := true
	flush := func() {
		if k := key.String(); k != "" {
			out[k] = val.String()
		}
		key.Reset()
		val.Reset()
		inKey = true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			c = s[i]
		case c == '|':
			flush()
			continue
		case c == '=' && inKey:
			inKey = false
			continue
		}
		if inKey {
			key.WriteByte(c)
		} else {
			val.WriteByte(c)
		}
	}
	flush()
	return out
}

// DecodeJSONPairs reads the JSON shapes of a context: the response object
// {"custom":{"k":"v"}}, a flat object {"k":"v"} (search results, JSON
// request bodies), a list [{"key":"k","value":"v"}], a JSON string in the
// pipe form, or null (nil, no error). {"custom":null} is an empty context. A value that is not a JSON string
// becomes its compact JSON text (5 → "5", ["a"] → `["a"]`), and null
// becomes "", so a value of any JSON type is kept.
func DecodeJSONPairs(b []byte) (map[string]string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		return DecodePairs(s), nil
	case '[':
		var list []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("context list: %w", err)
		}
		out := make(map[string]string, len(list))
		for _, e := range list {
			v, err := jsonText(e.Value)
			if err != nil {
				return nil, err
			}
			out[e.Key] = v
		}
		return out, nil
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, fmt.Errorf("context object: %w", err)
		}
		if inner, ok := obj["custom"]; ok {
			switch inner = bytes.TrimSpace(inner); {
			case string(inner) == "null":
				return map[string]string{}, nil
			case len(inner) > 0 && inner[0] == '{':
				return DecodeJSONPairs(inner)
			}
		}
		out := make(map[string]string, len(obj))
		for k, raw := range obj {
			v, err := jsonText(raw)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("context: want an object, a list of {key, value} or a string, got %.20q", b)
}

// jsonText is the text of one JSON value: a string as itself, null as "",
// anything else as compact JSON.
func jsonText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// EncodeMetadata renders structured metadata values in the pipe form, keys
// sorted, each value formatted by FormatMetadataValue and escaped.
func EncodeMetadata(m map[string]any) (string, error) {
	return encode(m, FormatMetadataValue)
}

// FormatMetadataValue renders one metadata value: a string as itself;
// integers and finite floats as decimal digits (no exponent); a
// json.Number as written; a time.Time as its date, YYYY-MM-DD, in its own
// location; a []string, or a []any of strings as JSON decoding gives it, as
// a JSON array (a set field's external IDs). Named types of these kinds
// are accepted too. Anything else is refused.
func FormatMetadataValue(v any) (string, error) {
	switch t := v.(type) {
	case json.Number:
		if _, err := strconv.ParseFloat(t.String(), 64); err != nil {
			return "", fmt.Errorf("json.Number %q is not a number", t.String())
		}
		return t.String(), nil
	case time.Time:
		return t.Format(time.DateOnly), nil
	case []any:
		ids := make([]string, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("set element %d is %T; a set holds external IDs (strings)", i, e)
			}
			ids[i] = s
		}
		return jsonArray(ids)
	case nil:
		return "", errors.New("nil value; use \"\" to clear a field")
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32:
		return formatFloat(rv.Float(), 32)
	case reflect.Float64:
		return formatFloat(rv.Float(), 64)
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.String {
			ids := make([]string, rv.Len())
			for i := range ids {
				ids[i] = rv.Index(i).String()
			}
			return jsonArray(ids)
		}
	}
	return "", fmt.Errorf("unsupported value type %T; use a string, a number, a time.Time (a date) or a []string (a set)", v)
}

func formatFloat(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v has no decimal form; use a finite number", f)
	}
	return strconv.FormatFloat(f, 'f', -1, bits), nil
}

// jsonArray renders ids as a compact JSON array without HTML escaping
// (["a","b"], as the SDKs send sets).
func jsonArray(ids []string) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ids); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// ParseMetadataValue reads one decoded metadata value: a JSON array of
// strings is a set and gives a []string; anything else is the string
// itself (numbers and dates stay text: only the field's type says what
// they are).
func ParseMetadataValue(s string) any {
	if strings.HasPrefix(s, "[") {
		var ids []string
		if json.Unmarshal([]byte(s), &ids) == nil && ids != nil {
			return ids
		}
	}
	return s
}

// EncodeRects renders rectangles x, y, width, height as "x,y,w,h|x,y,w,h".
// Widths and heights may not be negative.
func EncodeRects(rs [][4]int) (string, error) {
	var b strings.Builder
	for i, r := range rs {
		if r[2] < 0 || r[3] < 0 {
			return "", fmt.Errorf("rectangle %d (%d,%d,%d,%d) has a negative size; use non-negative widths and heights", i, r[0], r[1], r[2], r[3])
		}
		if i > 0 {
			b.WriteByte('|')
		}
		for j, n := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
	}
	return b.String(), nil
}

// DecodeRects reads "x,y,w,h|x,y,w,h" (spaces around numbers allowed). ""
// gives no rectangles. Every rectangle needs four integers and a
// non-negative size.
func DecodeRects(s string) ([][4]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	parts := strings.Split(s, "|")
	out := make([][4]int, 0, len(parts))
	for i, part := range parts {
		nums := strings.Split(part, ",")
		if len(nums) != 4 {
			return nil, fmt.Errorf("rectangle %d %q: want x,y,width,height (four integers), got %d values", i, part, len(nums))
		}
		var r [4]int
		for j, n := range nums {
			v, err := strconv.Atoi(strings.TrimSpace(n))
			if err != nil {
				return nil, fmt.Errorf("rectangle %d %q: %q is not an integer", i, part, strings.TrimSpace(n))
			}
			r[j] = v
		}
		if r[2] < 0 || r[3] < 0 {
			return nil, fmt.Errorf("rectangle %d %q has a negative size", i, part)
		}
		out = append(out, r)
	}
	return out, nil
}

// ParseTime reads a time from a response: RFC 3339 with "Z" or a numeric
// offset ("+00:00"), with or without fractional seconds. "" is the zero
// time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339 (2006-01-02T15:04:05Z)", s)
	}
	return t, nil
}

// FormatTime renders t as RFC 3339 with fractional seconds when it has any;
// the zero time gives "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}
