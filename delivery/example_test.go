package delivery_test

import (
	"fmt"
	"log"
	"time"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/signer"
)

// exampleBuilder builds URLs for the product environment "demo". Real
// programs read CLOUDINARY_URL with client.ConfigFromEnv.
func exampleBuilder(opts ...delivery.Option) *delivery.Builder {
	cfg, err := client.ParseURL("cloudinary://123456:abcd@demo")
	if err != nil {
		log.Fatal(err)
	}
	b, err := delivery.New(cfg, opts...)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// A thumbnail: fill 300x200 around the most interesting part, then sepia,
// as WebP.
func Example() {
	b := exampleBuilder()
	thumb := delivery.NewTransformation().
		Width(300).Height(200).Crop(delivery.CropFill).Gravity(delivery.GravityAuto).
		Then().Effect("sepia")
	u, err := b.URL("folder/sample", delivery.WithTransformation(thumb), delivery.WithFormat("webp"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output: https://res.cloudinary.com/demo/image/upload/c_fill,g_auto,h_200,w_300/e_sepia/v1/folder/sample.webp
}

// An authenticated asset needs a signed URL: the signature covers the
// transformation and the public ID, so neither can be changed.
func ExampleWithSignature() {
	b := exampleBuilder()
	u, err := b.URL("private/report", delivery.WithType(admin.Authenticated), delivery.WithSignature(true),
		delivery.WithTransformation(delivery.NewTransformation().Width(800)), delivery.WithFormat("jpg"), delivery.WithVersion(1700000000))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	u, err = b.URL("private/report", delivery.WithType(admin.Authenticated), delivery.WithLongSignature(true), delivery.WithFormat("jpg"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output:
	// https://res.cloudinary.com/demo/image/authenticated/s--yWslyCmf--/w_800/v1700000000/private/report.jpg
	// https://res.cloudinary.com/demo/image/authenticated/s--AtSJe1deH97Y6MimKLW19IxH0g8Qm6JO--/v1/private/report.jpg
}

// Token-based access: the token grants the URL (or an ACL of URLs) until
// it expires.
func ExampleWithAuthToken() {
	b := exampleBuilder()
	u, err := b.URL("sample.jpg", delivery.WithType(admin.Authenticated), delivery.WithAuthToken(signer.Token{
		Key:      "00112233FF99", // the token key from the console's security settings
		Start:    time.Unix(1700000000, 0),
		Duration: time.Hour,
		ACL:      []string{"/demo/image/authenticated/*"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output:
	// https://res.cloudinary.com/demo/image/authenticated/sample.jpg?__cld_token__=st=1700000000~exp=1700003600~acl=%2fdemo%2fimage%2fauthenticated%2f*~hmac=9c154fd1d226b3024f24122c03180989a40400fbb7de7e7b069cb84d953d01d7
}

// A watermark: an overlay placed in the corner, then applied.
func ExampleTransformation_Overlay() {
	t := delivery.NewTransformation().Width(600).Crop(delivery.CropScale).
		Then().Overlay(delivery.Layer{PublicID: "brand/logo"}).Width(80).Gravity(delivery.GravitySouthEast).X(10).Y(10).
		Then().Flags(delivery.FlagLayerApply).
		Then().Overlay(delivery.Layer{Text: "© 2026, ACME", FontFamily: "Arial", FontSize: 20}).Gravity(delivery.GravityNorth)
	fmt.Println(t)
	// Output: c_scale,w_600/g_south_east,l_brand:logo,w_80,x_10,y_10/fl_layer_apply/g_north,l_text:Arial_20:%C2%A9%202026%252C%20ACME
}

// A fetch URL delivers (and transforms) a remote image.
func ExampleWithType_fetch() {
	b := exampleBuilder()
	u, err := b.URL("https://example.com/photos/cat 1.png", delivery.WithType(admin.Fetch), delivery.WithFormat("webp"),
		delivery.WithTransformation(delivery.NewTransformation().Width(200)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output: https://res.cloudinary.com/demo/image/fetch/f_webp,w_200/https://example.com/photos/cat%201.png
}

// An SEO suffix, a private CDN and a custom domain.
func ExampleWithURLSuffix() {
	b := exampleBuilder(delivery.WithPrivateCDN(true))
	u, _ := b.URL("a1b2c3", delivery.WithURLSuffix("red-running-shoes"), delivery.WithFormat("jpg"))
	fmt.Println(u)
	u, _ = b.URL("a1b2c3", delivery.WithSecureDistribution("media.example.com"), delivery.WithShorten(true))
	fmt.Println(u)
	// Output:
	// https://demo-res.cloudinary.com/images/a1b2c3/red-running-shoes.jpg
	// https://media.example.com/iu/a1b2c3
}

// A cached search URL lets a browser run a search without the API secret.
func ExampleBuilder_SearchURL() {
	b := exampleBuilder()
	u, err := b.SearchURL(&admin.SearchQuery{Expression: "tags=kitten", MaxResults: 10}, time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output: https://res.cloudinary.com/demo/search/06658ac08bbd4c46397fbc47494b02c9ddb2d602609d93bd13d6222d461923c7/3600/eyJleHByZXNzaW9uIjoidGFncz1raXR0ZW4iLCJtYXhfcmVzdWx0cyI6MTB9
}
