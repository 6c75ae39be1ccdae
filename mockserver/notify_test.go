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
	if err := signer.VerifyNotification(n.body, n.ts, DefaultAPISecret, n.sig, signer.WithClock(func() time.Time { return testNow })); err != nil {
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
	// Off by default: the response says nothing was sent, and nothing is
	// (Close waits for every notification under way).
	off := New(fixedClock())
	r = uploadFile(t, off, "image", url.Values{"notification_url": {recv.URL}}, "a.png", pngBytes(1, 1, 40))
	mustStatus(t, r, 200)
	if r.header.Get("X-Mock-Not-Sent") == "" {
		t.Fatal("X-Mock-Not-Sent missing")
	}
	_ = off.Close()
	select {
	case n := <-ch:
		t.Fatalf("unexpected notification %s", n.body)
	default:
	}
}

// async=true answers "pending" at once; the full result comes through the
// notification, and the asset exists.
func TestAsyncUploadAndExplicit(t *testing.T) {
	ch := make(chan map[string]any, 2)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		ch <- body
	}))
	defer recv.Close()
	s := New(fixedClock(), WithNotifications())
	defer s.Close()
	png := pngBytes(2, 3, 41)
	r := uploadFile(t, s, "image", url.Values{"public_id": {"later"}, "async": {"true"}, "notification_url": {recv.URL}}, "a.png", png)
	mustStatus(t, r, 200)
	if r.str("status") != "pending" || r.str("public_id") != "later" || r.str("type") != "upload" || len(r.str("batch_id")) != 32 || r.str("etag") != "" {
		t.Fatalf("async answer %s", r.body)
	}
	select {
	case body := <-ch:
		if body["notification_type"] != "upload" || body["public_id"] != "later" || body["etag"] != md5hex(png) || body["width"] != float64(2) {
			t.Fatalf("notification %v", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
	mustStatus(t, admin(t, s, "GET", "/v1_1/demo/resources/image/upload/later", nil), 200)

	r = postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {"later"}, "tags": {"x"}, "async": {"1"}, "notification_url": {recv.URL}})
	mustStatus(t, r, 200)
	if r.str("status") != "pending" || r.str("batch_id") == "" {
		t.Fatalf("async explicit answer %s", r.body)
	}
	select {
	case body := <-ch:
		if body["notification_type"] != "explicit" {
			t.Fatalf("notification %v", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no explicit notification")
	}
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/explicit", url.Values{"public_id": {"later"}, "async": {"maybe"}}), 400)
}
