package upload_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"testing"

	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/upload"
)

// TestMultiSpriteDownloadURLsAgainstMock: the mock accepts the signed GET
// of both URLs (mode=download) and serves the sprite sheet and the
// animation it renders from the tagged images.
func TestMultiSpriteDownloadURLsAgainstMock(t *testing.T) {
	e := startMock(t, nil)
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 7, 5))); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.svc.Upload(context.Background(), upload.FromBytes(b.Bytes()), &upload.Params{Tags: []string{"logos"}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		action, format string
		height, frames int
		url            func(*upload.MultiParams) (string, error)
	}{{"sprite", "png", 10, 1, e.svc.SpriteDownloadURL}, {"multi", "gif", 5, 2, e.svc.MultiDownloadURL}} {
		u, err := tc.url(&upload.MultiParams{Tag: "logos"})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		info, err := transform.DecodeInfo(body)
		if resp.StatusCode != 200 || err != nil || info.Format != tc.format || info.Width != 7 || info.Height != tc.height || info.Frames != tc.frames {
			t.Errorf("%s: %d %+v %v", tc.action, resp.StatusCode, info, err)
		}
		j := e.m.Journal()
		if last := j[len(j)-1]; last.Method != "GET" || last.Route != "upload/"+tc.action || last.Params["mode"][0] != "download" {
			t.Errorf("%s: journal %+v, want the signed GET with mode=download", tc.action, last)
		}
	}
}
