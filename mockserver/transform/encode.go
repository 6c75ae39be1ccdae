package transform

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"strconv"
	"strings"

	"github.com/gen2brain/webp"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// canonicalFormat maps format aliases to the names results use.
func canonicalFormat(f string) string {
	switch f {
	case "jpeg", "jpe":
		return "jpg"
	case "tif":
		return "tiff"
	}
	return f
}

// ContentType returns the media type of an image format (png, jpg, gif,
// webp, bmp, tiff and their aliases), "" for others.
func ContentType(format string) string {
	switch canonicalFormat(format) {
	case "png":
		return "image/png"
	case "jpg":
		return "image/jpeg"
	case "gif":
		return "image/gif"
	case "webp":
		return "image/webp"
	case "bmp":
		return "image/bmp"
	case "tiff":
		return "image/tiff"
	}
	return ""
}

// negotiate picks f_auto's format from an Accept header: WebP when the
// client names image/webp (and the image is still), else GIF for an
// animation, PNG when there is transparency, JPEG otherwise.
func negotiate(accept string, animated, alpha bool) string {
	if !animated && accepts(accept, "image/webp") {
		return "webp"
	}
	switch {
	case animated:
		return "gif"
	case alpha:
		return "png"
	}
	return "jpg"
}

// accepts reports whether an Accept header names typ with a non-zero q.
func accepts(accept, typ string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != typ {
			continue
		}
		if q, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v <= 0 {
				continue
			}
		}
		return true
	}
	return false
}

// encode writes frames in format; more than one frame only for GIF.
func encode(frames []*image.NRGBA, delays []int, loop int, format string, quality int) ([]byte, error) {
	var buf bytes.Buffer
	img := frames[0]
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpg":
		// JPEG has no alpha: transparent areas become white, as Cloudinary
		// renders them.
		err = jpeg.Encode(&buf, flatten(img, color.NRGBA{255, 255, 255, 255}), &jpeg.Options{Quality: quality})
	case "gif":
		g := &gif.GIF{LoopCount: loop}
		if len(frames) == 1 {
			g.LoopCount = 0
		}
		// The screen holds the largest frame; smaller ones sit top-left.
		for _, f := range frames {
			g.Config.Width = max(g.Config.Width, f.Rect.Dx())
			g.Config.Height = max(g.Config.Height, f.Rect.Dy())
		}
		for i, f := range frames {
			g.Image = append(g.Image, paletted(f))
			d := 0
			if i < len(delays) {
				d = delays[i]
			}
			g.Delay = append(g.Delay, d)
		}
		err = gif.EncodeAll(&buf, g)
	case "webp":
		err = webp.Encode(&buf, img, webp.Options{Quality: quality})
	case "bmp":
		err = bmp.Encode(&buf, img)
	case "tiff":
		err = tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true})
	default:
		return nil, unsupported("f_"+format, "the mock encodes png, jpg, gif, webp, bmp and tiff")
	}
	if err != nil {
		return nil, newError(ErrUnsupported, "f_"+format, "Encoding "+format+" failed: "+err.Error())
	}
	return buf.Bytes(), nil
}

// paletted converts a frame for GIF: with its exact colours when it has at
// most 256 (one of them transparent if any pixel is), else dithered onto
// the Plan 9 palette plus transparent.
func paletted(img *image.NRGBA) *image.Paletted {
	b := img.Rect
	if pal, ok := exactPalette(img); ok {
		out := image.NewPaletted(b, pal)
		index := make(map[color.NRGBA]uint8, len(pal))
		for i, c := range pal {
			index[c.(color.NRGBA)] = uint8(i)
		}
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				out.SetColorIndex(x, y, index[gifColor(img.NRGBAAt(x, y))])
			}
		}
		return out
	}
	pal := append(color.Palette{}, palette.Plan9[:255]...)
	pal = append(pal, color.NRGBA{})
	out := image.NewPaletted(b, pal)
	draw.FloydSteinberg.Draw(out, b, flatten(img, color.NRGBA{255, 255, 255, 255}), b.Min)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if img.NRGBAAt(x, y).A < 128 {
				out.SetColorIndex(x, y, 255)
			}
		}
	}
	return out
}

// gifColor is a pixel as GIF can hold it: opaque, or fully transparent.
func gifColor(c color.NRGBA) color.NRGBA {
	if c.A < 128 {
		return color.NRGBA{}
	}
	c.A = 255
	return c
}

func exactPalette(img *image.NRGBA) (color.Palette, bool) {
	seen := map[color.NRGBA]bool{}
	var pal color.Palette
	b := img.Rect
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := gifColor(img.NRGBAAt(x, y))
			if !seen[c] {
				if len(pal) == 256 {
					return nil, false
				}
				seen[c] = true
				pal = append(pal, c)
			}
		}
	}
	return pal, true
}
