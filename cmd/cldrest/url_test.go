package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/upload"
)

// cldrest url prints what package delivery builds (whose output the
// delivery tests compare with the Node.js SDK's); these check the flags map
// onto it, the configuration comes from CLOUDINARY_URL, and bad input is a
// one-line usage error.
func TestURLCommand(t *testing.T) {
	clearCloudinaryEnv(t)
	t.Setenv("CLOUDINARY_URL", "cloudinary://123456:"+cmdCanary+"@demo")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sample"}, "https://res.cloudinary.com/demo/image/upload/sample"},
		{[]string{"folder/sample", "-t", "c_fill,g_auto,h_200,w_300", "-t", "e_sepia", "--format", "webp"},
			"https://res.cloudinary.com/demo/image/upload/c_fill,g_auto,h_200,w_300/e_sepia/v1/folder/sample.webp"},
		{[]string{"folder/sample", "--force-version=false", "-t", "a_90/e_blur"}, "https://res.cloudinary.com/demo/image/upload/a_90/e_blur/folder/sample"},
		{[]string{"dog", "--resource-type", "video", "--type", "private", "-f", "mp4", "--version", "12"}, "https://res.cloudinary.com/demo/video/private/v12/dog.mp4"},
		{[]string{"my pic+1?.jpg", "--secure=false"}, "http://res.cloudinary.com/demo/image/upload/my%20pic%2B1%3F.jpg"},
		{[]string{"x", "--secure=false", "--cname", "media.example.com", "--cdn-subdomain"}, "http://a4.media.example.com/demo/image/upload/x"},
		{[]string{"x", "--private-cdn"}, "https://demo-res.cloudinary.com/image/upload/x"},
		{[]string{"x", "--secure-distribution", "cdn.example.com", "--private-cdn"}, "https://cdn.example.com/image/upload/x"},
		{[]string{"x", "--shorten"}, "https://res.cloudinary.com/demo/iu/x"},
		{[]string{"x", "--use-root-path", "-f", "png"}, "https://res.cloudinary.com/demo/x.png"},
		{[]string{"x", "--url-suffix", "nice-name", "-f", "jpg", "--type", "private"}, "https://res.cloudinary.com/demo/private_images/x/nice-name.jpg"},
		{[]string{"https://example.com/cat.png", "--type", "fetch", "-t", "w_400", "-f", "webp"}, "https://res.cloudinary.com/demo/image/fetch/f_webp,w_400/https://example.com/cat.png"},
		{[]string{"https://example.com/cat.png"}, "https://example.com/cat.png"},
		{[]string{"https://example.com/cat.png", "--type", "upload"}, "https://res.cloudinary.com/demo/image/upload/https://example.com/cat.png"},
	}
	for _, tc := range tests {
		stdout, stderr, code := cli(t, "", append([]string{"url"}, tc.args...)...)
		if code != 0 || stdout != tc.want+"\n" || stderr != "" {
			t.Errorf("cldrest url %q: exit %d\n got %q\nwant %q\n%s", tc.args, code, stdout, tc.want, stderr)
		}
	}
	// Signed and tokened URLs: the signature and token are the library's.
	stdout, _, code := cli(t, "", "url", "--type", "authenticated", "--sign", "sample.jpg")
	if code != 0 || !strings.HasPrefix(stdout, "https://res.cloudinary.com/demo/image/authenticated/s--") || len(strings.Split(stdout, "--")[1]) != 8 {
		t.Errorf("--sign: %d %q", code, stdout)
	}
	stdout, _, code = cli(t, "", "url", "--type", "authenticated", "--long-signature", "sample.jpg")
	if code != 0 || len(strings.Split(stdout, "--")[1]) != 32 {
		t.Errorf("--long-signature: %d %q", code, stdout)
	}
	stdout, _, code = cli(t, "", "url", "--cloud", "test123", "--type", "authenticated", "--token-key", "00112233FF99", "--token-start", "11111111", "--token-duration", "5m", "--version", "1486020273", "sample.jpg")
	// Spec vector E5.
	if want := "https://res.cloudinary.com/test123/image/authenticated/v1486020273/sample.jpg?__cld_token__=st=11111111~exp=11111411~hmac=9bd6f41e2a5893da8343dc8eb648de8bf73771993a6d1457d49851250caf3b80\n"; code != 0 || stdout != want {
		t.Errorf("token: %d %q", code, stdout)
	}
	stdout, _, code = cli(t, "", "url", "--type", "authenticated", "--token-key", "00112233FF99", "--token-expiration", "1700000000",
		"--token-acl", "/demo/image/authenticated/*", "--token-ip", "10.0.0.1", "x")
	if code != 0 || !strings.Contains(stdout, "__cld_token__=ip=10.0.0.1~exp=1700000000~acl=%2fdemo%2fimage%2fauthenticated%2f*~hmac=") {
		t.Errorf("token acl: %d %q", code, stdout)
	}
	noCanary(t, stdout)

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{}, "exactly one PUBLIC_ID"},
		{[]string{"a", "b"}, "exactly one PUBLIC_ID"},
		{[]string{"100%"}, "write a literal % as %25"},
		{[]string{"x", "--resource-type", "audio"}, "--resource-type"},
		{[]string{"x", "--type", "bogus"}, "not a delivery type"},
		{[]string{"x", "--url-suffix", "a.b"}, "must not contain"},
		{[]string{"x", "--use-root-path", "--type", "private"}, "root path"},
		{[]string{"x", "-t", "/"}, "--transformation is empty"},
		{[]string{"x", "--token-duration", "1h"}, "need --token-key"},
		{[]string{"x", "--token-key", "00ff"}, "--token-duration"},
		{[]string{"x", "--token-key", "nothex", "--token-duration", "1h"}, "hex"},
		{[]string{"x", "--token-key", "00ff", "--token-duration", "1h", "--sign"}, "exclude each other"},
		{[]string{"x", "--version", "abc"}, "invalid argument"},
	} {
		stdout, stderr, code := cli(t, "", append([]string{"url"}, tc.args...)...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("cldrest url %q: exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", tc.args, code, stdout, stderr, tc.msg)
		}
		noCanary(t, stdout, stderr)
	}

	// Without configuration: say how to set it.
	clearCloudinaryEnv(t)
	_, stderr, code := cli(t, "", "url", "x")
	if code != exitUsage || !strings.Contains(stderr, "CLOUDINARY_URL") {
		t.Errorf("no config: %d %q", code, stderr)
	}
	stdout, _, code = cli(t, "", "url", "--cloud", "other", "x")
	if code != 0 || stdout != "https://res.cloudinary.com/other/image/upload/x\n" {
		t.Errorf("--cloud: %d %q", code, stdout)
	}
	_, stderr, code = cli(t, "", "url", "--cloud", "other", "--sign", "x")
	if code != exitUsage || !strings.Contains(stderr, "API secret") {
		t.Errorf("--sign without secret: %d %q", code, stderr)
	}
}

// TestE2EURL runs the binary against the mock: the URLs it prints
// for an authenticated asset (signed short and long, with a
// transformation, tokened) are delivered; a tampered one is refused.
func TestE2EURL(t *testing.T) {
	t.Parallel()
	const key = "00112233FF99"
	m := startMockInProc(t, mockserver.WithAuthTokenKey(key))
	img, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", firstImage(t)))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := client.ParseURL(m.url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const id = "e2e/my pic+1"
	if _, err := upload.New(c).Upload(context.Background(), upload.FromBytes(img), &upload.Params{PublicID: id, Type: "authenticated"}); err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse(m.base)
	if err != nil {
		t.Fatal(err)
	}
	common := []string{"url", "--secure=false", "--cname", base.Host, "--type", "authenticated"}
	fetch := func(u string) int {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		switch {
		case resp.StatusCode != 200:
		case strings.Contains(u, "/c_fill,h_100,w_100/"): // rendered by the mock
			if info, err := transform.DecodeInfo(body); err != nil || info.Width != 100 || info.Height != 100 {
				t.Fatalf("GET %s: not a 100x100 render: %+v %v", u, info, err)
			}
		case strings.Contains(u, "/l_text:"):
			want, _ := transform.DecodeInfo(img)
			if info, err := transform.DecodeInfo(body); err != nil || info.Width != want.Width || info.Height != want.Height {
				t.Fatalf("GET %s: not a render of the image: %+v %v", u, info, err)
			}
		case string(body) != string(img):
			t.Fatalf("GET %s: wrong bytes", u)
		}
		return resp.StatusCode
	}
	var signed string
	for _, extra := range [][]string{
		{"--sign"},
		{"--long-signature", "-t", "c_fill,h_100,w_100/e_sepia"},
		{"--sign", "-t", "l_text:Arial_20:Hello%20World,g_south"},
		{"--token-key", key, "--token-duration", "1h"},
		{"--token-key", key, "--token-duration", "1h", "--token-acl", "/*/image/authenticated/v1/e2e/*"},
	} {
		r := runBin(t, e2eEnv(m.url), "", append(append(common, extra...), id)...)
		u := strings.TrimSpace(r.stdout)
		if r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("cldrest url %q: exit %d\n%s%s", extra, r.code, r.stdout, r.stderr)
		}
		if status := fetch(u); status != 200 {
			t.Errorf("cldrest url %q printed %s: the mock answered %d", extra, u, status)
		}
		if extra[0] == "--sign" && signed == "" {
			signed = u
		}
	}
	r := runBin(t, e2eEnv(m.url), "", append(common, id)...)
	if status := fetch(strings.TrimSpace(r.stdout)); status != http.StatusUnauthorized {
		t.Errorf("unsigned URL of an authenticated asset: %d, want 401", status)
	}
	if status := fetch(strings.Replace(signed, "/v1/", "/w_10/v1/", 1)); status != http.StatusUnauthorized {
		t.Errorf("signed URL with a transformation added: %d, want 401", status)
	}
}

func firstImage(t *testing.T) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("..", "..", "testdata", "images"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".png") || strings.HasSuffix(e.Name(), ".jpg") {
			return e.Name()
		}
	}
	t.Fatal("no image in testdata/images")
	return ""
}
