// Package cld holds the value types the Upload and Admin APIs share, each
// defined once with its wire form (spec §2.4) and its JSON shapes:
//
//   - Context: contextual metadata, sent as "k1=v1|k2=v2" with "\", "="
//     and "|" in values escaped by a backslash, keys sorted;
//   - Metadata: structured metadata by external field ID, the same pipe
//     form with strings, numbers, dates (YYYY-MM-DD) and sets (a JSON
//     array of external IDs) as values;
//   - Coordinates: face or custom rectangles, sent as "x,y,w,h|x,y,w,h";
//   - Time: a response timestamp (RFC 3339; "" and null are the zero time).
//
// Packages upload and admin use these types (upload.Context, admin.Context
// and the others are aliases of them), so a value read from one API can be
// sent to the other unchanged, and both encode it the same way. Every type
// implements go-querystring's Encoder for form parameters; Encode gives
// the wire string for other carriers (the Admin API's JSON bodies, a
// command line). Parse functions read the wire forms back, as a server
// does: ParseContext(c.Encode()) gives c back for every c that Encode
// accepts.
//
// An encoder refuses a value that has no wire form with a *ValueError
// (an empty key, a key holding "=", "|" or "\", a metadata value of an
// unsupported type, a rectangle of negative size), before any request is
// sent.
package cld

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/cldrest/cldrest/internal/cldvalue"
)

// ValueError reports a value that has no wire form: the parameter and what
// is wrong with it, including how to fix it.
type ValueError struct {
	Param  string // e.g. "context", "metadata", "face_coordinates"
	Reason string
}

// Error renders "<param>: <reason>".
func (e *ValueError) Error() string { return e.Param + ": " + e.Reason }

func valueErr(param string, err error) error {
	if err == nil {
		return nil
	}
	return &ValueError{Param: param, Reason: err.Error()}
}

// setValue is the EncodeValues of every type: it sets key to the wire form
// s in v, or leaves v alone for an empty s (so empty values are not sent);
// err, the encoder's, is returned as a *ValueError naming key.
func setValue(v *url.Values, key, s string, err error) error {
	if err != nil {
		return valueErr(key, err)
	}
	if s != "" {
		v.Set(key, s)
	}
	return nil
}

// Context is an asset's contextual metadata, key to value. An empty value
// removes the key where Cloudinary merges contexts (the context action,
// command add).
//
// Its wire form is "k1=v1|k2=v2", keys sorted, values escaped; its JSON
// form is Cloudinary's response object {"custom":{"k":"v"}}. Decoding JSON
// also accepts the flat object of search results ({"k":"v"}), the list
// form [{"key":"k","value":"v"}] and a pipe string; values that are not
// JSON strings keep their JSON text (5 becomes "5").
type Context map[string]string

// ParseContext reads the wire form as a server does: a backslash makes the
// next character literal, an unescaped "|" separates entries, the first
// unescaped "=" ends a key, an entry without "=" has an empty value, an
// entry with an empty key is dropped and nothing is trimmed. It never
// fails; "" gives an empty Context.
func ParseContext(s string) Context { return Context(cldvalue.DecodePairs(s)) }

// Encode returns the wire form, or a *ValueError for a key that has none
// (empty, or holding "=", "|" or "\"). An empty Context encodes as "".
func (c Context) Encode() (string, error) {
	s, err := cldvalue.EncodePairs(c)
	return s, valueErr("context", err)
}

// EncodeValues implements go-querystring's Encoder: it sets key to the wire
// form, and sends nothing for an empty Context.
func (c Context) EncodeValues(key string, v *url.Values) error {
	s, err := cldvalue.EncodePairs(c)
	return setValue(v, key, s, err)
}

// MarshalJSON writes Cloudinary's response shape {"custom":{...}} (null for
// a nil Context).
func (c Context) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Custom map[string]string `json:"custom"`
	}{c})
}

// UnmarshalJSON reads every JSON shape of a context (see Context). null
// leaves c unchanged, as for other JSON values.
func (c *Context) UnmarshalJSON(b []byte) error {
	m, err := cldvalue.DecodeJSONPairs(b)
	if err != nil || m == nil {
		return err
	}
	*c = m
	return nil
}

// Metadata is structured metadata by external field ID. Values may be
// strings, integers, finite floats, json.Number, time.Time (sent as its
// date, YYYY-MM-DD) and []string (a set field's external IDs, sent as a
// JSON array); []any of strings and float64, as JSON decoding gives them,
// are accepted too, so the Metadata of a response can be sent back as is.
// An empty string clears a field.
//
// Its wire form is the pipe form of Context, each value formatted and then
// escaped: color_id=["green","red"]|in_stock_id=50.
type Metadata map[string]any

// ParseMetadata reads the wire form as a server does: a value that is a
// JSON array of strings gives a []string, anything else stays a string
// (only a field's type says whether "50" is a number).
func ParseMetadata(s string) Metadata {
	pairs := cldvalue.DecodePairs(s)
	m := make(Metadata, len(pairs))
	for k, v := range pairs {
		m[k] = cldvalue.ParseMetadataValue(v)
	}
	return m
}

// Encode returns the wire form, or a *ValueError for a key or a value that
// has none. An empty Metadata encodes as "".
func (m Metadata) Encode() (string, error) {
	s, err := cldvalue.EncodeMetadata(m)
	return s, valueErr("metadata", err)
}

// EncodeValues implements go-querystring's Encoder: it sets key to the wire
// form, and sends nothing for an empty Metadata.
func (m Metadata) EncodeValues(key string, v *url.Values) error {
	s, err := cldvalue.EncodeMetadata(m)
	return setValue(v, key, s, err)
}

// Rect is one rectangle of face or custom coordinates, in pixels of the
// original image.
type Rect struct{ X, Y, Width, Height int }

// Coordinates are rectangles, sent as "x,y,w,h|x,y,w,h".
type Coordinates []Rect

// ParseCoordinates reads "x,y,w,h|x,y,w,h" (spaces around the numbers are
// allowed). Every rectangle needs four integers and a non-negative size.
func ParseCoordinates(s string) (Coordinates, error) {
	rs, err := cldvalue.DecodeRects(s)
	if err != nil {
		return nil, valueErr("coordinates", err)
	}
	var c Coordinates
	for _, r := range rs {
		c = append(c, Rect{X: r[0], Y: r[1], Width: r[2], Height: r[3]})
	}
	return c, nil
}

// Encode returns the wire form, or a *ValueError for a rectangle with a
// negative width or height. No rectangles encode as "".
func (c Coordinates) Encode() (string, error) {
	s, err := c.encode()
	return s, valueErr("coordinates", err)
}

func (c Coordinates) encode() (string, error) {
	rs := make([][4]int, len(c))
	for i, r := range c {
		rs[i] = [4]int{r.X, r.Y, r.Width, r.Height}
	}
	return cldvalue.EncodeRects(rs)
}

// EncodeValues implements go-querystring's Encoder: it sets key to the wire
// form, and sends nothing for no rectangles.
func (c Coordinates) EncodeValues(key string, v *url.Values) error {
	s, err := c.encode()
	return setValue(v, key, s, err)
}

// Time is a timestamp from a response. Decoding accepts RFC 3339 with "Z"
// or a numeric offset ("+00:00"), with or without fractional seconds, and
// "" or null as the zero time; encoding writes RFC 3339 (fractional seconds
// only when there are any) and "" for the zero time. The embedded
// time.Time gives every method of time.Time (IsZero, UTC, Format, ...).
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: want an RFC 3339 string, got %.40s", b)
	}
	v, err := cldvalue.ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(cldvalue.FormatTime(t.Time))
}
