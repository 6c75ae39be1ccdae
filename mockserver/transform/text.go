package transform

import (
	"image"
	"image/color"
	"strings"
	"sync"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/gomonobolditalic"
	"golang.org/x/image/font/gofont/gomonoitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fonts holds the Go fonts, parsed once: [mono][bold][italic].
var fonts = sync.OnceValue(func() [2][2][2]*opentype.Font {
	ttf := [2][2][2][]byte{
		{{goregular.TTF, goitalic.TTF}, {gobold.TTF, gobolditalic.TTF}},
		{{gomono.TTF, gomonoitalic.TTF}, {gomonobold.TTF, gomonobolditalic.TTF}},
	}
	var out [2][2][2]*opentype.Font
	for m := range 2 {
		for b := range 2 {
			for i := range 2 {
				f, err := opentype.Parse(ttf[m][b][i])
				if err != nil {
					panic("transform: embedded Go font: " + err.Error())
				}
				out[m][b][i] = f
			}
		}
	}
	return out
})

// monospaceFamilies render with Go Mono; every other family with Go (a
// humanist sans-serif like Arial or Helvetica).
var monospaceFamilies = []string{"mono", "courier", "consolas", "menlo", "monaco", "inconsolata"}

func fontFor(t *TextLayer) *opentype.Font {
	fam := strings.ToLower(t.Family)
	m := 0
	for _, f := range monospaceFamilies {
		if strings.Contains(fam, f) {
			m = 1
		}
	}
	b, i := 0, 0
	if t.Bold {
		b = 1
	}
	if t.Italic {
		i = 1
	}
	return fonts()[m][b][i]
}

// textImage renders the layer's text (lines split at "\n") in col on bg,
// sized to the text.
func (r *renderer) textImage(t *TextLayer, col, bg color.NRGBA) (*image.NRGBA, error) {
	face, err := opentype.NewFace(fontFor(t), &opentype.FaceOptions{Size: float64(t.Size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	m := face.Metrics()
	lineH := (m.Ascent + m.Descent).Ceil()
	lines := strings.Split(t.Text, "\n")
	width := 1
	for _, l := range lines {
		width = max(width, font.MeasureString(face, l).Ceil())
	}
	height := lineH * len(lines)
	if err := r.check(width, height); err != nil {
		return nil, err
	}
	img := imaging.New(width, height, bg)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face}
	for i, l := range lines {
		d.Dot = fixed.Point26_6{X: 0, Y: m.Ascent + fixed.I(i*lineH)}
		d.DrawString(l)
	}
	return img, nil
}

// drawText renders a text layer and composites it over img, placed by the
// gravity and x_/y_ of place (the layer's own component or its
// fl_layer_apply component). co_ colours the text (black by default), b_
// fills the box behind it, o_ fades it.
func (r *renderer) drawText(img *image.NRGBA, layer, placement Step) (*image.NRGBA, error) {
	col := color.NRGBA{0, 0, 0, 255}
	if layer.Color != nil {
		col = layer.Color.Value
	}
	bg := color.NRGBA{}
	if layer.Background != nil {
		bg = layer.Background.Value
	}
	txt, err := r.textImage(layer.Layer, col, bg)
	if err != nil {
		return nil, err
	}
	opacity := 1.0
	if layer.Opacity != nil {
		opacity = float64(*layer.Opacity) / 100
	}
	W, H := img.Rect.Dx(), img.Rect.Dy()
	x, y := px0(placement.X.resolve(W)), px0(placement.Y.resolve(H))
	left, top := place(placement.Gravity, W, H, txt.Rect.Dx(), txt.Rect.Dy(), x, y)
	return imaging.Overlay(img, txt, image.Pt(left, top), opacity), nil
}

// TextImage renders text alone, sized to it, as the text creative action
// does: the layer's family, size, weight and style, in col on bg (use a
// zero bg for transparency). Encode it with RenderSource on a Source
// holding it. It fails with ErrTooLarge past DefaultMaxPixels.
func TextImage(t TextLayer, col, bg color.NRGBA) (image.Image, error) {
	if t.Size <= 0 || t.Text == "" {
		return nil, invalidf("text", "Text needs a positive font size and some text")
	}
	r := &renderer{limit: DefaultMaxPixels}
	return r.textImage(&t, col, bg)
}
