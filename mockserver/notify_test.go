package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

func TestNotifications(t *testing.T) {
	type got struct {
		body    []byte
		ts, sig string
		ctype   string
	}
	ch := make(chan got, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- got{b, r.Header.Get("X-Cld-Timestamp"), r.Header.Get("X-Cld-Signature"), r.Header.Get("Content-Type")}
	}))
	defer recv.Close()
	s := New(fixedClock(), WithNotifications())
	defer s.Close()
	r := uploadFile(t, s, "image", url.Values{"public_id": {"n1"}, "notification_url": {recv.URL + "/hook"}}, "a.png", pngBytes(1, 1, 40))
	mustStatus(t, r, 200)
	var n got
	select {
	case n = <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
	var body map[string]any
	if err := json.Unmarshal(n.body, &body); err != nil || body["notification_type"] != "upload" || body["public_id"] != "n1" || body["etag"] != r.str("etag") {
		t.Fatalf("notification body %s", n.body)
	}
	if err := signer.VerifyNotification(n.body, n.ts, n.sig, DefaultAPISecret, signer.WithClock(func() time.Time { return testNow })); err != nil {
		t.Fatalf("signature: %v", err)
	}
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/destroy", url.Values{"public_id": {"n1"}, "notification_url": {recv.URL}}), 200)
	select {
	case n = <-ch:
		if err := json.Unmarshal(n.body, &body); err != nil || body["notification_type"] != "delete" {
			t.Fatalf("delete notification %s", n.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delete notification")
	}
	// Off by default: the response says nothing was sent.
	off := New(fixedClock())
	r = uploadFile(t, off, "image", url.Values{"notification_url": {recv.URL}}, "a.png", pngBytes(1, 1, 40))
	mustStatus(t, r, 200)
	if r.header.Get("X-Mock-Not-Sent") == "" {
		t.Fatal("X-Mock-Not-Sent missing")
	}
	select {
	case n := <-ch:
		t.Fatalf("unexpected notification %s", n.body)
	case <-time.After(50 * time.Millisecond):
	}
}
