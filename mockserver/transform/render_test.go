package transform

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderDimensions(t *testing.T) {
	src := pngBytes(t, gradient(80, 60))
	tests := []struct {
		tr   string
		w, h int
	}{
		{"", 80, 60},
		{"w_20", 20, 15},
		{"h_30", 40, 30},
		{"w_0.5", 40, 30},
		{"h_0.5", 40, 30},
		{"w_1.5", 120, 90},
		{"w_0.5,h_0.1", 40, 6},
		{"c_scale,h_20,w_20", 20, 20},
		{"c_scale,w_0.25", 20, 15},
		{"c_fit,h_20,w_20", 20, 15},
		{"c_fit,h_160,w_160", 160, 120},
		{"c_fit,w_40", 40, 30},
		{"c_limit,h_20,w_20", 20, 15},
		{"c_limit,h_160,w_160", 80, 60},
		{"c_limit,w_0.5", 40, 30},
		{"c_limit,w_2.0", 80, 60},
		{"c_mfit,h_160,w_160", 160, 120},
		{"c_mfit,h_20,w_20", 80, 60},
		{"c_fill,h_20,w_20", 20, 20},
		{"c_fill,h_20,w_160", 160, 20},
		{"c_fill,h_0.5,w_0.5", 40, 30},
		{"c_fill,w_20", 20, 15},
		{"c_lfill,h_20,w_20", 20, 20},
		{"c_lfill,h_160,w_160", 80, 60},
		{"c_lfill,h_20,w_160", 80, 20},
		{"c_pad,h_20,w_20", 20, 20},
		{"c_pad,h_160,w_160", 160, 160},
		{"c_pad,h_0.5,w_1.0", 80, 30},
		{"c_lpad,h_20,w_20", 20, 20},
		{"c_lpad,h_160,w_160", 160, 160},
		{"c_crop,h_10,w_20", 20, 10},
		{"c_crop,w_20", 20, 60},
		{"c_crop,w_200", 80, 60},
		{"c_crop,h_0.5,w_0.5", 40, 30},
		{"c_crop,dpr_2.0,h_20,w_20", 40, 40},
		{"c_thumb,g_face,h_10,w_10", 10, 10},
		{"c_thumb,g_faces,h_10,w_16", 16, 10},
		{"c_fill,g_auto,h_12,w_12", 12, 12},
		{"ar_16:9,c_fill,w_64", 64, 36},
		{"ar_16:9,c_fill,h_18", 32, 18},
		{"ar_1.0,c_fill", 60, 60},
		{"ar_1.5,c_crop", 80, 53},
		{"ar_1:1,c_pad", 80, 80},
		{"ar_1:2,c_lpad", 80, 160},
		{"ar_2.0,c_scale", 80, 40},
		{"ar_0.5,c_fit,w_20", 20, 15},
		{"dpr_2.0,w_20", 40, 30},
		{"c_fill,dpr_1.5,h_10,w_10", 15, 15},
		{"dpr_3.0", 80, 60},
		{"c_fill,dpr_3.0", 80, 60},
		{"c_fill,h_20,w_20/c_scale,w_0.5", 10, 10},
		{"w_40/c_crop,h_10,w_10/c_pad,h_30,w_20", 20, 30},
	}
	for _, tc := range tests {
		t.Run(tc.tr, func(t *testing.T) {
			res, _ := render(t, src, tc.tr, RenderOptions{})
			if res.Width != tc.w || res.Height != tc.h {
				t.Fatalf("%q: %dx%d, want %dx%d", tc.tr, res.Width, res.Height, tc.w, tc.h)
			}
			if res.Format != "png" || res.Frames != 1 {
				t.Fatalf("%q: format %s, %d frames", tc.tr, res.Format, res.Frames)
			}
		})
	}
}

func TestRenderCropPosition(t *testing.T) {
	srcImg := gradient(400, 300)
	src := pngBytes(t, srcImg)
	tests := []struct {
		tr     string
		sx, sy int // the source pixel that lands at the output's (0,0)
	}{
		{"c_crop,h_5,w_5", 197, 147},
		{"c_crop,g_north_west,h_5,w_5,x_10,y_20", 10, 20},
		{"c_crop,h_5,w_5,x_10,y_20", 10, 20}, // x_/y_ alone measure from the top-left
		{"c_crop,g_south_east,h_5,w_5,x_10,y_20", 400 - 5 - 10, 300 - 5 - 20},
		{"c_crop,g_north_east,h_5,w_5,x_10", 400 - 5 - 10, 0},
		{"c_crop,g_south,h_5,w_5", 197, 295},
		{"c_crop,g_west,h_5,w_5,y_-10", 0, 137},
		{"c_crop,g_center,h_5,w_5,x_3,y_4", 200, 151},
		{"c_crop,g_xy_center,h_10,w_10,x_100,y_100", 95, 95},
		{"c_crop,g_north_west,h_5,w_5,x_0.25,y_0.5", 100, 150},
		{"c_crop,g_auto,h_5,w_5", 197, 147},
		{"c_crop,g_north_west,h_50,w_50,x_380,y_290", 380, 290}, // clipped to the image
	}
	for _, tc := range tests {
		t.Run(tc.tr, func(t *testing.T) {
			_, img := render(t, src, tc.tr, RenderOptions{})
			if got, want := nrgba(img, 0, 0), srcImg.NRGBAAt(tc.sx, tc.sy); got != want {
				t.Fatalf("%q: (0,0) = %v, want source (%d,%d) = %v", tc.tr, got, tc.sx, tc.sy, want)
			}
		})
	}
	_, img := render(t, src, "c_crop,g_north_west,h_50,w_50,x_380,y_290", RenderOptions{})
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 10 {
		t.Fatalf("clipped crop is %v", b)
	}
	err := renderErr(t, src, "c_crop,g_north_west,h_5,w_5,x_500", RenderOptions{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "outside the 400x300 image") {
		t.Fatalf("crop outside: %v", err)
	}
}

func TestRenderFillGravity(t *testing.T) {
	src := pngBytes(t, halves(400, 400, red, blue))
	for g, want := range map[string]color.NRGBA{"north": red, "south": blue, "north_west": red, "south_east": blue} {
		_, img := render(t, src, "c_fill,g_"+g+",h_100,w_400", RenderOptions{})
		for _, p := range []image.Point{{0, 0}, {200, 50}, {399, 99}} {
			if c := nrgba(img, p.X, p.Y); !near(c, want, 2) {
				t.Errorf("g_%s: pixel %v = %v, want %v", g, p, c, want)
			}
		}
	}
	// The default gravity is center: both halves show.
	_, img := render(t, src, "c_fill,h_100,w_400", RenderOptions{})
	if !near(nrgba(img, 10, 10), red, 2) || !near(nrgba(img, 10, 90), blue, 2) {
		t.Fatalf("center fill: %v %v", nrgba(img, 10, 10), nrgba(img, 10, 90))
	}
}

func TestRenderPad(t *testing.T) {
	src := pngBytes(t, solid(400, 300, green))
	_, img := render(t, src, "b_red,c_pad,h_400,w_400", RenderOptions{})
	if c := nrgba(img, 0, 0); c != red {
		t.Fatalf("pad corner %v, want red", c)
	}
	if c := nrgba(img, 200, 200); !near(c, green, 1) {
		t.Fatalf("pad centre %v, want green", c)
	}
	// 400x300 centred in 400x400: 50 rows of padding above and below.
	if !near(nrgba(img, 200, 49), red, 0) || !near(nrgba(img, 200, 51), green, 1) || !near(nrgba(img, 200, 351), red, 0) {
		t.Fatalf("pad bands: %v %v %v", nrgba(img, 200, 49), nrgba(img, 200, 51), nrgba(img, 200, 351))
	}
	_, img = render(t, src, "b_rgb:0000ff,c_pad,g_north,h_400,w_400", RenderOptions{})
	if !near(nrgba(img, 200, 10), green, 1) || nrgba(img, 200, 390) != blue {
		t.Fatalf("g_north pad: %v %v", nrgba(img, 200, 10), nrgba(img, 200, 390))
	}
	// No b_: transparent in PNG, white in JPEG.
	_, img = render(t, src, "c_pad,h_400,w_400", RenderOptions{})
	if c := nrgba(img, 0, 0); c.A != 0 {
		t.Fatalf("default pad %v, want transparent", c)
	}
	_, img = render(t, src, "c_pad,h_400,w_400/f_jpg", RenderOptions{})
	if c := nrgba(img, 0, 0); !near(c, white, 2) {
		t.Fatalf("JPEG pad %v, want white", c)
	}
	// lpad does not scale a smaller image up: 400x300 stays, centred.
	_, img = render(t, src, "b_red,c_lpad,h_500,w_600", RenderOptions{})
	if nrgba(img, 99, 250) != red || !near(nrgba(img, 100, 250), green, 1) || !near(nrgba(img, 499, 100), green, 1) || nrgba(img, 500, 250) != red {
		t.Fatalf("lpad placement wrong")
	}
}

func TestRenderEffects(t *testing.T) {
	srcImg := gradient(64, 48)
	src := pngBytes(t, srcImg)

	_, img := render(t, src, "e_grayscale", RenderOptions{})
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			if c := nrgba(img, x, y); c.R != c.G || c.G != c.B {
				t.Fatalf("grayscale pixel (%d,%d) = %v", x, y, c)
			}
		}
	}
	_, img = render(t, src, "e_negate", RenderOptions{})
	for _, p := range []image.Point{{0, 0}, {10, 20}, {63, 47}} {
		s, c := srcImg.NRGBAAt(p.X, p.Y), nrgba(img, p.X, p.Y)
		if c.R != 255-s.R || c.G != 255-s.G || c.B != 255-s.B {
			t.Fatalf("negate %v: %v from %v", p, c, s)
		}
	}
	gray := pngBytes(t, solid(8, 8, color.NRGBA{128, 128, 128, 255}))
	_, img = render(t, gray, "e_sepia", RenderOptions{})
	if c := nrgba(img, 4, 4); !(c.R > c.G && c.G > c.B) {
		t.Fatalf("sepia %v: want warm tones", c)
	}
	_, img = render(t, gray, "e_brightness:50", RenderOptions{})
	if c := nrgba(img, 4, 4); c.R <= 128 {
		t.Fatalf("brightness %v", c)
	}
	_, img = render(t, gray, "e_brightness:-50", RenderOptions{})
	if c := nrgba(img, 4, 4); c.R >= 128 {
		t.Fatalf("darkening %v", c)
	}
	_, img = render(t, src, "e_saturation:-100", RenderOptions{})
	if c := nrgba(img, 40, 10); !near(color.NRGBA{c.R, c.R, c.R, 255}, c, 2) {
		t.Fatalf("desaturated %v", c)
	}
	_, img = render(t, pngBytes(t, halves(20, 20, black, white)), "e_contrast:-100", RenderOptions{})
	if c := nrgba(img, 10, 2); c.R < 100 || c.R > 155 {
		t.Fatalf("contrast -100 keeps %v", c)
	}

	edge := pngBytes(t, halves(20, 20, black, white))
	_, img = render(t, edge, "e_blur:400", RenderOptions{})
	if c := nrgba(img, 10, 9); c.R == 0 || c.R == 255 {
		t.Fatalf("blur left the edge sharp: %v", c)
	}
	_, img = render(t, pngBytes(t, halves(20, 20, color.NRGBA{100, 100, 100, 255}, color.NRGBA{150, 150, 150, 255})), "e_sharpen:300", RenderOptions{})
	if c := nrgba(img, 10, 9); c.R >= 100 {
		t.Fatalf("sharpen did not deepen the dark side of the edge: %v", c)
	}

	_, img = render(t, src, "e_pixelate:8", RenderOptions{})
	for by := 0; by < 48; by += 8 {
		for bx := 0; bx < 64; bx += 8 {
			first := nrgba(img, bx, by)
			for y := by; y < by+8; y++ {
				for x := bx; x < bx+8; x++ {
					if nrgba(img, x, y) != first {
						t.Fatalf("pixelate block (%d,%d) not uniform at (%d,%d)", bx, by, x, y)
					}
				}
			}
		}
	}
	if nrgba(img, 0, 0) == nrgba(img, 56, 40) {
		t.Fatal("pixelate flattened the whole image")
	}

	_, img = render(t, src, "o_50", RenderOptions{})
	if c := nrgba(img, 5, 5); c.A < 126 || c.A > 129 {
		t.Fatalf("o_50 alpha %d", c.A)
	}
}

func TestRenderFormats(t *testing.T) {
	src := pngBytes(t, gradient(40, 30))
	for _, f := range []struct{ param, format, ctype string }{
		{"png", "png", "image/png"},
		{"jpg", "jpg", "image/jpeg"},
		{"jpeg", "jpg", "image/jpeg"},
		{"jpe", "jpg", "image/jpeg"},
		{"gif", "gif", "image/gif"},
		{"webp", "webp", "image/webp"},
		{"bmp", "bmp", "image/bmp"},
		{"tiff", "tiff", "image/tiff"},
		{"tif", "tiff", "image/tiff"},
	} {
		res, _ := render(t, src, "c_scale,w_20/f_"+f.param, RenderOptions{})
		if res.Format != f.format || res.ContentType != f.ctype || res.Width != 20 || res.Height != 15 {
			t.Errorf("f_%s: %s %s %dx%d", f.param, res.Format, res.ContentType, res.Width, res.Height)
		}
		// The URL extension gives the format when there is no f_.
		res, _ = render(t, src, "w_20", RenderOptions{Format: f.param})
		if res.Format != f.format {
			t.Errorf("extension .%s: %s", f.param, res.Format)
		}
	}
	// f_ wins over the extension; no f_ and no extension keeps the source's.
	if res, _ := render(t, src, "f_gif", RenderOptions{Format: "jpg"}); res.Format != "gif" {
		t.Errorf("f_gif with .jpg gave %s", res.Format)
	}
	if res, _ := render(t, jpegBytes(t, gradient(40, 30), 90), "w_10", RenderOptions{}); res.Format != "jpg" {
		t.Errorf("JPEG source gave %s", res.Format)
	}
	err := renderErr(t, src, "w_10", RenderOptions{Format: "avif"})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), ".avif") {
		t.Errorf(".avif: %v", err)
	}
	err = renderErr(t, src, "w_10", RenderOptions{Format: "exe"})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf(".exe: %v", err)
	}
}

func TestRenderFormatAuto(t *testing.T) {
	opaque := pngBytes(t, gradient(20, 20))
	withAlpha := pngBytes(t, solid(20, 20, color.NRGBA{255, 0, 0, 100}))
	anim := gifBytes(t, 10, 10, red, green)
	tests := []struct {
		src    []byte
		accept string
		want   string
	}{
		{opaque, "image/avif,image/webp,image/apng,*/*;q=0.8", "webp"},
		{opaque, "image/webp", "webp"},
		{opaque, "image/webp;q=0, image/png", "jpg"},
		{opaque, "*/*", "jpg"},
		{opaque, "", "jpg"},
		{withAlpha, "image/png,*/*", "png"},
		{withAlpha, "image/webp", "webp"},
		{anim, "image/webp", "gif"},
	}
	for _, tc := range tests {
		res, _ := render(t, tc.src, "f_auto", RenderOptions{Accept: tc.accept})
		if res.Format != tc.want {
			t.Errorf("f_auto, Accept %q: %s, want %s", tc.accept, res.Format, tc.want)
		}
	}
}

func TestRenderQuality(t *testing.T) {
	src := pngBytes(t, gradient(200, 150))
	size := func(tr string) int { res, _ := render(t, src, tr, RenderOptions{}); return len(res.Bytes) }
	if lo, hi := size("f_jpg,q_10"), size("f_jpg,q_95"); lo >= hi {
		t.Errorf("q_10 %d bytes, q_95 %d bytes", lo, hi)
	}
	if lo, hi := size("f_jpg,q_auto:low"), size("f_jpg,q_auto:best"); lo >= hi {
		t.Errorf("q_auto:low %d bytes, q_auto:best %d bytes", lo, hi)
	}
	if lo, hi := size("f_webp,q_10"), size("f_webp,q_95"); lo >= hi {
		t.Errorf("webp q_10 %d bytes, q_95 %d bytes", lo, hi)
	}
	if a, b := size("f_jpg"), size("f_jpg,q_auto"); a != b {
		t.Errorf("default quality %d bytes, q_auto %d bytes: both are 80", a, b)
	}
}

func TestRenderRotation(t *testing.T) {
	srcImg := gradient(40, 30)
	src := pngBytes(t, srcImg)
	at := func(x, y int) color.NRGBA { return srcImg.NRGBAAt(x, y) }
	tests := []struct {
		tr      string
		w, h    int
		x, y    int // an output pixel...
		sx, sy  int // ...and the source pixel it shows
		flipped bool
	}{
		{"a_90", 30, 40, 29, 0, 0, 0, false},
		{"a_-270", 30, 40, 29, 0, 0, 0, false},
		{"a_180", 40, 30, 39, 29, 0, 0, false},
		{"a_270", 30, 40, 0, 39, 0, 0, false},
		{"a_-90", 30, 40, 0, 39, 0, 0, false},
		{"a_360", 40, 30, 0, 0, 0, 0, false},
		{"a_hflip", 40, 30, 39, 0, 0, 0, false},
		{"a_vflip", 40, 30, 0, 29, 0, 0, false},
		{"a_hflip.90", 30, 40, 29, 39, 0, 0, false},
	}
	for _, tc := range tests {
		res, img := render(t, src, tc.tr, RenderOptions{})
		if res.Width != tc.w || res.Height != tc.h {
			t.Errorf("%s: %dx%d, want %dx%d", tc.tr, res.Width, res.Height, tc.w, tc.h)
			continue
		}
		if got := nrgba(img, tc.x, tc.y); got != at(tc.sx, tc.sy) {
			t.Errorf("%s: (%d,%d) = %v, want source (%d,%d) %v", tc.tr, tc.x, tc.y, got, tc.sx, tc.sy, at(tc.sx, tc.sy))
		}
	}
	// Arbitrary angles grow the canvas; its corners are transparent.
	res, img := render(t, pngBytes(t, solid(100, 100, red)), "a_45", RenderOptions{})
	if res.Width < 141 || res.Width > 143 || res.Height != res.Width {
		t.Fatalf("a_45 on 100x100: %dx%d", res.Width, res.Height)
	}
	if c := nrgba(img, 1, 1); c.A != 0 {
		t.Fatalf("a_45 corner %v, want transparent", c)
	}
	if c := nrgba(img, res.Width/2, res.Height/2); c != red {
		t.Fatalf("a_45 centre %v", c)
	}
	// b_ fills them.
	_, img = render(t, pngBytes(t, solid(100, 100, red)), "a_30,b_blue", RenderOptions{})
	if c := nrgba(img, 1, 1); c != blue {
		t.Fatalf("a_30,b_blue corner %v", c)
	}
}

// jpegWithOrientation inserts an EXIF APP1 segment after the SOI marker.
func jpegWithOrientation(t *testing.T, img image.Image, o int, bigEndian bool) []byte {
	t.Helper()
	j := jpegBytes(t, img, 95)
	var bo binary.AppendByteOrder = binary.LittleEndian
	tiffHdr := []byte{'I', 'I', 42, 0}
	if bigEndian {
		bo = binary.BigEndian
		tiffHdr = []byte{'M', 'M', 0, 42}
	}
	tiffHdr = bo.AppendUint32(tiffHdr, 8)
	tiffHdr = bo.AppendUint16(tiffHdr, 1)      // one entry
	tiffHdr = bo.AppendUint16(tiffHdr, 0x0112) // orientation
	tiffHdr = bo.AppendUint16(tiffHdr, 3)      // SHORT
	tiffHdr = bo.AppendUint32(tiffHdr, 1)
	tiffHdr = bo.AppendUint16(tiffHdr, uint16(o))
	tiffHdr = append(tiffHdr, 0, 0, 0, 0, 0, 0)
	seg := append([]byte("Exif\x00\x00"), tiffHdr...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	return append(append(append([]byte{}, j[:2]...), app1...), j[2:]...)
}

func TestRenderEXIFOrientation(t *testing.T) {
	// Left half red, right half blue, stored 40x20 with orientation 6
	// ("rotate 90° clockwise to display").
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := red
			if x >= 20 {
				c = blue
			}
			img.SetNRGBA(x, y, c)
		}
	}
	for _, bigEndian := range []bool{false, true} {
		src := jpegWithOrientation(t, img, 6, bigEndian)
		info, err := DecodeInfo(src)
		if err != nil || info.Orientation != 6 || info.Width != 40 || info.Height != 20 || info.Format != "jpg" {
			t.Fatalf("DecodeInfo = %+v, %v", info, err)
		}
		if w, h := info.Oriented(); w != 20 || h != 40 {
			t.Fatalf("Oriented() = %d, %d", w, h)
		}
		res, out := render(t, src, "", RenderOptions{})
		if res.Width != 20 || res.Height != 40 {
			t.Fatalf("oriented %dx%d, want 20x40", res.Width, res.Height)
		}
		if !near(nrgba(out, 10, 5), red, 40) || !near(nrgba(out, 10, 35), blue, 40) {
			t.Fatalf("orientation 6: top %v bottom %v", nrgba(out, 10, 5), nrgba(out, 10, 35))
		}
		if res, _ := render(t, src, "a_exif", RenderOptions{}); res.Width != 20 {
			t.Fatalf("a_exif: %dx%d", res.Width, res.Height)
		}
		if res, _ := render(t, src, "a_ignore", RenderOptions{}); res.Width != 40 || res.Height != 20 {
			t.Fatalf("a_ignore: %dx%d", res.Width, res.Height)
		}
	}
	for o, want := range map[int][2]int{1: {40, 20}, 2: {40, 20}, 3: {40, 20}, 4: {40, 20}, 5: {20, 40}, 7: {20, 40}, 8: {20, 40}} {
		res, out := render(t, jpegWithOrientation(t, img, o, false), "", RenderOptions{})
		if o == 8 && (!near(nrgba(out, 10, 5), blue, 40) || !near(nrgba(out, 10, 35), red, 40)) {
			t.Errorf("orientation 8 (90° counter-clockwise): top %v bottom %v", nrgba(out, 10, 5), nrgba(out, 10, 35))
		}
		if o == 2 && !near(nrgba(out, 5, 10), blue, 40) {
			t.Errorf("orientation 2 (mirrored): left %v", nrgba(out, 5, 10))
		}
		if res.Width != want[0] || res.Height != want[1] {
			t.Errorf("orientation %d: %dx%d", o, res.Width, res.Height)
		}
		info, _ := DecodeInfo(jpegWithOrientation(t, img, o, false))
		if w, h := info.Oriented(); w != want[0] || h != want[1] {
			t.Errorf("orientation %d: Oriented() = %d, %d", o, w, h)
		}
	}
}

func TestRenderRadius(t *testing.T) {
	src := pngBytes(t, solid(100, 100, red))
	_, img := render(t, src, "r_20", RenderOptions{})
	for _, p := range []image.Point{{0, 0}, {99, 0}, {0, 99}, {99, 99}, {2, 2}} {
		if c := nrgba(img, p.X, p.Y); c.A != 0 {
			t.Errorf("r_20 corner %v alpha %d", p, c.A)
		}
	}
	for _, p := range []image.Point{{50, 50}, {0, 50}, {50, 0}, {20, 20}} {
		if c := nrgba(img, p.X, p.Y); c.A != 255 {
			t.Errorf("r_20 inside %v alpha %d", p, c.A)
		}
	}
	_, img = render(t, src, "r_0:30", RenderOptions{})
	if nrgba(img, 0, 0).A != 255 || nrgba(img, 99, 0).A != 0 || nrgba(img, 99, 99).A != 255 || nrgba(img, 0, 99).A != 0 {
		t.Errorf("r_0:30 corners: %d %d %d %d", nrgba(img, 0, 0).A, nrgba(img, 99, 0).A, nrgba(img, 99, 99).A, nrgba(img, 0, 99).A)
	}
	_, img = render(t, pngBytes(t, solid(100, 50, red)), "r_max", RenderOptions{})
	if nrgba(img, 5, 5).A != 0 || nrgba(img, 50, 25).A != 255 || nrgba(img, 50, 1).A == 0 || nrgba(img, 2, 25).A == 0 {
		t.Errorf("r_max ellipse wrong")
	}
	// JPEG has no alpha: the corners are white.
	_, img = render(t, src, "r_20/f_jpg", RenderOptions{})
	if c := nrgba(img, 0, 0); !near(c, white, 12) {
		t.Errorf("r_20 JPEG corner %v", c)
	}
}

func TestRenderBorder(t *testing.T) {
	src := pngBytes(t, solid(100, 50, green))
	res, img := render(t, src, "bo_5px_solid_red", RenderOptions{})
	if res.Width != 110 || res.Height != 60 {
		t.Fatalf("border size %dx%d", res.Width, res.Height)
	}
	if nrgba(img, 0, 0) != red || nrgba(img, 2, 30) != red || nrgba(img, 109, 59) != red || nrgba(img, 55, 30) != green || nrgba(img, 5, 5) != green {
		t.Fatalf("border pixels wrong")
	}
	_, img = render(t, src, "bo_5px_solid_rgb:0000ff,r_10", RenderOptions{})
	if nrgba(img, 0, 0).A != 0 || nrgba(img, 55, 1) != blue {
		t.Fatalf("rounded border: corner %v edge %v", nrgba(img, 0, 0), nrgba(img, 55, 1))
	}
}

// dark counts pixels darker than mid-grey in r.
func dark(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := nrgba(img, x, y); int(c.R)+int(c.G)+int(c.B) < 3*128 {
				n++
			}
		}
	}
	return n
}

func TestRenderTextOverlay(t *testing.T) {
	src := pngBytes(t, solid(300, 100, white))
	all := image.Rect(0, 0, 300, 100)

	_, img := render(t, src, "co_black,g_north_west,l_text:Arial_40:Hello,x_10,y_10", RenderOptions{})
	in, out := dark(img, image.Rect(10, 10, 130, 60)), dark(img, all)-dark(img, image.Rect(10, 10, 130, 60))
	if in < 100 || out != 0 {
		t.Fatalf("north_west text: %d dark pixels inside the text box, %d outside", in, out)
	}
	if dark(img, image.Rect(0, 0, 10, 100)) != 0 || dark(img, image.Rect(0, 0, 300, 10)) != 0 {
		t.Fatal("text drawn left of x_ or above y_")
	}

	_, img = render(t, src, "g_south_east,l_text:Arial_40:Hello", RenderOptions{})
	if dark(img, image.Rect(150, 50, 300, 100)) < 100 || dark(img, image.Rect(0, 0, 150, 50)) != 0 {
		t.Fatal("south_east text not in the bottom-right")
	}

	// Default placement is the centre; co_ colours the text.
	_, img = render(t, src, "co_rgb:ff0000,l_text:Arial_30_bold:Hi", RenderOptions{})
	reds := 0
	for y := 0; y < 100; y++ {
		for x := 0; x < 300; x++ {
			if c := nrgba(img, x, y); c.R > 200 && c.G < 60 && c.B < 60 {
				reds++
				if x < 100 || x > 200 {
					t.Fatalf("centred text at x=%d", x)
				}
			}
		}
	}
	if reds < 50 {
		t.Fatalf("%d red text pixels", reds)
	}

	// fl_layer_apply places the same layer the same way.
	inline, _ := render(t, src, "co_black,g_south,l_text:Arial_20:Hello%20World,y_5", RenderOptions{})
	applied, _ := render(t, src, "co_black,l_text:Arial_20:Hello%20World/fl_layer_apply,g_south,y_5", RenderOptions{})
	if !bytes.Equal(inline.Bytes, applied.Bytes) {
		t.Fatal("fl_layer_apply placement differs from inline placement")
	}

	// Bold inks more than regular; mono and sans differ; b_ fills the box.
	_, regular := render(t, src, "l_text:Arial_30:Hello", RenderOptions{})
	_, bold := render(t, src, "l_text:Arial_30_bold:Hello", RenderOptions{})
	if dark(bold, all) <= dark(regular, all) {
		t.Fatalf("bold %d dark pixels, regular %d", dark(bold, all), dark(regular, all))
	}
	_, mono := render(t, src, "l_text:Courier_30:Hello", RenderOptions{})
	if dark(mono, all) == dark(regular, all) {
		t.Fatal("Courier renders like Arial")
	}
	_, boxed := render(t, src, "b_blue,co_white,l_text:Arial_30:Hello", RenderOptions{})
	blues := 0
	for y := 0; y < 100; y++ {
		for x := 0; x < 300; x++ {
			if nrgba(boxed, x, y) == blue {
				blues++
				if x < 100 || x > 200 || y < 25 || y > 75 {
					t.Fatalf("text box reaches (%d,%d)", x, y)
				}
			}
		}
	}
	if blues < 500 {
		t.Fatalf("b_ of a text layer: %d blue pixels", blues)
	}

	// Two lines are taller than one.
	p, err := Parse("l_text:Arial_20:a%0Ab")
	if err != nil {
		t.Fatal(err)
	}
	r := &renderer{limit: DefaultMaxPixels}
	l1, _ := r.textImage(&TextLayer{Family: "Arial", Size: 20, Text: "a"}, black, transparent)
	l2, _ := r.textImage(p.Steps[0].Layer, black, transparent)
	if l2.Rect.Dy() != 2*l1.Rect.Dy() {
		t.Fatalf("two lines %dpx high, one line %dpx", l2.Rect.Dy(), l1.Rect.Dy())
	}
}

func TestRenderGIFPages(t *testing.T) {
	src := gifBytes(t, 20, 10, red, green, blue)
	info, err := DecodeInfo(src)
	if err != nil || info.Frames != 3 || info.Format != "gif" || info.Width != 20 {
		t.Fatalf("DecodeInfo = %+v, %v", info, err)
	}
	for pg, want := range map[string]color.NRGBA{"pg_1": red, "pg_2": green, "pg_3": blue} {
		res, img := render(t, src, pg+"/f_png", RenderOptions{})
		if res.Frames != 1 || nrgba(img, 5, 5) != want {
			t.Errorf("%s: %d frames, pixel %v", pg, res.Frames, nrgba(img, 5, 5))
		}
	}
	if err := renderErr(t, src, "pg_4", RenderOptions{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "3 page") {
		t.Errorf("pg_4: %v", err)
	}
	if err := renderErr(t, pngBytes(t, solid(4, 4, red)), "pg_2", RenderOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("pg_2 of a PNG: %v", err)
	}

	// GIF to GIF keeps the animation, each frame transformed.
	res, _ := render(t, src, "w_10", RenderOptions{})
	if res.Format != "gif" || res.Frames != 3 || res.Width != 10 || res.Height != 5 {
		t.Fatalf("animated: %+v", res)
	}
	g, err := gif.DecodeAll(bytes.NewReader(res.Bytes))
	if err != nil || len(g.Image) != 3 || g.Delay[1] != 10 {
		t.Fatalf("animated output: %v frames, %v", len(g.Image), err)
	}
	for i, want := range []color.NRGBA{red, green, blue} {
		if c := nrgba(g.Image[i], 5, 2); c != want {
			t.Errorf("frame %d: %v", i, c)
		}
	}
	// To another format: the first frame.
	if res, img := render(t, src, "f_jpg", RenderOptions{}); res.Frames != 1 || !near(nrgba(img, 5, 5), red, 10) {
		t.Errorf("GIF to JPEG: %d frames, %v", res.Frames, nrgba(img, 5, 5))
	}

	// Frames are composited: a small second frame draws over the first.
	pal := color.Palette{red, blue}
	f1 := image.NewPaletted(image.Rect(0, 0, 20, 10), pal)
	f2 := image.NewPaletted(image.Rect(0, 0, 5, 5), pal)
	for i := range f2.Pix {
		f2.Pix[i] = 1
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{5, 5}, Config: image.Config{Width: 20, Height: 10, ColorModel: pal}}); err != nil {
		t.Fatal(err)
	}
	_, img := render(t, b.Bytes(), "pg_2/f_png", RenderOptions{})
	if nrgba(img, 1, 1) != blue || nrgba(img, 15, 5) != red {
		t.Fatalf("composited frame: %v %v", nrgba(img, 1, 1), nrgba(img, 15, 5))
	}
}

func TestRenderAttachment(t *testing.T) {
	src := pngBytes(t, solid(4, 4, red))
	res, _ := render(t, src, "fl_attachment", RenderOptions{})
	if !res.Attachment || res.AttachmentName != "" {
		t.Fatalf("fl_attachment: %v %q", res.Attachment, res.AttachmentName)
	}
	res, _ = render(t, src, "w_2/fl_attachment:holiday.progressive", RenderOptions{})
	if !res.Attachment || res.AttachmentName != "holiday" || res.Width != 2 {
		t.Fatalf("fl_attachment:holiday: %v %q", res.Attachment, res.AttachmentName)
	}
	if res, _ = render(t, src, "w_2", RenderOptions{}); res.Attachment {
		t.Fatal("attachment without the flag")
	}
}

func TestRenderNamed(t *testing.T) {
	src := pngBytes(t, gradient(400, 300))
	p, err := Parse("t_thumb/e_grayscale", WithNamed(func(n string) (string, bool) {
		return "c_fill,h_50,w_100", n == "thumb"
	}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(context.Background(), bytes.NewReader(src), p, RenderOptions{})
	if err != nil || res.Width != 100 || res.Height != 50 {
		t.Fatalf("t_thumb: %+v %v", res, err)
	}
}

func TestRenderLimits(t *testing.T) {
	src := pngBytes(t, solid(10, 10, red))
	for _, tr := range []string{"c_scale,h_6000,w_6000", "c_pad,h_10000,w_10000", "c_fill,h_0.5,w_1000000", "w_100.0/w_100.0"} {
		if err := renderErr(t, src, tr, RenderOptions{}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v", tr, err)
		}
	}
	// Every allocation is checked, not only resizes.
	for _, tr := range []string{"bo_30px_solid_red", "w_50/a_45", "l_text:Arial_200:Hello", "c_crop,dpr_10.0,w_10"} {
		if err := renderErr(t, src, tr, RenderOptions{MaxPixels: 3000}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s under 3000 pixels: %v", tr, err)
		}
	}
	err := renderErr(t, src, "c_scale,h_6000,w_6000", RenderOptions{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "6000x6000 (36000000 pixels) exceeds the cldrest mock's limit of 25000000 pixels") {
		t.Errorf("message: %v", err)
	}
	if err := renderErr(t, src, "w_200", RenderOptions{MaxPixels: 1000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxPixels: %v", err)
	}
	if err := renderErr(t, pngBytes(t, solid(100, 100, red)), "", RenderOptions{MaxPixels: 1000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("source over MaxPixels: %v", err)
	}

	// A PNG header claiming 100000x100000 is refused before decoding.
	hdr := pngBytes(t, solid(1, 1, red))
	binary.BigEndian.PutUint32(hdr[16:], 100000)
	binary.BigEndian.PutUint32(hdr[20:], 100000)
	binary.BigEndian.PutUint32(hdr[29:], crc32.ChecksumIEEE(hdr[12:29]))
	if _, err := Decode(bytes.NewReader(hdr[:33]), DecodeOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge PNG header: %v", err)
	}

	// A tiny GIF promising 50 frames of 4000x4000 is refused before decoding.
	bomb := []byte("GIF89a")
	bomb = binary.LittleEndian.AppendUint16(bomb, 4000)
	bomb = binary.LittleEndian.AppendUint16(bomb, 4000)
	bomb = append(bomb, 0, 0, 0)
	for i := 0; i < 50; i++ {
		bomb = append(bomb, 0x2C, 0, 0, 0, 0)
		bomb = binary.LittleEndian.AppendUint16(bomb, 4000)
		bomb = binary.LittleEndian.AppendUint16(bomb, 4000)
		bomb = append(bomb, 0, 2, 1, 0x44, 0)
	}
	bomb = append(bomb, 0x3B)
	if info, err := DecodeInfo(bomb); err != nil || info.Frames != 50 {
		t.Fatalf("bomb DecodeInfo: %+v %v", info, err)
	}
	if _, err := Decode(bytes.NewReader(bomb), DecodeOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("GIF bomb: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"text":          []byte("hello, world"),
		"svg":           []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"truncated png": pngBytes(t, gradient(20, 20))[:40],
		"empty":         nil,
	} {
		if _, err := Decode(bytes.NewReader(b), DecodeOptions{}); !errors.Is(err, ErrDecode) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Every format the engine writes, it reads back.
	for _, f := range []string{"png", "jpg", "gif", "webp", "bmp", "tiff"} {
		res, _ := render(t, pngBytes(t, gradient(12, 9)), "f_"+f, RenderOptions{})
		s, err := Decode(bytes.NewReader(res.Bytes), DecodeOptions{})
		if err != nil || s.Format != f || s.Width != 12 || s.Height != 9 || len(s.Frames) != 1 {
			t.Errorf("%s round trip: %+v %v", f, s, err)
		}
	}
}

func TestRenderContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, _ := Parse("w_10")
	_, err := Render(ctx, bytes.NewReader(pngBytes(t, solid(20, 20, red))), p, RenderOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled render: %v", err)
	}
}

func TestRenderSourceBuilt(t *testing.T) {
	// A caller-built animation of frames of different sizes (the multi
	// action's case): the GIF screen holds the largest.
	src := &Source{Info: Info{Format: "gif"}, Frames: []image.Image{solid(10, 10, red), solid(20, 5, blue)}, Delays: []int{20, 30}}
	res, err := RenderSource(context.Background(), src, Plan{}, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(res.Bytes))
	if err != nil || len(g.Image) != 2 || g.Config.Width != 20 || g.Config.Height != 10 || g.Delay[1] != 30 {
		t.Fatalf("built animation: %v %+v", err, g.Config)
	}
	// Rendered through a plan, the frames share its size.
	p, _ := Parse("c_fill,h_8,w_8")
	res, err = RenderSource(context.Background(), src, p, RenderOptions{})
	if err != nil || res.Frames != 2 || res.Width != 8 || res.Height != 8 {
		t.Fatalf("built animation through c_fill: %+v %v", res, err)
	}
	if _, err := RenderSource(context.Background(), &Source{}, Plan{}, RenderOptions{}); !errors.Is(err, ErrDecode) {
		t.Fatalf("empty source: %v", err)
	}
}

func TestRenderConcurrent(t *testing.T) {
	// The mock renders from many handlers at once.
	src := pngBytes(t, gradient(64, 48))
	p, err := Parse("c_fill,h_20,w_30/l_text:Arial_10_bold:Hi,co_red/f_webp")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 6)
	for i := 0; i < cap(errs); i++ {
		go func() {
			res, err := Render(context.Background(), bytes.NewReader(src), p, RenderOptions{})
			if err == nil && (res.Width != 30 || res.Format != "webp") {
				err = errors.New("wrong result")
			}
			errs <- err
		}()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestRenderRepoFixtures(t *testing.T) {
	// The repository's sample images, written by other encoders.
	for _, f := range []struct {
		path   string
		format string
		w, h   int
	}{
		{"beach.jpg", "jpg", 80, 60},
		{"logo.bmp", "bmp", 20, 10},
		{"pixel.webp", "webp", 1, 1},
		{"sunset.png", "png", 64, 48},
		{"icons/star.gif", "gif", 32, 32},
	} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", f.path))
		if err != nil {
			t.Fatal(err)
		}
		info, err := DecodeInfo(b)
		if err != nil || info.Format != f.format || info.Width != f.w || info.Height != f.h {
			t.Errorf("%s: %+v %v", f.path, info, err)
			continue
		}
		res, _ := render(t, b, "c_pad,h_40,w_40/f_png", RenderOptions{})
		if res.Width != 40 || res.Height != 40 {
			t.Errorf("%s padded to %dx%d", f.path, res.Width, res.Height)
		}
	}
}

func TestTextImage(t *testing.T) {
	img, err := TextImage(TextLayer{Family: "Arial", Size: 24, Bold: true, Text: "Sale"}, red, transparent)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() < 40 || b.Dx() > 80 || b.Dy() < 24 || b.Dy() > 36 {
		t.Fatalf("24px \"Sale\" is %dx%d", b.Dx(), b.Dy())
	}
	inked := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if c := nrgba(img, x, y); c.A > 200 {
				if c.R < 200 || c.G > 60 {
					t.Fatalf("text pixel %v is not red", c)
				}
				inked++
			}
		}
	}
	if nrgba(img, 0, 0).A != 0 || inked < 50 {
		t.Fatalf("want red text on transparency: %d inked pixels", inked)
	}
	res, err := RenderSource(context.Background(), &Source{Info: Info{Format: "png"}, Frames: []image.Image{img}}, Plan{}, RenderOptions{})
	if err != nil || res.Width != b.Dx() || DetectFormat(res.Bytes) != "png" {
		t.Fatalf("encoding the text image: %+v %v", res, err)
	}
	if _, err := TextImage(TextLayer{Family: "Arial", Size: 1000, Text: strings.Repeat("W", 1000)}, red, transparent); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge text: %v", err)
	}
	if _, err := TextImage(TextLayer{Family: "Arial", Text: "x"}, red, transparent); !errors.Is(err, ErrInvalid) {
		t.Fatalf("size 0: %v", err)
	}
}
