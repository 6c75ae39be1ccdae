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
	"strings"
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

// Script a fault in-process: the next upload answers 503 with Retry-After,
// the one after that succeeds, and the journal shows both.
func ExampleServer_AddFault() {
	srv := mockserver.New()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if _, err := srv.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultStatus, Status: 503, RetryAfter: 2, Count: 1}); err != nil {
		fmt.Println(err)
		return
	}
	form := url.Values{"public_id": {"hello.txt"}, "file": {"data:text/plain;base64,aGk="}}
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequest("POST", ts.URL+"/v1_1/demo/raw/upload", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(mockserver.DefaultAPIKey, mockserver.DefaultAPISecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("%d retry-after=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, e := range srv.Journal() {
		fmt.Println(e.Route, e.Status, e.Applied, e.Fault)
	}
	// Output:
	// 503 retry-after="2"
	// 200 retry-after=""
	// upload/upload 503 false f1:status
	// upload/upload 200 true
}

// Seed state without HTTP: assets and settings go straight into the
// server, so a test lists 10,000 assets without uploading them.
func ExampleServer_PutAsset() {
	s := mockserver.New(mockserver.WithCredentials("key", "secret"))
	for i := range 3 {
		if _, err := s.PutAsset(mockserver.Asset{PublicID: fmt.Sprintf("shop/item-%d", i), Tags: []string{"sale"}}); err != nil {
			fmt.Println(err)
			return
		}
	}
	_ = s.PutPreset(mockserver.Preset{Name: "web", Unsigned: true, Settings: map[string]any{"folder": "web"}})
	srv := httptest.NewServer(s)
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v1_1/demo/resources/image/tags/sale", nil)
	req.SetBasicAuth("key", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var list struct {
		Resources []struct {
			PublicID string `json:"public_id"`
			Width    int    `json:"width"`
		} `json:"resources"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	fmt.Println(len(list.Resources), list.Resources[0].Width)
	// Output: 3 1
}
