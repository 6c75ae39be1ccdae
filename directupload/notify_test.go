package directupload_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/signer"
)

// captured is one notification as it arrived.
type captured struct {
	body   []byte
	header http.Header
}

// receiver runs a NotificationHandler on a loopback port, keeping a copy of
// every request and handing events to a channel.
type receiver struct {
	url    string
	events chan directupload.Event
	mu     sync.Mutex
	raw    []captured
	h      http.Handler
}

func startReceiver(t *testing.T, cfg client.Config, fn directupload.NotificationFunc, opts ...directupload.Option) *receiver {
	t.Helper()
	r := &receiver{events: make(chan directupload.Event, 16)}
	if fn == nil {
		fn = func(_ context.Context, ev directupload.Event) error { r.events <- ev; return nil }
	}
	nh, err := directupload.NewNotificationHandler(cfg, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.h = nh
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.raw = append(r.raw, captured{b, req.Header.Clone()})
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(b))
		nh.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

func (r *receiver) next(t *testing.T) directupload.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no notification arrived")
		return nil
	}
}

// replay sends a captured notification again, as an attacker who saw it.
func (r *receiver) replay(t *testing.T, c captured, mutate func(*http.Request)) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(c.body))
	req.Header = c.header.Clone()
	if mutate != nil {
		mutate(req)
	}
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	return rec.Code
}

// TestNotificationsFromMock: the mock sends its real notifications for an
// upload signed by the Handler (notification_url on an allowed host), an
// async upload, a rename and a delete; the NotificationHandler verifies and
// decodes each.
func TestNotificationsFromMock(t *testing.T) {
	m, cfg := startMock(t, mockserver.WithNotifications())
	rcv := startReceiver(t, cfg, nil)
	host := strings.TrimPrefix(rcv.url, "http://")
	h, err := directupload.NewHandler(cfg, directupload.Policy{
		Allow:             []string{"public_id", "notification_url", "async", "tags"},
		NotificationHosts: []string{host},
	})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(p url.Values) *directupload.Signature {
		t.Helper()
		sig, err := h.Sign(context.Background(), directupload.Caller{ID: "app"}, p)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}

	sig := sign(url.Values{"public_id": {"notes/one"}, "tags": {"a,b"}, "notification_url": {rcv.url + "/hook"}})
	if status, body := upload(t, sig, nil, "one.png", pngFile(t, 5, 4)); status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, body)
	}
	up, ok := rcv.next(t).(*directupload.UploadEvent)
	if !ok {
		t.Fatal("the upload notification is not an UploadEvent")
	}
	if up.NotificationType != "upload" || up.PublicID != "notes/one" || up.Width != 5 || up.Height != 4 || up.Format != "png" ||
		len(up.Tags) != 2 || up.Tags[1] != "b" || up.Version == 0 || len(up.AssetID) != 32 || up.SecureURL == "" || up.RequestID == "" ||
		up.CreatedAt.IsZero() || up.SignedAt.IsZero() || !signer.VerifyResponse(up.PublicID, up.Version, canary, up.Signature) {
		t.Errorf("upload event %+v", up)
	}

	sig = sign(url.Values{"public_id": {"notes/async"}, "async": {"true"}, "notification_url": {rcv.url}})
	status, pending := upload(t, sig, nil, "async.png", pngFile(t, 3, 3))
	if status != http.StatusOK || pending["status"] != "pending" || pending["batch_id"] == "" {
		t.Fatalf("async upload: %d %v", status, pending)
	}
	if async, ok := rcv.next(t).(*directupload.UploadEvent); !ok || async.PublicID != "notes/async" || async.Width != 3 {
		t.Errorf("async upload's notification %+v", async)
	}

	// Rename and destroy are server-side calls: sign them with the client.
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	call := func(action string, p url.Values) {
		t.Helper()
		signed, err := c.SignParams(p)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.PostForm(m.APIBase()+"/image/"+action, signed)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := decode(t, resp); status != http.StatusOK {
			t.Fatalf("%s: %d %v", action, status, body)
		}
	}
	call("rename", url.Values{"from_public_id": {"notes/one"}, "to_public_id": {"notes/uno"}, "notification_url": {rcv.url}})
	if rn, ok := rcv.next(t).(*directupload.RenameEvent); !ok || rn.FromPublicID != "notes/one" || rn.ToPublicID != "notes/uno" || rn.AssetID != up.AssetID {
		t.Errorf("rename event %+v", rn)
	}
	call("destroy", url.Values{"public_id": {"notes/uno"}, "notification_url": {rcv.url}})
	del, ok := rcv.next(t).(*directupload.DeleteEvent)
	if !ok || len(del.Resources) != 1 || del.Resources[0].PublicID != "notes/uno" || del.Resources[0].ResourceType != "image" || del.Resources[0].AssetID != up.AssetID {
		t.Errorf("delete event %+v", del)
	}

	// Replays of what arrived: the same request is handled once; a changed
	// body or signature, or a request without headers, is refused.
	rcv.mu.Lock()
	first := rcv.raw[0]
	rcv.mu.Unlock()
	if code := rcv.replay(t, first, nil); code != http.StatusOK {
		t.Errorf("replay answered %d", code)
	}
	select {
	case ev := <-rcv.events:
		t.Errorf("a replay reached the callback: %+v", ev)
	default:
	}
	tampered := captured{bytes.Replace(first.body, []byte("notes/one"), []byte("notes/two"), 1), first.header}
	if code := rcv.replay(t, tampered, nil); code != http.StatusUnauthorized {
		t.Errorf("tampered body answered %d", code)
	}
	if code := rcv.replay(t, first, func(r *http.Request) { r.Header.Del("X-Cld-Signature") }); code != http.StatusUnauthorized {
		t.Errorf("unsigned notification answered %d", code)
	}
	if code := rcv.replay(t, first, func(r *http.Request) { r.Method = http.MethodGet }); code != http.StatusMethodNotAllowed {
		t.Errorf("GET answered %d", code)
	}
}

// TestNotificationWindow uses the spec's vector C2 (an eager notification,
// valid 60 s after its timestamp): inside the window it is decoded, one
// second outside it is refused.
func TestNotificationWindow(t *testing.T) {
	body := `{"notification_type":"eager","eager":[{"transformation":"sp_full_hd/mp4","bytes":1055,"url":"http://res.cloudinary.com/demo/video/upload/sp_full_hd/v1533125278/dog.mp4","secure_url":"https://res.cloudinary.com/demo/video/upload/sp_full_hd/v1533125278/dog.mp4"}],"public_id":"dog","batch_id":"9b11fa058c61fa577f4ec516bf6ee756ac2aefef095af99aef1302142cc1694a"}`
	const ts, sig = "1549533514", "dfe82de1d9083fe0b7ea68070649f9a15b8874da"
	cfg := client.Config{CloudName: "demo", APIKey: "k", APISecret: client.NewSecret("X7qLTrsES31MzxxkxPPA-pAGGfU")}
	clock := func() time.Time { return time.Unix(1549533574, 0) }
	send := func(h http.Handler) int {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Cld-Timestamp", ts)
		req.Header.Set("X-Cld-Signature", sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	var got directupload.Event
	inside, err := directupload.NewNotificationHandler(cfg, func(_ context.Context, ev directupload.Event) error { got = ev; return nil },
		directupload.WithClock(clock), directupload.WithWindow(61*time.Second, 0))
	if err != nil {
		t.Fatal(err)
	}
	if code := send(inside); code != http.StatusOK {
		t.Fatalf("inside the window: %d", code)
	}
	eager, ok := got.(*directupload.EagerEvent)
	if !ok || eager.PublicID != "dog" || eager.BatchID[:8] != "9b11fa05" || len(eager.Eager) != 1 ||
		eager.Eager[0].Transformation != "sp_full_hd/mp4" || eager.Eager[0].Bytes != 1055 || !strings.HasPrefix(eager.Eager[0].SecureURL, "https://") ||
		eager.SignedAt != time.Unix(1549533514, 0).UTC() {
		t.Errorf("eager event %+v", got)
	}
	outside, _ := directupload.NewNotificationHandler(cfg, func(context.Context, directupload.Event) error {
		t.Error("a stale notification reached the callback")
		return nil
	}, directupload.WithClock(clock), directupload.WithWindow(60*time.Second, 0))
	if code := send(outside); code != http.StatusUnauthorized {
		t.Errorf("outside the window: %d", code)
	}
}

func TestNotificationCallbackErrorAllowsRedelivery(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "k", APISecret: client.NewSecret(canary)}
	var calls atomic.Int32
	var logs apitest.Buffer
	h, err := directupload.NewNotificationHandler(cfg, func(context.Context, directupload.Event) error {
		if calls.Add(1) == 1 {
			return errors.New("database down")
		}
		return nil
	}, directupload.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), directupload.WithMaxBodyBytes(512))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"notification_type":"delete","resources":[{"public_id":"a","resource_type":"image","type":"upload"}]}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	send := func(b []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b))
		req.Header.Set("X-Cld-Timestamp", ts)
		req.Header.Set("X-Cld-Signature", signer.NotificationSignature(b, ts, canary, signer.SHA256))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(body); code != http.StatusInternalServerError {
		t.Errorf("failing callback answered %d", code)
	}
	if code := send(body); code != http.StatusOK || calls.Load() != 2 {
		t.Errorf("redelivery answered %d after %d calls", code, calls.Load())
	}
	if code := send(body); code != http.StatusOK || calls.Load() != 2 {
		t.Errorf("third delivery answered %d and called back %d times", code, calls.Load())
	}
	big := append([]byte(`{"notification_type":"upload","x":"`), bytes.Repeat([]byte("a"), 600)...)
	big = append(big, `"}`...)
	if code := send(big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body answered %d", code)
	}
	if code := send([]byte(`{"public_id":"no type"}`)); code != http.StatusBadRequest {
		t.Errorf("notification without type answered %d", code)
	}
	if strings.Contains(logs.String(), canary) || !strings.Contains(logs.String(), "database down") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestParseNotificationShapes(t *testing.T) {
	for _, tc := range []struct {
		body  string
		check func(directupload.Event) bool
	}{
		{`{"notification_type":"upload","public_id":"b8sjhoslj8cq8ovoa0ma","version":"1555337587","width":"1000","height":"800","tags":"a,b","context":{"custom":{"alt":"x"}},"overwritten":"true"}`,
			func(ev directupload.Event) bool {
				u, ok := ev.(*directupload.UploadEvent)
				return ok && u.Version == 1555337587 && u.Width == 1000 && u.Height == 800 && len(u.Tags) == 2 && u.Context["alt"] == "x" && u.Overwritten
			}},
		// The context is read with cld's one decoder, so every shape
		// Cloudinary answers decodes (the list and pipe forms used to give
		// an empty context), and a broken one is left empty.
		{`{"notification_type":"upload","public_id":"l","context":[{"key":"alt","value":"x"},{"key":"n","value":5}]}`,
			func(ev directupload.Event) bool {
				u, ok := ev.(*directupload.UploadEvent)
				return ok && len(u.Context) == 2 && u.Context["alt"] == "x" && u.Context["n"] == "5"
			}},
		{`{"notification_type":"upload","public_id":"p","context":"alt=a\\|b|caption=c"}`,
			func(ev directupload.Event) bool {
				u, ok := ev.(*directupload.UploadEvent)
				return ok && len(u.Context) == 2 && u.Context["alt"] == "a|b" && u.Context["caption"] == "c"
			}},
		{`{"notification_type":"upload","public_id":"b","context":[1]}`,
			func(ev directupload.Event) bool {
				u, ok := ev.(*directupload.UploadEvent)
				return ok && u.PublicID == "b" && len(u.Context) == 0
			}},
		{`{"notification_type":"moderation","public_id":"x","moderation_status":"approved"}`,
			func(ev directupload.Event) bool {
				o, ok := ev.(*directupload.OtherEvent)
				return ok && o.NotificationType == "moderation" && strings.Contains(string(o.Body), "approved")
			}},
		{`{"notification_type":"explicit","public_id":"e","timestamp":"2026-03-01T12:00:00Z"}`,
			func(ev directupload.Event) bool {
				u, ok := ev.(*directupload.UploadEvent)
				return ok && u.PublicID == "e" && u.Meta().Time.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			}},
	} {
		ev, err := directupload.ParseNotification([]byte(tc.body))
		if err != nil || !tc.check(ev) {
			t.Errorf("ParseNotification(%s) = %+v, %v", tc.body, ev, err)
		}
	}
	for _, bad := range []string{``, `[]`, `{"public_id":"x"}`, `{"notification_type":"upload"} trailing`} {
		if _, err := directupload.ParseNotification([]byte(bad)); err == nil {
			t.Errorf("ParseNotification(%q) accepted", bad)
		}
	}
}
