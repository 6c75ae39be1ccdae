package signer_test

import (
	"fmt"
	"net/url"

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
	fmt.Println(signer.URLSignature("c_crop,h_20,w_10/image.jpg", "b", signer.SHA1, false))
	// Output: s--Ai4Znfl3--
}
