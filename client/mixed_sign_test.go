package client_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

// The client and the mock share signer's string to sign, so a name sent
// both plain and in array form (tags=7 with tags[]=8) is signed by one and
// verified by the other in the same order, on every request. Before that
// order was total, about one request in five was refused as an invalid
// signature.
func TestMixedArrayFormsSignedByClientVerifiedByMock(t *testing.T) {
	t.Parallel()
	m := mockserver.Start(t, mockserver.WithCredentials(testKey, testSecret))
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		req := &client.Request{
			API:    client.UploadAPI,
			Path:   "raw/upload",
			Params: url.Values{"public_id": {"mixed"}, "overwrite": {"true"}, "tags": {"7"}, "tags[]": {"8"}, "context[0]": {"a=1"}, "context": {"b=2"}},
			File:   &client.File{Name: "a.txt", ReaderAt: strings.NewReader("x"), Size: 1},
		}
		var res struct {
			PublicID string `json:"public_id"`
		}
		if _, err := c.Do(context.Background(), req, &res); err != nil {
			t.Fatalf("upload %d: the mock refused what the client signed: %v", i, err)
		}
		if res.PublicID != "mixed" {
			t.Fatalf("upload %d: public_id = %q", i, res.PublicID)
		}
	}
}
