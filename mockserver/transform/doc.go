// Package transform is the cldrest mock's media engine: it parses
// Cloudinary's transformation language into a typed Plan and renders the
// common subset on real pixels, in pure Go (no cgo), so that the mock's
// delivery URLs, eager and derived assets and creative actions return real
// images of the sizes and formats Cloudinary would.
//
//	plan, err := transform.Parse("c_fill,g_south,h_50,w_100/e_grayscale/f_webp")
//	res, err := transform.Render(ctx, file, plan, transform.RenderOptions{Accept: r.Header.Get("Accept")})
//	// res.Bytes, res.ContentType, res.Width, res.Height, res.Attachment
//
// Plan.String is the canonical form (parameters sorted within each
// component, as the SDKs write them) that keys derived assets. Errors are
// *Error values naming the parameter ("Invalid width in transformation:
// abc", "Invalid transformation component - foo_bar", "The cldrest mock
// server does not support the transformation e_cartoonify"), matchable with
// errors.Is against ErrInvalid (Cloudinary rejects it too), ErrUnsupported
// (valid, but not rendered here), ErrTooLarge and ErrDecode. A server
// answers all of them with 400 and X-Cld-Error; nothing falls back to the
// original silently.
//
// # Rendered
//
//   - w_, h_: pixels, or a fraction of the current size when written with a
//     decimal point (w_0.5 halves, w_1.0 keeps).
//   - c_scale (both sides given: exact, aspect not kept), c_fit, c_limit
//     (fit, never upscales), c_mfit (fit, never downscales), c_fill,
//     c_lfill (fill, never upscales: a smaller image is only cropped),
//     c_pad, c_lpad (pad, never upscales: a smaller image is padded to the
//     size), c_crop (a region of the current image, with x_/y_ and g_, then
//     scaled by dpr_), c_thumb (as fill). w_/h_ without c_ scale.
//   - ar_ (16:9 or 1.5): with one side it gives the other; alone it crops
//     (fill, lfill, crop, thumb) to the largest region, pads (pad, lpad) to
//     the smallest canvas, or scales the height.
//   - g_: the compass gravities and xy_center (c_crop). Detection
//     gravities (auto, auto:<...>, face, faces, adv_face(s), adv_eyes,
//     body, custom, ocr_text) fall back to center: the mock detects nothing.
//     g_auto with a mode other than crop, fill, lfill or thumb is refused as
//     Cloudinary refuses it.
//   - x_, y_ (pixels or fractions) with c_crop and text layers.
//   - dpr_<number> multiplies the requested size.
//   - a_<degrees> clockwise (90/180/270 exactly, other angles grow the
//     canvas with transparent corners), a_hflip, a_vflip, "."-combined;
//     EXIF orientation (JPEG) is applied before the first step unless a step
//     has a_ignore (a_exif states the default).
//   - e_grayscale, e_negate, e_sepia[:1-100], e_blur[:1-2000],
//     e_brightness[:-99-100], e_contrast[:-100-100],
//     e_saturation[:-100-100], e_sharpen[:1-2000], e_pixelate[:1-200].
//   - b_: pad canvas colour (transparent by default), and the background
//     that fills transparency in other components. Colours: the CSS/SVG
//     names, transparent, rgb:RGB, rgb:RGBA, rgb:RRGGBB, rgb:RRGGBBAA and
//     #... (canonicalised to rgb:).
//   - o_<0-100> opacity.
//   - r_<n>, r_<tl>:<tr>:<br>:<bl> (CSS shorthands), r_max (an ellipse):
//     pixels outside the corners become transparent.
//   - bo_<n>px_solid_<colour>: a frame around the image (it grows by 2n),
//     following r_ when both are given.
//   - q_<1-100>, q_auto[:good|best|eco|low] (80, 80, 90, 70, 60); 80 by
//     default. JPEG and WebP use it.
//   - f_png, f_jpg (jpeg, jpe), f_gif, f_webp, f_bmp, f_tiff (tif), and
//     f_auto: WebP when the Accept header names image/webp, else GIF for an
//     animation, PNG with transparency, JPEG otherwise. Without f_ the
//     delivery extension (RenderOptions.Format) or the source format is
//     kept. JPEG output puts transparency on white.
//   - fl_attachment[:name] (reported in Result for Content-Disposition),
//     fl_layer_apply; fl_progressive, fl_lossy, fl_strip_profile,
//     fl_preserve_transparency, fl_immutable_cache, fl_force_strip,
//     fl_keep_iptc and fl_keep_attribution change no pixel and are accepted.
//   - pg_<n>: the frame of a multi-frame GIF. An animated GIF rendered to
//     GIF without pg_ keeps all its frames, each transformed.
//   - l_text:<family>_<size>[_bold][_italic][_normal]:<text> with co_
//     (text colour, black by default), b_ (box behind the text), o_, and
//     g_/x_/y_ placement, either in the layer's own component or in a
//     following fl_layer_apply component. Families render with the Go fonts
//     (golang.org/x/image/font/gofont): names containing mono, courier,
//     consolas, menlo, monaco or inconsolata with Go Mono, all others with
//     Go (sans-serif). The text is percent-decoded once more after the URL
//     path's own decoding (Cloudinary's double escaping of "," and "/");
//     "\n" breaks lines.
//   - t_<name>[.<name>]: named transformations, resolved by the lookup given
//     with WithNamed and applied before the rest of their component.
//
// Within one component the order is: resize/crop, effect, opacity, radius,
// border, rotation, background; a text layer is drawn on the image as it
// stands after the previous component.
//
// # Refused
//
// ErrUnsupported: variables ($x_...), conditionals (if_), arithmetic
// expressions and automatic sizes (w_iw_div_2, w_auto, dpr_auto), image,
// video and subtitle layers, underlays (u_), content-aware crops (fill_pad,
// auto, auto_pad, imagga_*, mpad), b_auto/b_blurred/b_gen_fill, other
// effects and flags, video and audio parameters, page ranges, text styles
// beyond bold/italic, q_ with subsampling, formats other than the six above
// (avif, heic, pdf, svg, ...), and x_/y_ outside c_crop and text layers.
// Sources other than PNG, JPEG, GIF, WebP (still), BMP and TIFF are
// ErrDecode.
//
// # Limits
//
// Sources, intermediate images and outputs are bounded by
// RenderOptions.MaxPixels (DefaultMaxPixels, 25 megapixels), checked
// before anything that size is allocated; the frames of an animated GIF
// count together. A GIF's frame count and sizes are read from its blocks
// before it is decoded.
//
// # Analysis
//
// Analyze returns Cloudinary's colors/predominant shapes computed from the
// pixels, PHash a 64-bit perceptual hash, DecodeInfo a file's format, size,
// frame count and EXIF orientation without decoding it, and TextImage the
// image of a text alone (the text creative action).
package transform
