package mockserver

import (
	"bytes"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/signer"
)

func TestDelivery(t *testing.T) {
	t.Parallel()
	s := New(fixedClock(), WithCredentials("a", "b"))
	png := pngBytes(3, 3, 500)
	upload := func(params url.Values) result {
		p := signed(t, params, "a", "b", testNow)
		body, ct := multipartBody(t, p, "s.png", png)
		r := serve(t, s, newReq("POST", "/v1_1/demo/image/upload", body, ct))
		mustStatus(t, r, 200)
		return r
	}
	up := upload(url.Values{"public_id": {"sample"}})
	upload(url.Values{"public_id": {"folder/my pic"}})
	upload(url.Values{"public_id": {"sample"}, "type": {"authenticated"}})
	v := "v" + strconv.FormatInt(up.num("version"), 10)
	sig := signer.URLSignature("c_crop,h_20,w_10/sample.jpg", "b", signer.SHA1, signer.ShortURLSignature)
	tests := []struct {
		name, path string
		status     int
		rendered   bool
		cldError   string
	}{
		{"plain", "/demo/image/upload/sample.png", 200, false, ""},
		{"with version", "/demo/image/upload/" + v + "/sample.png", 200, false, ""},
		{"no extension", "/demo/image/upload/sample", 200, false, ""},
		{"folder and space", "/demo/image/upload/v1/folder/my%20pic.png", 200, false, ""},
		{"transformation", "/demo/image/upload/c_fill,w_10/e_sepia/sample.png", 200, true, ""},
		{"format conversion", "/demo/image/upload/sample.webp", 200, true, ""},
		{"spec vector D3 signed", "/demo/image/upload/s--v2fTPYTu--/sample.jpg", 200, true, ""},
		{"spec vector D4 long signature", "/demo/image/upload/s--2hbrSMPOjj5BJ4xV7SgFbRDevFaQNUFf--/sample.jpg", 200, true, ""},
		{"spec vector D1 shape", "/demo/image/authenticated/" + sig + "/c_crop,h_20,w_10/v1234/sample.jpg", 200, true, ""},
		{"authenticated unsigned", "/demo/image/authenticated/sample.png", 401, false, "Signature required for authenticated assets"},
		{"bad signature", "/demo/image/upload/s--AAAAAAAA--/sample.png", 401, false, "Invalid signature s--AAAAAAAA--"},
		{"unknown", "/demo/image/upload/nope.png", 404, false, "Resource not found - nope.png"},
		{"wrong resource type", "/demo/video/upload/sample.png", 404, false, "Resource not found - sample.png"},
		{"fetch unsupported", "/demo/image/fetch/http://x/y.png", 404, false, "The cldrest mock server does not support delivery type fetch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := serve(t, s, newReq("GET", tc.path, nil, ""))
			mustStatus(t, r, tc.status)
			if tc.status == 200 && !tc.rendered {
				if !bytes.Equal(r.body, png) || r.header.Get("Content-Type") != "image/png" || r.header.Get("ETag") != `"`+md5hex(png)+`"` {
					t.Fatalf("body/headers wrong: %v", r.header)
				}
			}
			if tc.status == 200 && tc.rendered {
				ext := path.Ext(tc.path)[1:]
				if ct := r.header.Get("Content-Type"); ct != transform.ContentType(ext) {
					t.Fatalf("Content-Type %q for .%s", ct, ext)
				}
				if info, err := transform.DecodeInfo(r.body); err != nil || info.Format != strings.Replace(ext, "jpeg", "jpg", 1) {
					t.Fatalf("rendered body: %+v, %v", info, err)
				}
			}
			if got := r.header.Get("X-Mock-Not-Rendered") != ""; got {
				t.Fatalf("X-Mock-Not-Rendered=%q", r.header.Get("X-Mock-Not-Rendered"))
			}
			if tc.cldError != "" && r.header.Get("X-Cld-Error") != tc.cldError {
				t.Fatalf("X-Cld-Error %q, want %q", r.header.Get("X-Cld-Error"), tc.cldError)
			}
		})
	}
	// Conditional GET.
	req := newReq("GET", "/demo/image/upload/sample.png", nil, "")
	req.Header.Set("If-None-Match", `"`+md5hex(png)+`"`)
	mustStatus(t, serve(t, s, req), 304)
	// Metadata-only storage cannot deliver bytes and says so.
	m := New(fixedClock(), WithStorage(MetadataOnly))
	mustStatus(t, uploadFile(t, m, "image", url.Values{"public_id": {"x"}}, "x.png", png), 200)
	r := serve(t, m, newReq("GET", "/demo/image/upload/x.png", nil, ""))
	mustStatus(t, r, 404)
	if r.header.Get("X-Cld-Error") == "" {
		t.Fatalf("no X-Cld-Error")
	}
}

// The mock checks the signature the official SDKs (Node.js, Python, Ruby)
// compute: over the transformation and the public ID as escaped in the
// URL, with the extension and without the version; a transformation's
// spaces are signed as spaces. The Go SDK's form (the unescaped public ID)
// is refused.
func TestDeliverySignedForm(t *testing.T) {
	s := New(fixedClock())
	png := pngBytes(2, 2, 7)
	for _, id := range []string{"folder/my pic", "a+b", "sample"} {
		mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {id}, "type": {"authenticated"}}, "s.png", png), 200)
	}
	sign := func(toSign string) string {
		return signer.URLSignature(toSign, DefaultAPISecret, signer.SHA1, signer.ShortURLSignature)
	}
	long := func(toSign string) string {
		return signer.URLSignature(toSign, DefaultAPISecret, signer.SHA1, signer.LongURLSignature)
	}
	const base = "/demo/image/authenticated/"
	tests := []struct {
		name, path string
		status     int
	}{
		{"escaped public ID", base + sign("c_fill,w_10/folder/my%20pic.png") + "/c_fill,w_10/v1/folder/my%20pic.png", 200},
		{"escaped public ID long", base + long("c_fill,w_10/folder/my%20pic.png") + "/c_fill,w_10/v1/folder/my%20pic.png", 200},
		{"Go SDK form refused", base + sign("c_fill,w_10/folder/my pic.png") + "/c_fill,w_10/v1/folder/my%20pic.png", 401},
		{"escaped plus", base + sign("a%2Bb.png") + "/a%2Bb.png", 200},
		{"unescaped plus refused", base + sign("a+b.png") + "/a%2Bb.png", 401},
		{"version not signed", base + sign("sample.png") + "/v99/sample.png", 200},
		{"extension signed", base + sign("sample") + "/sample.png", 401},
		{"transformation space signed as a space", base + sign("l_text:Arial_20:a b/sample.png") + "/l_text:Arial_20:a%20b/sample.png", 200},
		{"escaped overlay text signed as written", base + sign("l_text:Arial_20:a%20b/sample.png") + "/l_text:Arial_20:a%20b/sample.png", 200},
		{"spec vector D7 form", base + sign("co_red,l_text:Times_70_bold:Cool%25F0%259F%2598%258D/sample.png") + "/co_red,l_text:Times_70_bold:Cool%25F0%259F%2598%258D/sample.png", 200},
		{"transformation changed", base + sign("c_fill,w_10/sample.png") + "/c_fill,w_11/sample.png", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := serve(t, s, newReq("GET", tc.path, nil, ""))
			mustStatus(t, r, tc.status)
			if tc.status == 200 && !strings.Contains(tc.path, "_") && !bytes.Equal(r.body, png) {
				t.Fatal("wrong bytes")
			}
			if tc.status == 200 && strings.Contains(tc.path, "_") {
				if _, err := transform.DecodeInfo(r.body); err != nil {
					t.Fatalf("rendered body: %v", err)
				}
			}
		})
	}
}

// An authenticated asset is also delivered with a valid __cld_token__ when
// token-based access is enabled, on the shared-host path or the private one.
func TestDeliveryAuthToken(t *testing.T) {
	const key = "00112233FF99"
	s := New(fixedClock(), WithAuthTokenKey(key))
	png := pngBytes(2, 2, 9)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"secret pic"}, "type": {"authenticated"}}, "s.png", png), 200)
	mk := func(tok signer.Token) string {
		tok.Key = key
		v, err := signer.AuthToken(tok, testNow)
		if err != nil {
			t.Fatal(err)
		}
		return v // appended raw, escapes and all, as the SDKs append it
	}
	const path = "/demo/image/authenticated/secret%20pic.png"
	tests := []struct {
		name, target string
		status       int
		cldError     string
	}{
		{"acl", path + "?__cld_token__=" + mk(signer.Token{Duration: time.Hour, ACL: []string{"/demo/image/authenticated/*"}}), 200, ""},
		{"private CDN acl", path + "?__cld_token__=" + mk(signer.Token{Duration: time.Hour, ACL: []string{"/image/authenticated/*"}}), 200, ""},
		{"url", path + "?__cld_token__=" + mk(signer.Token{Duration: time.Hour, URL: path}), 200, ""},
		{"acl of other assets", path + "?__cld_token__=" + mk(signer.Token{Duration: time.Hour, ACL: []string{"/demo/video/*"}}), 401, "invalid auth token: its ACL does not cover /image/authenticated/secret%20pic.png"},
		{"expired", path + "?__cld_token__=" + mk(signer.Token{Expiration: testNow.Add(-time.Second), ACL: []string{"/*"}}), 401, ""},
		{"no token", path, 401, "Signature required for authenticated assets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := serve(t, s, newReq("GET", tc.target, nil, ""))
			mustStatus(t, r, tc.status)
			if tc.status == 200 && !bytes.Equal(r.body, png) {
				t.Fatal("wrong bytes")
			}
			if tc.cldError != "" && r.header.Get("X-Cld-Error") != tc.cldError {
				t.Fatalf("X-Cld-Error %q, want %q", r.header.Get("X-Cld-Error"), tc.cldError)
			}
		})
	}
	// Without a key, a token is refused with the way to enable it.
	plain := New(fixedClock())
	mustStatus(t, uploadFile(t, plain, "image", url.Values{"public_id": {"secret pic"}, "type": {"authenticated"}}, "s.png", png), 200)
	r := serve(t, plain, newReq("GET", tests[0].target, nil, ""))
	if r.status != 401 || !strings.Contains(r.header.Get("X-Cld-Error"), "WithAuthTokenKey") {
		t.Fatalf("%d %q", r.status, r.header.Get("X-Cld-Error"))
	}
	if _, err := Open(WithAuthTokenKey("not hex")); err == nil {
		t.Fatal("Open accepted a key that is not hex")
	}
}
