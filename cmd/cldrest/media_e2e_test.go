package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

// TestMockRemoteDir runs "cldrest mock --remote-dir DIR": an upload of an
// https:// URL gets the bytes of DIR/<path>, with their size and etag.
func TestMockRemoteDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 33, 21))); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "img", "sample.png"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m := startMockProc(t, "--remote-dir", dir)
	u, err := url.Parse(m.url)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := u.User.Password()
	params := url.Values{"file": {"https://cdn.example.com/img/sample.png"}, "timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}}
	sig, err := signer.Sign(params, secret, signer.SHA1, 1)
	if err != nil {
		t.Fatal(err)
	}
	params.Set("signature", sig)
	params.Set("api_key", u.User.Username())
	resp, err := http.PostForm(m.base+"/v1_1/"+u.Host+"/image/upload", params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Width, Height int
		Bytes         int
		ETag          string
		Placeholder   bool
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	sum := md5.Sum(b.Bytes())
	if got.Width != 33 || got.Height != 21 || got.Bytes != b.Len() || got.ETag != hex.EncodeToString(sum[:]) || got.Placeholder {
		t.Fatalf("uploaded %+v, want the file of --remote-dir", got)
	}
}
