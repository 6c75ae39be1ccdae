package scenario

import (
	"net/url"
	"testing"

	cldapi "github.com/cloudinary/cloudinary-go/v2/api"

	"github.com/cldrest/cldrest/signer"
)

// SignSecret is the API secret the signing benchmarks use.
const SignSecret = "bench_secret_0123456789"

// SignParams returns the 8 parameters of the signing benchmark: a realistic
// upload with a fixed timestamp (so neither SDK reads the clock).
func SignParams() url.Values {
	return url.Values{
		"public_id":        {"folder/sample"},
		"folder":           {"folder"},
		"tags":             {"a,b,c"},
		"context":          {"alt=hi|caption=a cat"},
		"eager":            {"w_400,h_300,c_pad|w_260,h_200,c_crop"},
		"overwrite":        {"true"},
		"notification_url": {"https://n.example.com/cb?a=1&b=2"},
		"timestamp":        {"1700000000"},
	}
}

// SignCldrest signs SignParams with cldrest's signer (SHA-1, version 2).
func SignCldrest(b *testing.B) {
	p := SignParams()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.Sign(p, SignSecret, signer.SHA1, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// SignOfficial signs SignParams with the official SDK's api.SignParameters
// (SHA-1, version 2).
func SignOfficial(b *testing.B) {
	p := SignParams()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cldapi.SignParameters(p, SignSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// SignCldrestSHA256 is SignCldrest with SHA-256.
func SignCldrestSHA256(b *testing.B) {
	p := SignParams()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.Sign(p, SignSecret, signer.SHA256, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// SignOfficialSHA256 is SignOfficial with SHA-256.
func SignOfficialSHA256(b *testing.B) {
	p := SignParams()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cldapi.SignParametersUsingAlgoAndVersion(p, SignSecret, "sha256", 2); err != nil {
			b.Fatal(err)
		}
	}
}
