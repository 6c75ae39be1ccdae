package mockserver

import (
	"net/http"
	"net/url"
	"testing"
)

func TestCORS(t *testing.T) {
	s := New(fixedClock())
	up := uploadFile(t, s, "image", url.Values{"public_id": {"cors/pic"}}, "pic.png", pngBytes(4, 3, 100))
	mustStatus(t, up, http.StatusOK)
	if got := up.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("upload answer: Access-Control-Allow-Origin %q, want *", got)
	}
	journaled := len(s.Journal())

	preflight := func(path, method, headers string) result {
		req := newReq(http.MethodOptions, path, nil, "")
		req.Header.Set("Origin", "http://127.0.0.1:5000")
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		return serve(t, s, req)
	}
	for _, tc := range []struct {
		name, path, method, headers, wantMethods string
	}{
		{"upload", "/v1_1/demo/image/upload", "POST", "x-unique-upload-id,content-range", "GET, POST, PUT, OPTIONS"},
		{"auto upload without resource type", "/v1_1/demo/upload", "POST", "", "GET, POST, PUT, OPTIONS"},
		{"destroy", "/v1_1/demo/image/destroy", "POST", "content-type", "GET, POST, PUT, OPTIONS"},
		{"delivery", "/demo/image/upload/c_fill,w_150,h_150/cors/pic.png", "GET", "", "GET, HEAD, OPTIONS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := preflight(tc.path, tc.method, tc.headers)
			mustStatus(t, r, http.StatusOK)
			h := r.header
			if h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Access-Control-Allow-Methods") != tc.wantMethods ||
				h.Get("Access-Control-Allow-Headers") != tc.headers || h.Get("Access-Control-Max-Age") != corsMaxAge {
				t.Errorf("preflight headers %v", h)
			}
			if len(r.body) != 0 {
				t.Errorf("preflight body %q, want empty", r.body)
			}
		})
	}
	if n := len(s.Journal()); n != journaled {
		t.Errorf("preflights were journaled: %d entries, want %d", n, journaled)
	}

	del := serve(t, s, newReq(http.MethodGet, "/demo/image/upload/c_fill,w_150,h_150/cors/pic.png", nil, ""))
	mustStatus(t, del, http.StatusOK)
	if del.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("delivery: no Access-Control-Allow-Origin: %v", del.header)
	}
	missing := serve(t, s, newReq(http.MethodGet, "/demo/image/upload/nothing.png", nil, ""))
	mustStatus(t, missing, http.StatusNotFound)
	if missing.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("a delivery error must be readable by the page too")
	}

	// The Admin API needs the secret and is never open to pages.
	adminPre := preflight("/v1_1/demo/resources/image", "GET", "authorization")
	if adminPre.header.Get("Access-Control-Allow-Origin") != "" || adminPre.status == http.StatusOK {
		t.Errorf("admin preflight answered %d with %v", adminPre.status, adminPre.header)
	}
	list := admin(t, s, http.MethodGet, "/v1_1/demo/resources/image", nil)
	mustStatus(t, list, http.StatusOK)
	if list.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("admin answer carries Access-Control-Allow-Origin")
	}

	// An OPTIONS request that is not a preflight goes to the API as before.
	plain := serve(t, s, newReq(http.MethodOptions, "/v1_1/demo/image/upload", nil, ""))
	mustStatus(t, plain, http.StatusNotFound)
}
