package upload_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"testing"

	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/upload"
)

// served GETs a URL the mock answered with and reads its image header.
func served(t *testing.T, u string) transform.Info {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	info, err := transform.DecodeInfo(b)
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return info
}

// TestCreativeActionsAgainstMock: Sprite, Multi, Text and Explode through
// the library return URLs that serve real images of the sizes they report.
func TestCreativeActionsAgainstMock(t *testing.T) {
	e := startMock(t, nil)
	ctx := context.Background()
	for _, size := range []image.Point{{40, 30}, {20, 10}} {
		var b bytes.Buffer
		_ = png.Encode(&b, image.NewGray(image.Rectangle{Max: size}))
		if _, err := e.svc.Upload(ctx, upload.FromBytes(b.Bytes()), &upload.Params{Tags: []string{"icons"}}); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := e.svc.Sprite(ctx, &upload.MultiParams{Tag: "icons"})
	if err != nil {
		t.Fatal(err)
	}
	if info := served(t, sp.ImageURL); info.Width != 40 || info.Height != 40 || len(sp.ImageInfos) != 2 {
		t.Errorf("sprite %+v, infos %v", info, sp.ImageInfos)
	}
	mu, err := e.svc.Multi(ctx, &upload.MultiParams{Tag: "icons"})
	if err != nil {
		t.Fatal(err)
	}
	if info := served(t, mu.URL); info.Format != "gif" || info.Frames != 2 || info.Width != 40 || info.Height != 30 {
		t.Errorf("multi %+v", info)
	}
	tx, err := e.svc.Text(ctx, "Sale", &upload.TextParams{FontFamily: "Verdana", FontSize: 30, FontColor: "#0000FF", FontWeight: "bold"})
	if err != nil {
		t.Fatal(err)
	}
	if info := served(t, tx.SecureURL); info.Format != "png" || info.Width != tx.Width || info.Height != tx.Height || tx.Height < 20 {
		t.Errorf("text %+v, answer %dx%d", info, tx.Width, tx.Height)
	}
	anim := &gif.GIF{}
	for range 3 {
		anim.Image = append(anim.Image, image.NewPaletted(image.Rect(0, 0, 9, 6), []color.Color{color.White, color.Black}))
		anim.Delay = append(anim.Delay, 5)
	}
	var gb bytes.Buffer
	_ = gif.EncodeAll(&gb, anim)
	up, err := e.svc.Upload(ctx, upload.FromBytes(gb.Bytes()), &upload.Params{PublicID: "anim"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := e.svc.Explode(ctx, up.PublicID, &upload.ExplodeParams{Transformation: "pg_all"})
	if err != nil || ex.Status != "processing" {
		t.Fatalf("explode: %+v %v", ex, err)
	}
	if info := served(t, e.m.URL+"/"+e.m.Cloud()+"/image/upload/pg_3/anim.png"); info.Width != 9 || info.Height != 6 || info.Format != "png" {
		t.Errorf("page 3: %+v", info)
	}
}
