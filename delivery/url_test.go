package delivery_test

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/signer"
)

func cfgWith(cloud, secret string) client.Config {
	return client.Config{CloudName: cloud, APIKey: "a", APISecret: client.NewSecret(secret)}
}

func mustURL(t *testing.T, cfg client.Config, id string, opts ...delivery.Option) string {
	t.Helper()
	u, err := delivery.URL(cfg, id, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The spec's delivery-URL signature vectors (D) and auth-token vectors (E),
// as full URLs.
func TestSpecVectors(t *testing.T) {
	cfg := cfgWith("test123", "b")
	crop := delivery.NewTransformation().Crop(delivery.CropCrop).Width(10).Height(20)
	signed := delivery.WithSignature(true)
	tokenKey := "00112233FF99"
	tok := signer.Token{Key: tokenKey, Start: time.Unix(11111111, 0), Duration: 300 * time.Second}
	private := cfg
	private.PrivateCDN = true
	tests := []struct {
		name, want string
		cfg        client.Config
		id         string
		opts       []delivery.Option
	}{
		{"D1", "https://res.cloudinary.com/test123/image/upload/s--Ai4Znfl3--/c_crop,h_20,w_10/v1234/image.jpg", cfg, "image.jpg",
			[]delivery.Option{signed, delivery.WithTransformation(crop), delivery.WithVersion(1234)}},
		{"D1 authenticated", "https://res.cloudinary.com/test123/image/authenticated/s--Ai4Znfl3--/c_crop,h_20,w_10/image.jpg", cfg, "image.jpg",
			[]delivery.Option{signed, delivery.WithTransformation(crop), delivery.WithType(admin.Authenticated)}},
		{"D2", "https://res.cloudinary.com/test123/image/upload/s----SjmNDA--/v1234/image.jpg", cfg, "image.jpg",
			[]delivery.Option{signed, delivery.WithVersion(1234)}},
		{"D3", "https://res.cloudinary.com/test123/image/upload/s--v2fTPYTu--/sample.jpg", cfg, "sample", []delivery.Option{signed, delivery.WithFormat("jpg")}},
		{"D4", "https://res.cloudinary.com/test123/image/upload/s--2hbrSMPOjj5BJ4xV7SgFbRDevFaQNUFf--/sample.jpg", cfg, "sample.jpg",
			[]delivery.Option{delivery.WithLongSignature(true)}},
		{"D5", "https://res.cloudinary.com/test123/image/upload/s--2hbrSMPO--/sample.jpg", cfg, "sample.jpg",
			[]delivery.Option{signed, delivery.WithSignatureAlgorithm(signer.SHA256)}},
		{"D6", "https://res.cloudinary.com/test123/image/fetch/s--hH_YcbiS--/v1234/http://google.com/path/to/image.png", cfg, "http://google.com/path/to/image.png",
			[]delivery.Option{signed, delivery.WithType(admin.Fetch), delivery.WithVersion(1234)}},
		{"D7", "https://res.cloudinary.com/test123/image/authenticated/s--Uqk1a-5W--/co_red,l_text:Times_70_bold:Cool%25F0%259F%2598%258D/image.jpg", cfg, "image.jpg",
			[]delivery.Option{signed, delivery.WithType(admin.Authenticated), delivery.WithTransformation(delivery.RawTransformation("co_red,l_text:Times_70_bold:Cool%25F0%259F%2598%258D"))}},
		{"D8", "https://res.cloudinary.com/test/image/authenticated/s--j5Z1ILxd--/l_text:Helvetica_50:test+text/some_public_id.jpg", cfgWith("test", "AbcdEfghIjklmnopq1234567890"), "some_public_id.jpg",
			[]delivery.Option{signed, delivery.WithType(admin.Authenticated), delivery.WithTransformation(delivery.RawTransformation("l_text:Helvetica_50:test+text"))}},
		{"D9", "https://res.cloudinary.com/test123/image/authenticated/s--15JMHXkE--/w_100/e_sepia/sample", cfgWith("test123", "secret"), "sample",
			[]delivery.Option{signed, delivery.WithType(admin.Authenticated), delivery.WithTransformation(delivery.RawTransformation("w_100//e_sepia"))}},
		{"D10 signature part", "https://test123-res.cloudinary.com/image/authenticated/s--Ok4O32K7--/c_scale,w_300/sample.jpg", private, "sample.jpg",
			[]delivery.Option{signed, delivery.WithType(admin.Authenticated), delivery.WithTransformation(delivery.NewTransformation().Crop(delivery.CropScale).Width(300))}},
		{"E4", "https://test123-res.cloudinary.com/image/authenticated/v1486020273/sample.jpg?__cld_token__=st=11111111~exp=11111411~hmac=8db0d753ee7bbb9e2eaf8698ca3797436ba4c20e31f44527e43b6a6e995cfdb3", private, "sample.jpg",
			[]delivery.Option{delivery.WithType(admin.Authenticated), delivery.WithVersion(1486020273), delivery.WithAuthToken(tok)}},
		{"E5", "https://res.cloudinary.com/test123/image/authenticated/v1486020273/sample.jpg?__cld_token__=st=11111111~exp=11111411~hmac=9bd6f41e2a5893da8343dc8eb648de8bf73771993a6d1457d49851250caf3b80", cfg, "sample.jpg",
			[]delivery.Option{delivery.WithType(admin.Authenticated), delivery.WithVersion(1486020273), delivery.WithAuthToken(tok)}},
		{"E6", "https://res.cloudinary.com/test123/image/authenticated/v1486020273/%C3%B1and%C3%BA.jpg?__cld_token__=st=11111111~exp=11111411~hmac=e0dba2c6680a1efe6a89c4dc0302c86400d2684dcc07da32db4e9804ee284955", cfg, "ñandú.jpg",
			[]delivery.Option{delivery.WithType(admin.Authenticated), delivery.WithVersion(1486020273), delivery.WithAuthToken(tok)}},
		{"E7", "https://test123-res.cloudinary.com/image/public/v1486020273/sample.jpg?__cld_token__=st=11111111~exp=11111411~hmac=c2b77d9f81be6d89b5d0ebc67b671557e88a40bcf03dd4a6997ff4b994ceb80e", private, "sample.jpg",
			[]delivery.Option{delivery.WithType("public"), delivery.WithVersion(1486020273), delivery.WithAuthToken(tok)}},
		{"E8", "https://test123-res.cloudinary.com/image/authenticated/c_scale,w_300/sample.jpg?__cld_token__=st=222222222~exp=222222322~hmac=55cfe516530461213fe3b3606014533b1eca8ff60aeab79d1bb84c9322eebc1f", private, "sample.jpg",
			[]delivery.Option{delivery.WithType(admin.Authenticated), delivery.WithTransformation(delivery.NewTransformation().Crop(delivery.CropScale).Width(300)),
				delivery.WithAuthToken(signer.Token{Key: "CCBB2233FF00", Start: time.Unix(222222222, 0), Duration: 100 * time.Second})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustURL(t, tc.cfg, tc.id, tc.opts...); got != tc.want {
				t.Fatalf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Spec vector F: the cached search URL's signature.
func TestSpecSearchVector(t *testing.T) {
	b, err := delivery.New(cfgWith("test123", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	q := &admin.SearchQuery{Expression: "resource_type:image AND tags=kitten AND uploaded_at>1d AND bytes>1m", MaxResults: 30,
		SortBy: []admin.SortBy{{Field: "public_id", Direction: admin.Desc}}}
	const b64 = "eyJleHByZXNzaW9uIjoicmVzb3VyY2VfdHlwZTppbWFnZSBBTkQgdGFncz1raXR0ZW4gQU5EIHVwbG9hZGVkX2F0PjFkIEFORCBieXRlcz4xbSIsIm1heF9yZXN1bHRzIjozMCwic29ydF9ieSI6W3sicHVibGljX2lkIjoiZGVzYyJ9XX0="
	for ttl, sig := range map[time.Duration]string{
		0:                  "431454b74cefa342e2f03e2d589b2e901babb8db6e6b149abf25bc0dd7ab20b7",
		1000 * time.Second: "25b91426a37d4f633a9b34383c63889ff8952e7ffecef29a17d600eeb3db0db7",
	} {
		got, err := b.SearchURL(q, ttl)
		if err != nil {
			t.Fatal(err)
		}
		n := "300"
		if ttl != 0 {
			n = "1000"
		}
		if want := "https://res.cloudinary.com/test123/search/" + sig + "/" + n + "/" + b64; got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	}
	q.NextCursor = "abc"
	got, err := b.SearchURL(q, 0)
	if err != nil || !strings.HasSuffix(got, b64+"/abc") {
		t.Fatalf("%s, %v", got, err)
	}
	if q.NextCursor != "abc" {
		t.Fatal("SearchURL changed the query")
	}
	for _, ttl := range []time.Duration{-time.Second, 1500 * time.Millisecond} {
		if _, err := b.SearchURL(q, ttl); !errors.Is(err, delivery.ErrInvalidInput) {
			t.Fatalf("ttl %s: %v", ttl, err)
		}
	}
	// The query is checked by the rule admin.Search uses (cld.SearchQuery.Check):
	// a URL the Search API would refuse is not signed.
	for _, bad := range []cld.SearchQuery{
		{Expression: " * "},
		{MaxResults: 501},
		{SortBy: []cld.SortBy{{Field: "created_at", Direction: "up"}}},
		{SortBy: []cld.SortBy{{Direction: cld.Asc}}},
	} {
		if u, err := b.SearchURL(&bad, 0); !errors.Is(err, client.ErrInvalidInput) || u != "" {
			t.Errorf("SearchURL(%+v) = %q, %v; want an input error", bad, u, err)
		}
	}
}

// Options given to New apply to every URL; options given to URL win.
func TestBuilderOptions(t *testing.T) {
	b, err := delivery.New(cfgWith("demo", "s"), delivery.WithResourceType(admin.Video), delivery.WithFormat("mp4"), delivery.WithSecure(false))
	if err != nil {
		t.Fatal(err)
	}
	u, err := b.URL("dog")
	if err != nil || u != "http://res.cloudinary.com/demo/video/upload/dog.mp4" {
		t.Fatalf("%s %v", u, err)
	}
	u, err = b.URL("dog", delivery.WithFormat("webm"), delivery.WithSecure(true))
	if err != nil || u != "https://res.cloudinary.com/demo/video/upload/dog.webm" {
		t.Fatalf("%s %v", u, err)
	}
	// The Builder is unchanged by per-URL options.
	if u, _ := b.URL("dog"); u != "http://res.cloudinary.com/demo/video/upload/dog.mp4" {
		t.Fatal(u)
	}
	// Config's delivery settings are used, and options override them.
	cfg := cfgWith("demo", "s")
	cfg.SecureDistribution, cfg.PrivateCDN = "media.example.com", true
	if u := mustURL(t, cfg, "x"); u != "https://media.example.com/image/upload/x" {
		t.Fatal(u)
	}
	if u := mustURL(t, cfg, "x", delivery.WithPrivateCDN(false), delivery.WithSecureDistribution("")); u != "https://res.cloudinary.com/demo/image/upload/x" {
		t.Fatal(u)
	}
	// Config's signature algorithm is used for short signatures.
	cfg = cfgWith("test123", "b")
	cfg.SignatureAlgorithm = signer.SHA256
	if u := mustURL(t, cfg, "sample.jpg", delivery.WithSignature(true)); u != "https://res.cloudinary.com/test123/image/upload/s--2hbrSMPO--/sample.jpg" {
		t.Fatal(u)
	}
	// A CLOUDINARY_URL's path is the private distribution.
	cfg, err = client.ParseURL("cloudinary://k:s@demo/cdn.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u := mustURL(t, cfg, "x"); u != "https://cdn.example.com/image/upload/x" {
		t.Fatal(u)
	}
}

// A Transformation is a value: extending a shared one never changes it.
func TestTransformationIsAValue(t *testing.T) {
	base := delivery.NewTransformation().Width(100)
	a := base.Crop(delivery.CropFill).Then().Effect("sepia")
	b := base.Crop(delivery.CropFit)
	c := base.Then().Raw("e_blur")
	for _, tc := range []struct{ got, want string }{
		{base.String(), "w_100"}, {a.String(), "c_fill,w_100/e_sepia"}, {b.String(), "c_fit,w_100"}, {c.String(), "w_100/e_blur"},
		{base.Then().Then().Height(5).String(), "w_100/h_5"},
		{delivery.RawTransformation("a_1/b_2").Width(3).String(), "a_1/b_2/w_3"},
		{base.Append(delivery.RawTransformation("e_sepia")).String(), "w_100/e_sepia"},
		{base.Width(200).String(), "w_200"},
		{base.Raw("e_a").Raw("e_b").String(), "w_100,e_a,e_b"},
		{delivery.Transformation{}.Height(1).String(), "h_1"},
		{delivery.NewTransformation().Width(1e-7).Height(1e21).X(-0.25).String(), "h_1e+21,w_1e-7,x_-0.25"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !delivery.NewTransformation().Then().IsZero() {
		t.Error("empty transformation not zero")
	}
}

// Bad input is an error matching ErrInvalidInput (or ErrInvalidConfig for
// the configuration) that says what is wrong; nothing is built.
func TestBadInput(t *testing.T) {
	cfg := cfgWith("demo", "s")
	nan := 0.0
	nan /= nan
	tests := []struct {
		name string
		cfg  client.Config
		id   string
		opts []delivery.Option
		msg  string
	}{
		{"empty public ID", cfg, "", nil, "empty public ID"},
		{"bad escape", cfg, "100%", nil, "write a literal % as %25"},
		{"not UTF-8", cfg, "a\xffb", nil, "not UTF-8"},
		{"resource type", cfg, "x", []delivery.Option{delivery.WithResourceType("im/age")}, "resource type \"im/age\""},
		{"delivery type", cfg, "x", []delivery.Option{delivery.WithType("up load")}, "delivery type \"up load\""},
		{"suffix with dot", cfg, "x", []delivery.Option{delivery.WithURLSuffix("a.b")}, "must not contain . or /"},
		{"suffix for fetch", cfg, "http://x/y", []delivery.Option{delivery.WithURLSuffix("a"), delivery.WithType(admin.Fetch)}, "not image/fetch"},
		{"root path of video", cfg, "x", []delivery.Option{delivery.WithUseRootPath(true), delivery.WithResourceType(admin.Video)}, "root path"},
		{"signed without secret", client.Config{CloudName: "demo"}, "x", []delivery.Option{delivery.WithSignature(true)}, "needs the API secret"},
		{"unknown algorithm", cfg, "x", []delivery.Option{delivery.WithSignature(true), delivery.WithSignatureAlgorithm("md5")}, "unknown"},
		{"token key", cfg, "x", []delivery.Option{delivery.WithAuthToken(signer.Token{Key: "zz", Duration: time.Hour})}, "hex"},
		{"token expiry", cfg, "x", []delivery.Option{delivery.WithAuthToken(signer.Token{Key: "00ff"})}, "Expiration or a positive Duration"},
		{"radius", cfg, "x", []delivery.Option{delivery.WithTransformation(delivery.NewTransformation().Radius(1, 2, 3, 4, 5))}, "1 to 4"},
		{"NaN width", cfg, "x", []delivery.Option{delivery.WithTransformation(delivery.NewTransformation().Width(nan))}, "not a finite number"},
		{"effect argument", cfg, "x", []delivery.Option{delivery.WithTransformation(delivery.NewTransformation().Effect("blur", []int{1}))}, "use a string or a number"},
		{"layer without ID", cfg, "x", []delivery.Option{delivery.WithTransformation(delivery.NewTransformation().Overlay(delivery.Layer{}))}, "needs a PublicID"},
		{"font without size", cfg, "x", []delivery.Option{delivery.WithTransformation(delivery.NewTransformation().Overlay(delivery.Layer{Text: "hi", FontFamily: "Arial"}))}, "FontFamily and FontSize"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := delivery.URL(tc.cfg, tc.id, tc.opts...)
			if !errors.Is(err, delivery.ErrInvalidInput) || !strings.Contains(err.Error(), tc.msg) || u != "" {
				t.Fatalf("got %q, %v; want an error saying %q", u, err, tc.msg)
			}
			// The module's one input error: the same sentinel and type as
			// admin, upload and account (delivery had its own sentinel).
			if _, ok := errors.AsType[*client.InputError](err); !ok || !errors.Is(err, client.ErrInvalidInput) {
				t.Fatalf("%v (%T) is not a *client.InputError matching client.ErrInvalidInput", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
	for _, bad := range []client.Config{{}, {CloudName: "a/b"}, {CloudName: "demo", APIKey: "k"}} {
		if _, err := delivery.New(bad); !errors.Is(err, client.ErrInvalidConfig) {
			t.Errorf("New(%+v): %v", bad, err)
		}
	}
}

// Where cldrest departs from the Node.js SDK on purpose (see the package
// documentation).
func TestDivergencesFromNode(t *testing.T) {
	cfg := cfgWith("demo", "s")
	nested := delivery.NewTransformation().Overlay(delivery.Layer{PublicID: "brand/logos/main"})
	if got := nested.String(); got != "l_brand:logos:main" {
		t.Errorf("nested layer: %s (Node writes l_brand:logos/main, which splits the transformation)", got)
	}
	if a, b := mustURL(t, cfg, "x", delivery.WithFormat(".jpg")), mustURL(t, cfg, "x", delivery.WithFormat("jpg")); a != b {
		t.Errorf("%s != %s", a, b)
	}
	if got := mustURL(t, cfg, "x"); strings.Contains(got, "_a=") {
		t.Errorf("analytics parameter in %s", got)
	}
}

// Tokens with a Duration expire relative to the clock given.
func TestTokenClock(t *testing.T) {
	now := time.Unix(1700000000, 0)
	u := mustURL(t, cfgWith("demo", "s"), "x", delivery.WithType(admin.Authenticated),
		delivery.WithAuthToken(signer.Token{Key: "00112233FF99", Duration: time.Minute}), delivery.WithClock(func() time.Time { return now }))
	tok := strings.SplitN(u, "__cld_token__=", 2)[1]
	if !strings.HasPrefix(tok, "exp=1700000060~hmac=") {
		t.Fatal(u)
	}
	if err := signer.VerifyAuthToken(tok, "00112233FF99", "/demo/image/authenticated/x", "", now); err != nil {
		t.Fatal(err)
	}
}

// No URL and no error carries the API secret, in any form.
func TestSecretNeverInOutput(t *testing.T) {
	const canary = "CANARY-s3cr3t-9f2d"
	b, err := delivery.New(cfgWith("demo", canary))
	if err != nil {
		t.Fatal(err)
	}
	forms := []string{canary, url.QueryEscape(canary), strings.ToLower(canary)}
	check := func(s string) {
		for _, f := range forms {
			if strings.Contains(s, f) {
				t.Fatalf("secret in %q", s)
			}
		}
	}
	for _, id := range []string{"x", canary, "100%", ""} {
		for _, opts := range [][]delivery.Option{
			{delivery.WithSignature(true)}, {delivery.WithLongSignature(true)}, {delivery.WithURLSuffix("a.b")},
			{delivery.WithAuthToken(signer.Token{Key: "00ff", Duration: time.Hour})}, {delivery.WithSignatureAlgorithm("x"), delivery.WithSignature(true)},
		} {
			u, err := b.URL(id, opts...)
			if id == canary {
				u = strings.ReplaceAll(u, canary, "") // the public ID itself
			}
			check(u)
			if err != nil {
				check(strings.ReplaceAll(err.Error(), canary, ""))
			}
		}
	}
	s, err := b.SearchURL(&admin.SearchQuery{Expression: "tags=x"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	check(s)
}

// FuzzPublicID: any public ID is refused with a clear error or written so
// that the URL holds only printable ASCII with nothing a URL cannot carry,
// and (when it has no "%" escape, no "//", and is not a remote URL or a
// preloaded-file string) unescaping the URL's path gives it back.
func FuzzPublicID(f *testing.F) {
	for _, s := range []string{"sample", "a b", "ünï/cødé?#", "a//b", "(x)!*'~", "😀", "a\tb", "v1/x", "http://x/ü?", "image/upload/v1/x", "100%", "%41"} {
		f.Add(s)
	}
	cfg := cfgWith("demo", "s")
	preloaded := regexp.MustCompile(`^(image|raw)/[a-z0-9_]+/v\d+/[^#]+$`)
	f.Fuzz(func(t *testing.T, id string) {
		u, err := delivery.URL(cfg, id, delivery.WithForceVersion(false), delivery.WithType(admin.Upload), delivery.WithSignature(true))
		if err != nil {
			if !errors.Is(err, delivery.ErrInvalidInput) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: %v", id, err)
			}
			if utf8.ValidString(id) && id != "" && !strings.Contains(id, "%") {
				t.Fatalf("%q refused: %v", id, err)
			}
			return
		}
		for i := 0; i < len(u); i++ {
			if c := u[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}#?", c) >= 0 {
				t.Fatalf("%q: byte %q in %s", id, c, u)
			}
		}
		lower := strings.ToLower(id)
		if strings.Contains(id, "%") || strings.Contains(id, "//") || strings.HasPrefix(lower, "http:/") || strings.HasPrefix(lower, "https:/") || preloaded.MatchString(id) {
			return
		}
		rest := u[strings.Index(u, "--/")+3:]
		if got, err := url.PathUnescape(rest); err != nil || got != id {
			t.Fatalf("%q: path %q unescapes to %q, %v", id, rest, got, err)
		}
	})
}
