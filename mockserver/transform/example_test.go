package transform_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/cldrest/cldrest/mockserver/transform"
)

// Parse a transformation and print its canonical form, the key of a
// derived asset.
func ExampleParse() {
	p, err := transform.Parse("w_100,h_50,c_fill/e_grayscale/f_webp")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.String())

	_, err = transform.Parse("w_abc")
	fmt.Println(err, errors.Is(err, transform.ErrInvalid))

	_, err = transform.Parse("e_cartoonify")
	fmt.Println(err, errors.Is(err, transform.ErrUnsupported))
	// Output:
	// c_fill,h_50,w_100/e_grayscale/f_webp
	// Invalid width in transformation: abc true
	// The cldrest mock server does not support the transformation e_cartoonify true
}

// Render an eager-style thumbnail and read back what a delivery answer
// needs.
func ExampleRender() {
	img := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var src bytes.Buffer
	_ = png.Encode(&src, img)

	plan, _ := transform.Parse("c_fill,h_50,w_100/fl_attachment:thumb")
	res, err := transform.Render(context.Background(), &src, plan, transform.RenderOptions{Format: "jpg"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Width, res.Height, res.Format, res.ContentType, res.Attachment, res.AttachmentName)
	// Output: 100 50 jpg image/jpeg true thumb
}

// Analyze returns the colors and predominant fields of an upload answer.
func ExampleAnalyze() {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			c := color.NRGBA{255, 255, 255, 255}
			if x == 0 {
				c = color.NRGBA{0, 0, 0, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	c := transform.Analyze(img)
	fmt.Println(c.Colors, c.Predominant.Google)
	// Output: [{#FFFFFF 75} {#000000 25}] [{white 75} {black 25}]
}
