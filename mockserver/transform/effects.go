package transform

import (
	"image"
	"image/color"
	"math"

	"github.com/disintegration/imaging"
)

// applyEffect renders an e_ effect. Levels map onto imaging's parameters:
// blur's sigma grows with the square root of its level (100 → 5 px,
// 2000 → 22 px) and sharpen's with level/100, so that the largest levels
// stay cheap.
func applyEffect(img *image.NRGBA, e *Effect) *image.NRGBA {
	level := effects[e.Name].def
	if e.HasLevel {
		level = e.Level
	}
	switch e.Name {
	case "grayscale":
		return imaging.Grayscale(img)
	case "negate":
		return imaging.Invert(img)
	case "sepia":
		return sepia(img, float64(level)/100)
	case "blur":
		return imaging.Blur(img, math.Sqrt(float64(level))/2)
	case "brightness":
		return imaging.AdjustBrightness(img, float64(level))
	case "contrast":
		return imaging.AdjustContrast(img, float64(level))
	case "saturation":
		return imaging.AdjustSaturation(img, float64(level))
	case "sharpen":
		return imaging.Sharpen(img, math.Min(float64(level)/100, 10))
	case "pixelate":
		if level == 0 {
			level = max(2, max(img.Rect.Dx(), img.Rect.Dy())/40)
		}
		return pixelate(img, level)
	}
	return img
}

// sepia blends the classic sepia tone matrix with the original by amount
// (0-1).
func sepia(img *image.NRGBA, amount float64) *image.NRGBA {
	return imaging.AdjustFunc(img, func(c color.NRGBA) color.NRGBA {
		r, g, b := float64(c.R), float64(c.G), float64(c.B)
		sr := math.Min(255, 0.393*r+0.769*g+0.189*b)
		sg := math.Min(255, 0.349*r+0.686*g+0.168*b)
		sb := math.Min(255, 0.272*r+0.534*g+0.131*b)
		mix := func(o, s float64) uint8 { return uint8(math.Round(o + (s-o)*amount)) }
		return color.NRGBA{mix(r, sr), mix(g, sg), mix(b, sb), c.A}
	})
}

// pixelate fills each n×n block with its average colour.
func pixelate(img *image.NRGBA, n int) *image.NRGBA {
	out := imaging.Clone(img)
	W, H := out.Rect.Dx(), out.Rect.Dy()
	for by := 0; by < H; by += n {
		for bx := 0; bx < W; bx += n {
			var sum [4]int
			cnt := 0
			for y := by; y < min(by+n, H); y++ {
				for x := bx; x < min(bx+n, W); x++ {
					i := out.PixOffset(x, y)
					for k := 0; k < 4; k++ {
						sum[k] += int(out.Pix[i+k])
					}
					cnt++
				}
			}
			for y := by; y < min(by+n, H); y++ {
				for x := bx; x < min(bx+n, W); x++ {
					i := out.PixOffset(x, y)
					for k := 0; k < 4; k++ {
						out.Pix[i+k] = uint8((sum[k] + cnt/2) / cnt)
					}
				}
			}
		}
	}
	return out
}

// fade multiplies alpha by o/100 (o_).
func fade(img *image.NRGBA, o int) *image.NRGBA {
	out := imaging.Clone(img)
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = uint8((int(out.Pix[i])*o + 50) / 100)
	}
	return out
}

// radii expands r_ into top-left, top-right, bottom-right and bottom-left
// radii (CSS shorthand: 1 value for all, 2 for TL+BR and TR+BL, 3 for TL,
// TR+BL and BR), each at most half the shorter side.
func radii(r *Radius, w, h int) [4]float64 {
	limit := float64(min(w, h)) / 2
	var c [4]float64
	switch n := r.Corners; len(n) {
	case 0:
		c = [4]float64{limit, limit, limit, limit}
	case 1:
		c = [4]float64{float64(n[0]), float64(n[0]), float64(n[0]), float64(n[0])}
	case 2:
		c = [4]float64{float64(n[0]), float64(n[1]), float64(n[0]), float64(n[1])}
	case 3:
		c = [4]float64{float64(n[0]), float64(n[1]), float64(n[2]), float64(n[1])}
	default:
		c = [4]float64{float64(n[0]), float64(n[1]), float64(n[2]), float64(n[3])}
	}
	for i := range c {
		c[i] = math.Min(c[i], limit)
	}
	return c
}

// roundCorners makes the pixels outside rounded corners transparent, with
// antialiased edges. With ellipse (r_max) the whole image becomes an
// ellipse (a circle when square).
func roundCorners(img *image.NRGBA, c [4]float64, ellipse bool) *image.NRGBA {
	out := imaging.Clone(img)
	W, H := float64(out.Rect.Dx()), float64(out.Rect.Dy())
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			cov := coverage(float64(x)+0.5, float64(y)+0.5, W, H, c, ellipse)
			if cov >= 1 {
				continue
			}
			i := out.PixOffset(x, y)
			out.Pix[i+3] = uint8(math.Round(float64(out.Pix[i+3]) * cov))
		}
	}
	return out
}

// coverage is how much of the pixel centred at (px, py) lies inside the
// rounded rectangle, approximated from the signed distance to its edge.
func coverage(px, py, W, H float64, c [4]float64, ellipse bool) float64 {
	if ellipse {
		rx, ry := W/2, H/2
		dx, dy := (px-rx)/rx, (py-ry)/ry
		d := (math.Sqrt(dx*dx+dy*dy) - 1) * math.Min(rx, ry)
		return clamp01(0.5 - d)
	}
	var r, cx, cy float64
	switch {
	case px < c[0] && py < c[0]:
		r, cx, cy = c[0], c[0], c[0]
	case px > W-c[1] && py < c[1]:
		r, cx, cy = c[1], W-c[1], c[1]
	case px > W-c[2] && py > H-c[2]:
		r, cx, cy = c[2], W-c[2], H-c[2]
	case px < c[3] && py > H-c[3]:
		r, cx, cy = c[3], c[3], H-c[3]
	default:
		return 1
	}
	d := math.Hypot(px-cx, py-cy) - r
	return clamp01(0.5 - d)
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// border draws a solid frame of b.Width pixels around the image, growing
// it by twice the width; with r_ the frame's outer corners follow the
// radius.
func (r *renderer) border(img *image.NRGBA, b *Border, corners [4]float64, ellipse bool) (*image.NRGBA, error) {
	n := b.Width
	w, h := img.Rect.Dx()+2*n, img.Rect.Dy()+2*n
	if err := r.check(w, h); err != nil {
		return nil, err
	}
	frame := imaging.New(w, h, b.Color.Value)
	if ellipse || corners != [4]float64{} {
		for i := range corners {
			if corners[i] > 0 {
				corners[i] += float64(n)
			}
		}
		frame = roundCorners(frame, corners, ellipse)
	}
	return imaging.Overlay(frame, img, image.Pt(n, n), 1), nil
}
