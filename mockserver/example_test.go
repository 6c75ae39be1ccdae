package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"

	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/signer"
)

// Start a mock (in tests: mockserver.Start(t) does this and registers
// cleanup) and do a signed upload with nothing but net/http and signer.
func Example() {
	srv := httptest.NewServer(mockserver.New(mockserver.WithCredentials("key", "secret")))
	defer srv.Close()

	params := url.Values{
		"public_id": {"samples/dot"},
		"timestamp": {strconv.FormatInt(time.Now().Unix(), 10)},
	}
	sig, _ := signer.Sign(params, "secret", signer.SHA256, 2)
	params.Set("signature", sig)
	params.Set("api_key", "key")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k := range params {
		_ = mw.WriteField(k, params.Get(k))
	}
	fw, _ := mw.CreateFormFile("file", "dot.gif")
	_, _ = fw.Write([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	_ = mw.Close()

	resp, err := http.Post(srv.URL+"/v1_1/demo/image/upload", mw.FormDataContentType(), &body)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var res struct {
		PublicID  string `json:"public_id"`
		Format    string `json:"format"`
		Width     int    `json:"width"`
		Version   int64  `json:"version"`
		Signature string `json:"signature"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&res)
	fmt.Println(resp.StatusCode, res.PublicID, res.Format, res.Width)
	fmt.Println("response signature valid:", signer.VerifyResponse(res.PublicID, res.Version, "secret", res.Signature))
	// Output:
	// 200 samples/dot gif 1
	// response signature valid: true
}
