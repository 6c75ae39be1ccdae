// Package apitest is test support shared by the packages' tests: the walk
// that calls every method of a service against the mock server (so that
// admin and upload check "the mock answers every call the client can make"
// the same way), golden files and JSON equality. Importing it registers the
// test binary's -update flag (see Golden).
package apitest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

// Step is one row of a walk: a call of the exported method Method of a
// service S, with arguments that are valid against the walk's seeded state.
type Step[S any] struct {
	Method string
	Call   func(ctx context.Context, s S) error
}

// notEmulatedMessages are the fragments of the mock's answers for a call it
// does not emulate, or a route or action it does not know (the same gap).
var notEmulatedMessages = []string{
	"does not support", "not emulated", "Unsupported method",
	"Unknown API route", "Unknown route", "Unknown Analysis API route", "Unknown Upload API action",
}

// NotEmulated reports whether err is the mock's answer for a call it does
// not emulate: one of its messages (an *client.APIError's Message, else the
// error's text), or a 404 naming the route it expected.
func NotEmulated(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	var ae *client.APIError
	if errors.As(err, &ae) {
		m = ae.Message
		if ae.StatusCode == 404 && strings.Contains(m, "Expected ") {
			return true
		}
	}
	for _, s := range notEmulatedMessages {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// Walk checks that steps has exactly one row for every exported method of
// S except exempt ones (helpers that make no call), and that each entry of
// allowed (method → why the mock does not emulate it) has a row. It then
// runs the steps in order against svc, each within 30 s: a step fails the
// test on any error, above all on a not-emulated answer, except an allowed
// method, which must still fail with exactly that answer (so its entry goes
// when the mock learns the call).
func Walk[S any](t *testing.T, svc S, steps []Step[S], allowed map[string]string, exempt ...string) {
	t.Helper()
	typ := reflect.TypeFor[S]()
	rows := map[string]bool{}
	for _, st := range steps {
		if rows[st.Method] {
			t.Errorf("two rows for %s", st.Method)
		}
		rows[st.Method] = true
	}
	for name := range allowed {
		if !rows[name] {
			t.Errorf("allow-list entry %s has no row", name)
		}
	}
	for _, name := range exempt {
		delete(rows, name)
	}
	var missing []string
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if !rows[name] && !slices.Contains(exempt, name) {
			missing = append(missing, name)
		}
		delete(rows, name)
	}
	if len(missing) > 0 {
		t.Errorf("methods without a walk row (add one, and make the mock answer them): %v", missing)
	}
	for name := range rows {
		t.Errorf("walk row %s names no method of %v", name, typ)
	}

	for _, st := range steps {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		err := st.Call(ctx, svc)
		cancel()
		reason, isAllowed := allowed[st.Method]
		switch {
		case isAllowed && err == nil:
			t.Errorf("%s: succeeds now; remove it from the allow-list (%s)", st.Method, reason)
		case isAllowed && !NotEmulated(err):
			t.Errorf("%s: allow-listed as not emulated, but failed otherwise: %v", st.Method, err)
		case isAllowed:
		case NotEmulated(err):
			t.Errorf("%s: the mock does not emulate it: %v", st.Method, err)
		case err != nil:
			t.Errorf("%s: %v", st.Method, err)
		}
	}
}
