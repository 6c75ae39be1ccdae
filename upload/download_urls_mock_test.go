package upload_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/upload"
)

// TestMultiSpriteDownloadURLsAgainstMock: the mock accepts the signed GET
// of both URLs (mode=download) and answers the clear 400 of an action it
// does not render, never a 404.
func TestMultiSpriteDownloadURLsAgainstMock(t *testing.T) {
	e := startMock(t, nil)
	for _, tc := range []struct {
		action string
		url    func(*upload.MultiParams) (string, error)
	}{{"sprite", e.svc.SpriteDownloadURL}, {"multi", e.svc.MultiDownloadURL}} {
		u, err := tc.url(&upload.MultiParams{Tag: "logos"})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(b, &body)
		if resp.StatusCode != 400 || !strings.Contains(body.Error.Message, "does not support the "+tc.action+" action") {
			t.Errorf("%s: %d %s", tc.action, resp.StatusCode, b)
		}
		j := e.m.Journal()
		if last := j[len(j)-1]; last.Method != "GET" || last.Route != "upload/"+tc.action || last.Params["mode"][0] != "download" {
			t.Errorf("%s: journal %+v, want the signed GET with mode=download", tc.action, last)
		}
	}
}
