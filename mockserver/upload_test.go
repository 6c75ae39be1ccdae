package mockserver

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestUploadResponseFields(t *testing.T) {
	s := New(fixedClock())
	data := pngBytes(640, 480, 4096)
	r := uploadFile(t, s, "image", url.Values{"public_id": {"folder/pic"}, "tags": {"a, b"}, "context": {`alt=x\=y|caption=hi`}}, "photo.png", data)
	mustStatus(t, r, 200)
	checks := map[string]any{
		"public_id": "folder/pic", "format": "png", "resource_type": "image", "type": "upload",
		"etag": md5hex(data), "original_filename": "photo", "display_name": "pic", "created_at": "2026-03-01T12:00:00Z",
	}
	for k, want := range checks {
		if r.json[k] != want {
			t.Errorf("%s = %v, want %v", k, r.json[k], want)
		}
	}
	if r.num("version") != testNow.Unix() || r.num("bytes") != 4096 || r.num("width") != 640 || r.num("height") != 480 {
		t.Errorf("version/bytes/width/height wrong: %s", r.body)
	}
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	if !hex32.MatchString(r.str("asset_id")) || !hex32.MatchString(r.str("version_id")) {
		t.Errorf("asset_id/version_id not 32 hex: %s", r.body)
	}
	if !signer.VerifyResponse("folder/pic", testNow.Unix(), DefaultAPISecret, r.str("signature")) {
		t.Errorf("response signature does not verify")
	}
	if want := "http://mock.test/demo/image/upload/v" + strconv.FormatInt(testNow.Unix(), 10) + "/folder/pic.png"; r.str("secure_url") != want || r.str("url") != want {
		t.Errorf("url %q, want %q", r.str("url"), want)
	}
	ctx, _ := r.json["context"].(map[string]any)
	custom, _ := ctx["custom"].(map[string]any)
	if custom["alt"] != "x=y" || custom["caption"] != "hi" {
		t.Errorf("context %v", r.json["context"])
	}
	if tags, _ := r.json["tags"].([]any); len(tags) != 2 || tags[0] != "a" || tags[1] != "b" {
		t.Errorf("tags %v", r.json["tags"])
	}
}

func TestUploadPublicIDRules(t *testing.T) {
	s := New(fixedClock(), WithSeed(1))
	png := pngBytes(1, 1, 64)
	tests := []struct {
		name   string
		rt     string
		params url.Values
		file   string
		data   []byte
		want   string // regexp
	}{
		{"random", "image", nil, "x.png", png, `^[a-z0-9]{20}$`},
		{"use_filename unique", "image", url.Values{"use_filename": {"true"}}, "My Photo.png", png, `^My_Photo_[a-z0-9]{6}$`},
		{"use_filename not unique", "image", url.Values{"use_filename": {"1"}, "unique_filename": {"0"}}, "cat.png", png, `^cat$`},
		{"folder prefix", "image", url.Values{"folder": {"/a/b/"}, "public_id": {"c"}}, "x.png", png, `^a/b/c$`},
		{"public_id_prefix", "image", url.Values{"public_id_prefix": {"pre"}, "public_id": {"c"}}, "x.png", png, `^pre/c$`},
		{"asset folder as prefix", "image", url.Values{"asset_folder": {"af"}, "use_asset_folder_as_public_id_prefix": {"true"}, "public_id": {"c"}}, "x.png", png, `^af/c$`},
		{"raw keeps extension", "raw", nil, "notes.txt", []byte("hello"), `^[a-z0-9]{20}\.txt$`},
		{"raw use_filename", "raw", url.Values{"use_filename": {"true"}, "unique_filename": {"false"}}, "notes.txt", []byte("hello"), `^notes\.txt$`},
		{"auto sniffs raw", "auto", url.Values{"public_id": {"data.csv"}}, "data.csv", []byte("a,b\n"), `^data\.csv$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := uploadFile(t, s, tc.rt, tc.params, tc.file, tc.data)
			mustStatus(t, r, 200)
			if !regexp.MustCompile(tc.want).MatchString(r.str("public_id")) {
				t.Fatalf("public_id %q does not match %s", r.str("public_id"), tc.want)
			}
		})
	}
}

func TestUploadFormatsSniffed(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
		0xFF, 0xC0, 0, 17, 8, 0, 30, 0, 40, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}
	gif := append([]byte("GIF89a"), 7, 0, 9, 0, 0, 0, 0)
	webpLossless := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f"), 0x63, 0x40, 0x06, 0x00, 0, 0, 0, 0, 0)
	bmp := make([]byte, 54)
	copy(bmp, "BM")
	bmp[18], bmp[22] = 12, 0xF6 // width 12, height -10 (top-down)
	for i := 23; i < 26; i++ {
		bmp[i] = 0xFF
	}
	s := New(fixedClock())
	tests := []struct {
		name, format string
		data         []byte
		w, h         float64
		rt           string
	}{
		{"png", "png", pngBytes(5, 6, 40), 5, 6, "image"},
		{"jpeg", "jpg", jpeg, 40, 30, "image"},
		{"gif", "gif", gif, 7, 9, "image"},
		{"webp", "webp", webpLossless, 100, 26, "image"},
		{"bmp", "bmp", bmp, 12, 10, "image"},
		{"mp4", "mp4", []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"), 0, 0, "video"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := uploadFile(t, s, "auto", nil, "f", tc.data)
			mustStatus(t, r, 200)
			if r.json["format"] != tc.format || r.json["resource_type"] != tc.rt {
				t.Fatalf("format %v rt %v: %s", r.json["format"], r.json["resource_type"], r.body)
			}
			if w, _ := r.json["width"].(float64); w != tc.w {
				t.Fatalf("width %v, want %v", r.json["width"], tc.w)
			}
			if h, _ := r.json["height"].(float64); h != tc.h {
				t.Fatalf("height %v, want %v", r.json["height"], tc.h)
			}
		})
	}
	r := uploadFile(t, s, "image", nil, "x.txt", []byte("not an image"))
	mustStatus(t, r, 400)
	if r.msg() != "Invalid image file" {
		t.Fatalf("message %q", r.msg())
	}
}

func TestOverwriteSemantics(t *testing.T) {
	now := testNow
	s := New(WithClock(func() time.Time { return now }))
	first := uploadFile(t, s, "image", url.Values{"public_id": {"p"}}, "a.png", pngBytes(1, 1, 500))
	mustStatus(t, first, 200)
	now = now.Add(10 * time.Second)
	keep := uploadFile(t, s, "image", url.Values{"public_id": {"p"}, "overwrite": {"false"}}, "b.png", pngBytes(2, 2, 600))
	mustStatus(t, keep, 200)
	if keep.json["existing"] != true || keep.num("bytes") != 500 || keep.num("version") != first.num("version") {
		t.Fatalf("overwrite=false must return the existing asset: %s", keep.body)
	}
	repl := uploadFile(t, s, "image", url.Values{"public_id": {"p"}}, "c.png", pngBytes(3, 3, 700))
	mustStatus(t, repl, 200)
	if repl.json["overwritten"] != true || repl.num("bytes") != 700 || repl.num("version") != now.Unix() {
		t.Fatalf("default overwrite must replace: %s", repl.body)
	}
	if repl.str("asset_id") != first.str("asset_id") || repl.str("version_id") == first.str("version_id") {
		t.Fatalf("asset_id must stay, version_id must change")
	}
}

func TestUploadFileForms(t *testing.T) {
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/img.png" {
			_, _ = w.Write(pngBytes(8, 9, 300))
			return
		}
		http.NotFound(w, r)
	}))
	defer remote.Close()
	s := New(fixedClock())
	png := pngBytes(4, 4, 100)
	t.Run("data URI urlencoded", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"file": {"data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}})
		mustStatus(t, r, 200)
		if r.str("etag") != md5hex(png) || r.num("width") != 4 {
			t.Fatalf("%s", r.body)
		}
	})
	t.Run("remote URL", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"file": {remote.URL + "/img.png"}})
		mustStatus(t, r, 200)
		if r.num("width") != 8 || r.str("original_filename") != "img" {
			t.Fatalf("%s", r.body)
		}
	})
	t.Run("remote URL failing", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"file": {remote.URL + "/missing.png"}})
		mustStatus(t, r, 400)
		if !strings.HasPrefix(r.msg(), "Error in loading "+remote.URL+"/missing.png - ") {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("offline placeholder", func(t *testing.T) {
		off := New(fixedClock(), WithOfflineRemoteURLs(), offlineClient())
		a := postForm(t, off, "/v1_1/demo/image/upload", url.Values{"file": {"https://unreachable.example/x.jpg"}})
		b := postForm(t, off, "/v1_1/demo/image/upload", url.Values{"file": {"https://unreachable.example/y.jpg"}})
		mustStatus(t, a, 200)
		if a.json["placeholder"] != true || a.str("etag") != b.str("etag") || a.num("width") != 1 {
			t.Fatalf("placeholder must be deterministic: %s / %s", a.body, b.body)
		}
	})
	t.Run("JSON body", func(t *testing.T) {
		p := signed(t, url.Values{"public_id": {"j"}, "file": {"data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}}, DefaultAPIKey, DefaultAPISecret, testNow)
		js := `{"public_id":"j","file":"` + p.Get("file") + `","timestamp":` + p.Get("timestamp") + `,"api_key":"` + DefaultAPIKey + `","signature":"` + p.Get("signature") + `"}`
		r := serve(t, s, newReq("POST", "/v1_1/demo/image/upload", strings.NewReader(js), "application/json"))
		mustStatus(t, r, 200)
	})
	t.Run("missing file", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"public_id": {"z"}})
		mustStatus(t, r, 400)
		if r.msg() != "Missing required parameter - file" {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("unsupported parameter", func(t *testing.T) {
		r := uploadFile(t, s, "image", url.Values{"visual_search": {"true"}}, "a.png", png)
		mustStatus(t, r, 400)
		if r.msg() != "The cldrest mock server does not support the visual_search parameter" {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("unsupported action", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/video/concat", url.Values{"tag": {"x"}})
		mustStatus(t, r, 400)
		if !strings.Contains(r.msg(), "does not support") {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("allowed_formats", func(t *testing.T) {
		r := uploadFile(t, s, "image", url.Values{"allowed_formats": {"jpg,gif"}}, "a.png", png)
		mustStatus(t, r, 400)
		if r.msg() != "Image file format png not allowed" {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("metadata must exist", func(t *testing.T) {
		r := uploadFile(t, s, "image", url.Values{"metadata": {"colour_id=red"}}, "a.png", png)
		mustStatus(t, r, 400)
		if r.msg() != `Metadata External IDs do not exist: ["colour_id"]` {
			t.Fatalf("%q", r.msg())
		}
	})
}

func TestUploadActions(t *testing.T) {
	s := New(fixedClock())
	png := pngBytes(2, 2, 80)
	for _, id := range []string{"a", "b", "c"} {
		mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {id}, "tags": {"t0"}}, id+".png", png), 200)
	}
	t.Run("tags", func(t *testing.T) {
		steps := []struct {
			params url.Values
			want   map[string]string // public_id -> joined tags
			status int
			msg    string
		}{
			{url.Values{"command": {"add"}, "tag": {"x,y"}, "public_ids[]": {"a", "b", "nope"}}, map[string]string{"a": "t0,x,y", "b": "t0,x,y", "c": "t0"}, 200, ""},
			{url.Values{"command": {"remove"}, "tag": {"x"}, "public_ids[0]": {"a"}}, map[string]string{"a": "t0,y"}, 200, ""},
			{url.Values{"command": {"replace"}, "tag": {"z"}, "public_ids": {"b,c"}}, map[string]string{"b": "z", "c": "z"}, 200, ""},
			{url.Values{"command": {"remove_all"}, "public_ids": {"c"}}, map[string]string{"c": ""}, 200, ""},
			{url.Values{"command": {"bogus"}, "tag": {"q"}, "public_ids": {"a"}}, nil, 400, "Invalid command - bogus. Must be one of: add, remove, replace, remove_all"},
		}
		for i, st := range steps {
			r := postForm(t, s, "/v1_1/demo/image/tags", st.params)
			mustStatus(t, r, st.status)
			if st.msg != "" && r.msg() != st.msg {
				t.Fatalf("step %d: %q", i, r.msg())
			}
			for id, want := range st.want {
				d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/"+id, nil)
				var got []string
				for _, x := range d.json["tags"].([]any) {
					got = append(got, x.(string))
				}
				if strings.Join(got, ",") != want {
					t.Fatalf("step %d: %s tags %v, want %s", i, id, got, want)
				}
			}
		}
	})
	t.Run("context", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/context", url.Values{"command": {"add"}, "context": {"k=v|k2=v2"}, "public_ids": {"a"}})
		mustStatus(t, r, 200)
		r = postForm(t, s, "/v1_1/demo/image/context", url.Values{"command": {"add"}, "context": {"k2="}, "public_ids": {"a"}})
		mustStatus(t, r, 200)
		d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/a", nil)
		ctx := d.json["context"].(map[string]any)["custom"].(map[string]any)
		if ctx["k"] != "v" || ctx["k2"] != nil {
			t.Fatalf("context %v", ctx)
		}
		r = postForm(t, s, "/v1_1/demo/image/context", url.Values{"command": {"add"}, "public_ids": {"a"}})
		mustStatus(t, r, 400)
		if r.msg() != "Missing required parameter - context" {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("metadata", func(t *testing.T) {
		r := admin(t, s, "POST", "/v1_1/demo/metadata_fields", map[string]any{"type": "string", "external_id": "color", "label": "Color"})
		mustStatus(t, r, 200)
		r = postForm(t, s, "/v1_1/demo/image/metadata", url.Values{"metadata": {"color=red"}, "public_ids": {"a"}})
		mustStatus(t, r, 200)
		d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/a", nil)
		if d.json["metadata"].(map[string]any)["color"] != "red" {
			t.Fatalf("%s", d.body)
		}
		r = postForm(t, s, "/v1_1/demo/image/metadata", url.Values{"metadata": {"colour_id=red"}, "public_ids": {"a"}})
		mustStatus(t, r, 400)
		if r.msg() != `The following metadata fields do not exist: ["colour_id"]` {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("explicit", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {"a"}, "tags": {"e"}, "eager": {"w_10/jpg"}})
		mustStatus(t, r, 200)
		eager := r.json["eager"].([]any)[0].(map[string]any)
		if eager["transformation"] != "w_10" || eager["format"] != "jpg" || !strings.Contains(eager["url"].(string), "/image/upload/w_10/v") {
			t.Fatalf("%s", r.body)
		}
		r = postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {"missing"}})
		mustStatus(t, r, 404)
		if r.msg() != "Resource not found - missing" {
			t.Fatalf("%q", r.msg())
		}
	})
	t.Run("rename", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"a"}, "to_public_id": {"b"}})
		mustStatus(t, r, 400)
		r = postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"a"}, "to_public_id": {"b"}, "overwrite": {"true"}})
		mustStatus(t, r, 200)
		if r.str("public_id") != "b" {
			t.Fatalf("%s", r.body)
		}
		r = postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"b"}, "to_public_id": {"secret/b"}, "to_type": {"private"}})
		mustStatus(t, r, 200)
		if r.str("type") != "private" {
			t.Fatalf("%s", r.body)
		}
		r = postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"zzz"}, "to_public_id": {"q"}})
		mustStatus(t, r, 404)
	})
	t.Run("destroy", func(t *testing.T) {
		r := postForm(t, s, "/v1_1/demo/image/destroy", url.Values{"public_id": {"c"}})
		mustStatus(t, r, 200)
		if r.str("result") != "ok" {
			t.Fatalf("%s", r.body)
		}
		r = postForm(t, s, "/v1_1/demo/image/destroy", url.Values{"public_id": {"c"}})
		if r.str("result") != "not found" {
			t.Fatalf("%s", r.body)
		}
	})
}

func TestArchiveAndDownload(t *testing.T) {
	s := New(fixedClock())
	files := map[string][]byte{"x/one": pngBytes(1, 1, 100), "x/two": pngBytes(2, 2, 200)}
	for id, b := range files {
		mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {id}, "tags": {"zip"}}, "f.png", b), 200)
	}
	r := postForm(t, s, "/v1_1/demo/image/generate_archive", url.Values{"tags[]": {"zip"}, "target_public_id": {"bundle"}})
	mustStatus(t, r, 200)
	if r.str("public_id") != "bundle.zip" || r.str("resource_type") != "raw" || r.num("resource_count") != 2 {
		t.Fatalf("%s", r.body)
	}
	// The archive is a real zip, delivered at its URL.
	u, _ := url.Parse(r.str("url"))
	d := serve(t, s, newReq("GET", u.Path, nil, ""))
	mustStatus(t, d, 200)
	zr, err := zip.NewReader(bytes.NewReader(d.body), int64(len(d.body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 {
		t.Fatalf("%d files", len(zr.File))
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		_ = rc.Close()
		id := strings.TrimSuffix(f.Name, ".png")
		if !bytes.Equal(b, files[id]) {
			t.Fatalf("zip entry %s differs", f.Name)
		}
	}
	// Signed download URL (GET with the signature in the query).
	q := signed(t, url.Values{"public_id": {"x/one"}, "attachment": {"true"}, "expires_at": {strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10)}}, DefaultAPIKey, DefaultAPISecret, testNow)
	dl := serve(t, s, newReq("GET", "/v1_1/demo/image/download?"+q.Encode(), nil, ""))
	mustStatus(t, dl, 200)
	if !bytes.Equal(dl.body, files["x/one"]) || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d bytes, %v", len(dl.body), dl.header)
	}
	q.Set("public_id", "x/two")
	bad := serve(t, s, newReq("GET", "/v1_1/demo/image/download?"+q.Encode(), nil, ""))
	mustStatus(t, bad, 401)
	// Download mode streams the zip without storing it.
	q = signed(t, url.Values{"mode": {"download"}, "public_ids[]": {"x/one"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	z := serve(t, s, newReq("GET", "/v1_1/demo/image/generate_archive?"+q.Encode(), nil, ""))
	mustStatus(t, z, 200)
	if z.header.Get("Content-Type") != "application/zip" || !bytes.HasPrefix(z.body, []byte("PK")) {
		t.Fatalf("download mode: %v", z.header)
	}
	cd := postForm(t, s, "/v1_1/demo/image/generate_archive", url.Values{"mode": {"create_and_download"}, "public_ids[]": {"x/two"}, "target_public_id": {"two"}})
	mustStatus(t, cd, 200)
	if !bytes.HasPrefix(cd.body, []byte("PK")) || cd.header.Get("ETag") == "" {
		t.Fatalf("create_and_download: %v", cd.header)
	}
	if d := admin(t, s, "GET", "/v1_1/demo/resources/raw/upload/two.zip", nil); d.status != 200 {
		t.Fatalf("create_and_download did not store the archive: %s", d.body)
	}
}
