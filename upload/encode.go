package upload

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-querystring/query"
)

// structValues encodes a url-tagged parameter struct (or a pointer to one)
// as go-querystring's query.Values does, but reads each type's tags once
// (a plan, cached per type): parsing them on every call was most of the
// cost and allocations of encoding an upload's parameters. Types with a
// field the plan does not cover (nested structs, times, options other
// than omitempty and comma) go through query.Values itself.
func structValues(v any) (url.Values, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return url.Values{}, nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return query.Values(v)
	}
	plan := planFor(rv.Type())
	if plan == nil {
		return query.Values(v)
	}
	vals := make(url.Values, 8)
	for i := range plan {
		f := &plan[i]
		fv := rv.Field(f.index)
		if f.omitEmpty && emptyValue(fv) {
			continue
		}
		switch f.kind {
		case kindEncoder:
			if err := fv.Interface().(query.Encoder).EncodeValues(f.name, &vals); err != nil {
				return nil, err
			}
		case kindString:
			vals.Add(f.name, fv.String())
		case kindBool:
			vals.Add(f.name, strconv.FormatBool(fv.Bool()))
		case kindBoolPtr:
			if !fv.IsNil() {
				vals.Add(f.name, strconv.FormatBool(fv.Elem().Bool()))
			}
		case kindInt:
			vals.Add(f.name, strconv.FormatInt(fv.Int(), 10))
		case kindFloat:
			// fmt.Sprint's format, which go-querystring uses.
			vals.Add(f.name, strconv.FormatFloat(fv.Float(), 'g', -1, fv.Type().Bits()))
		case kindStrings:
			n := fv.Len()
			if n == 0 {
				continue
			}
			s := fv.Interface().([]string)
			if f.del != "" {
				vals.Add(f.name, strings.Join(s, f.del))
			} else {
				vals[f.name] = append(vals[f.name], s...)
			}
		}
	}
	return vals, nil
}

type planKind int

const (
	kindString planKind = iota + 1
	kindBool
	kindBoolPtr
	kindInt
	kindFloat
	kindStrings
	kindEncoder
)

// fieldPlan is how one field is encoded.
type fieldPlan struct {
	index     int
	name      string
	omitEmpty bool
	del       string // joins a []string; "" repeats the key
	kind      planKind
}

var plans sync.Map // reflect.Type -> []fieldPlan (nil: not covered)

var (
	encoderType  = reflect.TypeFor[query.Encoder]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

func planFor(t reflect.Type) []fieldPlan {
	if p, ok := plans.Load(t); ok {
		return p.([]fieldPlan)
	}
	p := makePlan(t)
	plans.Store(t, p)
	return p
}

// makePlan reads t's tags the way go-querystring does, or returns nil when
// a field needs more than the plan covers.
func makePlan(t reflect.Type) []fieldPlan {
	plan := []fieldPlan{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		if sf.PkgPath != "" {
			continue
		}
		tag := sf.Tag.Get("url")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := fieldPlan{index: i, name: name}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				f.omitEmpty = true
			case "comma":
				f.del = ","
			default:
				return nil
			}
		}
		ft := sf.Type
		switch {
		case ft.Implements(encoderType):
			if ft.Kind() == reflect.Pointer && ft.Elem().Implements(encoderType) {
				return nil // go-querystring replaces a nil pointer by a zero value
			}
			f.kind = kindEncoder
		case ft.Kind() == reflect.String:
			f.kind = kindString
		case ft.Kind() == reflect.Bool:
			f.kind = kindBool
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Bool:
			f.kind = kindBoolPtr
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
			f.kind = kindInt
		case ft.Kind() == reflect.Float32 || ft.Kind() == reflect.Float64:
			f.kind = kindFloat
		case ft == reflect.TypeFor[[]string]():
			f.kind = kindStrings
			if f.del == "" {
				f.del = sf.Tag.Get("del")
			}
		default:
			return nil
		}
		if f.del != "" && f.kind != kindStrings {
			return nil
		}
		if vt := ft; f.kind != kindEncoder {
			if f.kind == kindBoolPtr {
				vt = ft.Elem()
			}
			if vt.Implements(stringerType) || vt.Implements(errorType) {
				return nil // fmt.Sprint would call its method
			}
		}
		plan = append(plan, f)
	}
	return plan
}

// emptyValue is go-querystring's omitempty test.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	return false
}
