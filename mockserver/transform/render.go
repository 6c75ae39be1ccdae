package transform

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strings"

	"github.com/disintegration/imaging"
)

// RenderOptions are the request's side of a render.
type RenderOptions struct {
	// Accept is the request's Accept header; f_auto picks WebP when it
	// names image/webp, else PNG for images with transparency, GIF for
	// animations, JPEG otherwise.
	Accept string
	// Format is the delivery URL's extension (jpg, png, webp, ...), used
	// when the plan has no f_. Empty means the source's format.
	Format string
	// MaxPixels bounds the source and every intermediate and output image;
	// 0 means DefaultMaxPixels.
	MaxPixels int
}

// Result is a rendered image.
type Result struct {
	Bytes         []byte
	Format        string // png, jpg, gif, webp, bmp or tiff
	ContentType   string // image/png, image/jpeg, ...
	Width, Height int
	Frames        int // 1 unless an animated GIF was rendered
	// Attachment is set by fl_attachment: the server answers with
	// Content-Disposition: attachment, with AttachmentName (from
	// fl_attachment:<name>) as the file name when it is given.
	Attachment     bool
	AttachmentName string
}

// Render decodes src and renders plan on it. See RenderSource.
func Render(ctx context.Context, src io.Reader, plan Plan, opts RenderOptions) (*Result, error) {
	s, err := Decode(src, DecodeOptions{MaxPixels: opts.MaxPixels})
	if err != nil {
		return nil, err
	}
	return RenderSource(ctx, s, plan, opts)
}

// RenderSource renders plan on a decoded source and encodes the result.
// EXIF orientation is applied first unless a step has a_ignore. An animated
// GIF rendered to GIF without pg_ keeps every frame; otherwise the frame
// pg_ selects (the first by default) is rendered.
func RenderSource(ctx context.Context, src *Source, plan Plan, opts RenderOptions) (*Result, error) {
	if src == nil || len(src.Frames) == 0 {
		return nil, decodeError("No image to render")
	}
	r := &renderer{limit: opts.MaxPixels}
	if r.limit <= 0 {
		r.limit = DefaultMaxPixels
	}
	steps := plan.Flatten()
	out, err := r.outputSettings(steps, src, opts)
	if err != nil {
		return nil, err
	}
	frames := src.Frames
	switch {
	case out.page > 0:
		if out.page > len(frames) {
			return nil, invalidf(fmt.Sprintf("pg_%d", out.page), "Invalid page %d: the image has %d page(s)", out.page, len(frames))
		}
		frames = frames[out.page-1 : out.page]
	case out.format != "gif" || len(frames) == 1:
		frames = frames[:1]
	}
	rendered := make([]*image.NRGBA, 0, len(frames))
	total := 0
	for _, f := range frames {
		img := imaging.Clone(f)
		if !out.ignoreExif {
			img = orient(img, src.Orientation)
		}
		for i := 0; i < len(steps); i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			s := steps[i]
			if s.Layer != nil {
				place := s
				if i+1 < len(steps) && steps[i+1].hasFlag("layer_apply") {
					place = steps[i+1]
					i++
				}
				img, err = r.drawText(img, s, place)
			} else {
				img, err = r.step(img, s)
			}
			if err != nil {
				return nil, err
			}
		}
		total += img.Rect.Dx() * img.Rect.Dy()
		if total > r.limit {
			return nil, newError(ErrTooLarge, "", fmt.Sprintf("Rendered frames exceed the cldrest mock's limit of %d pixels together", r.limit))
		}
		rendered = append(rendered, img)
	}
	var delays []int
	if len(rendered) > 1 {
		delays = src.Delays
	}
	b, err := encode(rendered, delays, src.Loop, out.format, out.quality)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Bytes: b, Format: out.format, ContentType: ContentType(out.format),
		Width: rendered[0].Rect.Dx(), Height: rendered[0].Rect.Dy(), Frames: len(rendered),
		Attachment: out.attachment, AttachmentName: out.attachmentName,
	}
	return res, nil
}

// output is what the plan says about the whole render rather than one step.
type output struct {
	format         string
	quality        int
	page           int
	ignoreExif     bool
	attachment     bool
	attachmentName string
}

// Default encoder qualities: what q_auto levels and no q_ at all mean.
var autoQuality = map[string]int{"": 80, "auto": 80, "auto:good": 80, "auto:best": 90, "auto:eco": 70, "auto:low": 60}

func (r *renderer) outputSettings(steps []Step, src *Source, opts RenderOptions) (output, error) {
	o := output{quality: autoQuality[""]}
	format := ""
	for _, s := range steps {
		if s.Format != "" {
			format = s.Format
		}
		if q := s.Quality; q != nil {
			o.quality = q.Value
			if q.Auto != "" {
				o.quality = autoQuality[q.Auto]
			}
		}
		if s.Page != 0 {
			if o.page != 0 && o.page != s.Page {
				return o, invalidf(fmt.Sprintf("pg_%d", s.Page), "Invalid transformation component - pg_%d after pg_%d", s.Page, o.page)
			}
			o.page = s.Page
		}
		for _, a := range s.Angle {
			if a.Mode == "ignore" {
				o.ignoreExif = true
			}
		}
		for _, f := range s.Flags {
			if name, arg, _ := strings.Cut(f, ":"); name == "attachment" {
				o.attachment, o.attachmentName = true, arg
			}
		}
	}
	if format == "" && opts.Format != "" {
		f, err := parseFormat("."+opts.Format, strings.ToLower(opts.Format))
		if err != nil {
			return o, err
		}
		format = f
	}
	if format == "" {
		format = src.Format
	}
	if format == "auto" {
		animated := len(src.Frames) > 1 && o.page == 0
		format = negotiate(opts.Accept, animated, !opaque(src.Frames[0]))
	}
	o.format = canonicalFormat(format)
	return o, nil
}

type renderer struct {
	limit int
}

// check refuses an image of w×h before it is allocated.
func (r *renderer) check(w, h int) error {
	if w > maxLength || h > maxLength || w*h > r.limit {
		return tooLarge(w, h, r.limit)
	}
	return nil
}

// step applies one component, in Cloudinary's order: resize/crop, effect,
// opacity, radius, border, rotation, background.
func (r *renderer) step(img *image.NRGBA, s Step) (*image.NRGBA, error) {
	img, err := r.resize(img, s)
	if err != nil {
		return nil, err
	}
	if s.Effect != nil {
		img = applyEffect(img, s.Effect)
	}
	if s.Opacity != nil {
		img = fade(img, *s.Opacity)
	}
	var corners [4]float64
	if s.Radius != nil {
		corners = radii(s.Radius, img.Rect.Dx(), img.Rect.Dy())
		img = roundCorners(img, corners, s.Radius.Max)
	}
	if s.Border != nil {
		if img, err = r.border(img, s.Border, corners, s.Radius != nil && s.Radius.Max); err != nil {
			return nil, err
		}
	}
	for _, a := range s.Angle {
		if img, err = r.rotate(img, a); err != nil {
			return nil, err
		}
	}
	if s.Background != nil && s.Crop != "pad" && s.Crop != "lpad" {
		img = flatten(img, s.Background.Value)
	}
	return img, nil
}

// resize applies w_, h_, ar_, c_, g_, x_, y_ and dpr_.
func (r *renderer) resize(img *image.NRGBA, s Step) (*image.NRGBA, error) {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	dpr := s.DPR
	if dpr == 0 {
		dpr = 1
	}
	w, h := s.Width.resolve(W), s.Height.resolve(H)
	ar := s.AspectRatio.Value()
	mode := s.Crop
	if mode == "" {
		if w == 0 && h == 0 && ar == 0 {
			return img, nil
		}
		mode = "scale"
	}
	if ar > 0 {
		switch {
		case w > 0 && h > 0:
		case w > 0:
			h = w / ar
		case h > 0:
			w = h * ar
		default:
			wider := float64(W)/float64(H) > ar
			switch mode {
			case "fill", "lfill", "crop", "thumb": // the largest region of that ratio
				if wider {
					h, w = float64(H), float64(H)*ar
				} else {
					w, h = float64(W), float64(W)/ar
				}
			case "pad", "lpad": // the smallest canvas of that ratio
				if wider {
					w, h = float64(W), float64(W)/ar
				} else {
					h, w = float64(H), float64(H)*ar
				}
			default:
				w, h = float64(W), float64(W)/ar
			}
		}
	}
	if w == 0 && h == 0 { // a mode or dpr_ without a size changes nothing
		return img, nil
	}
	if mode == "crop" {
		return r.crop(img, s, w, h, dpr)
	}
	if w == 0 {
		w = h * float64(W) / float64(H)
	}
	if h == 0 {
		h = w * float64(H) / float64(W)
	}
	w, h = w*dpr, h*dpr
	tw, th := px(w), px(h)
	if err := r.check(tw, th); err != nil {
		return nil, err
	}
	fx, fy := w/float64(W), h/float64(H)
	g := s.Gravity
	switch mode {
	case "scale":
		return r.resizeTo(img, tw, th)
	case "fit", "limit", "mfit":
		f := math.Min(fx, fy)
		if (mode == "limit" && f >= 1) || (mode == "mfit" && f <= 1) {
			return img, nil
		}
		return r.resizeTo(img, px(float64(W)*f), px(float64(H)*f))
	case "fill", "thumb", "lfill":
		f := math.Max(fx, fy)
		if mode == "lfill" && f > 1 {
			f = 1
		}
		sw, sh := px(float64(W)*f), px(float64(H)*f)
		if mode != "lfill" {
			sw, sh = max(sw, tw), max(sh, th)
		} else {
			tw, th = min(tw, sw), min(th, sh)
		}
		scaled, err := r.resizeTo(img, sw, sh)
		if err != nil {
			return nil, err
		}
		left, top := place(g, sw, sh, tw, th, 0, 0)
		return imaging.Crop(scaled, image.Rect(left, top, left+tw, top+th)), nil
	case "pad", "lpad":
		f := math.Min(fx, fy)
		if mode == "lpad" && f > 1 {
			f = 1
		}
		sw, sh := min(px(float64(W)*f), tw), min(px(float64(H)*f), th)
		scaled, err := r.resizeTo(img, sw, sh)
		if err != nil {
			return nil, err
		}
		bg := color.NRGBA{}
		if s.Background != nil {
			bg = s.Background.Value
		}
		canvas := imaging.New(tw, th, bg)
		left, top := place(g, tw, th, sw, sh, 0, 0)
		return imaging.Overlay(canvas, scaled, image.Pt(left, top), 1), nil
	}
	return nil, unsupported("c_"+mode, "")
}

// crop cuts a w×h region (pixels of the current image; a missing side is
// the whole side) placed by gravity and x_/y_, then applies dpr.
func (r *renderer) crop(img *image.NRGBA, s Step, w, h, dpr float64) (*image.NRGBA, error) {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	cw, ch := min(px(w), W), min(px(h), H)
	if w == 0 {
		cw = W
	}
	if h == 0 {
		ch = H
	}
	x, y := px0(s.X.resolve(W)), px0(s.Y.resolve(H))
	var left, top int
	if s.Gravity == "xy_center" {
		left, top = x-cw/2, y-ch/2
	} else {
		g := s.Gravity
		if g == "" && (s.X.Set || s.Y.Set) {
			g = "north_west"
		}
		left, top = place(g, W, H, cw, ch, x, y)
	}
	region := image.Rect(left, top, left+cw, top+ch).Intersect(img.Rect)
	if region.Empty() {
		return nil, invalidf("c_crop", "Invalid crop: the region %dx%d at %d,%d is outside the %dx%d image", cw, ch, left, top, W, H)
	}
	return r.scaleBy(imaging.Crop(img, region), dpr)
}

func (r *renderer) scaleBy(img *image.NRGBA, f float64) (*image.NRGBA, error) {
	if f == 1 {
		return img, nil
	}
	return r.resizeTo(img, px(float64(img.Rect.Dx())*f), px(float64(img.Rect.Dy())*f))
}

func (r *renderer) resizeTo(img *image.NRGBA, w, h int) (*image.NRGBA, error) {
	if err := r.check(w, h); err != nil {
		return nil, err
	}
	if w == img.Rect.Dx() && h == img.Rect.Dy() {
		return img, nil
	}
	// Lanczos for mild resizes; for strong reductions a linear kernel
	// (which imaging widens by the reduction, so it still averages every
	// source pixel) looks the same at a third of the cost.
	filter := imaging.Lanczos
	if img.Rect.Dx() > 3*w && img.Rect.Dy() > 3*h {
		filter = imaging.Linear
	}
	return imaging.Resize(img, w, h, filter), nil
}

// resolve returns the length in pixels of a side of size base, 0 if unset.
func (l Length) resolve(base int) float64 {
	if !l.Set {
		return 0
	}
	if l.Relative {
		return l.Value * float64(base)
	}
	return l.Value
}

// px rounds a size to whole pixels, at least 1.
func px(v float64) int { return max(1, int(math.Round(v))) }

// px0 rounds an offset to whole pixels.
func px0(v float64) int { return int(math.Round(v)) }

// place returns the top-left corner of a w×h box in a W×H area by gravity,
// offset by x, y: from the west/north edges rightwards/downwards, from the
// east/south edges leftwards/upwards, from the centre right/down.
// Detection gravities (auto, face, ...) place as center.
func place(g string, W, H, w, h, x, y int) (int, int) {
	if isDetection(g) || g == "" {
		g = "center"
	}
	left, top := (W-w)/2+x, (H-h)/2+y
	switch {
	case strings.HasSuffix(g, "west"):
		left = x
	case strings.HasSuffix(g, "east"):
		left = W - w - x
	}
	switch {
	case strings.HasPrefix(g, "north"):
		top = y
	case strings.HasPrefix(g, "south"):
		top = H - h - y
	}
	return left, top
}

// orient applies an EXIF orientation.
func orient(img *image.NRGBA, o int) *image.NRGBA {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 90° clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// rotate applies one a_ token: clockwise degrees or a flip. exif and ignore
// act before the first step.
func (r *renderer) rotate(img *image.NRGBA, a Angle) (*image.NRGBA, error) {
	switch a.Mode {
	case "hflip":
		return imaging.FlipH(img), nil
	case "vflip":
		return imaging.FlipV(img), nil
	case "exif", "ignore":
		return img, nil
	}
	d := math.Mod(a.Degrees, 360)
	if d < 0 {
		d += 360
	}
	switch d {
	case 0:
		return img, nil
	case 90:
		return imaging.Rotate270(img), nil
	case 180:
		return imaging.Rotate180(img), nil
	case 270:
		return imaging.Rotate90(img), nil
	}
	rad := d * math.Pi / 180
	W, H := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	nw := int(math.Ceil(math.Abs(W*math.Cos(rad)) + math.Abs(H*math.Sin(rad))))
	nh := int(math.Ceil(math.Abs(W*math.Sin(rad)) + math.Abs(H*math.Cos(rad))))
	if err := r.check(nw, nh); err != nil {
		return nil, err
	}
	return imaging.Rotate(img, -d, color.Transparent), nil
}

// flatten composites img over a solid colour.
func flatten(img *image.NRGBA, c color.NRGBA) *image.NRGBA {
	if opaque(img) {
		return img
	}
	return imaging.Overlay(imaging.New(img.Rect.Dx(), img.Rect.Dy(), c), img, image.Point{}, 1)
}

// opaque reports whether every pixel is fully opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
