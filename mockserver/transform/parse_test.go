package transform

import (
	"errors"
	"image/color"
	"reflect"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"w_100,h_50,c_fill", "c_fill,h_50,w_100"},
		{"c_fill,h_50,w_100", "c_fill,h_50,w_100"},
		{"w_0.5", "w_0.5"},
		{"w_1.", "w_1.0"},
		{"w_.25,h_1.5", "h_1.5,w_0.25"},
		{"w_0100", "w_100"},
		{"c_pad,b_rgb:FF0000,h_10,w_10", "b_rgb:ff0000,c_pad,h_10,w_10"},
		{"b_#abc,c_pad,w_5", "b_rgb:abc,c_pad,w_5"},
		{"b_#ABCDEF80,c_pad,w_5", "b_rgb:abcdef80,c_pad,w_5"},
		{"b_Red,c_lpad,w_5", "b_red,c_lpad,w_5"},
		{"ar_16:9,c_fill,w_400", "ar_16:9,c_fill,w_400"},
		{"ar_1.5,c_crop", "ar_1.5,c_crop"},
		{"ar_2,c_crop", "ar_2.0,c_crop"},
		{"dpr_2,w_100", "dpr_2.0,w_100"},
		{"dpr_1.5,w_100", "dpr_1.5,w_100"},
		{"a_90", "a_90"},
		{"a_-45", "a_-45"},
		{"a_hflip.90", "a_hflip.90"},
		{"a_exif", "a_exif"},
		{"e_blur:300", "e_blur:300"},
		{"e_grayscale", "e_grayscale"},
		{"e_brightness:-50", "e_brightness:-50"},
		{"r_max", "r_max"},
		{"r_10:20:30:40", "r_10:20:30:40"},
		{"bo_4px_solid_black", "bo_4px_solid_black"},
		{"bo_2px_solid_rgb:00FF00", "bo_2px_solid_rgb:00ff00"},
		{"q_auto:good", "q_auto:good"},
		{"q_75,f_jpg", "f_jpg,q_75"},
		{"f_auto,q_auto", "f_auto,q_auto"},
		{"fl_attachment:my_file", "fl_attachment:my_file"},
		{"fl_attachment.progressive", "fl_attachment.progressive"},
		{"pg_2", "pg_2"},
		{"o_50", "o_50"},
		{"g_face,c_thumb,w_100,h_100", "c_thumb,g_face,h_100,w_100"},
		{"g_auto:subject,c_fill,w_100,h_100", "c_fill,g_auto:subject,h_100,w_100"},
		{"c_crop,g_north_west,x_10,y_-20,w_50,h_50", "c_crop,g_north_west,h_50,w_50,x_10,y_-20"},
		{"c_crop,g_xy_center,x_0.5,y_0.5,w_10", "c_crop,g_xy_center,w_10,x_0.5,y_0.5"},
		{"w_100//h_50/", "w_100/h_50"},
		{"w_100,,h_50", "h_50,w_100"},
		{"l_text:Arial_40_bold:Hello%20World,co_red,g_south,y_10", "co_red,g_south,l_text:Arial_40_bold:Hello%20World,y_10"},
		{"l_text:Open%20Sans_12_italic_bold:a%2Cb", "l_text:Open%20Sans_12_bold_italic:a%2Cb"},
		{"l_text:Arial_10:Hello World", "l_text:Arial_10:Hello%20World"},
		{"l_text:Arial_40_normal:x", "l_text:Arial_40:x"},
		// A "%" that starts no escape is text, as the SDKs write "50%" ("50%25" in the URL).
		{"l_text:Arial_20:50% %zz%2C", "l_text:Arial_20:50%25%20%25zz%2C"},
		{"l_text:Arial_20:Hi/fl_layer_apply,g_north_east,x_5", "l_text:Arial_20:Hi/fl_layer_apply,g_north_east,x_5"},
		{"c_scale,w_200/e_sepia:50/a_180/f_png", "c_scale,w_200/e_sepia:50/a_180/f_png"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := p.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			again, err := Parse(p.String())
			if err != nil {
				t.Fatalf("reparse %q: %v", p.String(), err)
			}
			if !reflect.DeepEqual(again, p) {
				t.Fatalf("reparse differs:\n%#v\n%#v", again, p)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	p, err := Parse("c_fill,g_south_east,h_0.25,w_100,dpr_2/bo_3px_solid_rgb:ff000080/e_pixelate:7,q_auto:eco/l_text:Courier_18_bold:a%3Ab,co_blue")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 4 {
		t.Fatalf("%d steps", len(p.Steps))
	}
	s := p.Steps[0]
	if s.Crop != "fill" || s.Gravity != "south_east" || s.DPR != 2 {
		t.Fatalf("step 0: %+v", s)
	}
	if s.Width != (Length{Value: 100, Set: true}) || s.Height != (Length{Value: 0.25, Relative: true, Set: true}) {
		t.Fatalf("lengths: %+v %+v", s.Width, s.Height)
	}
	if b := p.Steps[1].Border; b == nil || b.Width != 3 || b.Color.Value != (color.NRGBA{255, 0, 0, 128}) {
		t.Fatalf("border: %+v", b)
	}
	if e := p.Steps[2].Effect; e == nil || e.Name != "pixelate" || e.Level != 7 || !e.HasLevel {
		t.Fatalf("effect: %+v", e)
	}
	if q := p.Steps[2].Quality; q == nil || q.Auto != "auto:eco" {
		t.Fatalf("quality: %+v", q)
	}
	l := p.Steps[3].Layer
	if l == nil || l.Family != "Courier" || l.Size != 18 || !l.Bold || l.Italic || l.Text != "a:b" {
		t.Fatalf("layer: %+v", l)
	}
	if c := p.Steps[3].Color; c == nil || c.Value != (color.NRGBA{0, 0, 255, 255}) {
		t.Fatalf("co_: %+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in    string
		kind  error
		param string
		msg   string // substring of the message
	}{
		{"w_abc", ErrInvalid, "w_abc", "Invalid width in transformation: abc"},
		{"h_0", ErrInvalid, "h_0", "Invalid height in transformation: 0"},
		{"w_-5", ErrInvalid, "w_-5", "Invalid width"},
		{"w_1e5", ErrInvalid, "w_1e5", "Invalid width"},
		{"w_NaN", ErrInvalid, "w_NaN", "Invalid width"},
		{"w_500.0", ErrInvalid, "w_500.0", "Invalid width"},
		{"foo_bar", ErrInvalid, "foo_bar", "Invalid transformation component - foo_bar"},
		{"w100", ErrInvalid, "w100", "Invalid transformation component - w100"},
		{"w_", ErrInvalid, "w_", "Invalid transformation component - w_"},
		{"w_100,w_200", ErrInvalid, "w_200", "given twice"},
		{"c_stretch", ErrInvalid, "c_stretch", "Invalid crop mode in transformation: stretch"},
		{"g_middle", ErrInvalid, "g_middle", "Invalid gravity in transformation: middle"},
		{"g_auto,c_scale,w_10", ErrInvalid, "g_auto", "Use auto gravity only with crop, fill, lfill, fill_pad or thumb"},
		{"g_auto,w_10", ErrInvalid, "g_auto", "Use auto gravity only"},
		{"ar_0", ErrInvalid, "ar_0", "Invalid aspect ratio"},
		{"ar_16:", ErrInvalid, "ar_16:", "Invalid aspect ratio"},
		{"a_abc", ErrInvalid, "a_abc", "Invalid angle in transformation: abc"},
		{"a_45.90", ErrInvalid, "a_45.90", "Invalid angle"},
		{"e_blur:5000", ErrInvalid, "e_blur:5000", "e_blur takes 1 to 2000"},
		{"e_grayscale:3", ErrInvalid, "e_grayscale:3", "Invalid effect"},
		{"b_notacolor,c_pad,w_5", ErrInvalid, "b_notacolor", "Invalid color in transformation: notacolor"},
		{"co_rgb:12345", ErrInvalid, "co_rgb:12345", "Invalid color"},
		{"bo_3_solid_red", ErrInvalid, "bo_3_solid_red", "Invalid border"},
		{"bo_3px_dashed_red", ErrInvalid, "bo_3px_dashed_red", "Invalid border"},
		{"r_-1", ErrInvalid, "r_-1", "Invalid radius"},
		{"r_1:2:3:4:5", ErrInvalid, "r_1:2:3:4:5", "Invalid radius"},
		{"q_0", ErrInvalid, "q_0", "Invalid quality in transformation: 0"},
		{"q_101", ErrInvalid, "q_101", "Invalid quality"},
		{"f_xyz", ErrInvalid, "f_xyz", "Invalid format in transformation: xyz"},
		{"pg_0", ErrInvalid, "pg_0", "Invalid page"},
		{"o_101", ErrInvalid, "o_101", "Invalid opacity"},
		{"dpr_0", ErrInvalid, "dpr_0", "Invalid dpr"},
		{"fl_Bad", ErrInvalid, "fl_Bad", "Invalid flag"},
		{"l_text:Arial:Hello", ErrInvalid, "l_text:Arial:Hello", "Invalid text layer"},
		{"l_text:Arial_x:Hello", ErrInvalid, "l_text:Arial_x:Hello", "Invalid font size in transformation: x"},
		{"l_text:Arial_20:", ErrInvalid, "l_text:Arial_20:", "Invalid text layer"},
		{"fl_layer_apply", ErrInvalid, "fl_layer_apply", "without a layer"},
		{"w_10/fl_layer_apply,g_north", ErrInvalid, "fl_layer_apply", "without a layer"},
		{"t_missing", ErrInvalid, "t_missing", "Transformation missing not found"},

		{"$w_100", ErrUnsupported, "$w_100", "transformation variables"},
		{"w_$w", ErrUnsupported, "w_$w", "expressions"},
		{"if_w_gt_100/c_scale,w_100/if_end", ErrUnsupported, "if_w_gt_100", "conditional"},
		{"w_iw_div_2", ErrUnsupported, "w_iw_div_2", "expressions"},
		{"w_auto", ErrUnsupported, "w_auto", "automatic sizes"},
		{"dpr_auto", ErrUnsupported, "dpr_auto", "dpr_auto"},
		{"e_cartoonify", ErrUnsupported, "e_cartoonify", "does not support the transformation e_cartoonify"},
		{"e_pixelate_faces", ErrUnsupported, "e_pixelate_faces", "e_pixelate_faces"},
		{"c_fill_pad,g_auto,w_10,h_10", ErrUnsupported, "c_fill_pad", "content-aware"},
		{"c_imagga_crop", ErrUnsupported, "c_imagga_crop", "content-aware"},
		{"f_avif", ErrUnsupported, "f_avif", "the mock encodes png, jpg, gif, webp, bmp and tiff"},
		{"l_sample", ErrUnsupported, "l_sample", "image, video and subtitle layers"},
		{"u_sample", ErrUnsupported, "u_sample", "underlays"},
		{"so_2", ErrUnsupported, "so_2", "video start offset"},
		{"b_auto,c_pad,w_5", ErrUnsupported, "b_auto", "content-aware backgrounds"},
		{"q_80:420", ErrUnsupported, "q_80:420", "subsampling"},
		{"q_jpegmini", ErrUnsupported, "q_jpegmini", ""},
		{"pg_2-4", ErrUnsupported, "pg_2-4", "page ranges"},
		{"fl_ignore_aspect_ratio", ErrUnsupported, "fl_ignore_aspect_ratio", "flag ignore_aspect_ratio"},
		{"a_auto_right", ErrUnsupported, "a_auto_right", "automatic rotation"},
		{"x_10,w_10", ErrUnsupported, "x_10", "with c_crop and text layers only"},
		{"g_xy_center,c_fill,w_10", ErrUnsupported, "g_xy_center", "c_crop only"},
		{"l_text:Arial_20_underline:Hi", ErrUnsupported, "l_text:Arial_20_underline:Hi", "text style underline"},
		{"l_text:Arial_20:Hi,w_100", ErrUnsupported, "w_100", "parameters of a text layer"},
		{"l_text:Arial_20:Hi,g_north/fl_layer_apply,g_south", ErrUnsupported, "l_text:Arial_20:Hi", "not both"},
		{"l_text:Arial_20:Hi/e_blur/fl_layer_apply", ErrUnsupported, "fl_layer_apply", "between l_text and fl_layer_apply"},
		{"fl_layer_apply,w_100,l_text:Arial_20:Hi", ErrInvalid, "fl_layer_apply", "belongs in the component after the layer"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", tc.in)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %q is not %v", err, tc.kind)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Param != tc.param {
				t.Fatalf("Param = %q, want %q (%s)", e.Param, tc.param, e.Msg)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("message %q lacks %q", e.Msg, tc.msg)
			}
			if strings.Contains(e.Msg, "\n") {
				t.Fatalf("message is not one line: %q", e.Msg)
			}
		})
	}
}

func TestParseNamed(t *testing.T) {
	named := map[string]string{
		"thumb":  "c_fill,g_face,h_100,w_100",
		"gray":   "e_grayscale",
		"both":   "t_thumb/t_gray",
		"loop":   "t_loop2",
		"loop2":  "w_10/t_loop",
		"broken": "w_abc",
	}
	lookup := WithNamed(func(n string) (string, bool) { s, ok := named[n]; return s, ok })

	p, err := Parse("t_thumb/e_sepia", lookup)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "t_thumb/e_sepia" {
		t.Fatalf("String() = %q: the canonical form keeps the name", got)
	}
	flat := p.Flatten()
	if len(flat) != 2 || flat[0].Crop != "fill" || flat[0].Width.Value != 100 || flat[1].Effect.Name != "sepia" {
		t.Fatalf("Flatten() = %+v", flat)
	}

	// Several names in one parameter, with other parameters: the names
	// apply first.
	p, err = Parse("t_thumb.gray,a_90", lookup)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "a_90,t_thumb.gray" {
		t.Fatalf("String() = %q", got)
	}
	flat = p.Flatten()
	if len(flat) != 3 || flat[0].Crop != "fill" || flat[1].Effect.Name != "grayscale" || flat[2].Angle[0].Degrees != 90 || len(flat[2].Named) != 0 {
		t.Fatalf("Flatten() = %+v", flat)
	}

	// Nested names expand fully.
	p, err = Parse("t_both", lookup)
	if err != nil {
		t.Fatal(err)
	}
	if flat := p.Flatten(); len(flat) != 2 || flat[1].Effect == nil {
		t.Fatalf("nested Flatten() = %+v", flat)
	}

	for in, want := range map[string]string{
		"t_loop":   "refers to itself",
		"t_broken": "Invalid width in transformation: abc (in named transformation broken)",
		"t_nope":   "Transformation nope not found",
		"t_thumb.": "Invalid transformation component - t_thumb.",
	} {
		_, err := Parse(in, lookup)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}

	// Deep chains stop at maxNamedDepth.
	deep := map[string]string{}
	for i := 0; i < 20; i++ {
		deep[string(rune('a'+i))] = "t_" + string(rune('a'+i+1))
	}
	deep[string(rune('a'+20))] = "w_1"
	_, err = Parse("t_a", WithNamed(func(n string) (string, bool) { s, ok := deep[n]; return s, ok }))
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("deep chain: %v", err)
	}
}
