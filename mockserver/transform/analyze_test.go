package transform

import (
	"encoding/json"
	"image"
	"image/color"
	"reflect"
	"regexp"
	"testing"

	"github.com/disintegration/imaging"
)

func TestAnalyzeTwoColours(t *testing.T) {
	// 3/4 red on top, 1/4 blue below.
	img := image.NewNRGBA(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			c := red
			if y >= 75 {
				c = blue
			}
			img.SetNRGBA(x, y, c)
		}
	}
	got := Analyze(img)
	want := Colors{
		Colors: []ColorShare{{"#FF0000", 75}, {"#0000FF", 25}},
		Predominant: Predominant{
			Google:     []ColorShare{{"red", 75}, {"blue", 25}},
			Cloudinary: []ColorShare{{"red", 75}, {"blue", 25}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Analyze = %+v", got)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"colors":[["#FF0000",75],["#0000FF",25]],"predominant":{"google":[["red",75],["blue",25]],"cloudinary":[["red",75],["blue",25]]}}`
	if string(b) != wantJSON {
		t.Fatalf("JSON %s", b)
	}
	var back Colors
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, got) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`[["#FFFFFF"]]`), &[]ColorShare{}); err == nil {
		t.Fatal("a one-element colour share decoded")
	}
}

func TestAnalyzeShares(t *testing.T) {
	// Shares have one decimal and add up to about 100; close colours group.
	img := gradient(300, 200)
	got := Analyze(img)
	if len(got.Colors) == 0 || len(got.Colors) > 32 {
		t.Fatalf("%d colours", len(got.Colors))
	}
	hex := regexp.MustCompile(`^#[0-9A-F]{6}$`)
	prev := 101.0
	for _, c := range got.Colors {
		if !hex.MatchString(c.Color) || c.Share <= 0 || c.Share > prev || c.Share*10 != float64(int(c.Share*10+0.5)) {
			t.Fatalf("colour %+v after share %v", c, prev)
		}
		prev = c.Share
	}
	sum := 0.0
	for _, c := range got.Predominant.Google {
		sum += c.Share
	}
	if sum < 99 || sum > 101 {
		t.Fatalf("predominant shares add up to %v", sum)
	}
	// Transparent pixels are not counted; a fully transparent image has
	// empty lists (JSON arrays, not null).
	empty := Analyze(solid(10, 10, transparent))
	b, _ := json.Marshal(empty)
	if string(b) != `{"colors":[],"predominant":{"google":[],"cloudinary":[]}}` {
		t.Fatalf("transparent: %s", b)
	}
	half := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	for y := 0; y < 5; y++ {
		for x := 0; x < 10; x++ {
			half.SetNRGBA(x, y, green)
		}
	}
	if got := Analyze(half); len(got.Colors) != 1 || got.Colors[0] != (ColorShare{"#00FF00", 100}) {
		t.Fatalf("half transparent: %+v", got.Colors)
	}
	// Large images are sampled, with the same answer for flat colours.
	if got := Analyze(solid(2000, 1000, color.NRGBA{10, 20, 30, 255})); got.Colors[0] != (ColorShare{"#0A141E", 100}) || got.Predominant.Google[0].Color != "black" {
		t.Fatalf("sampled: %+v", got)
	}
}

func TestPHash(t *testing.T) {
	img := gradient(200, 150)
	h1, err := PHash(img)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := PHash(imaging.Clone(img))
	if h1 != h2 {
		t.Fatalf("phash unstable: %s %s", h1, h2)
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(h1) {
		t.Fatalf("phash %q is not 16 hex digits", h1)
	}
	other, _ := PHash(imaging.Rotate90(img))
	if other == h1 {
		t.Fatal("a rotated image has the same phash")
	}
	// A resized copy stays close (the point of a perceptual hash).
	small, _ := PHash(imaging.Resize(img, 100, 75, imaging.Lanczos))
	if d := hamming(h1, small); d > 6 {
		t.Fatalf("resized copy differs in %d bits", d)
	}
}

func hamming(a, b string) int {
	var x, y uint64
	for i := 0; i < 16; i++ {
		x = x<<4 | uint64(hexVal(a[i]))
		y = y<<4 | uint64(hexVal(b[i]))
	}
	n := 0
	for v := x ^ y; v != 0; v &= v - 1 {
		n++
	}
	return n
}

func hexVal(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}
