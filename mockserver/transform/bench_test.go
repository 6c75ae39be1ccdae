package transform

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkThumbnail renders a 100×100 thumbnail from a 2,000×1,500 JPEG:
// decode, fill-crop, encode, as a delivery URL does on a cache miss.
func BenchmarkThumbnail(b *testing.B) {
	src := jpegBytes(b, gradient(2000, 1500), 85)
	for _, tr := range []string{"c_fill,h_100,w_100", "c_thumb,g_face,h_100,w_100/f_webp"} {
		b.Run(tr, func(b *testing.B) {
			p, err := Parse(tr)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				res, err := Render(context.Background(), bytes.NewReader(src), p, RenderOptions{})
				if err != nil || res.Width != 100 || res.Height != 100 {
					b.Fatalf("%+v %v", res, err)
				}
			}
		})
	}
}

// BenchmarkParse parses a typical multi-component transformation.
func BenchmarkParse(b *testing.B) {
	const s = "c_fill,g_auto,h_300,w_400/e_sharpen:80/l_text:Arial_30_bold:Sale,co_white,g_south_east,x_10,y_10/f_auto,q_auto"
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}
