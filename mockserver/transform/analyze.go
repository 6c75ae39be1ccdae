package transform

import (
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"github.com/corona10/goimagehash"
	"github.com/disintegration/imaging"
)

// ColorShare is a colour and the percentage of the image it covers. It
// marshals as Cloudinary writes it: ["#3A6604", 5.6] or ["green", 15.0].
type ColorShare struct {
	Color string
	Share float64
}

// MarshalJSON writes the two-element array.
func (c ColorShare) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{c.Color, c.Share})
}

// UnmarshalJSON reads the two-element array.
func (c *ColorShare) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	if len(pair) != 2 {
		return fmt.Errorf("transform: a colour share is [colour, share], got %d elements", len(pair))
	}
	if err := json.Unmarshal(pair[0], &c.Color); err != nil {
		return err
	}
	return json.Unmarshal(pair[1], &c.Share)
}

// Colors is Cloudinary's colour analysis of an image (colors=true): the
// "colors" and "predominant" fields of an upload or details answer.
type Colors struct {
	Colors      []ColorShare `json:"colors"`
	Predominant Predominant  `json:"predominant"`
}

// Predominant holds colour names with their shares, largest first.
type Predominant struct {
	Google     []ColorShare `json:"google"`
	Cloudinary []ColorShare `json:"cloudinary"`
}

// maxColors is how many colours Analyze reports, as Cloudinary does.
const maxColors = 32

// maxSamples bounds the pixels Analyze reads: larger images are sampled on
// a regular grid.
const maxSamples = 250_000

// Analyze computes the colours of an image from its pixels: up to 32
// colours (pixels grouped by their 5 high bits per channel, each group
// reported as its mean colour, so an image of few flat colours gets them
// exactly) with their percentage of the opaque pixels, and the predominant
// colours named from a 12-colour palette (black, white, gray, red, orange,
// yellow, green, teal, blue, purple, pink, brown). Both predominant lists
// use that palette: the mock has no second classifier. Pixels less than
// half opaque are not counted.
func Analyze(img image.Image) Colors {
	n := imaging.Clone(img)
	W, H := n.Rect.Dx(), n.Rect.Dy()
	step := 1
	for (W/step)*(H/step) > maxSamples {
		step++
	}
	type bucket struct {
		sum   [3]int
		count int
	}
	buckets := map[int]*bucket{}
	named := map[string]int{}
	total := 0
	for y := 0; y < H; y += step {
		for x := 0; x < W; x += step {
			c := n.NRGBAAt(x, y)
			if c.A < 128 {
				continue
			}
			total++
			k := int(c.R>>3)<<10 | int(c.G>>3)<<5 | int(c.B>>3)
			b := buckets[k]
			if b == nil {
				b = &bucket{}
				buckets[k] = b
			}
			b.sum[0] += int(c.R)
			b.sum[1] += int(c.G)
			b.sum[2] += int(c.B)
			b.count++
			named[paletteName(c)]++
		}
	}
	out := Colors{Colors: []ColorShare{}, Predominant: Predominant{Google: []ColorShare{}, Cloudinary: []ColorShare{}}}
	if total == 0 {
		return out
	}
	type entry struct {
		key   int
		color string
		count int
	}
	var es []entry
	for k, b := range buckets {
		mean := func(i int) int { return (b.sum[i] + b.count/2) / b.count }
		es = append(es, entry{k, fmt.Sprintf("#%02X%02X%02X", mean(0), mean(1), mean(2)), b.count})
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.key, b.key)) })
	for _, e := range es[:min(len(es), maxColors)] {
		if s := share(e.count, total); s > 0 {
			out.Colors = append(out.Colors, ColorShare{e.color, s})
		}
	}
	var ns []ColorShare
	for name, c := range named {
		if s := share(c, total); s > 0 {
			ns = append(ns, ColorShare{name, s})
		}
	}
	slices.SortFunc(ns, func(a, b ColorShare) int { return cmp.Or(cmp.Compare(b.Share, a.Share), cmp.Compare(a.Color, b.Color)) })
	out.Predominant.Google = append(out.Predominant.Google, ns...)
	out.Predominant.Cloudinary = append(out.Predominant.Cloudinary, ns...)
	return out
}

// share is count/total as a percentage with one decimal.
func share(count, total int) float64 {
	return math.Round(float64(count)*1000/float64(total)) / 10
}

var namedPalette = []struct {
	name string
	c    [3]float64
}{
	{"black", [3]float64{0, 0, 0}},
	{"white", [3]float64{255, 255, 255}},
	{"gray", [3]float64{128, 128, 128}},
	{"red", [3]float64{220, 30, 30}},
	{"orange", [3]float64{255, 140, 0}},
	{"yellow", [3]float64{255, 220, 0}},
	{"green", [3]float64{40, 160, 40}},
	{"teal", [3]float64{0, 128, 128}},
	{"blue", [3]float64{30, 80, 220}},
	{"purple", [3]float64{128, 0, 128}},
	{"pink", [3]float64{255, 150, 190}},
	{"brown", [3]float64{140, 80, 30}},
}

// paletteName returns the nearest palette colour by Euclidean RGB distance.
func paletteName(c color.NRGBA) string {
	best, bestD := "", math.Inf(1)
	for _, p := range namedPalette {
		dr, dg, db := float64(c.R)-p.c[0], float64(c.G)-p.c[1], float64(c.B)-p.c[2]
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = p.name, d
		}
	}
	return best
}

// PHash returns the 64-bit perceptual hash (DCT of a 64×64 grayscale copy)
// as 16 lowercase hex digits, the shape of Cloudinary's "phash" field.
// Equal pixels give equal hashes on every run.
func PHash(img image.Image) (string, error) {
	h, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%016x", h.GetHash()), nil
}
