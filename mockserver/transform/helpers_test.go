package transform

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// gradient is a w×h opaque image whose pixels differ from their neighbours.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(1, w-1)), uint8(y * 255 / max(1, h-1)), uint8((x + y) % 256), 255})
		}
	}
	return img
}

// halves is a w×h image, top half top and bottom half bottom.
func halves(w, h int, top, bottom color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := top
			if y >= h/2 {
				c = bottom
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func solid(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gifBytes encodes solid frames of the given colours, 10/100 s apart.
func gifBytes(t testing.TB, w, h int, cols ...color.NRGBA) []byte {
	t.Helper()
	g := &gif.GIF{}
	for _, c := range cols {
		pal := color.Palette{c, color.NRGBA{}}
		fr := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		g.Image = append(g.Image, fr)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// render parses s, renders it on src and checks the result's metadata
// against the bytes: the format sniffed from them, the content type and
// the decoded size.
func render(t testing.TB, src []byte, s string, opts RenderOptions) (*Result, image.Image) {
	t.Helper()
	p, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	res, err := Render(context.Background(), bytes.NewReader(src), p, opts)
	if err != nil {
		t.Fatalf("Render(%q): %v", s, err)
	}
	img := decodeAs(t, res.Bytes, res.Format)
	if got := DetectFormat(res.Bytes); got != res.Format {
		t.Fatalf("%q: bytes sniff as %q, Result.Format is %q", s, got, res.Format)
	}
	if res.ContentType != ContentType(res.Format) || res.ContentType == "" {
		t.Fatalf("%q: ContentType %q for %s", s, res.ContentType, res.Format)
	}
	if b := img.Bounds(); b.Dx() != res.Width || b.Dy() != res.Height {
		t.Fatalf("%q: decoded %dx%d, Result says %dx%d", s, b.Dx(), b.Dy(), res.Width, res.Height)
	}
	return res, img
}

func renderErr(t testing.TB, src []byte, s string, opts RenderOptions) error {
	t.Helper()
	p, err := Parse(s)
	if err != nil {
		return err
	}
	_, err = Render(context.Background(), bytes.NewReader(src), p, opts)
	if err == nil {
		t.Fatalf("Render(%q) succeeded", s)
	}
	return err
}

// decodeAs decodes b with the decoder of format, independently of the
// engine's own detection.
func decodeAs(t testing.TB, b []byte, format string) image.Image {
	t.Helper()
	r := bytes.NewReader(b)
	var img image.Image
	var err error
	switch format {
	case "png":
		img, err = png.Decode(r)
	case "jpg":
		img, err = jpeg.Decode(r)
	case "gif":
		img, err = gif.Decode(r)
	case "webp":
		img, err = webp.Decode(r)
	case "bmp":
		img, err = bmp.Decode(r)
	case "tiff":
		img, err = tiff.Decode(r)
	default:
		t.Fatalf("no decoder for %q", format)
	}
	if err != nil {
		t.Fatalf("decoding %s output: %v", format, err)
	}
	return img
}

func nrgba(img image.Image, x, y int) color.NRGBA {
	b := img.Bounds()
	return color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
}

// near reports whether two colours differ by at most tol per channel.
func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { v := int(x) - int(y); return v <= tol && v >= -tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

var (
	red         = color.NRGBA{255, 0, 0, 255}
	blue        = color.NRGBA{0, 0, 255, 255}
	green       = color.NRGBA{0, 255, 0, 255}
	white       = color.NRGBA{255, 255, 255, 255}
	black       = color.NRGBA{0, 0, 0, 255}
	transparent = color.NRGBA{}
)
