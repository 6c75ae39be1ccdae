package cld_test

import (
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/cldrest/cldrest/cld"
)

// form is a struct carrying every type the way upload.Params does.
type form struct {
	Context  cld.Context     `url:"context,omitempty"`
	Metadata cld.Metadata    `url:"metadata,omitempty"`
	Faces    cld.Coordinates `url:"face_coordinates,omitempty"`
}

func TestEncodeValues(t *testing.T) {
	vals, err := query.Values(form{
		Context:  cld.Context{"path": `C:\dir`, "alt": "a=b|c"},
		Metadata: cld.Metadata{"in_stock_id": 50, "color_id": []string{"green", "red"}, "launch": time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)},
		Faces:    cld.Coordinates{{X: 10, Y: 20, Width: 150, Height: 130}, {X: 213, Y: 345, Width: 82, Height: 61}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"context":          {`alt=a\=b\|c|path=C:\\dir`},
		"metadata":         {`color_id=["green","red"]|in_stock_id=50|launch=2024-03-04`},
		"face_coordinates": {"10,20,150,130|213,345,82,61"},
	}
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("got  %v\nwant %v", vals, want)
	}
	if vals, err := query.Values(form{Context: cld.Context{}, Metadata: cld.Metadata{}, Faces: cld.Coordinates{}}); err != nil || len(vals) != 0 {
		t.Errorf("empty values sent: %v, %v", vals, err)
	}
}

func TestValueErrors(t *testing.T) {
	tests := []struct {
		name  string
		v     form
		param string
	}{
		{"context key with =", form{Context: cld.Context{"a=b": "x"}}, "context"},
		{"context empty key", form{Context: cld.Context{"": "x"}}, "context"},
		{"metadata key with |", form{Metadata: cld.Metadata{"a|b": "x"}}, "metadata"},
		{"metadata bool", form{Metadata: cld.Metadata{"k": true}}, "metadata"},
		{"negative rectangle", form{Faces: cld.Coordinates{{Width: -1}}}, "face_coordinates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := query.Values(tc.v)
			var ve *cld.ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *cld.ValueError", err)
			}
			if ve.Param != tc.param || !strings.HasPrefix(err.Error(), tc.param+": ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q (param %q), want one line about %s", err, ve.Param, tc.param)
			}
		})
	}
	if _, err := (cld.Context{"a|b": ""}).Encode(); err == nil || !strings.HasPrefix(err.Error(), "context: ") {
		t.Errorf("Context.Encode err = %v", err)
	}
	if _, err := (cld.Metadata{"k": struct{}{}}).Encode(); err == nil || !strings.Contains(err.Error(), `metadata: field "k"`) {
		t.Errorf("Metadata.Encode err = %v", err)
	}
	if _, err := (cld.Coordinates{{Height: -2}}).Encode(); err == nil || !strings.HasPrefix(err.Error(), "coordinates: ") {
		t.Errorf("Coordinates.Encode err = %v", err)
	}
	if _, err := cld.ParseCoordinates("1,2,3"); err == nil || !strings.HasPrefix(err.Error(), "coordinates: ") {
		t.Errorf("ParseCoordinates err = %v", err)
	}
}

// TestParseInverts checks that the Parse functions read back what Encode
// writes, for values with every character the wire form escapes.
func TestParseInverts(t *testing.T) {
	c := cld.Context{"path": `C:\dir\`, "eq": "a=b", "pipe": "x|y", "empty": "", "名": "東京 ☃"}
	s, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if back := cld.ParseContext(s); !maps.Equal(back, c) {
		t.Errorf("ParseContext(%q) = %q, want %q", s, back, c)
	}
	m := cld.Metadata{"set": []string{"a|b", `c\d`}, "n": 50, "s": "x=y"}
	s, err = m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := cld.Metadata{"set": []string{"a|b", `c\d`}, "n": "50", "s": "x=y"} // the wire form does not say 50 is a number
	if back := cld.ParseMetadata(s); !reflect.DeepEqual(back, want) {
		t.Errorf("ParseMetadata(%q) = %#v, want %#v", s, back, want)
	}
	co := cld.Coordinates{{X: 1, Y: 2, Width: 3, Height: 4}, {X: -5, Y: 0, Width: 0, Height: 7}}
	s, err = co.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := cld.ParseCoordinates(s); err != nil || !reflect.DeepEqual(back, co) {
		t.Errorf("ParseCoordinates(%q) = %v, %v; want %v", s, back, err, co)
	}
}

func TestContextJSON(t *testing.T) {
	shapes := map[string]string{
		"details": `{"custom":{"alt":"x","n":"5"}}`,
		"search":  `{"alt":"x","n":5}`,
		"list":    `[{"key":"alt","value":"x"},{"key":"n","value":5}]`,
		"string":  `"alt=x|n=5"`,
	}
	want := cld.Context{"alt": "x", "n": "5"}
	for name, js := range shapes {
		var c cld.Context
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !maps.Equal(c, want) {
			t.Errorf("%s: got %q, want %q", name, c, want)
		}
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"custom":{"alt":"x","n":"5"}}` {
		t.Errorf("Marshal = %s", b)
	}
	var back cld.Context
	if err := json.Unmarshal(b, &back); err != nil || !maps.Equal(back, want) {
		t.Errorf("round trip: %q, %v", back, err)
	}
	if b, _ := json.Marshal(cld.Context(nil)); string(b) != "null" {
		t.Errorf("nil Context marshals as %s", b)
	}
	kept := cld.Context{"k": "v"}
	if err := json.Unmarshal([]byte("null"), &kept); err != nil || kept["k"] != "v" {
		t.Errorf("null changed the Context: %v, %v", kept, err)
	}
	var c cld.Context
	if err := json.Unmarshal([]byte(`42`), &c); err == nil {
		t.Error("a number decoded as a context")
	}
}

func TestTimeJSON(t *testing.T) {
	want := time.Date(2024, 6, 25, 9, 25, 44, 0, time.UTC)
	var v struct{ A, B, C, D cld.Time }
	if err := json.Unmarshal([]byte(`{"A":"2024-06-25T09:25:44Z","B":"2024-06-25T09:25:44+00:00","C":"","D":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Equal(want) || !v.B.Equal(want) || !v.C.IsZero() || !v.D.IsZero() {
		t.Errorf("decoded %+v", v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"A":"2024-06-25T09:25:44Z","B":"2024-06-25T09:25:44Z","C":"","D":""}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var omit struct {
		T cld.Time `json:"t,omitzero"`
	}
	if b, _ := json.Marshal(omit); string(b) != `{}` {
		t.Errorf("omitzero kept a zero Time: %s", b)
	}
	for _, bad := range []string{`"yesterday"`, `1719307544`, `{}`} {
		var tm cld.Time
		if err := json.Unmarshal([]byte(bad), &tm); err == nil {
			t.Errorf("%s decoded as a time", bad)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
}

// FuzzContextJSON decodes any JSON as a context: no panic, the JSON form
// round-trips, and so does the wire form when the keys have one.
func FuzzContextJSON(f *testing.F) {
	for _, s := range []string{`{"custom":{"a":"C:\\dir"}}`, `{"a":5}`, `[{"key":"k","value":[1]}]`, `"a=b\\|c"`, `null`, `{"custom":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c cld.Context
		if json.Unmarshal(b, &c) != nil {
			return
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back cld.Context
		if err := json.Unmarshal(js, &back); err != nil || !maps.Equal(back, c) {
			t.Fatalf("JSON round trip of %q: %s gave %q, %v", c, js, back, err)
		}
		s, err := c.Encode()
		if err != nil {
			return // a key without a wire form, refused
		}
		if wire := cld.ParseContext(s); !maps.Equal(wire, c) {
			t.Fatalf("wire round trip of %q: %q gave %q", c, s, wire)
		}
	})
}
