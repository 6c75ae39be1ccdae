package delivery

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cldrest/cldrest/cld"
)

// Transformation is a chain of transformation components, written into a
// delivery URL between the delivery type and the version
// ("c_fill,h_200,w_300/e_sepia"). Each method sets one parameter of the
// last component and returns the changed copy, so a Transformation can be
// shared and extended safely; Then starts the next component. Within a
// component the parameters are written sorted by their URL name, as the
// official SDKs write them, followed by the Raw text.
//
// The zero value is an empty transformation, ready to use.
type Transformation struct {
	comps []component
	err   error
}

// component is one "/"-separated part: its typed parameters by URL name
// ("w", "c", ...) and raw text appended after them.
type component struct {
	params map[string]string
	raw    string
	// closed marks a RawTransformation, which may hold "/": parameters set
	// after it start a new component.
	closed bool
}

func (c component) String() string {
	parts := make([]string, 0, len(c.params)+1)
	for k, v := range c.params {
		if v != "" {
			parts = append(parts, k+"_"+v)
		}
	}
	sort.Strings(parts)
	if c.raw != "" {
		parts = append(parts, c.raw)
	}
	return strings.Join(parts, ",")
}

// NewTransformation returns an empty transformation; add parameters with
// its methods.
func NewTransformation() Transformation { return Transformation{} }

// RawTransformation returns a transformation written exactly as raw, for
// parameters the typed methods do not cover: one or more components
// chained with "/", e.g. "c_fill,w_300/l_text:Arial_40:Hi,g_south". Typed
// parameters added after it go into a new component.
func RawTransformation(raw string) Transformation {
	if raw == "" {
		return Transformation{}
	}
	return Transformation{comps: []component{{raw: raw, closed: true}}}
}

// String returns the transformation as written in a URL ("" when it is
// empty or Err is not nil).
func (t Transformation) String() string {
	if t.err != nil {
		return ""
	}
	parts := make([]string, 0, len(t.comps))
	for _, c := range t.comps {
		if s := c.String(); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

// Err returns the first invalid parameter given to t, if any. URL returns
// it too.
func (t Transformation) Err() error { return t.err }

// IsZero reports whether t has no parameters.
func (t Transformation) IsZero() bool { return t.err == nil && t.String() == "" }

// Then ends the current component: the parameters set after it go into the
// next one, applied to the result of the previous ones.
func (t Transformation) Then() Transformation {
	if len(t.comps) == 0 || t.comps[len(t.comps)-1].String() == "" {
		return t
	}
	t.comps = append(slices.Clip(t.comps), component{})
	return t
}

// Append returns t followed by the components of next.
func (t Transformation) Append(next Transformation) Transformation {
	if t.err == nil {
		t.err = next.err
	}
	t.comps = append(slices.Clip(t.comps), next.comps...)
	return t
}

// set returns a copy of t with the last component's parameter key set to
// value.
func (t Transformation) set(key, value string) Transformation {
	return t.setIn(key, value, false)
}

// setIn sets key in the last component, starting a new one when there is
// none or (unless reopen) the last is a RawTransformation.
func (t Transformation) setIn(key, value string, reopen bool) Transformation {
	comps := slices.Clone(t.comps)
	if len(comps) == 0 || comps[len(comps)-1].closed && !reopen {
		comps = append(comps, component{})
	}
	last := &comps[len(comps)-1]
	params := make(map[string]string, len(last.params)+1)
	for k, v := range last.params {
		params[k] = v
	}
	params[key] = value
	last.params = params
	t.comps = comps
	return t
}

func (t Transformation) fail(format string, args ...any) Transformation {
	if t.err == nil {
		t.err = invalid(format, args...)
	}
	return t
}

func (t Transformation) number(key, name string, f float64) Transformation {
	if !finite(f) {
		return t.fail("%s %v is not a finite number", name, f)
	}
	return t.set(key, formatNumber(f))
}

// Width sets the width (w_): pixels, or a fraction of the original when
// below 1 (0.5 is half).
func (t Transformation) Width(w float64) Transformation { return t.number("w", "width", w) }

// WidthExpr sets the width to "auto", "auto:breakpoints", a variable ("$w")
// or an arithmetic expression ("iw / 2" is written iw_div_2).
func (t Transformation) WidthExpr(expr string) Transformation {
	return t.set("w", normalizeExpression(expr))
}

// Height sets the height (h_): pixels, or a fraction of the original when
// below 1.
func (t Transformation) Height(h float64) Transformation { return t.number("h", "height", h) }

// HeightExpr sets the height to a variable or an arithmetic expression
// ("ih * 0.5" is written ih_mul_0.5).
func (t Transformation) HeightExpr(expr string) Transformation {
	return t.set("h", normalizeExpression(expr))
}

// Crop sets the crop or resize mode (c_).
func (t Transformation) Crop(c Crop) Transformation { return t.set("c", string(c)) }

// Gravity sets what to keep when cropping, or where to place an overlay
// (g_).
func (t Transformation) Gravity(g Gravity) Transformation { return t.set("g", string(g)) }

// Quality sets the compression quality (q_): QualityAuto and its variants,
// a percentage such as "80", or "80:420" with chroma subsampling.
func (t Transformation) Quality(q Quality) Transformation {
	return t.set("q", normalizeExpression(string(q)))
}

// FetchFormat sets the format to convert to (f_), e.g. "auto", "webp",
// "avif". For a delivered file the extension (WithFormat) does the same.
func (t Transformation) FetchFormat(format string) Transformation { return t.set("f", format) }

// Effect sets an effect (e_) with optional arguments joined by ":":
// Effect("sepia"), Effect("blur", 300), Effect("art", "zorro").
func (t Transformation) Effect(name string, args ...any) Transformation {
	parts := []string{name}
	for _, a := range args {
		s, err := argString(a)
		if err != nil {
			return t.fail("effect %s: %v", name, err)
		}
		parts = append(parts, s)
	}
	return t.set("e", normalizeExpression(strings.Join(parts, ":")))
}

func argString(a any) (string, error) {
	switch v := a.(type) {
	case string:
		return v, nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		if !finite(v) {
			return "", fmt.Errorf("argument %v is not a finite number", v)
		}
		return formatNumber(v), nil
	case fmt.Stringer:
		return v.String(), nil
	}
	return "", fmt.Errorf("argument of type %T: use a string or a number", a)
}

// Radius rounds the corners (r_): one value for all corners, or 2 to 4
// values clockwise from the top left.
func (t Transformation) Radius(corners ...float64) Transformation {
	if len(corners) == 0 || len(corners) > 4 {
		return t.fail("radius takes 1 to 4 corner values, got %d", len(corners))
	}
	parts := make([]string, len(corners))
	for i, c := range corners {
		if !finite(c) {
			return t.fail("radius %v is not a finite number", c)
		}
		parts[i] = formatNumber(c)
	}
	return t.set("r", strings.Join(parts, ":"))
}

// RadiusMax makes the image a circle or an ellipse (r_max).
func (t Transformation) RadiusMax() Transformation { return t.set("r", "max") }

// Angle rotates by deg degrees clockwise (a_).
func (t Transformation) Angle(deg float64) Transformation { return t.number("a", "angle", deg) }

// AngleMode rotates or flips by mode; several modes are joined by ".".
func (t Transformation) AngleMode(modes ...AngleMode) Transformation {
	parts := make([]string, len(modes))
	for i, m := range modes {
		parts[i] = string(m)
	}
	return t.set("a", normalizeExpression(strings.Join(parts, ".")))
}

// DPR sets the device pixel ratio (dpr_).
func (t Transformation) DPR(ratio float64) Transformation { return t.number("dpr", "dpr", ratio) }

// DPRAuto lets the browser's Client Hints choose the device pixel ratio.
func (t Transformation) DPRAuto() Transformation { return t.set("dpr", "auto") }

// AspectRatio sets the aspect ratio (ar_), as "16:9" or as a number such
// as "1.5".
func (t Transformation) AspectRatio(ratio string) Transformation {
	return t.set("ar", normalizeExpression(ratio))
}

// Background sets the background color (b_): a name ("blue"), "#RRGGBB"
// (written rgb:RRGGBB) or "auto:border" and the other auto modes.
func (t Transformation) Background(color string) Transformation {
	return t.set("b", rgbColor(color))
}

// Color sets the color of text overlays, shadows and the colorize effects
// (co_), as Background does.
func (t Transformation) Color(color string) Transformation { return t.set("co", rgbColor(color)) }

func rgbColor(c string) string {
	if rest, ok := strings.CutPrefix(c, "#"); ok {
		return "rgb:" + rest
	}
	return c
}

// Border adds a solid border (bo_) of width pixels; color "" is black.
func (t Transformation) Border(width int, color string) Transformation {
	if color == "" {
		color = "black"
	}
	return t.set("bo", strconv.Itoa(width)+"px_solid_"+rgbColor(color))
}

// Overlay places layer over the image (l_); the other parameters of the
// same component (Gravity, X, Y, Width, ...) position and size it.
func (t Transformation) Overlay(layer Layer) Transformation { return t.layer("l", "overlay", layer) }

// Underlay places layer under the image (u_).
func (t Transformation) Underlay(layer Layer) Transformation { return t.layer("u", "underlay", layer) }

func (t Transformation) layer(key, name string, l Layer) Transformation {
	s, err := l.spec()
	if err != nil {
		return t.fail("%s: %v", name, err)
	}
	return t.set(key, s)
}

// Named applies named transformations defined in the account (t_); several
// are joined by ".".
func (t Transformation) Named(names ...string) Transformation {
	return t.set("t", strings.Join(names, "."))
}

// Flags sets flags (fl_); several are joined by ".".
func (t Transformation) Flags(flags ...Flag) Transformation {
	parts := make([]string, len(flags))
	for i, f := range flags {
		parts[i] = string(f)
	}
	return t.set("fl", strings.Join(parts, "."))
}

// Page selects a page of a PDF or a layer of a TIFF or PSD (pg_), from 1.
func (t Transformation) Page(n int) Transformation { return t.set("pg", strconv.Itoa(n)) }

// X sets the horizontal offset (x_) of a crop or an overlay.
func (t Transformation) X(x float64) Transformation { return t.number("x", "x", x) }

// Y sets the vertical offset (y_) of a crop or an overlay.
func (t Transformation) Y(y float64) Transformation { return t.number("y", "y", y) }

// Zoom sets the zoom of face crops and thumbnails (z_).
func (t Transformation) Zoom(z float64) Transformation { return t.number("z", "zoom", z) }

// Opacity sets the opacity (o_), from 0 to 100.
func (t Transformation) Opacity(o float64) Transformation { return t.number("o", "opacity", o) }

// DefaultImage delivers the given public ID (with its extension) when the
// requested asset does not exist (d_). Write the folders of its public ID
// with ":" instead of "/" ("defaults:avatar.png").
func (t Transformation) DefaultImage(publicID string) Transformation {
	return t.set("d", publicID)
}

// Raw appends raw text to the current component, after its typed
// parameters ("e_vectorize:colors:3"). Several parameters are separated by
// commas. Nothing in it is escaped or checked.
func (t Transformation) Raw(raw string) Transformation {
	comps := slices.Clone(t.comps)
	if len(comps) == 0 || comps[len(comps)-1].closed {
		comps = append(comps, component{})
	}
	last := &comps[len(comps)-1]
	if last.raw != "" && raw != "" {
		last.raw += "," + raw
	} else if raw != "" {
		last.raw = raw
	}
	t.comps = comps
	return t
}

// Layer is an image, video, text or remote image placed over (Overlay) or
// under (Underlay) the delivered asset.
type Layer struct {
	// PublicID of the asset to place; "/" in it is written ":".
	PublicID string
	// Format is the layer asset's extension, e.g. "png".
	Format string
	// ResourceType is image (default), video, raw, or "text" and
	// "subtitles" for those layers (text is implied by Text).
	ResourceType cld.ResourceType
	// Type is the layer asset's delivery type: upload (default), private,
	// authenticated, or fetch (implied by URL).
	Type cld.DeliveryType
	// URL of a remote image to place (a fetch layer).
	URL string

	// Text is the text of a text layer; commas, slashes and other
	// characters are escaped; $(variable) references are kept.
	Text string
	// TextStyle is the text style as written in the URL ("Arial_40_bold"),
	// or the public ID of a text style; it replaces the font fields below.
	TextStyle string
	// FontFamily and FontSize are required by the other font fields.
	FontFamily     string
	FontSize       int
	FontWeight     string // "bold"
	FontStyle      string // "italic"
	TextDecoration string // "underline", "strikethrough"
	TextAlign      string // "left", "center", "right", ...
	Stroke         string // "stroke"
	LetterSpacing  float64
	LineSpacing    float64
}

var textVariable = regexp.MustCompile(`\$\([a-zA-Z]\w+\)`)

// spec returns the layer as written after l_ or u_.
func (l Layer) spec() (string, error) {
	rt, typ, id := string(l.ResourceType), string(l.Type), l.PublicID
	if l.Text != "" && rt == "" {
		rt = "text"
	}
	if l.URL != "" && typ == "" {
		typ = "fetch"
	}
	if id != "" && l.Format != "" {
		id += "." + l.Format
	}
	if id == "" && rt != "text" && typ != "fetch" {
		return "", errors.New("a layer needs a PublicID, a Text or a URL")
	}
	var parts []string
	if rt != "" && rt != "image" {
		parts = append(parts, rt)
	}
	if typ != "" && typ != "upload" {
		parts = append(parts, typ)
	}
	switch {
	case rt == "text" || rt == "subtitles":
		style, err := l.textStyle()
		if err != nil {
			return "", err
		}
		if style != "" {
			parts = append(parts, style)
		}
		if id != "" {
			parts = append(parts, strings.ReplaceAll(id, "/", ":"))
		}
		if l.Text != "" {
			parts = append(parts, escapeLayerText(l.Text))
		}
	case typ == "fetch":
		parts = append(parts, base64URL(l.URL))
	default:
		parts = append(parts, strings.ReplaceAll(id, "/", ":"))
	}
	return strings.Join(parts, ":"), nil
}

func (l Layer) textStyle() (string, error) {
	if l.TextStyle != "" {
		return l.TextStyle, nil
	}
	var kw []string
	for _, v := range []struct{ value, def string }{
		{l.FontWeight, "normal"}, {l.FontStyle, "normal"}, {l.TextDecoration, "none"}, {l.TextAlign, ""}, {l.Stroke, "none"},
	} {
		if v.value != "" && v.value != v.def {
			kw = append(kw, v.value)
		}
	}
	if l.LetterSpacing != 0 {
		kw = append(kw, "letter_spacing_"+formatNumber(l.LetterSpacing))
	}
	if l.LineSpacing != 0 {
		kw = append(kw, "line_spacing_"+formatNumber(l.LineSpacing))
	}
	if l.FontSize == 0 && l.FontFamily == "" && len(kw) == 0 {
		return "", nil
	}
	if l.FontSize == 0 || l.FontFamily == "" {
		return "", errors.New("a text layer's font needs both FontFamily and FontSize (or a TextStyle)")
	}
	return strings.Join(append([]string{l.FontFamily, strconv.Itoa(l.FontSize)}, kw...), "_"), nil
}

// escapeLayerText escapes overlay text as the SDKs do: "," and "/" are
// escaped twice (they separate parameters and components), everything else
// as encodeURIComponent does, parentheses too; $(variable) stays.
func escapeLayerText(text string) string {
	var b strings.Builder
	last := 0
	esc := func(s string) {
		s = smartEscape(s, func(r rune) bool { return r == ',' || r == '/' })
		s = percentEncode(s, componentSafe)
		s = strings.ReplaceAll(strings.ReplaceAll(s, "(", "%28"), ")", "%29")
		b.WriteString(s)
	}
	for _, m := range textVariable.FindAllStringIndex(text, -1) {
		esc(text[last:m[0]])
		b.WriteString(text[m[0]:m[1]])
		last = m[1]
	}
	esc(text[last:])
	return b.String()
}

// Crop is a crop or resize mode.
type Crop string

// Crop and resize modes.
const (
	CropScale       Crop = "scale"
	CropFit         Crop = "fit"
	CropLimit       Crop = "limit"
	CropMFit        Crop = "mfit"
	CropFill        Crop = "fill"
	CropLFill       Crop = "lfill"
	CropFillPad     Crop = "fill_pad"
	CropPad         Crop = "pad"
	CropLPad        Crop = "lpad"
	CropMPad        Crop = "mpad"
	CropCrop        Crop = "crop"
	CropThumb       Crop = "thumb"
	CropAuto        Crop = "auto"
	CropAutoPad     Crop = "auto_pad"
	CropImaggaCrop  Crop = "imagga_crop"
	CropImaggaScale Crop = "imagga_scale"
)

// Gravity is the part of an image to keep when cropping, or where to place
// an overlay. Values such as "auto:faces" or "face:center" are valid too.
type Gravity string

// Common gravities.
const (
	GravityNorthWest Gravity = "north_west"
	GravityNorth     Gravity = "north"
	GravityNorthEast Gravity = "north_east"
	GravityWest      Gravity = "west"
	GravityCenter    Gravity = "center"
	GravityEast      Gravity = "east"
	GravitySouthWest Gravity = "south_west"
	GravitySouth     Gravity = "south"
	GravitySouthEast Gravity = "south_east"
	GravityXYCenter  Gravity = "xy_center"
	GravityFace      Gravity = "face"
	GravityFaces     Gravity = "faces"
	GravityAuto      Gravity = "auto"
	GravityCustom    Gravity = "custom"
	GravityLiquid    Gravity = "liquid"
	GravityOCRText   Gravity = "ocr_text"
)

// Quality is a compression quality: one of the constants, a percentage
// ("80") or a percentage with chroma subsampling ("80:420").
type Quality string

// Automatic qualities.
const (
	QualityAuto     Quality = "auto"
	QualityAutoBest Quality = "auto:best"
	QualityAutoGood Quality = "auto:good"
	QualityAutoEco  Quality = "auto:eco"
	QualityAutoLow  Quality = "auto:low"
)

// AngleMode is a rotation that depends on the image, or a flip.
type AngleMode string

// Angle modes.
const (
	AngleAutoRight AngleMode = "auto_right"
	AngleAutoLeft  AngleMode = "auto_left"
	AngleIgnore    AngleMode = "ignore"
	AngleVFlip     AngleMode = "vflip"
	AngleHFlip     AngleMode = "hflip"
)

// Flag changes how a transformation or the delivery behaves.
type Flag string

// Common flags.
const (
	FlagAttachment           Flag = "attachment"
	FlagProgressive          Flag = "progressive"
	FlagLossy                Flag = "lossy"
	FlagPreserveTransparency Flag = "preserve_transparency"
	FlagStripProfile         Flag = "strip_profile"
	FlagKeepIPTC             Flag = "keep_iptc"
	FlagLayerApply           Flag = "layer_apply"
	FlagRelative             Flag = "relative"
	FlagRegionRelative       Flag = "region_relative"
	FlagNoOverflow           Flag = "no_overflow"
	FlagAnimated             Flag = "animated"
	FlagAwebp                Flag = "awebp"
	FlagClip                 Flag = "clip"
	FlagForceStrip           Flag = "force_strip"
	FlagGetInfo              Flag = "getinfo"
	FlagImmutableCache       Flag = "immutable_cache"
	FlagTiled                Flag = "tiled"
)
