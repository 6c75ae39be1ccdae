package signer_test

import (
	"fmt"
	"net/url"
	"time"

	"github.com/cldrest/cldrest/signer"
)

func ExampleSign() {
	params := url.Values{
		"public_id": {"sample_image"},
		"eager":     {"w_400,h_300,c_pad|w_260,h_200,c_crop"},
		"timestamp": {"1315060510"},
		"file":      {"ignored.jpg"}, // never signed
	}
	fmt.Println(signer.StringToSign(params, 2))
	sig, _ := signer.Sign(params, "abcd", signer.SHA1, 2)
	fmt.Println(sig)
	// Output:
	// eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510
	// bfd09f95f331f558cbd1320e67aa8d488770583e
}

func ExampleURLSignature() {
	fmt.Println(signer.URLSignature("c_crop,h_20,w_10/image.jpg", "b", signer.SHA1, signer.ShortURLSignature))
	// Output: s--Ai4Znfl3--
}

func ExampleAuthToken() {
	// A token valid for five minutes for every image on a private CDN host
	// (where delivery paths start at the resource type).
	token, err := signer.AuthToken(signer.Token{
		Key:      "00112233FF99", // from the console's token settings
		Start:    time.Unix(1111111111, 0),
		Duration: 5 * time.Minute,
		ACL:      []string{"/image/*"},
	}, time.Now())
	if err != nil {
		panic(err)
	}
	fmt.Println("https://demo-res.cloudinary.com/image/authenticated/sample.jpg?" + signer.TokenParam + "=" + token)
	// Output: https://demo-res.cloudinary.com/image/authenticated/sample.jpg?__cld_token__=st=1111111111~exp=1111111411~acl=%2fimage%2f*~hmac=1751370bcc6cfe9e03f30dd1a9722ba0f2cdca283fa3e6df3342a00a7528cc51
}
