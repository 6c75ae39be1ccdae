package signer

import (
	"net/url"
	"testing"
)

// BenchmarkSign signs a typical 8-parameter upload.
func BenchmarkSign(b *testing.B) {
	params := url.Values{
		"public_id":        {"folder/sample"},
		"folder":           {"folder"},
		"tags":             {"a,b,c"},
		"context":          {"alt=hi|caption=a cat"},
		"eager":            {"w_400,h_300,c_pad|w_260,h_200,c_crop"},
		"overwrite":        {"true"},
		"notification_url": {"https://n.example.com/cb?a=1&b=2"},
		"timestamp":        {"1700000000"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(params, "secret", SHA1, 2); err != nil {
			b.Fatal(err)
		}
	}
}
