package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServe feeds arbitrary requests to the parser and router: they must
// never panic and never answer 500. Seeds live in testdata/fuzz/FuzzServe
// and run in every go test.
func FuzzServe(f *testing.F) {
	png := pngBytes(2, 2, 64)
	var mp bytes.Buffer
	body, ct := multipartBody(f, url.Values{"public_id": {"f"}, "upload_preset": {"u"}}, "f.png", png)
	_, _ = io.Copy(&mp, body)
	f.Add("POST", "/v1_1/demo/image/upload", ct, "", "", mp.Bytes())
	f.Add("POST", "/v1_1/demo/auto/upload", "", "", "bytes 0-9/-1", []byte("file=data%3Aimage%2Fpng%3Bbase64%2CiVBORw0KGgo%3D&upload_preset=u"))
	f.Add("GET", "/v1_1/demo/resources/image/upload?prefix=a&max_results=3&next_cursor=MHxh", "", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte(nil))
	f.Add("POST", "/v1_1/demo/resources/search", "application/json", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte(`{"expression":"(tags=a OR -b) AND bytes>1m","sort_by":[{"public_id":"desc"}],"aggregate":["format"]}`))
	f.Add("DELETE", "/v1_1/demo/resources/image/upload", "application/json", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte(`{"public_ids":"a,b","keep_original":true}`))
	f.Add("GET", "/demo/image/upload/s--AAAAAAAA--/c_fill/v1/a/b.png", "", "", "", []byte(nil))
	f.Add("GET", "/demo/image/upload/c_fill,g_south,h_3,w_5/e_sepia/f_auto/v1/a/b.png", "", "", "", []byte(nil))
	f.Add("GET", "/demo/image/upload/l_text:Arial_8_bold:hi%2C%20there,co_red/fl_attachment:x/a/b.webp", "", "", "", []byte(nil))
	f.Add("GET", "/v1_1/demo/image/sprite?tag=a&timestamp=1", "", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte(nil))
	f.Add("POST", "/v1_1/demo/image/text", "application/x-www-form-urlencoded", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte("text=hi&font_size=9&font_color=%23f00"))
	f.Add("POST", "/v1_1/demo/image/explicit", "application/x-www-form-urlencoded", "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ=", "", []byte("public_id=a/b&eager=w_0.5|c_pad,w_9,h_9/webp&colors=1&phash=1&responsive_breakpoints=%5B%7B%22max_images%22%3A2%7D%5D"))
	f.Add("PUT", "/v1_1/demo/folders/a/b", "application/json", "Bearer x", "", []byte(`{"to_folder":"../c"}`))
	basic := "Basic bW9ja19rZXk6bW9ja19zZWNyZXQ="
	f.Add("POST", "/v1_1/demo/streaming_profiles", "application/json", basic, "", []byte(`{"name":"p","representations":"[{\"transformation\":[{\"width\":1}]}]"}`))
	f.Add("POST", "/v1_1/demo/triggers", "", basic, "", []byte(`uri=https%3A%2F%2Fx&event_type=upload&filter=%7B%7D`))
	f.Add("PUT", "/v1_1/demo/metadata_fields/f/datasource", "application/json", basic, "", []byte(`{"values":[{"value":"x"}]}`))
	f.Add("POST", "/v1_1/demo/resources/related_assets/image/upload/a/b", "application/json", basic, "", []byte(`{"assets_to_relate":["image/upload/a/b"]}`))
	f.Add("POST", "/v1_1/demo/resources/visual_search", "", basic, "", []byte(`image_url=http%3A%2F%2Fx%2Fa.png`))
	f.Add("POST", "/v1_1/demo/folders/search", "application/json", basic, "", []byte(`{"expression":"created_at>1d","sort_by":[{"name":"asc"}]}`))
	f.Add("GET", "/v1_1/demo/resources/image?fields=a,b&start_at=Sat%2C%2028%20Feb%202026%2012%3A00%3A00%20GMT", "", basic, "", []byte(nil))
	f.Add("DELETE", "/v1_1/demo/resources/image/upload?all=true&next_cursor=x", "", basic, "", []byte(nil))
	f.Fuzz(func(t *testing.T, method, target, ctype, auth, crange string, body []byte) {
		s := New(fixedClock(), WithOfflineRemoteURLs(), offlineClient())
		s.st.cfg.Presets["u"] = &preset{Name: "u", Unsigned: true, Settings: map[string]string{}}
		mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"a/b"}, "tags": {"a"}}, "x.png", png), 200)
		path, query, _ := strings.Cut(target, "?")
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			method = "GET"
		}
		req := httptest.NewRequest("GET", "http://mock.test/", bytes.NewReader(body))
		req.Method = method
		req.URL = &url.URL{Path: path, RawQuery: query}
		req.Header = http.Header{}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if crange != "" {
			req.Header.Set("Content-Range", crange)
			req.Header.Set("X-Unique-Upload-Id", "fuzz")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q -> %d: %s", method, target, rec.Code, rec.Body.Bytes())
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatal("X-Request-Id missing")
		}
	})
}

// FuzzTransformationInfo: parsing any transformation string never panics,
// and the parsed form survives a round trip through transformationString.
func FuzzTransformationInfo(f *testing.F) {
	for _, t := range []string{"c_scale,w_102", "c_limit,w_640,h_360/e_sepia", "w_1.5,q_auto:good", "t_x/l_text:a_b", ",,_/", "a"} {
		f.Add(t)
	}
	f.Fuzz(func(t *testing.T, tr string) {
		info := transformationInfo(tr)
		again := transformationInfo(transformationString(info))
		b1, _ := json.Marshal(info)
		b2, _ := json.Marshal(again)
		if len(info) > 0 && string(b1) != string(b2) && !strings.Contains(tr, "raw_transformation") {
			// A component without "_" is kept as raw_transformation; its
			// round trip may change the key, never panic.
			for _, c := range info {
				if _, raw := c["raw_transformation"]; raw {
					return
				}
			}
			t.Fatalf("%q: %s, then %s", tr, b1, b2)
		}
	})
}
