package mockserver

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/signer"
)

// twoColorPNG is a w×h PNG whose left quarter is red and the rest blue.
func twoColorPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{0, 0, 255, 255}
			if x < w/4 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fetch GETs a delivery URL the mock answered and decodes what it serves.
func fetch(t testing.TB, s *Server, u string, accept string) (result, transform.Info) {
	t.Helper()
	req := newReq("GET", u, nil, "")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	r := serve(t, s, req)
	mustStatus(t, r, 200)
	info, err := transform.DecodeInfo(r.body)
	if err != nil {
		t.Fatalf("%s does not serve an image: %v", u, err)
	}
	return r, info
}

func TestEagerDerivedAssets(t *testing.T) {
	s := New(fixedClock())
	src := twoColorPNG(t, 200, 100)
	r := uploadFile(t, s, "image", url.Values{"public_id": {"pic"}, "eager": {"w_100,h_50,c_fill|w_0.5|c_scale,w_40/jpg"}}, "p.png", src)
	mustStatus(t, r, 200)
	eager := r.json["eager"].([]any)
	want := []struct {
		t, format string
		w, h      int
	}{{"c_fill,h_50,w_100", "png", 100, 50}, {"w_0.5", "png", 100, 50}, {"c_scale,w_40", "jpg", 40, 20}}
	if len(eager) != len(want) {
		t.Fatalf("eager: %v", eager)
	}
	for i, w := range want {
		e := eager[i].(map[string]any)
		if e["transformation"] != w.t || e["format"] != w.format || e["width"] != float64(w.w) || e["height"] != float64(w.h) {
			t.Fatalf("eager[%d] = %v, want %+v", i, e, w)
		}
		got, info := fetch(t, s, e["url"].(string), "")
		if info.Width != w.w || info.Height != w.h || info.Format != w.format || int64(len(got.body)) != int64(e["bytes"].(float64)) {
			t.Fatalf("eager[%d] serves %+v (%d bytes), answer said %v", i, info, len(got.body), e)
		}
		if got.header.Get("X-Mock-Not-Rendered") != "" {
			t.Fatalf("rendered image still marked not rendered")
		}
	}
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/pic", nil)
	mustStatus(t, d, 200)
	derived := d.json["derived"].([]any)
	if len(derived) != 3 {
		t.Fatalf("derived: %v", derived)
	}
	first := derived[0].(map[string]any)
	if first["transformation"] != "c_fill,h_50,w_100" || first["url"] != eager[0].(map[string]any)["url"] || first["id"] == "" {
		t.Fatalf("derived[0] = %v", first)
	}
	if got := s.deleteDerived([]string{first["id"].(string), "nope"}); got[first["id"].(string)] != "deleted" || got["nope"] != "not_found" {
		t.Fatalf("deleteDerived: %v", got)
	}
	d = admin(t, s, "GET", "/v1_1/demo/resources/image/upload/pic", nil)
	if n := len(d.json["derived"].([]any)); n != 2 {
		t.Fatalf("%d derived after deleting one", n)
	}
}

func TestDeliveryRenders(t *testing.T) {
	s := New(fixedClock())
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"pic"}}, "p.png", twoColorPNG(t, 200, 100)), 200)
	r, info := fetch(t, s, "/demo/image/upload/f_webp/v1/pic.png", "")
	if info.Format != "webp" || r.header.Get("Content-Type") != "image/webp" || info.Width != 200 {
		t.Fatalf("f_webp served %+v as %s", info, r.header.Get("Content-Type"))
	}
	r, info = fetch(t, s, "/demo/image/upload/w_0.5/pic.jpg", "")
	if info.Format != "jpg" || info.Width != 100 || info.Height != 50 {
		t.Fatalf("w_0.5 served %+v", info)
	}
	r, info = fetch(t, s, "/demo/image/upload/f_auto,w_20/pic.png", "image/avif,image/webp,*/*")
	if info.Format != "webp" || r.header.Get("Vary") != "Accept" {
		t.Fatalf("f_auto with a WebP Accept served %+v, Vary %q", info, r.header.Get("Vary"))
	}
	_, info = fetch(t, s, "/demo/image/upload/f_auto,w_20/pic.png", "image/png")
	if info.Format != "jpg" { // opaque, no WebP: JPEG
		t.Fatalf("f_auto without WebP served %+v", info)
	}
	r, _ = fetch(t, s, "/demo/image/upload/fl_attachment:shot/pic.png", "")
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="shot.png"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	bad := serve(t, s, newReq("GET", "/demo/image/upload/w_abc/pic.png", nil, ""))
	mustStatus(t, bad, 400)
	if bad.header.Get("X-Cld-Error") != "Invalid width in transformation: abc" || bad.msg() != "Invalid width in transformation: abc" {
		t.Fatalf("X-Cld-Error %q, message %q", bad.header.Get("X-Cld-Error"), bad.msg())
	}
	// A signed download in another format is converted.
	dl := signed(t, url.Values{"public_id": {"pic"}, "format": {"webp"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	r, info = fetch(t, s, "/v1_1/demo/image/download?"+dl.Encode(), "")
	if info.Format != "webp" || r.header.Get("Content-Type") != "image/webp" {
		t.Fatalf("download format=webp served %+v", info)
	}
	// A named transformation resolves from the stored ones.
	mustStatus(t, admin(t, s, "POST", "/v1_1/demo/transformations/thumb", map[string]any{"transformation": "c_fill,h_30,w_30"}), 200)
	_, info = fetch(t, s, "/demo/image/upload/t_thumb/pic.png", "")
	if info.Width != 30 || info.Height != 30 {
		t.Fatalf("t_thumb served %+v", info)
	}
}

func TestIncomingTransformation(t *testing.T) {
	s := New(fixedClock())
	r := uploadFile(t, s, "image", url.Values{"public_id": {"small"}, "transformation": {"c_scale,w_50"}, "format": {"jpg"}}, "p.png", twoColorPNG(t, 200, 100))
	mustStatus(t, r, 200)
	if r.num("width") != 50 || r.num("height") != 25 || r.str("format") != "jpg" {
		t.Fatalf("stored asset: %s", r.body)
	}
	got, info := fetch(t, s, r.str("url"), "")
	sum := md5.Sum(got.body)
	if info.Width != 50 || info.Format != "jpg" || int64(len(got.body)) != r.num("bytes") || hex.EncodeToString(sum[:]) != r.str("etag") {
		t.Fatalf("stored bytes %+v (%d bytes, md5 %x) differ from the answer %s", info, len(got.body), sum, r.body)
	}
}

func TestAnalysis(t *testing.T) {
	s := New(fixedClock())
	src := twoColorPNG(t, 200, 100)
	params := url.Values{"colors": {"true"}, "phash": {"true"}, "faces": {"true"}, "face_coordinates": {"10,10,500,500"},
		"quality_analysis": {"true"}, "accessibility_analysis": {"true"}, "cinemagraph_analysis": {"true"}, "image_metadata": {"true"}}
	r := uploadFile(t, s, "image", params, "p.png", src)
	mustStatus(t, r, 200)
	colors := r.json["colors"].([]any)
	if len(colors) != 2 {
		t.Fatalf("colors: %v", colors)
	}
	shares := map[string]float64{}
	for _, c := range colors {
		pair := c.([]any)
		shares[pair[0].(string)] = pair[1].(float64)
	}
	if shares["#0000FF"] != 75 || shares["#FF0000"] != 25 {
		t.Fatalf("colour shares %v, want blue 75 and red 25", shares)
	}
	if _, ok := r.json["predominant"].(map[string]any)["google"]; !ok {
		t.Fatalf("predominant: %v", r.json["predominant"])
	}
	ph := r.str("phash")
	if len(ph) != 16 {
		t.Fatalf("phash %q", ph)
	}
	again := uploadFile(t, s, "image", url.Values{"phash": {"true"}}, "q.png", src)
	if again.str("phash") != ph {
		t.Fatalf("phash not stable: %s then %s", ph, again.str("phash"))
	}
	faces := r.json["faces"].([]any)
	if len(faces) != 1 || faces[0].([]any)[2] != 190.0 || faces[0].([]any)[3] != 90.0 {
		t.Fatalf("faces %v, want the given rectangle clipped to 190x90", faces)
	}
	for _, k := range []string{"quality_analysis", "accessibility_analysis", "cinemagraph_analysis", "image_metadata"} {
		if _, ok := r.json[k].(map[string]any); !ok {
			t.Errorf("%s missing: %s", k, r.body)
		}
	}
	if md := r.json["image_metadata"].(map[string]any); md["ImageWidth"] != "200" || md["FileType"] != "PNG" {
		t.Errorf("image_metadata %v", md)
	}
	// The same on details, and through explicit.
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/"+r.str("public_id")+"?colors=true&phash=true&faces=true", nil)
	if d.json["phash"] != ph || len(d.json["colors"].([]any)) != 2 || len(d.json["faces"].([]any)) != 1 {
		t.Fatalf("details: %s", d.body)
	}
	// An image the engine cannot decode: details answer, the header says why.
	fake := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02"), make([]byte, 40)...)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"fake"}}, "f.png", fake), 200)
	fd := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/fake?colors=true", nil)
	mustStatus(t, fd, 200)
	if fd.json["colors"] != nil || !strings.Contains(fd.header.Get("X-Mock-Not-Analysed"), "png") {
		t.Fatalf("undecodable image details: %v %s", fd.header, fd.body)
	}
	e := postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {r.str("public_id")}, "colors": {"true"}, "type": {"upload"}})
	mustStatus(t, e, 200)
	if len(e.json["colors"].([]any)) != 2 {
		t.Fatalf("explicit: %s", e.body)
	}
}

func TestAddOns(t *testing.T) {
	s := New(fixedClock())
	src := pngBytes(4, 4, 100)
	tests := []struct {
		params url.Values
		err    string
		info   string
	}{
		{url.Values{"detection": {"bogus"}}, "Detection invalid model 'bogus'", ""},
		{url.Values{"raw_convert": {"nope"}}, "Raw convert is invalid", ""},
		{url.Values{"categorization": {"x"}}, "Illegal value x for parameter categorization", ""},
		{url.Values{"background_removal": {"y"}}, "Illegal value y for parameter background_removal", ""},
		{url.Values{"auto_tagging": {"2"}, "categorization": {"google_tagging"}}, "Illegal value 2 for parameter auto_tagging: a number between 0.0 and 1.0", ""},
		{url.Values{"eager": {"w_abc"}}, "Invalid width in transformation: abc", ""},
		{url.Values{"detection": {"coco"}}, "", "detection"},
		{url.Values{"categorization": {"google_tagging"}, "auto_tagging": {"0.6"}}, "", "categorization"},
		{url.Values{"background_removal": {"cloudinary_ai"}}, "", "background_removal"},
		{url.Values{"ocr": {"adv_ocr"}}, "", "ocr"},
		{url.Values{"eval": {"upload_options['tags'] = 'x'"}}, "", ""},
	}
	for _, tc := range tests {
		r := uploadFile(t, s, "image", tc.params, "a.png", src)
		if tc.err != "" {
			mustStatus(t, r, 400)
			if r.msg() != tc.err {
				t.Errorf("%v: %q, want %q", tc.params, r.msg(), tc.err)
			}
			continue
		}
		mustStatus(t, r, 200)
		if tc.info != "" {
			if _, ok := r.json["info"].(map[string]any)[tc.info]; !ok {
				t.Errorf("%v: no info.%s in %s", tc.params, tc.info, r.body)
			}
		}
	}
}

func TestResponsiveBreakpoints(t *testing.T) {
	s := New(fixedClock())
	// Noise, so that the file shrinks with the width.
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	r := uploadFile(t, s, "image", url.Values{"responsive_breakpoints": {`[{"create_derived":true,"min_width":50,"max_width":1000,"bytes_step":1000,"max_images":4}]`}}, "n.png", b.Bytes())
	mustStatus(t, r, 200)
	rb := r.json["responsive_breakpoints"].([]any)[0].(map[string]any)
	bps := rb["breakpoints"].([]any)
	if len(bps) < 2 || len(bps) > 4 {
		t.Fatalf("breakpoints: %v", bps)
	}
	prev := 1 << 30
	for i, bp := range bps {
		m := bp.(map[string]any)
		w := int(m["width"].(float64))
		if i == 0 && w != 300 || w >= prev {
			t.Fatalf("breakpoint widths not descending from the image's 300: %v", bps)
		}
		prev = w
		_, info := fetch(t, s, m["url"].(string), "")
		if info.Width != w || info.Height != int(m["height"].(float64)) {
			t.Fatalf("breakpoint %d serves %+v, answer %v", i, info, m)
		}
	}
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/"+r.str("public_id"), nil)
	if len(d.json["derived"].([]any)) != len(bps) {
		t.Fatalf("create_derived: derived %v", d.json["derived"])
	}
}

func TestCreativeActions(t *testing.T) {
	s := New(fixedClock())
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"a"}, "tags": {"set"}}, "a.png", twoColorPNG(t, 200, 100)), 200)
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"b"}, "tags": {"set"}}, "b.png", twoColorPNG(t, 50, 40)), 200)

	sp := postForm(t, s, "/v1_1/demo/image/sprite", url.Values{"tag": {"set"}})
	mustStatus(t, sp, 200)
	_, info := fetch(t, s, sp.str("image_url"), "")
	if info.Width != 200 || info.Height != 140 || info.Format != "png" {
		t.Fatalf("sprite sheet %+v", info)
	}
	infos := sp.json["image_infos"].(map[string]any)
	if b := infos["b"].(map[string]any); b["y"] != 100.0 || b["width"] != 50.0 || b["height"] != 40.0 {
		t.Fatalf("image_infos %v", infos)
	}
	css := serve(t, s, newReq("GET", sp.str("css_url"), nil, ""))
	mustStatus(t, css, 200)
	if !strings.Contains(string(css.body), ".set-b { background-position: 0px -100px; width: 50px; height: 40px; }") || css.header.Get("Content-Type") != "text/css" {
		t.Fatalf("css %s", css.body)
	}

	mu := postForm(t, s, "/v1_1/demo/image/multi", url.Values{"tag": {"set"}, "transformation": {"c_pad,h_60,w_60"}})
	mustStatus(t, mu, 200)
	_, info = fetch(t, s, mu.str("url"), "")
	if info.Format != "gif" || info.Frames != 2 || info.Width != 60 || info.Height != 60 || mu.num("width") != 60 {
		t.Fatalf("multi %+v, answer %s", info, mu.body)
	}

	// explode: one derived page per frame of an animated GIF.
	anim := &gif.GIF{}
	for i := 0; i < 3; i++ {
		p := image.NewPaletted(image.Rect(0, 0, 30, 20), []color.Color{color.Black, color.White})
		anim.Image, anim.Delay = append(anim.Image, p), append(anim.Delay, 10)
	}
	var gb bytes.Buffer
	if err := gif.EncodeAll(&gb, anim); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"anim"}}, "a.gif", gb.Bytes()), 200)
	ex := postForm(t, s, "/v1_1/demo/image/explode", url.Values{"public_id": {"anim"}, "transformation": {"pg_all"}, "format": {"png"}})
	mustStatus(t, ex, 200)
	if ex.str("status") != "processing" || ex.str("batch_id") == "" {
		t.Fatalf("explode: %s", ex.body)
	}
	d := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/anim", nil)
	derived := d.json["derived"].([]any)
	if len(derived) != 3 {
		t.Fatalf("explode derived: %v", derived)
	}
	for i, x := range derived {
		m := x.(map[string]any)
		if m["transformation"] != "pg_"+string(rune('1'+i)) {
			t.Fatalf("derived %v", m)
		}
		_, info := fetch(t, s, m["url"].(string), "")
		if info.Format != "png" || info.Width != 30 || info.Height != 20 || info.Frames != 1 {
			t.Fatalf("page %d: %+v", i+1, info)
		}
	}
	if r := postForm(t, s, "/v1_1/demo/image/explode", url.Values{"public_id": {"anim"}, "transformation": {"w_10"}}); r.status != 400 {
		t.Fatalf("explode without pg_all: %d", r.status)
	}

	tx := postForm(t, s, "/v1_1/demo/image/text", url.Values{"text": {"Hello"}, "font_family": {"Arial"}, "font_size": {"40"}, "font_color": {"red"}, "public_id": {"hello"}})
	mustStatus(t, tx, 200)
	got, info := fetch(t, s, tx.str("url"), "")
	if info.Format != "png" || int64(info.Width) != tx.num("width") || int64(info.Height) != tx.num("height") || info.Height < 30 || info.Width < 60 {
		t.Fatalf("text image %+v, answer %s", info, tx.body)
	}
	img, err := png.Decode(bytes.NewReader(got.body))
	if err != nil {
		t.Fatal(err)
	}
	if c := transform.Analyze(img); len(c.Colors) == 0 || !strings.HasPrefix(c.Colors[0].Color, "#F") {
		t.Fatalf("text colours %v, want red first", c.Colors)
	}

	sl := postForm(t, s, "/v1_1/demo/video/create_slideshow", url.Values{"manifest_transformation": {"w_500"}})
	mustStatus(t, sl, 200)
	if sl.str("status") != "processing" {
		t.Fatalf("create_slideshow: %s", sl.body)
	}
}

func TestVideoTransformationRefused(t *testing.T) {
	s := New(fixedClock())
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)
	r := uploadFile(t, s, "video", url.Values{"public_id": {"clip"}}, "c.mp4", mp4)
	mustStatus(t, r, 200)
	bad := serve(t, s, newReq("GET", "/demo/video/upload/w_100/clip.mp4", nil, ""))
	mustStatus(t, bad, 400)
	if !strings.Contains(bad.header.Get("X-Cld-Error"), "does not render video transformations (w_100)") {
		t.Fatalf("X-Cld-Error %q", bad.header.Get("X-Cld-Error"))
	}
	plain := serve(t, s, newReq("GET", "/demo/video/upload/clip.mp4", nil, ""))
	mustStatus(t, plain, 200)
	if !bytes.Equal(plain.body, mp4) {
		t.Fatal("video not served as stored")
	}
}

func TestRemoteDir(t *testing.T) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "images", "sample.jpg"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(fixedClock(), WithRemoteDir(dir))
	r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"file": {"https://res.example.com/images/sample.jpg?x=1"}})
	mustStatus(t, r, 200)
	sum := md5.Sum(b.Bytes())
	if r.num("width") != 64 || r.num("height") != 32 || r.str("etag") != hex.EncodeToString(sum[:]) || r.json["placeholder"] != false {
		t.Fatalf("remote from dir: %s", r.body)
	}
	for _, u := range []string{"https://x.example/images/missing.jpg", "https://x.example/../../../etc/passwd", "https://x.example/%2e%2e/%2e%2e/etc/passwd"} {
		r := postForm(t, s, "/v1_1/demo/image/upload", url.Values{"file": {u}})
		mustStatus(t, r, 400)
		if !strings.HasPrefix(r.msg(), "Error in loading "+u) {
			t.Fatalf("%s: %q", u, r.msg())
		}
	}
}

// TestCachedDerivedNoRerender counts renders: an eager derived asset is
// rendered once, at upload, and every delivery of it is a cache hit.
func TestCachedDerivedNoRerender(t *testing.T) {
	s := New(fixedClock())
	r := uploadFile(t, s, "image", url.Values{"eager": {"c_fill,h_50,w_100"}}, "p.png", twoColorPNG(t, 200, 100))
	mustStatus(t, r, 200)
	u := r.json["eager"].([]any)[0].(map[string]any)["url"].(string)
	before := s.media.renders.Load()
	for i := 0; i < 5; i++ {
		fetch(t, s, u, "image/webp")
	}
	if n := s.media.renders.Load() - before; n != 0 {
		t.Fatalf("%d re-renders of a cached derived asset", n)
	}
}

func BenchmarkDeliveryCachedDerived(b *testing.B) {
	s := New(fixedClock())
	img := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var jb bytes.Buffer
	_ = jpeg.Encode(&jb, img, nil)
	r := uploadFile(b, s, "image", url.Values{"eager": {"c_fill,h_100,w_100"}}, "big.jpg", jb.Bytes())
	mustStatus(b, r, 200)
	u := r.json["eager"].([]any)[0].(map[string]any)["url"].(string)
	before := s.media.renders.Load()
	b.ResetTimer()
	for b.Loop() {
		fetch(b, s, u, "")
	}
	b.StopTimer()
	if n := s.media.renders.Load() - before; n != 0 {
		b.Fatalf("%d renders for cached derived requests, want 0", n)
	}
	b.ReportMetric(0, "renders/op")
}

func BenchmarkDeliveryUncachedThumbnail(b *testing.B) {
	s := New(fixedClock())
	img := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
	var jb bytes.Buffer
	_ = jpeg.Encode(&jb, img, nil)
	mustStatus(b, uploadFile(b, s, "image", url.Values{"public_id": {"big"}}, "big.jpg", jb.Bytes()), 200)
	i := 0
	for b.Loop() {
		i++
		// A new size each time: a cache miss, rendered from the JPEG.
		fetch(b, s, "/demo/image/upload/c_fill,h_100,w_"+itoa(int64(100+i%500))+"/big.jpg", "")
	}
}

func TestStrictTransformations(t *testing.T) {
	s := New(fixedClock(), WithStrictTransformations())
	r := uploadFile(t, s, "image", url.Values{"public_id": {"pic"}, "eager": {"c_fill,h_50,w_100"}}, "p.png", twoColorPNG(t, 200, 100))
	mustStatus(t, r, 200)
	fetch(t, s, r.json["eager"].([]any)[0].(map[string]any)["url"].(string), "") // generated before: allowed
	fetch(t, s, "/demo/image/upload/pic.png", "")                                // the original
	bad := serve(t, s, newReq("GET", "/demo/image/upload/c_fill,h_60,w_100/pic.png", nil, ""))
	mustStatus(t, bad, 401)
	if got := bad.header.Get("X-Cld-Error"); got != "Transformation c_fill,h_60,w_100/ is not allowed" {
		t.Fatalf("X-Cld-Error %q", got)
	}
	mustStatus(t, serve(t, s, newReq("GET", "/demo/image/upload/c_fill,h_50,w_100/pic.jpg", nil, "")), 401) // other extension
	mustStatus(t, admin(t, s, "POST", "/v1_1/demo/transformations/small", map[string]any{"transformation": "w_20"}), 200)
	mustStatus(t, serve(t, s, newReq("GET", "/demo/image/upload/t_small/pic.png", nil, "")), 401)
	mustStatus(t, admin(t, s, "PUT", "/v1_1/demo/transformations/small", map[string]any{"allowed_for_strict": true}), 200)
	if _, info := fetch(t, s, "/demo/image/upload/t_small/pic.png", ""); info.Width != 20 {
		t.Fatalf("t_small: %+v", info)
	}
	sig := signer.URLSignature("c_fill,h_60,w_100/pic.png", DefaultAPISecret, signer.SHA1, signer.ShortURLSignature)
	if _, info := fetch(t, s, "/demo/image/upload/"+sig+"/c_fill,h_60,w_100/pic.png", ""); info.Height != 60 {
		t.Fatalf("signed: %+v", info)
	}
}

func TestEagerAsyncNotifies(t *testing.T) {
	got := make(chan []byte, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	defer recv.Close()
	s := New(fixedClock(), WithNotifications())
	defer s.Close()
	r := uploadFile(t, s, "image", url.Values{"public_id": {"later"}, "eager": {"c_fill,h_50,w_100"}, "eager_async": {"true"},
		"eager_notification_url": {recv.URL + "/eager"}}, "p.png", twoColorPNG(t, 200, 100))
	mustStatus(t, r, 200)
	if n := len(r.json["eager"].([]any)); n != 0 {
		t.Fatalf("eager_async answered %d eager results at once", n)
	}
	var body map[string]any
	select {
	case b := <-got:
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no eager notification")
	}
	eager := body["eager"].([]any)
	if body["notification_type"] != "eager" || body["public_id"] != "later" || len(eager) != 1 {
		t.Fatalf("notification %v", body)
	}
	_, info := fetch(t, s, eager[0].(map[string]any)["url"].(string), "")
	if info.Width != 100 || info.Height != 50 {
		t.Fatalf("eager render %+v", info)
	}
}

// TestMediaConcurrent runs uploads with eager and analysis, deliveries and
// tag changes of the same public IDs at once (run it with -race): renders
// happen outside the state lock and work on copies.
func TestMediaConcurrent(t *testing.T) {
	s := New(fixedClock())
	src := twoColorPNG(t, 120, 60)
	done := make(chan string, 16)
	for i := 0; i < 8; i++ {
		go func() {
			id := "c" + itoa(int64(i%3))
			r := uploadFile(t, s, "image", url.Values{"public_id": {id}, "eager": {"w_" + itoa(int64(10+i)) + "|c_fill,h_20,w_20/webp"}, "colors": {"true"}}, "p.png", src)
			if r.status != 200 {
				done <- "upload: " + string(r.body)
				return
			}
			tg := postForm(t, s, "/v1_1/demo/image/tags", url.Values{"command": {"add"}, "tag": {"x"}, "public_ids": {id}})
			d := serve(t, s, newReq("GET", "/demo/image/upload/c_fill,h_20,w_20/"+id+".webp", nil, ""))
			if tg.status != 200 || d.status != 200 {
				done <- "tags/delivery: " + string(tg.body) + string(d.body)
				return
			}
			done <- ""
		}()
	}
	for i := 0; i < 8; i++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// box writes an MP4 box.
func box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func TestVideoMediaMetadata(t *testing.T) {
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	mvhd := append(append(u32(0), make([]byte, 8)...), append(u32(1000), u32(2500)...)...)
	tkhd := append(make([]byte, 76), append(u32(640<<16), u32(360<<16)...)...)
	hdlr := append(make([]byte, 8), "vide"...)
	stsd := append(append(u32(0), u32(1)...), append(u32(16), "avc1"...)...)
	mp4 := bytes.Join([][]byte{
		box("ftyp", []byte("isom\x00\x00\x02\x00isom")),
		box("moov", box("mvhd", mvhd), box("trak", box("tkhd", tkhd), box("mdia", box("hdlr", hdlr), box("minf", box("stbl", box("stsd", stsd)))))),
	}, nil)
	s := New(fixedClock())
	r := uploadFile(t, s, "video", url.Values{"media_metadata": {"true"}}, "v.mp4", mp4)
	mustStatus(t, r, 200)
	md := r.json["media_metadata"].(map[string]any)
	if md["Duration"] != "2.50 s" || md["ImageWidth"] != "640" || md["ImageHeight"] != "360" || md["CompressorID"] != "avc1" || md["FileType"] != "MP4" {
		t.Fatalf("media_metadata %v", md)
	}
}

// FuzzMP4Metadata: the box walker never panics or loops on any bytes.
func FuzzMP4Metadata(f *testing.F) {
	f.Add(box("moov", box("mvhd", make([]byte, 20)), box("trak", box("tkhd", make([]byte, 84)))))
	f.Add(append(binary.BigEndian.AppendUint32(nil, 1), "moov\xff\xff\xff\xff\xff\xff\xff\xff"...))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = mp4Metadata(b)
	})
}

// TestIncomingRenderOutsideLock: an upload whose incoming transformation
// waits for a render slot does not hold the server lock meanwhile, so the
// rest of the mock keeps answering; the upload then completes rendered.
func TestIncomingRenderOutsideLock(t *testing.T) {
	s := New(fixedClock())
	ctx := t.Context()
	for range maxConcurrentRenders { // every render slot taken
		if err := s.media.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan result, 1)
	go func() {
		done <- uploadFile(t, s, "image", url.Values{"public_id": {"slow"}, "transformation": {"w_3,h_2,c_scale"}}, "a.png", pngBytes(6, 4, 1))
	}()
	// Wait until the upload is blocked on a render slot.
	deadline := time.Now().Add(20 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		if strings.Contains(string(buf[:runtime.Stack(buf, true)]), "(*mediaState).acquire") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the upload never waited for a render slot")
		}
		runtime.Gosched()
	}
	if !s.mu.TryLock() {
		t.Fatal("the server lock is held while the incoming transformation waits to render")
	}
	s.mu.Unlock()
	for range maxConcurrentRenders {
		s.media.release()
	}
	r := <-done
	mustStatus(t, r, 200)
	if r.num("width") != 3 || r.num("height") != 2 {
		t.Errorf("stored %dx%d, want the 3x2 render", r.num("width"), r.num("height"))
	}
}
