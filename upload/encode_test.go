package upload

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
)

// fillParams sets every exported field of the struct v points to a non-zero
// value chosen by its kind (structured types get values that encode).
func fillParams(t *testing.T, v any, seed int) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		sf, fv := rv.Type().Field(i), rv.Field(i)
		if sf.PkgPath != "" {
			continue
		}
		s := fmt.Sprintf("%s-%d", sf.Name, seed)
		switch x := fv.Addr().Interface().(type) {
		case *Context:
			*x = Context{"k": s, "a": "b|c"}
		case *Metadata:
			*x = Metadata{"f": s}
		case *Coordinates:
			*x = Coordinates{{X: 1, Y: 2, Width: 3, Height: seed}}
		case *Regions:
			*x = Regions{"r": {{1, seed}}}
		case *AccessControl:
			*x = AccessControl{{AccessType: "token", Start: time.Unix(int64(seed), 0)}}
		case *ResponsiveBreakpoints:
			*x = ResponsiveBreakpoints{{CreateDerived: true, MaxWidth: seed}}
		case **AutoTranscription:
			*x = &AutoTranscription{Translate: []string{s}}
		case **AutoVideoDetails:
			*x = &AutoVideoDetails{}
		case *Headers:
			*x = Headers{"X-A": s}
		case *url.Values:
			*x = url.Values{"extra_" + s: {s}}
		case *[]string:
			*x = []string{s, "b"}
		case *string:
			*x = s
		case *bool:
			*x = true
		case **bool:
			b := seed%2 == 0
			*x = &b
		case *float64:
			*x = 0.125 * float64(seed+1)
		case *int:
			*x = seed + 7
		case *int64:
			*x = int64(seed + 11)
		case *time.Time:
			*x = time.Unix(int64(1700000000+seed), 0).UTC()
		default:
			switch fv.Kind() {
			case reflect.String:
				fv.SetString(s)
			case reflect.Int, reflect.Int64:
				fv.SetInt(int64(seed + 3))
			default:
				t.Fatalf("fillParams: field %s of type %s", sf.Name, sf.Type)
			}
		}
	}
}

// TestStructValuesMatchGoQuerystring: for every parameter type, empty,
// filled, and half-filled, the planned encoding equals query.Values.
func TestStructValuesMatchGoQuerystring(t *testing.T) {
	types := []any{&Params{}, &DestroyParams{}, &RenameParams{}, &TagParams{}, &bulkParams{}, &MetadataParams{},
		&MultiParams{}, &ExplodeParams{}, &TextParams{}, &ArchiveParams{}, &SlideshowParams{}, &DownloadParams{}}
	for _, proto := range types {
		typ := reflect.TypeOf(proto).Elem()
		for seed := range 3 {
			v := reflect.New(typ).Interface()
			if seed > 0 {
				fillParams(t, v, seed)
			}
			if seed == 2 { // every other field back to zero
				rv := reflect.ValueOf(v).Elem()
				for i := 0; i < rv.NumField(); i += 2 {
					if rv.Type().Field(i).PkgPath == "" {
						rv.Field(i).SetZero()
					}
				}
			}
			want, werr := query.Values(v)
			got, gerr := structValues(v)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%s seed %d: error %v, go-querystring %v", typ.Name(), seed, gerr, werr)
			}
			if !reflect.DeepEqual(clean(got), clean(want)) {
				t.Errorf("%s seed %d:\n got %v\nwant %v", typ.Name(), seed, got, want)
			}
		}
		if planFor(typ) == nil && typ.Name() == "Params" {
			t.Errorf("Params is not covered by a plan: uploads fall back to go-querystring")
		}
	}
}

// clean drops empty values, as encode does.
func clean(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		for _, s := range vs {
			if s != "" {
				out[k] = append(out[k], s)
			}
		}
	}
	return out
}

type stringerInt int

func (s stringerInt) String() string { return "s" }

// TestPlanFallsBack: fields the plan does not cover leave the type to
// go-querystring.
func TestPlanFallsBack(t *testing.T) {
	cases := []any{
		struct {
			N stringerInt `url:"n"`
		}{},
		struct {
			T time.Time `url:"t"`
		}{},
		struct {
			B bool `url:"b,int"`
		}{},
		struct {
			U uint `url:"u"`
		}{},
	}
	for _, c := range cases {
		if p := planFor(reflect.TypeOf(c)); p != nil {
			t.Errorf("%T: planned, want the go-querystring fallback", c)
		}
	}
	v := struct {
		N stringerInt `url:"n"`
	}{N: 3}
	if got, err := structValues(&v); err != nil || got.Get("n") != "s" {
		t.Errorf("fallback: %v, %v", got, err)
	}
}
