package directupload_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
	"github.com/cldrest/cldrest/signer"
)

// FuzzSigningRequest: whatever a caller sends, an answer is either a
// refusal or a signature over only what the policy allows, with the forced
// values, that verifies.
func FuzzSigningRequest(f *testing.F) {
	for _, seed := range []struct{ ctype, body string }{
		{"application/json", `{"tags":"a","context":"alt=x"}`},
		{"application/json", `{"params_to_sign":{"timestamp":1700000000,"source":"uw","tags":["a","b"]}}`},
		{"application/json", `{"folder":"users/fuzz","overwrite":false}`},
		{"application/x-www-form-urlencoded", "tags[]=a&tags[]=b&context=k%3Dv"},
		{"application/x-www-form-urlencoded", "folder=x&folder=users/fuzz"},
		{"multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nq\r\n--B--\r\n"},
	} {
		f.Add(seed.ctype, []byte(seed.body))
	}
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	h, err := directupload.NewHandler(cfg, directupload.Policy{
		Allow: []string{"tags", "context"},
		Force: map[string]string{"folder": "users/{caller}"},
	}, directupload.WithAuthenticator(func(*http.Request) (directupload.Caller, error) { return directupload.Caller{ID: "fuzz"}, nil }))
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[string]bool{"tags": true, "context": true, "folder": true, "overwrite": true, "timestamp": true}
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), canary) && !bytes.Contains(body, []byte(canary)) {
			t.Fatal("the answer carries the secret")
		}
		if rec.Code != http.StatusOK {
			if rec.Code < 400 || rec.Code > 499 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			return
		}
		var sig directupload.Signature
		if err := json.Unmarshal(rec.Body.Bytes(), &sig); err != nil {
			t.Fatal(err)
		}
		for k := range sig.Params {
			if !allowed[k] {
				t.Fatalf("signed %s, which the policy does not allow: %v", k, sig.Params)
			}
		}
		if sig.Params["folder"] != "users/fuzz" || sig.Params["overwrite"] != "false" || sig.Params["timestamp"] != sig.Timestamp {
			t.Fatalf("forced values missing: %v", sig.Params)
		}
		if !signer.Verify(sig.Form(), canary, sig.Signature) {
			t.Fatal("the signature does not verify")
		}
	})
}

func FuzzParseNotification(f *testing.F) {
	for _, seed := range []string{
		`{"notification_type":"upload","public_id":"a","version":1,"width":"2","tags":["x"],"context":{"custom":{"k":"v"}}}`,
		`{"notification_type":"eager","eager":[{"transformation":"w_1","bytes":"5"}]}`,
		`{"notification_type":"delete","resources":[{"public_id":"a"}]}`,
		`{"notification_type":"rename","from_public_id":"a","to_public_id":"b"}`,
		`{"notification_type":"x","overwritten":1,"created_at":"bad"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := directupload.ParseNotification(body)
		if err != nil {
			return
		}
		if ev.Meta().NotificationType == "" || !bytes.Equal(ev.Meta().Body, body) {
			t.Fatalf("event %+v from %q", ev.Meta(), body)
		}
	})
}
