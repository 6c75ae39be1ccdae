package transform

import (
	"errors"
	"image/color"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
)

// ParseOption configures Parse.
type ParseOption func(*parseConfig)

type parseConfig struct {
	lookup func(name string) (string, bool)
	depth  int
	active []string // named transformations being expanded, for cycles
}

// WithNamed resolves t_<name> references: lookup returns the stored
// transformation string of a named transformation, or false when there is
// none (Parse then fails with "Transformation <name> not found").
func WithNamed(lookup func(name string) (string, bool)) ParseOption {
	return func(c *parseConfig) { c.lookup = lookup }
}

// maxNamedDepth bounds nested named transformations.
const maxNamedDepth = 8

// Parse parses a transformation string as it appears in a delivery URL
// (already percent-decoded once, as an HTTP server decodes a path) or in an
// eager/transformation upload parameter: components separated by "/",
// parameters by ",". Empty components are skipped, as the SDKs collapse
// "//". It fails with an *Error naming the offending parameter: ErrInvalid
// for what Cloudinary rejects, ErrUnsupported for what the engine does not
// render (variables, conditionals, image layers, AI features, ...).
func Parse(s string, opts ...ParseOption) (Plan, error) {
	var cfg parseConfig
	for _, o := range opts {
		o(&cfg)
	}
	return cfg.parse(s)
}

func (c *parseConfig) parse(s string) (Plan, error) {
	var p Plan
	for _, comp := range strings.Split(s, "/") {
		if comp == "" {
			continue
		}
		st, err := c.parseStep(comp)
		if err != nil {
			return Plan{}, err
		}
		if st.String() == "" { // only empty parameters: ",,"
			continue
		}
		p.Steps = append(p.Steps, st)
	}
	if err := checkLayers(p.Flatten()); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// Flatten returns the steps as they execute: t_ named transformations
// replaced by their own steps, steps that held only t_ dropped.
func (p Plan) Flatten() []Step {
	var out []Step
	for _, s := range p.Steps {
		out = append(out, s.named...)
		s.Named, s.named = nil, nil
		if s.String() != "" {
			out = append(out, s)
		}
	}
	return out
}

var (
	numberRe = regexp.MustCompile(`^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	intRe    = regexp.MustCompile(`^-?[0-9]+$`)
	hexRe    = regexp.MustCompile(`^[0-9a-fA-F]+$`)
	// exprRe recognises Cloudinary arithmetic expressions and predefined
	// variables (iw_div_2, ih, w_auto:100 ...), which the engine refuses.
	exprRe = regexp.MustCompile(`^(\$|(iw|ih|iar|w|h|ar|aw|ah|aar|cw|ch|fc|pc|cp|dpr|idn|pg|px|py|tar|ta|auto)(_|:|$))`)
)

// knownUnsupported are Cloudinary parameters the engine does not render.
var knownUnsupported = map[string]string{
	"ac": "audio codec", "af": "audio frequency", "br": "bitrate", "cs": "color space",
	"d": "default image", "dl": "animation delay", "dn": "density", "du": "video duration",
	"eo": "video end offset", "fn": "custom functions", "fps": "frame rate", "ki": "keyframe interval",
	"p": "prefix", "so": "video start offset", "sp": "streaming profile", "u": "underlays",
	"vc": "video codec", "vs": "video sampling", "z": "zoom", "if": "conditional transformations",
}

func (c *parseConfig) parseStep(comp string) (Step, error) {
	var st Step
	seen := map[string]string{}
	var order []string // keys in the order given, for deterministic errors
	for _, param := range strings.Split(comp, ",") {
		if param == "" {
			continue
		}
		if strings.HasPrefix(param, "$") {
			return Step{}, unsupported(param, "transformation variables")
		}
		key, val, ok := strings.Cut(param, "_")
		if !ok || key == "" || val == "" {
			return Step{}, invalidComponent(param)
		}
		if why, ok := knownUnsupported[key]; ok {
			return Step{}, unsupported(param, why)
		}
		if prev, dup := seen[key]; dup {
			return Step{}, invalidf(param, "Invalid transformation component - %s given twice (%s and %s)", key+"_", prev, param)
		}
		seen[key] = param
		order = append(order, key)
		if err := c.setParam(&st, param, key, val); err != nil {
			return Step{}, err
		}
	}
	if err := checkStep(&st, seen, order); err != nil {
		return Step{}, err
	}
	return st, nil
}

func (c *parseConfig) setParam(st *Step, param, key, val string) error {
	var err error
	switch key {
	case "w":
		st.Width, err = parseLength(param, "width", val, false)
	case "h":
		st.Height, err = parseLength(param, "height", val, false)
	case "x":
		st.X, err = parseLength(param, "x", val, true)
	case "y":
		st.Y, err = parseLength(param, "y", val, true)
	case "ar":
		st.AspectRatio, err = parseRatio(param, val)
	case "c":
		st.Crop, err = parseCrop(param, val)
	case "g":
		st.Gravity, err = parseGravity(param, val)
	case "dpr":
		st.DPR, err = parseDPR(param, val)
	case "a":
		st.Angle, err = parseAngle(param, val)
	case "e":
		st.Effect, err = parseEffect(param, val)
	case "b":
		if strings.HasPrefix(val, "auto") || strings.HasPrefix(val, "blurred") || strings.HasPrefix(val, "gen_fill") {
			return unsupported(param, "content-aware backgrounds")
		}
		st.Background, err = parseColor(param, val)
	case "co":
		st.Color, err = parseColor(param, val)
	case "o":
		var n int
		n, err = parseInt(param, "opacity", val, 0, 100)
		st.Opacity = &n
	case "r":
		st.Radius, err = parseRadius(param, val)
	case "bo":
		st.Border, err = parseBorder(param, val)
	case "q":
		st.Quality, err = parseQuality(param, val)
	case "f":
		st.Format, err = parseFormat(param, val)
	case "fl":
		st.Flags, err = parseFlags(param, val)
	case "pg":
		st.Page, err = parsePage(param, val)
	case "l":
		st.Layer, err = parseLayer(param, val)
	case "t":
		return c.setNamed(st, param, val)
	default:
		return invalidComponent(param)
	}
	return err
}

func (c *parseConfig) setNamed(st *Step, param, val string) error {
	names := strings.Split(val, ".")
	for _, n := range names {
		if n == "" {
			return invalidComponent(param)
		}
		if c.lookup == nil {
			return invalidf(param, "Transformation %s not found", n)
		}
		for _, a := range c.active {
			if a == n {
				return invalidf(param, "Named transformation %s refers to itself", n)
			}
		}
		if c.depth >= maxNamedDepth {
			return invalidf(param, "Named transformations nested deeper than %d levels at %s", maxNamedDepth, n)
		}
		def, ok := c.lookup(n)
		if !ok {
			return invalidf(param, "Transformation %s not found", n)
		}
		sub := parseConfig{lookup: c.lookup, depth: c.depth + 1, active: append(append([]string(nil), c.active...), n)}
		p, err := sub.parse(def)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				return newError(e.kind, e.Param, e.Msg+" (in named transformation "+n+")")
			}
			return err
		}
		st.named = append(st.named, p.Flatten()...)
	}
	st.Named = names
	return nil
}

// checkStep validates combinations within one component.
func checkStep(st *Step, seen map[string]string, order []string) error {
	if g := st.Gravity; g == "auto" || strings.HasPrefix(g, "auto:") {
		switch st.Crop {
		case "crop", "fill", "lfill", "thumb":
		default:
			return invalidf(seen["g"], "Use auto gravity only with crop, fill, lfill, fill_pad or thumb")
		}
	}
	if st.Gravity == "xy_center" && st.Crop != "crop" {
		return unsupported(seen["g"], "g_xy_center is rendered with c_crop only")
	}
	apply := st.hasFlag("layer_apply")
	switch {
	case st.Layer != nil:
		for _, k := range order {
			p := seen[k]
			switch k {
			case "l", "co", "b", "g", "x", "y", "o":
			case "fl":
				if apply {
					return invalidf(p, "Invalid transformation component - %s (fl_layer_apply belongs in the component after the layer)", p)
				}
			default:
				return unsupported(p, "parameters of a text layer other than co_, b_, g_, x_, y_ and o_")
			}
		}
	case apply:
		for _, k := range order {
			p := seen[k]
			switch k {
			case "fl", "g", "x", "y":
			default:
				return unsupported(p, "fl_layer_apply takes only g_, x_ and y_ here")
			}
		}
	default:
		for _, k := range []string{"x", "y"} {
			if p, ok := seen[k]; ok && st.Crop != "crop" {
				return unsupported(p, "x_ and y_ are rendered with c_crop and text layers only")
			}
		}
	}
	return nil
}

// checkLayers pairs each text layer with the fl_layer_apply that follows it.
func checkLayers(steps []Step) error {
	for i, s := range steps {
		if s.hasFlag("layer_apply") && s.Layer == nil && (i == 0 || steps[i-1].Layer == nil) {
			return invalidf("fl_layer_apply", "Invalid transformation component - fl_layer_apply without a layer before it")
		}
		if s.Layer == nil {
			continue
		}
		if i+1 < len(steps) && steps[i+1].hasFlag("layer_apply") {
			if s.Gravity != "" || s.X.Set || s.Y.Set {
				return unsupported("l_"+s.Layer.String(), "place a layer with g_, x_, y_ either in its own component or in fl_layer_apply, not both")
			}
			continue
		}
		for j := i + 1; j < len(steps) && steps[j].Layer == nil; j++ {
			if steps[j].hasFlag("layer_apply") {
				return unsupported(steps[j].String(), "transforming a layer between l_text and fl_layer_apply")
			}
		}
	}
	return nil
}

func (s Step) hasFlag(f string) bool {
	for _, x := range s.Flags {
		if x == f || strings.HasPrefix(x, f+":") {
			return true
		}
	}
	return false
}

// maxLength bounds pixel values at parse time; Render enforces the real
// output limit.
const maxLength = 1_000_000

func parseLength(param, what, val string, signed bool) (Length, error) {
	if !numberRe.MatchString(val) {
		if exprRe.MatchString(val) {
			return Length{}, unsupported(param, "arithmetic expressions, variables and automatic sizes")
		}
		return Length{}, invalidValue(param, what, val)
	}
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || (!signed && v <= 0) || v > maxLength || v < -maxLength {
		return Length{}, invalidValue(param, what, val)
	}
	rel := strings.Contains(val, ".")
	if rel && (v > 100 || v < -100) {
		return Length{}, invalidValue(param, what, val)
	}
	return Length{Value: v, Relative: rel, Set: true}, nil
}

func parsePositive(param, what, val string, max float64) (float64, error) {
	if !numberRe.MatchString(val) {
		return 0, invalidValue(param, what, val)
	}
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || v <= 0 || v > max {
		return 0, invalidValue(param, what, val)
	}
	return v, nil
}

func parseRatio(param, val string) (Ratio, error) {
	if a, b, ok := strings.Cut(val, ":"); ok {
		n, err1 := parsePositive(param, "aspect ratio", a, maxLength)
		d, err2 := parsePositive(param, "aspect ratio", b, maxLength)
		if err1 != nil || err2 != nil {
			return Ratio{}, invalidValue(param, "aspect ratio", val)
		}
		return Ratio{Num: n, Den: d}, nil
	}
	if exprRe.MatchString(val) {
		return Ratio{}, unsupported(param, "arithmetic expressions and variables")
	}
	n, err := parsePositive(param, "aspect ratio", val, 1000)
	return Ratio{Num: n}, err
}

// Crop modes the engine renders, and the ones it knows but refuses.
var (
	cropModes            = setOf("scale", "fit", "limit", "mfit", "fill", "lfill", "pad", "lpad", "crop", "thumb")
	unsupportedCropModes = setOf("fill_pad", "mpad", "auto", "auto_pad", "imagga_crop", "imagga_scale")
)

func parseCrop(param, val string) (string, error) {
	switch {
	case cropModes[val]:
		return val, nil
	case unsupportedCropModes[val]:
		return "", unsupported(param, "content-aware crop modes")
	}
	return "", invalidValue(param, "crop mode", val)
}

var (
	compassGravities = setOf("north_west", "north", "north_east", "west", "center", "east", "south_west", "south", "south_east")
	// detectionGravities need detection the mock does not have; they render
	// as center.
	detectionGravities = setOf("auto", "face", "faces", "adv_face", "adv_faces", "adv_eyes", "body", "custom", "ocr_text")
)

func parseGravity(param, val string) (string, error) {
	if compassGravities[val] || val == "xy_center" {
		return val, nil
	}
	base, _, _ := strings.Cut(val, ":")
	if detectionGravities[base] {
		return val, nil
	}
	return "", invalidValue(param, "gravity", val)
}

// isDetection reports whether a gravity falls back to center.
func isDetection(g string) bool {
	base, _, _ := strings.Cut(g, ":")
	return detectionGravities[base]
}

func parseDPR(param, val string) (float64, error) {
	if val == "auto" {
		return 0, unsupported(param, "dpr_auto needs client hints; give a number")
	}
	return parsePositive(param, "dpr", val, 10)
}

var angleModes = setOf("exif", "ignore", "hflip", "vflip")

func parseAngle(param, val string) ([]Angle, error) {
	var out []Angle
	degrees := false
	for _, tok := range strings.Split(val, ".") {
		switch {
		case angleModes[tok]:
			out = append(out, Angle{Mode: tok})
		case tok == "auto_right" || tok == "auto_left":
			return nil, unsupported(param, "automatic rotation by aspect ratio")
		case intRe.MatchString(tok) && !degrees:
			d, err := strconv.ParseFloat(tok, 64)
			if err != nil || d > maxLength || d < -maxLength {
				return nil, invalidValue(param, "angle", val)
			}
			out = append(out, Angle{Degrees: d})
			degrees = true
		default:
			if exprRe.MatchString(tok) {
				return nil, unsupported(param, "arithmetic expressions and variables")
			}
			return nil, invalidValue(param, "angle", val)
		}
	}
	return out, nil
}

// effectSpec is an effect's level range and default.
type effectSpec struct {
	min, max, def int
	levels        bool // takes a level
}

// effects are the e_ values the engine renders.
var effects = map[string]effectSpec{
	"grayscale":  {},
	"negate":     {},
	"sepia":      {1, 100, 80, true},
	"blur":       {1, 2000, 100, true},
	"brightness": {-99, 100, 80, true},
	"contrast":   {-100, 100, 0, true},
	"saturation": {-100, 100, 80, true},
	"sharpen":    {1, 2000, 100, true},
	"pixelate":   {1, 200, 0, true}, // 0: chosen from the image size
}

func parseEffect(param, val string) (*Effect, error) {
	name, lvl, hasLevel := strings.Cut(val, ":")
	spec, ok := effects[name]
	if !ok {
		return nil, unsupported(param, "")
	}
	e := &Effect{Name: name}
	if hasLevel {
		if !spec.levels {
			return nil, invalidValue(param, "effect", val)
		}
		n, err := parseInt(param, "effect level", lvl, spec.min, spec.max)
		if err != nil {
			return nil, invalidf(param, "Invalid effect level in transformation: %s (e_%s takes %d to %d)", val, name, spec.min, spec.max)
		}
		e.Level, e.HasLevel = n, true
	}
	return e, nil
}

func parseInt(param, what, val string, min, max int) (int, error) {
	if !intRe.MatchString(val) {
		return 0, invalidValue(param, what, val)
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < min || n > max {
		return 0, invalidValue(param, what, val)
	}
	return n, nil
}

// parseColor reads a named colour (the SVG/CSS names, plus transparent),
// rgb:<3, 4, 6 or 8 hex digits> or #<hex>, canonicalised to rgb:.
func parseColor(param, val string) (*Color, error) {
	if hex, ok := strings.CutPrefix(val, "rgb:"); ok {
		return hexColor(param, val, hex)
	}
	if hex, ok := strings.CutPrefix(val, "#"); ok {
		return hexColor(param, val, hex)
	}
	name := strings.ToLower(val)
	if name == "transparent" {
		return &Color{Text: name}, nil
	}
	if c, ok := colornames.Map[name]; ok {
		return &Color{Text: name, Value: color.NRGBA{c.R, c.G, c.B, c.A}}, nil
	}
	return nil, invalidValue(param, "color", val)
}

func hexColor(param, val, hex string) (*Color, error) {
	if !hexRe.MatchString(hex) {
		return nil, invalidValue(param, "color", val)
	}
	hex = strings.ToLower(hex)
	digit := func(i int) uint8 {
		n, _ := strconv.ParseUint(hex[i:i+1], 16, 8)
		return uint8(n)
	}
	var c color.NRGBA
	switch len(hex) {
	case 3, 4:
		c = color.NRGBA{digit(0) * 17, digit(1) * 17, digit(2) * 17, 255}
		if len(hex) == 4 {
			c.A = digit(3) * 17
		}
	case 6, 8:
		pair := func(i int) uint8 { return digit(i)<<4 | digit(i+1) }
		c = color.NRGBA{pair(0), pair(2), pair(4), 255}
		if len(hex) == 8 {
			c.A = pair(6)
		}
	default:
		return nil, invalidValue(param, "color", val)
	}
	return &Color{Text: "rgb:" + hex, Value: c}, nil
}

func parseRadius(param, val string) (*Radius, error) {
	if val == "max" {
		return &Radius{Max: true}, nil
	}
	toks := strings.Split(val, ":")
	if len(toks) > 4 {
		return nil, invalidValue(param, "radius", val)
	}
	r := &Radius{}
	for _, t := range toks {
		n, err := parseInt(param, "radius", t, 0, maxLength)
		if err != nil {
			if exprRe.MatchString(t) {
				return nil, unsupported(param, "arithmetic expressions and variables")
			}
			return nil, invalidValue(param, "radius", val)
		}
		r.Corners = append(r.Corners, n)
	}
	return r, nil
}

func parseBorder(param, val string) (*Border, error) {
	width, rest, ok := strings.Cut(val, "px_")
	if !ok {
		return nil, invalidValue(param, "border", val)
	}
	n, err := parseInt(param, "border", width, 1, 1000)
	if err != nil {
		return nil, invalidValue(param, "border", val)
	}
	col, ok := strings.CutPrefix(rest, "solid_")
	if !ok {
		return nil, invalidValue(param, "border", val)
	}
	c, err := parseColor(param, col)
	if err != nil {
		return nil, invalidValue(param, "border", val)
	}
	return &Border{Width: n, Color: *c}, nil
}

func parseQuality(param, val string) (*Quality, error) {
	switch val {
	case "auto", "auto:good", "auto:best", "auto:eco", "auto:low":
		return &Quality{Auto: val}, nil
	}
	if strings.HasPrefix(val, "auto:") || strings.HasPrefix(val, "jpegmini") {
		return nil, unsupported(param, "")
	}
	if n, sub, ok := strings.Cut(val, ":"); ok && intRe.MatchString(n) && sub != "" {
		return nil, unsupported(param, "chroma subsampling and qmax")
	}
	n, err := parseInt(param, "quality", val, 1, 100)
	if err != nil {
		return nil, err
	}
	return &Quality{Value: n}, nil
}

// Formats the engine encodes (with their aliases), and the ones it knows
// but refuses.
var (
	formats            = setOf("png", "jpg", "jpeg", "jpe", "gif", "webp", "bmp", "tiff", "tif", "auto")
	unsupportedFormats = setOf("avif", "heic", "heif", "jxl", "jp2", "jpc", "wdp", "jxr", "hdp", "pdf", "svg", "ico",
		"psd", "eps", "ept", "ai", "arw", "cr2", "tga", "djvu", "ps", "flif", "glb", "gltf", "usdz", "fbx",
		"webm", "mp4", "mov", "ogv", "flv", "m3u8", "mpd", "ts", "mkv", "avi", "mp3", "wav", "ogg", "aac", "m4a", "flac")
)

func parseFormat(param, val string) (string, error) {
	switch {
	case formats[val]:
		return val, nil
	case unsupportedFormats[val]:
		return "", unsupported(param, "the mock encodes png, jpg, gif, webp, bmp and tiff")
	}
	return "", invalidValue(param, "format", val)
}

// Flags that the engine honours. attachment and layer_apply act; the
// others only concern encoder details or metadata the encoders never write,
// so they change no pixel.
var flags = setOf("attachment", "layer_apply", "progressive", "lossy", "strip_profile",
	"preserve_transparency", "immutable_cache", "force_strip", "keep_iptc", "keep_attribution")

var flagRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func parseFlags(param, val string) ([]string, error) {
	toks := strings.Split(val, ".")
	for _, t := range toks {
		name, arg, hasArg := strings.Cut(t, ":")
		if !flagRe.MatchString(name) {
			return nil, invalidValue(param, "flag", val)
		}
		if !flags[name] {
			return nil, unsupported(param, "flag "+name)
		}
		if hasArg && (name != "attachment" || arg == "") {
			return nil, invalidValue(param, "flag", val)
		}
	}
	return toks, nil
}

func parsePage(param, val string) (int, error) {
	if !intRe.MatchString(val) {
		if strings.ContainsAny(val, "-;:") || strings.HasPrefix(val, "name") || strings.HasPrefix(val, "embedded") {
			return 0, unsupported(param, "page ranges, names and embedded images")
		}
		return 0, invalidValue(param, "page", val)
	}
	return parseInt(param, "page", val, 1, 100000)
}

// Text-layer style tokens that Cloudinary knows and the engine does not
// render.
var unsupportedTextStyles = setOf("thin", "extralight", "light", "medium", "semibold", "extrabold", "black", "heavy",
	"underline", "strikethrough", "letter", "line", "text", "stroke", "antialias", "hinting", "normal_italic")

func parseLayer(param, val string) (*TextLayer, error) {
	spec, ok := strings.CutPrefix(val, "text:")
	if !ok {
		return nil, unsupported(param, "image, video and subtitle layers; l_text: only")
	}
	style, text, ok := strings.Cut(spec, ":")
	if !ok || text == "" {
		return nil, invalidValue(param, "text layer", val)
	}
	toks := strings.Split(style, "_")
	if len(toks) < 2 {
		return nil, invalidValue(param, "text layer", val)
	}
	family, err := url.PathUnescape(toks[0])
	if err != nil || family == "" {
		return nil, invalidValue(param, "text layer", val)
	}
	size, err := parseInt(param, "font size", toks[1], 1, 1000)
	if err != nil {
		return nil, invalidValue(param, "font size", toks[1])
	}
	t := &TextLayer{Family: family, Size: size}
	for _, tok := range toks[2:] {
		switch {
		case tok == "bold" && !t.Bold:
			t.Bold = true
		case tok == "italic" && !t.Italic:
			t.Italic = true
		case tok == "normal":
		case unsupportedTextStyles[tok]:
			return nil, unsupported(param, "text style "+tok)
		default:
			return nil, invalidValue(param, "text layer", val)
		}
	}
	t.Text = unescapeLenient(text)
	if t.Text == "" {
		return nil, invalidValue(param, "text layer", val)
	}
	if len(t.Text) > 1000 {
		return nil, invalidf(param, "Text layer longer than 1000 bytes")
	}
	return t, nil
}

// unescapeLenient decodes the %XX escapes of a text layer and keeps any
// other "%" as it is, as Cloudinary does: the SDKs escape "," and "/" a
// second time (%252C) but write a literal "%" only once ("50%25" arrives as
// "50%").
func unescapeLenient(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func setOf(vals ...string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}
