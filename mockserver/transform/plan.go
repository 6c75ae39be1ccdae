package transform

import (
	"image/color"
	"slices"
	"strconv"
	"strings"
)

// Plan is a parsed transformation: one Step per "/"-separated component, in
// the order they apply. The zero Plan is the empty transformation.
type Plan struct {
	Steps []Step
}

// Step is one component of a transformation: its ","-separated parameters
// as typed fields. A field left at its zero value was not given.
type Step struct {
	// Named lists t_ named transformations (t_a.b), applied before the
	// rest of this step. Parse resolves them; String prints the names.
	Named []string
	named []Step // the resolved steps of Named, flattened

	Width, Height Length     // w_, h_
	AspectRatio   Ratio      // ar_
	Crop          string     // c_: scale, fit, limit, mfit, fill, lfill, pad, lpad, crop, thumb
	Gravity       string     // g_, as written (detection gravities render as center)
	X, Y          Length     // x_, y_
	DPR           float64    // dpr_, 0 when not given
	Angle         []Angle    // a_, "."-separated
	Effect        *Effect    // e_
	Background    *Color     // b_
	Color         *Color     // co_
	Opacity       *int       // o_, 0-100
	Radius        *Radius    // r_
	Border        *Border    // bo_
	Quality       *Quality   // q_
	Format        string     // f_, as written (jpg, png, auto, ...)
	Flags         []string   // fl_, as written ("attachment:name" keeps its argument)
	Page          int        // pg_, 1-based
	Layer         *TextLayer // l_text:
}

// Length is a w_, h_, x_ or y_ value: pixels, or a fraction of the current
// image's size when written with a decimal point (w_0.5, w_1.0).
type Length struct {
	Value    float64
	Relative bool
	Set      bool
}

// Ratio is an ar_ value: Num:Den (16:9), or a decimal Num when Den is 0.
type Ratio struct {
	Num, Den float64
}

// Value returns the width/height ratio, 0 when unset.
func (r Ratio) Value() float64 {
	if r.Den == 0 {
		return r.Num
	}
	return r.Num / r.Den
}

// Angle is one a_ token: a rotation in degrees clockwise, or a mode
// (exif, ignore, hflip, vflip).
type Angle struct {
	Degrees float64
	Mode    string
}

// Effect is an e_ value: a name and an optional level (e_blur:300).
type Effect struct {
	Name     string
	Level    int
	HasLevel bool
}

// Color is a colour as written (a name, or "rgb:" and 3, 4, 6 or 8 hex
// digits) and its value.
type Color struct {
	Text  string
	Value color.NRGBA
}

// Radius is an r_ value: max (an ellipse), or 1-4 corner radii in pixels
// (top-left, top-right, bottom-right, bottom-left, CSS-style shorthands).
type Radius struct {
	Max     bool
	Corners []int
}

// Border is a bo_ value: Npx_solid_<color>.
type Border struct {
	Width int
	Color Color
}

// Quality is a q_ value: a number 1-100 or auto[:good|best|eco|low].
type Quality struct {
	Value int
	Auto  string // "" when a number; "auto", "auto:good", ...
}

// TextLayer is an l_text: overlay: l_text:<family>_<size>[_bold][_italic]:<text>.
type TextLayer struct {
	Family string
	Size   int
	Bold   bool
	Italic bool
	Text   string // decoded
}

// String returns the plan in Cloudinary's normal form: parameters sorted
// alphabetically within each component, as the SDKs generate them,
// components joined by "/". It parses back to the same plan, so it keys
// derived assets.
func (p Plan) String() string {
	parts := make([]string, 0, len(p.Steps))
	for _, s := range p.Steps {
		if c := s.String(); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, "/")
}

// String returns the step's parameters sorted and joined by ",".
func (s Step) String() string {
	var ps []string
	add := func(k, v string) { ps = append(ps, k+"_"+v) }
	if len(s.Named) > 0 {
		add("t", strings.Join(s.Named, "."))
	}
	if s.Width.Set {
		add("w", s.Width.String())
	}
	if s.Height.Set {
		add("h", s.Height.String())
	}
	if s.AspectRatio.Num != 0 {
		add("ar", s.AspectRatio.String())
	}
	if s.Crop != "" {
		add("c", s.Crop)
	}
	if s.Gravity != "" {
		add("g", s.Gravity)
	}
	if s.X.Set {
		add("x", s.X.String())
	}
	if s.Y.Set {
		add("y", s.Y.String())
	}
	if s.DPR != 0 {
		add("dpr", decimal(s.DPR))
	}
	if len(s.Angle) > 0 {
		toks := make([]string, len(s.Angle))
		for i, a := range s.Angle {
			toks[i] = a.String()
		}
		add("a", strings.Join(toks, "."))
	}
	if s.Effect != nil {
		add("e", s.Effect.String())
	}
	if s.Background != nil {
		add("b", s.Background.Text)
	}
	if s.Color != nil {
		add("co", s.Color.Text)
	}
	if s.Opacity != nil {
		add("o", strconv.Itoa(*s.Opacity))
	}
	if s.Radius != nil {
		add("r", s.Radius.String())
	}
	if s.Border != nil {
		add("bo", strconv.Itoa(s.Border.Width)+"px_solid_"+s.Border.Color.Text)
	}
	if s.Quality != nil {
		add("q", s.Quality.String())
	}
	if s.Format != "" {
		add("f", s.Format)
	}
	if len(s.Flags) > 0 {
		add("fl", strings.Join(s.Flags, "."))
	}
	if s.Page != 0 {
		add("pg", strconv.Itoa(s.Page))
	}
	if s.Layer != nil {
		add("l", s.Layer.String())
	}
	slices.Sort(ps)
	return strings.Join(ps, ",")
}

// String returns the length as written in a URL: an integer for pixels, a
// number with a decimal point for fractions.
func (l Length) String() string {
	if l.Relative {
		return decimal(l.Value)
	}
	return strconv.FormatFloat(l.Value, 'f', -1, 64)
}

// String returns "16:9" or a decimal.
func (r Ratio) String() string {
	if r.Den == 0 {
		return decimal(r.Num)
	}
	return strconv.FormatFloat(r.Num, 'f', -1, 64) + ":" + strconv.FormatFloat(r.Den, 'f', -1, 64)
}

// String returns the token as written.
func (a Angle) String() string {
	if a.Mode != "" {
		return a.Mode
	}
	return strconv.FormatFloat(a.Degrees, 'f', -1, 64)
}

// String returns "name" or "name:level".
func (e Effect) String() string {
	if e.HasLevel {
		return e.Name + ":" + strconv.Itoa(e.Level)
	}
	return e.Name
}

// String returns "max" or the corner radii joined by ":".
func (r Radius) String() string {
	if r.Max {
		return "max"
	}
	toks := make([]string, len(r.Corners))
	for i, c := range r.Corners {
		toks[i] = strconv.Itoa(c)
	}
	return strings.Join(toks, ":")
}

// String returns the number or the auto form.
func (q Quality) String() string {
	if q.Auto != "" {
		return q.Auto
	}
	return strconv.Itoa(q.Value)
}

// String returns the layer as written after l_, with the text
// percent-encoded so that it survives the "," and "/" separators.
func (t TextLayer) String() string {
	style := escapeText(t.Family) + "_" + strconv.Itoa(t.Size)
	if t.Bold {
		style += "_bold"
	}
	if t.Italic {
		style += "_italic"
	}
	return "text:" + style + ":" + escapeText(t.Text)
}

// escapeText percent-encodes everything but letters, digits and "-._~", so
// the result holds no separator (",", "/", ":", "_") and no "%" that the
// parser's decoding would eat.
func escapeText(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// decimal formats a number that must keep a decimal point (w_1.0, dpr_2.0).
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
