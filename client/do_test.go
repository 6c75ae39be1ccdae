package client_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

type uploadResult struct {
	client.Meta
	PublicID string `json:"public_id"`
}

func TestRetry503ThenSuccessResigns(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t,
		status(503, `{"error":{"message":"busy"}}`),
		status(503, `{"error":{"message":"busy"}}`),
		status(200, `{"public_id":"sample","extra_field":1}`, "X-Request-Id", "req-3"),
	)
	tick := int64(1_700_000_000)
	c := newTestClient(t, rec, client.WithClock(func() time.Time { tick += 7; return time.Unix(tick, 0) }))
	var res uploadResult
	resp, err := c.Do(context.Background(), &client.Request{Path: "image/upload", Params: url.Values{"public_id": {"sample"}, "tags": {""}}}, &res)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 3 || res.PublicID != "sample" || res.Response != resp || resp.RequestID != "req-3" {
		t.Fatalf("resp=%+v res=%+v", resp, res)
	}
	hits := rec.Hits()
	if len(hits) != 3 {
		t.Fatalf("%d hits", len(hits))
	}
	seen := map[string]bool{}
	for i, h := range hits {
		ts := h.form.Get("timestamp")
		if seen[ts] {
			t.Errorf("attempt %d reused timestamp %s", i+1, ts)
		}
		seen[ts] = true
		if h.form.Get("api_key") != testKey || !signer.Verify(h.form, testSecret, h.form.Get("signature")) {
			t.Errorf("attempt %d: bad signature for %v", i+1, h.form)
		}
		if _, ok := h.form["tags"]; ok {
			t.Errorf("empty param sent")
		}
		if h.clen != int64(len(h.body)) || len(h.te) != 0 {
			t.Errorf("Content-Length %d, body %d, TE %v", h.clen, len(h.body), h.te)
		}
		if h.header.Get("Authorization") != "" {
			t.Errorf("signed upload carried Authorization")
		}
	}
}
