package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
)

//go:embed index.html
var page embed.FS

// policy is what a visitor may upload: images only, into their own folder,
// tagged, with public IDs the server generates (so nobody can overwrite
// anything), at most 20 a minute. Visitors may add their own tags.
var policy = directupload.Policy{
	Allow: []string{"tags"},
	Force: map[string]string{
		"folder":          "browser-upload/{caller}",
		"tags":            "browser-upload",
		"allowed_formats": "jpg,png,gif,webp",
	},
	PublicIDs:     directupload.PublicIDs{Generate: true},
	ResourceTypes: []string{"image"},
	RatePerMinute: 20,
}

// newApp serves the upload page at / and the signature endpoint at
// POST /api/sign. Visitors are told apart by a signed session cookie the
// page sets; in your application, use its own sessions instead.
func newApp(cfg client.Config, logger *slog.Logger) (http.Handler, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	sessions := sessionCookies{key: key}
	signer, err := directupload.NewHandler(cfg, policy,
		directupload.WithAuthenticator(sessions.caller),
		directupload.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/sign", signer)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if _, err := sessions.caller(r); err != nil {
			sessions.start(w)
		}
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, page, "index.html")
	})
	return mux, nil
}

// sessionCookies is a minimal visitor session: a random ID with an HMAC, so
// that a visitor cannot pose as another.
type sessionCookies struct{ key []byte }

const cookieName = "visitor"

func (s sessionCookies) mac(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (s sessionCookies) start(w http.ResponseWriter) {
	id := "v" + strings.ToLower(rand.Text())[:12]
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id + "." + s.mac(id), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// caller is the directupload.Authenticator: the visitor of a valid cookie.
func (s sessionCookies) caller(r *http.Request) (directupload.Caller, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return directupload.Caller{}, &directupload.Refusal{Status: http.StatusUnauthorized, Reason: "no session: load the page first"}
	}
	id, mac, _ := strings.Cut(c.Value, ".")
	if id == "" || !hmac.Equal([]byte(mac), []byte(s.mac(id))) {
		return directupload.Caller{}, errors.New("forged or stale session cookie")
	}
	return directupload.Caller{ID: id}, nil
}
