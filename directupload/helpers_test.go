package directupload_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
	"github.com/cldrest/cldrest/mockserver"
)

// canary is the API secret of the tests' mocks: it must never show up in
// an answer or a log line.
const canary = "CANARY-s3cr3t-Zq9"

// startMock runs a mock that knows the canary secret and returns it with
// the client configuration pointing at it.
func startMock(t *testing.T, opts ...mockserver.Option) (*mockserver.Running, client.Config) {
	t.Helper()
	m := mockserver.Start(t, append([]mockserver.Option{mockserver.WithCredentials("key123", canary)}, opts...)...)
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	return m, cfg
}

// pngFile returns a real w x h PNG.
func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts file with sig's form fields to sig.UploadURL, as a browser
// does, and returns the status and decoded answer.
func upload(t *testing.T, sig *directupload.Signature, extra url.Values, name string, file []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := sig.Form()
	for k, vs := range extra {
		fields[k] = vs
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	resp, err := http.Post(sig.UploadURL, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) (int, map[string]any) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// resource reads an asset back from the mock's Admin API.
func resource(t *testing.T, m *mockserver.Running, publicID string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.APIBase()+"/resources/image/upload/"+publicID, nil)
	req.SetBasicAuth("key123", canary)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	status, body := decode(t, resp)
	if status != http.StatusOK {
		t.Fatalf("resource %s: %d %v", publicID, status, body)
	}
	return body
}

// postJSON sends body as JSON to url with an optional bearer token.
func postJSON(t *testing.T, target, token, body string) (int, map[string]any) {
	t.Helper()
	return post(t, target, token, "application/json", body)
}

func post(t *testing.T, target, token, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

// errParam returns the param and reason of a refusal answer.
func errParam(body map[string]any) (string, string) {
	e, _ := body["error"].(map[string]any)
	p, _ := e["param"].(string)
	r, _ := e["reason"].(string)
	return p, r
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
