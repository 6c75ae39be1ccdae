package mockserver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// controlReq builds a control request as a browser or a script would send
// it.
func controlReq(method, path, host, ctype, body string, header map[string]string) *http.Request {
	req := newReq(method, path, strings.NewReader(body), ctype)
	if body == "" {
		req = newReq(method, path, http.NoBody, ctype)
	}
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

// TestControlRefusesWebPages: the /_mock/ endpoints answer only requests for
// the mock's own host, without another site's Origin, with JSON bodies, and
// (when set) with the control token; a web page can neither rebind a name
// to the mock nor send it a cross-origin simple POST.
func TestControlRefusesWebPages(t *testing.T) {
	s := New(fixedClock(), WithControl(), WithControlHosts("mock.internal"))
	fault := `{"route":"upload","kind":"status","count":1}`
	tests := []struct {
		name                string
		method, host, ctype string
		body                string
		header              map[string]string
		status              int
		msg                 string
	}{
		{"loopback IP", "GET", "127.0.0.1:8099", "", "", nil, 200, ""},
		{"loopback IPv6", "GET", "[::1]:8099", "", "", nil, 200, ""},
		{"localhost", "GET", "localhost:8099", "", "", nil, 200, ""},
		{"a .localhost name", "GET", "app.localhost", "", "", nil, 200, ""},
		{"a configured host", "GET", "mock.internal:8099", "", "", nil, 200, ""},
		{"a foreign host (DNS rebinding)", "GET", "evil.example", "", "", nil, 403, `Host "evil.example" is not loopback`},
		{"a foreign host with a port", "POST", "evil.example:8099", "application/json", fault, nil, 403, "must name the mock's own host"},
		{"a loopback name that is not one", "GET", "localhost.evil.example", "", "", nil, 403, "must name the mock's own host"},
		{"cross-origin text/plain POST", "POST", "127.0.0.1:8099", "text/plain", fault, map[string]string{"Origin": "http://evil.example"}, 403, `Origin "http://evil.example"`},
		{"text/plain POST without Origin", "POST", "127.0.0.1:8099", "text/plain", fault, nil, 400, "must send Content-Type: application/json"},
		{"form POST", "POST", "127.0.0.1:8099", "application/x-www-form-urlencoded", "kind=reset", nil, 400, "application/json"},
		{"JSON POST without Content-Type", "POST", "127.0.0.1:8099", "", fault, nil, 400, "application/json"},
		{"cross-site fetch metadata", "GET", "127.0.0.1:8099", "", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site"},
		{"null Origin", "GET", "127.0.0.1:8099", "", "", map[string]string{"Origin": "null"}, 403, "Origin"},
		{"same origin", "POST", "127.0.0.1:8099", "application/json; charset=utf-8", fault, map[string]string{"Origin": "http://127.0.0.1:8099", "Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"empty POST (reset)", "POST", "127.0.0.1:8099", "", "", nil, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/_mock/state"
			if tc.method == "POST" {
				path = "/_mock/faults"
				if tc.body == "" {
					path = "/_mock/reset"
				}
			}
			before := len(s.Faults())
			r := serve(t, s, controlReq(tc.method, path, tc.host, tc.ctype, tc.body, tc.header))
			mustStatus(t, r, tc.status)
			if !strings.Contains(r.msg(), tc.msg) {
				t.Fatalf("message %q, want %q in it", r.msg(), tc.msg)
			}
			if tc.status != 200 && len(s.Faults()) != before {
				t.Fatal("a refused request added a fault")
			}
		})
	}
}

func TestControlToken(t *testing.T) {
	s := New(fixedClock(), WithControl(), WithControlToken("t0ken"))
	for _, tc := range []struct {
		token  string
		status int
	}{{"", 403}, {"wrong", 403}, {"t0ken", 200}} {
		h := map[string]string{}
		if tc.token != "" {
			h[ControlTokenHeader] = tc.token
		}
		r := serve(t, s, controlReq("GET", "/_mock/health", "127.0.0.1", "", "", h))
		mustStatus(t, r, tc.status)
		if tc.status == 403 && !strings.Contains(r.msg(), ControlTokenHeader) {
			t.Fatalf("%q", r.msg())
		}
	}
}

// TestControlHostOfTheConnection: a request naming the IP address it came in
// on is the mock's own, so a mock listening on every address answers
// requests for any of its addresses, and nothing else.
func TestControlHostOfTheConnection(t *testing.T) {
	s := New(fixedClock(), WithControl())
	local := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8099}
	for _, tc := range []struct {
		host   string
		status int
	}{{"192.0.2.7:8099", 200}, {"192.0.2.8:8099", 403}} {
		req := controlReq("GET", "/_mock/health", tc.host, "", "", nil)
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, net.Addr(local)))
		mustStatus(t, serve(t, s, req), tc.status)
	}
}

func TestControlResetResetsTheClock(t *testing.T) {
	s := New(fixedClock(), WithControl())
	ctl := func(method, path, body string) result {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		r := serve(t, s, controlReq(method, path, "127.0.0.1", ct, body, nil))
		mustStatus(t, r, 200)
		return r
	}
	ctl("POST", "/_mock/clock", `{"advance":"90m"}`)
	if got := s.Now(); !got.Equal(testNow.Add(90 * time.Minute)) {
		t.Fatalf("clock %v", got)
	}
	ctl("POST", "/_mock/reset", "")
	if got := s.Now(); !got.Equal(testNow) {
		t.Fatalf("clock after reset %v, want %v", got, testNow)
	}
	if r := ctl("GET", "/_mock/clock", ""); r.num("unix") != testNow.Unix() {
		t.Fatalf("%s", r.body)
	}
}

// TestFaultRouteMustExist: a fault whose route matches no route would never
// fire; it is refused, over HTTP and in Go, with the list of routes.
func TestFaultRouteMustExist(t *testing.T) {
	s := New(fixedClock(), WithControl())
	for _, route := range []string{"uplaod", "upload/uplaod", "admin/resource", "delivery/pdf"} {
		r := serve(t, s, controlReq("POST", "/_mock/faults", "127.0.0.1", "application/json", `[{"route":"upload","kind":"reset"},{"route":"`+route+`","kind":"reset"}]`, nil))
		mustStatus(t, r, 400)
		for _, want := range []string{`unknown fault route "` + route + `"`, "upload/upload", "admin/resources", "delivery/image", "admin, delivery, upload"} {
			if !strings.Contains(r.msg(), want) {
				t.Errorf("%s: message lacks %q: %s", route, want, r.msg())
			}
		}
		if _, err := s.AddFault(Fault{Route: route, Kind: FaultReset}); err == nil || !strings.Contains(err.Error(), "unknown fault route") {
			t.Errorf("AddFault(%q): %v", route, err)
		}
	}
	if n := len(s.Faults()); n != 0 {
		t.Fatalf("a refused list added %d faults", n)
	}
	for _, route := range []string{"", "*", "upload", "upload/*", "admin/resources", "delivery", "delivery/raw", "admin/p*"} {
		if _, err := s.AddFault(Fault{Route: route, Kind: FaultReset}); err != nil {
			t.Errorf("AddFault(%q): %v", route, err)
		}
	}
}
