package mockserver

import (
	"net"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/cldrest/cldrest/signer"
)

var versionSeg = regexp.MustCompile(`^v[0-9]+$`)

func deliveryError(status int, msg string) *apiError {
	return &apiError{status: status, message: msg, header: http.Header{"X-Cld-Error": {msg}}}
}

// handleDelivery serves GET /<cloud>/<rt>/<type>/[s--sig--/][transformations/][v<version>/]<public_id>[.<ext>].
// Images are rendered by the transform engine (media.go: deliverMedia);
// videos and raw files are served as stored, and for raw files the
// X-Mock-Not-Rendered header names what was skipped.
func (s *Server) handleDelivery(rc *reqCtx) (any, error) {
	if rc.r.Method != http.MethodGet && rc.r.Method != http.MethodHead {
		return nil, deliveryError(http.StatusNotFound, "Unsupported method "+rc.r.Method)
	}
	segs := rc.segs
	if len(segs) < 3 {
		return nil, deliveryError(http.StatusNotFound, "Resource not found - invalid delivery URL")
	}
	rt, typ, rest := segs[0], segs[1], segs[2:]
	if !resourceTypes[rt] {
		return nil, deliveryError(http.StatusNotFound, "Resource not found - unknown resource type "+rt)
	}
	switch typ {
	case "upload", "private", "authenticated", "sprite", "multi", "text":
	default:
		return nil, deliveryError(http.StatusNotFound, "The cldrest mock server does not support delivery type "+typ)
	}
	sig := ""
	if strings.HasPrefix(rest[0], "s--") && strings.HasSuffix(rest[0], "--") && len(rest[0]) > 5 {
		sig, rest = rest[0], rest[1:]
	}
	// The same segments as the client wrote them: signatures cover the URL
	// as written.
	escSegs := splitPath(wirePath(rc.r))
	escRest := []string(nil)
	if len(escSegs) >= len(rest) {
		escRest = escSegs[len(escSegs)-len(rest):]
	}
	s.mu.RLock()
	var found *asset
	var trans, escTrans, escID []string
	ext := ""
	for i := 0; i < len(rest) && found == nil; i++ {
		t, remainder := rest[:i], rest[i:]
		verIdx := -1
		if versionSeg.MatchString(remainder[0]) && len(remainder) > 1 {
			remainder = remainder[1:]
			verIdx = i
		}
		if len(remainder) == 0 {
			continue
		}
		id := strings.Join(remainder, "/")
		cands := []struct{ id, ext string }{{id, ""}}
		if e := path.Ext(id); e != "" && !strings.Contains(e, "/") {
			cands = append([]struct{ id, ext string }{{strings.TrimSuffix(id, e), e[1:]}}, cands...)
		}
		for _, c := range cands {
			a := s.st.assets[assetKey{rt, typ, c.id}]
			if a == nil {
				continue
			}
			found = a.clone()
			trans, ext = t, c.ext
			if escRest != nil {
				escTrans = escRest[:i]
				start := i
				if verIdx >= 0 {
					start++
				}
				escID = escRest[start:]
			}
			break
		}
	}
	s.mu.RUnlock()
	if found == nil {
		return nil, deliveryError(http.StatusNotFound, "Resource not found - "+strings.Join(rest, "/"))
	}
	if token := rawQueryParam(rc.r.URL.RawQuery, signer.TokenParam); token != "" && sig == "" && typ == "authenticated" {
		if err := s.checkAuthToken(rc, token); err != nil {
			return nil, err
		}
	} else if sig != "" || typ == "private" || typ == "authenticated" {
		if sig == "" {
			return nil, deliveryError(http.StatusUnauthorized, "Signature required for "+typ+" assets")
		}
		ok := false
		for _, toSign := range urlSignedForms(escTrans, escID) {
			for _, c := range s.cfg.creds {
				if signer.VerifyURLSignature(toSign, c.secret, sig) {
					ok = true
				}
			}
		}
		if !ok {
			return nil, deliveryError(http.StatusUnauthorized, "Invalid signature "+sig)
		}
	}
	if rendered, err := s.deliverMedia(rc, found, trans, ext, sig != ""); rendered || err != nil {
		return nil, err
	}
	var notes []string
	if len(trans) > 0 {
		notes = append(notes, "transformation "+strings.Join(trans, "/"))
	}
	if ext != "" && rt != "raw" && ext != found.Format && !(ext == "jpeg" && found.Format == "jpg") {
		notes = append(notes, "format conversion to "+ext)
	}
	h := rc.w.Header()
	if len(notes) > 0 {
		h.Set("X-Mock-Not-Rendered", strings.Join(notes, "; ")+"; original served")
	}
	r, err := s.blobs.open(found.Blob)
	if err != nil {
		if err == errNoBytes {
			return nil, deliveryError(http.StatusNotFound, "Resource bytes not stored (metadata-only storage) - "+found.PublicID)
		}
		return nil, deliveryError(http.StatusNotFound, "Resource not found - "+found.PublicID)
	}
	defer r.Close()
	h.Set("Content-Type", contentTypeFor(found.Format, found.PublicID))
	h.Set("ETag", `"`+found.ETag+`"`)
	h.Set("Cache-Control", "public, max-age=2592000")
	rc.wrote = true
	http.ServeContent(rc.w, rc.r, "", found.UpdatedAt.Truncate(time.Second), r)
	return nil, nil
}

// checkAuthToken verifies a __cld_token__ for an authenticated asset, as
// the CDN does: against the path with the cloud name (shared host) or
// without it (private CDN or CNAME).
func (s *Server) checkAuthToken(rc *reqCtx, token string) error {
	if s.cfg.tokenKey == "" {
		return deliveryError(http.StatusUnauthorized, "Token-based access is not enabled: start the mock with WithAuthTokenKey (cldrest mock --auth-token-key)")
	}
	ip, _, err := net.SplitHostPort(rc.r.RemoteAddr)
	if err != nil {
		ip = rc.r.RemoteAddr
	}
	full := wirePath(rc.r)
	var last error
	for _, p := range []string{full, strings.TrimPrefix(full, "/"+s.cfg.cloud)} {
		if last = signer.VerifyAuthToken(token, s.cfg.tokenKey, p, ip, s.Now()); last == nil {
			return nil
		}
	}
	return deliveryError(http.StatusUnauthorized, last.Error())
}

// wirePath returns the request's path exactly as the client wrote it
// (its escapes untouched), which is what signatures and tokens cover.
func wirePath(r *http.Request) string {
	p, _, _ := strings.Cut(r.RequestURI, "?")
	if !strings.HasPrefix(p, "/") {
		// Absolute form (through a proxy) or a request built in a test.
		return r.URL.EscapedPath()
	}
	return p
}

// rawQueryParam returns the first value of name in a raw query string
// without percent-decoding it: an auth token is signed with its escapes
// ("acl=%2fimage%2f*"), as the SDKs append it.
func rawQueryParam(rawQuery, name string) string {
	for _, kv := range strings.Split(rawQuery, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// urlSignedForms returns what a delivery URL signature s--…-- may cover,
// given the transformation and public ID segments as written in the URL
// (after the signature, without the version): the official SDKs sign
// "<transformation>/<public ID as escaped in the URL>.<ext>", where the
// transformation is signed before its spaces are written as %20. A %20 in
// the transformation may be such a space or part of escaped overlay text,
// so both readings are tried. The Go SDK's form (the unescaped public ID)
// is not accepted: it differs from the URL for public IDs that need
// escaping, and the other SDKs do not sign it.
func urlSignedForms(trans, id []string) []string {
	t := strings.Join(trans, "/")
	idPath := strings.Join(id, "/")
	join := func(t string) string {
		if t == "" {
			return idPath
		}
		return t + "/" + idPath
	}
	forms := []string{join(t)}
	if strings.Contains(t, "%20") {
		forms = append(forms, join(strings.ReplaceAll(t, "%20", " ")))
	}
	return forms
}
