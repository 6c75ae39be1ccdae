package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/cldrest/cldrest/signer"
)

// WithNotifications makes the mock POST notifications (webhooks) to the
// notification_url of upload, explicit, rename and destroy calls, signed as
// Cloudinary signs them (X-Cld-Timestamp, X-Cld-Signature = SHA-1 of body +
// timestamp + the first API secret). Without it notification_url is accepted
// but nothing is sent, and the response says so in X-Mock-Not-Sent.
func WithNotifications() Option { return func(c *config) { c.notify = true } }

// notify sends (or declines to send) a notification for a successful call.
func (s *Server) notify(rc *reqCtx, kind string, res map[string]any) {
	target := rc.p.get("notification_url")
	if target == "" {
		return
	}
	if !s.cfg.notify {
		rc.w.Header().Set("X-Mock-Not-Sent", "notification_url (enable WithNotifications or --notifications)")
		return
	}
	body := map[string]any{"notification_type": kind, "timestamp": s.Now().UTC().Format("2006-01-02T15:04:05Z"), "request_id": rc.rid}
	for k, v := range res {
		if k != "api_key" {
			body[k] = v
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return
	}
	ts := strconv.FormatInt(s.Now().Unix(), 10)
	sig := signer.NotificationSignature(b, ts, s.cfg.creds[0].secret, signer.SHA1)
	s.notifyWG.Add(1)
	go func() {
		defer s.notifyWG.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.remoteTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Cld-Timestamp", ts)
		req.Header.Set("X-Cld-Signature", sig)
		if resp, err := s.remote.Do(req); err == nil {
			_ = resp.Body.Close()
		}
	}()
}
