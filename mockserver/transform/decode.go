package transform

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// DefaultMaxPixels is the largest source frame and output image, in pixels,
// that Decode and Render accept unless told otherwise (Cloudinary's free
// plan limit).
const DefaultMaxPixels = 25_000_000

// maxInputBytes bounds what Decode reads from its reader.
const maxInputBytes = 200 << 20

// Info is what a file's header says about it.
type Info struct {
	Format        string // png, jpg, gif, webp, bmp or tiff
	Width, Height int    // as stored, before EXIF orientation
	Frames        int    // frames of an animated GIF, else 1
	Orientation   int    // EXIF orientation 1-8 (1 when absent)
}

// Oriented returns the size as displayed, after EXIF orientation: width
// and height swap for the orientations that turn the image a quarter (5-8).
func (i Info) Oriented() (width, height int) {
	if i.Orientation >= 5 && i.Orientation <= 8 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Source is a decoded image: every frame composited to full size (a GIF's
// frames as a viewer shows them), ready for RenderSource. Callers may also
// build one from their own frames, e.g. a sprite sheet they composed, or
// the images of a multi action with Format "gif" to get an animated GIF;
// RenderSource uses Format (the output when the plan names none),
// Orientation, Frames, Delays and Loop.
type Source struct {
	Info
	Frames []image.Image
	Delays []int // per frame, in 1/100 s (GIF only)
	Loop   int   // GIF loop count (0 = forever)
}

// DecodeOptions bounds decoding.
type DecodeOptions struct {
	// MaxPixels is the largest width*height of one frame, and of all the
	// frames of an animation together; 0 means DefaultMaxPixels.
	MaxPixels int
}

func (o DecodeOptions) maxPixels() int {
	if o.MaxPixels > 0 {
		return o.MaxPixels
	}
	return DefaultMaxPixels
}

// DetectFormat names the image format of a file from its leading bytes
// (png, jpg, gif, webp, bmp, tiff), or "" when it is none the engine decodes.
func DetectFormat(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpg"
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 2 && b[0] == 'B' && b[1] == 'M':
		return "bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	}
	return ""
}

// DecodeInfo reads the header of an image: format, stored size, GIF frame
// count and EXIF orientation, without decoding pixels.
func DecodeInfo(b []byte) (Info, error) {
	f := DetectFormat(b)
	if f == "" {
		return Info{}, decodeError("The cldrest mock server cannot render this file: it is not a PNG, JPEG, GIF, WebP, BMP or TIFF image")
	}
	var cfg image.Config
	var err error
	r := bytes.NewReader(b)
	switch f {
	case "png":
		cfg, err = png.DecodeConfig(r)
	case "jpg":
		cfg, err = jpeg.DecodeConfig(r)
	case "gif":
		cfg, err = gif.DecodeConfig(r)
	case "webp":
		cfg, err = webp.DecodeConfig(r)
	case "bmp":
		cfg, err = bmp.DecodeConfig(r)
	case "tiff":
		cfg, err = tiff.DecodeConfig(r)
	}
	if err != nil {
		return Info{}, decodeError("Invalid image file: %s header: %v", f, err)
	}
	info := Info{Format: f, Width: cfg.Width, Height: cfg.Height, Frames: 1, Orientation: 1}
	switch f {
	case "gif":
		n, _, err := gifFrames(b)
		if err != nil {
			return Info{}, decodeError("Invalid image file: gif: %v", err)
		}
		info.Frames = max(n, 1)
	case "jpg":
		info.Orientation = jpegOrientation(b)
	}
	return info, nil
}

// Decode reads and decodes an image, refusing sources over the pixel limit
// before allocating them.
func Decode(r io.Reader, opts DecodeOptions) (*Source, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInputBytes {
		return nil, decodeError("Image file larger than %d MB", maxInputBytes>>20)
	}
	return decodeBytes(b, opts)
}

func decodeBytes(b []byte, opts DecodeOptions) (*Source, error) {
	info, err := DecodeInfo(b)
	if err != nil {
		return nil, err
	}
	limit := opts.maxPixels()
	if info.Width <= 0 || info.Height <= 0 {
		return nil, decodeError("Invalid image file: %s of %dx%d", info.Format, info.Width, info.Height)
	}
	if info.Width*info.Height > limit || info.Width > maxLength || info.Height > maxLength {
		return nil, tooLarge(info.Width, info.Height, limit)
	}
	src := &Source{Info: info}
	r := bytes.NewReader(b)
	var img image.Image
	switch info.Format {
	case "gif":
		// Every frame is composited to full size: bound the total.
		_, pixels, _ := gifFrames(b)
		if pixels > limit || info.Frames*info.Width*info.Height > limit {
			return nil, newError(ErrTooLarge, "", fmt.Sprintf("Animated GIF of %d frames of %dx%d exceeds the cldrest mock's limit of %d pixels for all frames together", info.Frames, info.Width, info.Height, limit))
		}
		g, err := gif.DecodeAll(r)
		if err != nil {
			return nil, decodeError("Invalid image file: gif: %v", err)
		}
		src.Frames, src.Delays, src.Loop = compositeGIF(g), g.Delay, g.LoopCount
		src.Info.Frames = len(src.Frames)
		return src, nil
	case "png":
		img, err = png.Decode(r)
	case "jpg":
		img, err = jpeg.Decode(r)
	case "webp":
		img, err = webp.Decode(r)
	case "bmp":
		img, err = bmp.Decode(r)
	case "tiff":
		img, err = tiff.Decode(r)
	}
	if err != nil {
		return nil, decodeError("Invalid image file: %s: %v", info.Format, err)
	}
	src.Frames = []image.Image{img}
	return src, nil
}

// compositeGIF draws each frame over what the previous disposal left, so
// every frame is a full picture.
func compositeGIF(g *gif.GIF) []image.Image {
	w, h := g.Config.Width, g.Config.Height
	if w == 0 || h == 0 {
		if len(g.Image) > 0 {
			b := g.Image[0].Bounds()
			w, h = b.Max.X, b.Max.Y
		}
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, w, h))
	out := make([]image.Image, 0, len(g.Image))
	for i, fr := range g.Image {
		var saved *image.NRGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			saved = image.NewNRGBA(canvas.Rect)
			copy(saved.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		frame := image.NewNRGBA(canvas.Rect)
		copy(frame.Pix, canvas.Pix)
		out = append(out, frame)
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = saved
		}
	}
	return out
}

// gifFrames walks a GIF's blocks without decoding pixels: the number of
// frames and their total area, so that a tiny file promising thousands of
// huge frames is refused before it is decoded.
func gifFrames(b []byte) (frames, pixels int, err error) {
	if len(b) < 13 {
		return 0, 0, io.ErrUnexpectedEOF
	}
	p := 13
	if b[10]&0x80 != 0 {
		p += 3 << (int(b[10]&7) + 1)
	}
	skipSub := func() error {
		for {
			if p >= len(b) {
				return io.ErrUnexpectedEOF
			}
			n := int(b[p])
			p++
			if n == 0 {
				return nil
			}
			p += n
		}
	}
	for p < len(b) {
		switch b[p] {
		case 0x21: // extension
			p += 2
			if err := skipSub(); err != nil {
				return frames, pixels, err
			}
		case 0x2C: // image descriptor
			if p+10 > len(b) {
				return frames, pixels, io.ErrUnexpectedEOF
			}
			w := int(binary.LittleEndian.Uint16(b[p+5:]))
			h := int(binary.LittleEndian.Uint16(b[p+7:]))
			flags := b[p+9]
			p += 10
			if flags&0x80 != 0 {
				p += 3 << (int(flags&7) + 1)
			}
			p++ // LZW minimum code size
			if err := skipSub(); err != nil {
				return frames, pixels, err
			}
			frames++
			pixels += w * h
		case 0x3B: // trailer
			return frames, pixels, nil
		default:
			return frames, pixels, nil
		}
	}
	return frames, pixels, nil
}

// jpegOrientation reads the EXIF orientation tag (0x0112) from a JPEG's
// APP1 segment; 1 when there is none.
func jpegOrientation(b []byte) int {
	p := 2
	for p+4 <= len(b) && b[p] == 0xFF {
		marker := b[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(b[p+2:]))
		if n < 2 || p+2+n > len(b) {
			break
		}
		seg := b[p+4 : p+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from the first IFD of a TIFF header.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			v := int(bo.Uint16(t[e+8:]))
			if v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}
