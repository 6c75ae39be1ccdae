package transform

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

var fuzzNamed = map[string]string{
	"thumb": "c_fill,g_face,h_100,w_100",
	"gray":  "e_grayscale/t_thumb",
	"self":  "t_self",
}

func fuzzLookup(n string) (string, bool) { s, ok := fuzzNamed[n]; return s, ok }

var parseSeeds = []string{
	"c_fill,h_50,w_100",
	"w_0.5/e_blur:300/a_-45",
	"ar_16:9,c_crop,g_xy_center,x_0.5,y_0.5",
	"b_rgb:ff000080,c_lpad,h_10,w_10/r_0:3:5/bo_2px_solid_#abc",
	"l_text:Open%20Sans_20_bold_italic:a%2Cb%2Fc,co_red,g_south_east,x_-3,y_0.1",
	"l_text:Arial_9:x/fl_layer_apply,g_north",
	"t_thumb.gray,q_auto:eco,f_auto,fl_attachment:x.progressive,pg_2,dpr_1.5,o_5",
	"$x_5,w_$x", "if_w_gt_5", "e_cartoonify", "w_abc",
}

// FuzzParse checks that Parse never panics and that the canonical form of
// every plan it accepts parses back to the same plan.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s, WithNamed(fuzzLookup))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (!errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported)) {
				t.Fatalf("Parse(%q): untyped error %v", s, err)
			}
			if strings.Contains(e.Msg, "\n") {
				t.Fatalf("Parse(%q): multi-line message %q", s, e.Msg)
			}
			return
		}
		c := p.String()
		again, err := Parse(c, WithNamed(fuzzLookup))
		if err != nil {
			t.Fatalf("Parse(%q) ok, its String %q fails: %v", s, c, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("Parse(%q) and Parse(%q) differ:\n%#v\n%#v", s, c, p, again)
		}
		if again.String() != c {
			t.Fatalf("String not stable: %q then %q", c, again.String())
		}
	})
}

// FuzzRender renders accepted plans on a small image under a small pixel
// limit: no panic, and every error is typed.
func FuzzRender(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	src := pngBytes(f, gradient(12, 9))
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s, WithNamed(fuzzLookup))
		if err != nil {
			return
		}
		res, err := Render(context.Background(), bytes.NewReader(src), p, RenderOptions{MaxPixels: 1 << 16, Accept: "image/webp"})
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Render(%q): untyped error %v", s, err)
			}
			return
		}
		if res.Width*res.Height > 1<<16 || DetectFormat(res.Bytes) != res.Format {
			t.Fatalf("Render(%q): %dx%d %s", s, res.Width, res.Height, res.Format)
		}
	})
}

// FuzzDecode feeds arbitrary bytes to the header readers and decoders.
func FuzzDecode(f *testing.F) {
	f.Add(pngBytes(f, gradient(3, 2)))
	f.Add(gifBytes(f, 3, 2, red, blue))
	f.Add(jpegBytes(f, gradient(3, 2), 50))
	f.Add([]byte("GIF89a\x05\x00\x05\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x05\x00\x05\x00\x00\x02\x01\x44\x00\x3b"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeInfo(b)
		_ = jpegOrientation(b)
		s, err := Decode(bytes.NewReader(b), DecodeOptions{MaxPixels: 1 << 16})
		if err != nil {
			return
		}
		if len(s.Frames) == 0 || s.Width*s.Height > 1<<16 {
			t.Fatalf("decoded %+v", s.Info)
		}
	})
}
