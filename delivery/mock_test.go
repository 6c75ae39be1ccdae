package delivery_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/mockserver/transform"
	"github.com/cldrest/cldrest/signer"
	"github.com/cldrest/cldrest/upload"
)

const mockTokenKey = "00112233FF99"

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.NRGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mockBuilder starts the mock, uploads img under each public ID as an
// upload and an authenticated asset, and returns a Builder whose URLs
// point at the mock (http, the mock's host as CNAME).
func mockBuilder(t *testing.T, img []byte, ids []string, opts ...delivery.Option) (*delivery.Builder, client.Config) {
	t.Helper()
	m := mockserver.Start(t, mockserver.WithAuthTokenKey(mockTokenKey))
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	up := upload.New(c)
	for _, id := range ids {
		for _, typ := range []string{"upload", "authenticated"} {
			_, err := up.Upload(context.Background(), upload.FromBytes(img), &upload.Params{PublicID: id, Type: typ, Overwrite: upload.Bool(true)})
			if err != nil {
				t.Fatalf("upload %q (%s): %v", id, typ, err)
			}
		}
	}
	u, err := url.Parse(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := delivery.New(cfg, append([]delivery.Option{delivery.WithSecure(false), delivery.WithCNAME(u.Host)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return b, cfg
}

func get(t *testing.T, u string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body, resp.Header
}

// TestMockDeliversBuiltURLs builds URLs with the package and fetches them
// from the mock server: plain, with transformations, signed short and
// long, with auth tokens, for public IDs that need escaping; a tampered
// URL is refused.
func TestMockDeliversBuiltURLs(t *testing.T) {
	img := pngBytes(t)
	// Public IDs as stored; a "%" is given to URL escaped (as %25), as the
	// SDKs require.
	ids := []string{"sample", "folder/my pic", "ünï+cødé", "a&b=c;d", "what?#yes", "100% sure", "(x)!*'~", "日本/写真 1"}
	b, cfg := mockBuilder(t, img, ids)
	tr := delivery.NewTransformation().Width(300).Height(200).Crop(delivery.CropFill).Gravity(delivery.GravityAuto).
		Then().Effect("sepia").Then().Overlay(delivery.Layer{Text: "Hi, there/you 50%", FontFamily: "Arial", FontSize: 20})
	token := signer.Token{Key: mockTokenKey, Duration: time.Hour}
	variants := []struct {
		name string
		typ  admin.DeliveryType
		opts []delivery.Option
	}{
		{"plain", admin.Upload, nil},
		{"format", admin.Upload, []delivery.Option{delivery.WithFormat("png")}},
		{"transformation", admin.Upload, []delivery.Option{delivery.WithTransformation(tr)}},
		{"signed upload", admin.Upload, []delivery.Option{delivery.WithSignature(true), delivery.WithTransformation(tr)}},
		{"signed", admin.Authenticated, []delivery.Option{delivery.WithSignature(true)}},
		{"signed sha256", admin.Authenticated, []delivery.Option{delivery.WithSignature(true), delivery.WithSignatureAlgorithm(signer.SHA256)}},
		{"signed transformation", admin.Authenticated, []delivery.Option{delivery.WithSignature(true), delivery.WithTransformation(tr), delivery.WithFormat("png")}},
		{"long signature", admin.Authenticated, []delivery.Option{delivery.WithLongSignature(true), delivery.WithTransformation(tr), delivery.WithVersion(1234)}},
		{"raw transformation with space", admin.Authenticated, []delivery.Option{delivery.WithSignature(true), delivery.WithTransformation(delivery.RawTransformation("l_text:Arial_20:a b,g_north"))}},
		{"token", admin.Authenticated, []delivery.Option{delivery.WithAuthToken(token), delivery.WithTransformation(tr)}},
		{"token acl", admin.Authenticated, []delivery.Option{delivery.WithAuthToken(signer.Token{Key: mockTokenKey, Duration: time.Hour, ACL: []string{"/*/image/authenticated/*"}})}},
	}
	for _, id := range ids {
		for _, v := range variants {
			t.Run(v.name+"/"+id, func(t *testing.T) {
				u, err := b.URL(strings.ReplaceAll(id, "%", "%25"), append([]delivery.Option{delivery.WithType(v.typ)}, v.opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				status, body, h := get(t, u)
				if status != 200 {
					t.Fatalf("GET %s: %d %q", u, status, h.Get("X-Cld-Error"))
				}
				// The mock renders transformations: measure what it served.
				switch {
				case strings.Contains(u, "/c_fill,g_auto,h_200,w_300/"):
					if info, err := transform.DecodeInfo(body); err != nil || info.Width != 300 || info.Height != 200 {
						t.Fatalf("GET %s: not the 300x200 render: %+v %v", u, info, err)
					}
				case strings.Contains(u, "/l_text:"):
					if info, err := transform.DecodeInfo(body); err != nil || info.Width != 4 || info.Height != 3 {
						t.Fatalf("GET %s: not a render of the 4x3 image: %+v %v", u, info, err)
					}
				case !bytes.Equal(body, img):
					t.Fatalf("GET %s: not the stored bytes", u)
				}
			})
		}
	}
	// Tampering: another transformation under the same signature, another
	// public ID, a changed signature character, no signature, a token for
	// another asset.
	signed, err := b.URL("folder/my pic", delivery.WithType(admin.Authenticated), delivery.WithSignature(true), delivery.WithTransformation(tr))
	if err != nil {
		t.Fatal(err)
	}
	long, err := b.URL("sample", delivery.WithType(admin.Authenticated), delivery.WithLongSignature(true))
	if err != nil {
		t.Fatal(err)
	}
	tokened, err := b.URL("sample", delivery.WithType(admin.Authenticated), delivery.WithAuthToken(token))
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := b.URL("sample", delivery.WithType(admin.Authenticated))
	if err != nil {
		t.Fatal(err)
	}
	// flip changes one character to one that differs even where case is
	// ignored (the token's hmac is hex, compared without case).
	flip := func(u string, at int) string {
		c := byte('A')
		if u[at] == 'A' || u[at] == 'a' {
			c = 'B'
		}
		return u[:at] + string(c) + u[at+1:]
	}
	// A long signature cut to 8 characters is a valid short SHA-256 one
	// (both are prefixes of the same digest): that is not tampering.
	short := long[:strings.Index(long, "s--")+11] + "--" + long[strings.Index(long, "s--")+37:]
	if status, _, _ := get(t, short); status != 200 {
		t.Fatalf("GET %s: %d; the short SHA-256 signature is valid", short, status)
	}
	// The Go SDK signs the public ID unescaped ("my pic", not "my%20pic"),
	// unlike the others; the mock checks what the others sign.
	goSDKSig := signer.URLSignature(tr.String()+"/folder/my pic", cfg.APISecret.Reveal(), signer.SHA1, signer.ShortURLSignature)
	sigOf := func(u string) string { i := strings.Index(u, "s--"); return u[i : i+13] }
	if goSDKSig == sigOf(signed) {
		t.Fatal("the two forms sign alike")
	}
	tampered := map[string]string{
		"other transformation":     strings.Replace(signed, "w_300", "w_301", 1),
		"other public ID":          strings.Replace(signed, "my%20pic", "%C3%BCn%C3%AF%2Bc%C3%B8d%C3%A9", 1),
		"signature character":      flip(signed, strings.Index(signed, "s--")+3),
		"long signature character": flip(long, strings.Index(long, "s--")+30),
		"Go SDK form":              strings.Replace(signed, sigOf(signed), goSDKSig, 1),
		"token of another URL":     strings.Replace(tokened, "/sample?", "/%C3%BCn%C3%AF%2Bc%C3%B8d%C3%A9?", 1),
		"token hmac":               flip(tokened, len(tokened)-1),
		"no signature":             unsigned,
	}
	for name, u := range tampered {
		t.Run("tampered/"+name, func(t *testing.T) {
			status, body, h := get(t, u)
			if status != http.StatusUnauthorized || bytes.Equal(body, img) {
				t.Fatalf("GET %s: %d, want 401", u, status)
			}
			if h.Get("X-Cld-Error") == "" {
				t.Fatal("no X-Cld-Error")
			}
		})
	}
}
