package mockserver

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/signer"
)

// authInfo records how a request authenticated.
type authInfo struct {
	mode    string // "signed", "basic", "bearer", "unsigned"
	key     string
	secret  string
	alg     signer.Algorithm
	version int
	preset  *preset
}

func (a authInfo) String() string {
	switch a.mode {
	case "signed":
		return "signed:" + string(a.alg) + ":v" + strconv.Itoa(a.version)
	case "unsigned":
		if a.preset != nil {
			return "unsigned:" + a.preset.Name
		}
		return "unsigned"
	case "":
		return "none"
	}
	return a.mode
}

// responseAlg is the algorithm of response signatures: the request's own
// algorithm when it was signed, SHA-1 otherwise.
func (a authInfo) responseAlg() signer.Algorithm {
	if a.alg != "" {
		return a.alg
	}
	return signer.SHA1
}

func (s *Server) secretFor(key string) (string, bool) {
	for _, c := range s.cfg.creds {
		if subtle.ConstantTimeCompare([]byte(c.key), []byte(key)) == 1 {
			return c.secret, true
		}
	}
	return "", false
}

// headerAuth checks an Authorization header (Basic or Bearer). ok is false
// when the request carries no Authorization header.
func (s *Server) headerAuth(r *http.Request) (authInfo, bool, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return authInfo{}, false, nil
	}
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "basic":
		raw, ok := decodeBase64Any(cred)
		if !ok {
			return authInfo{}, true, unauthorized("Invalid Authorization header: Basic credentials are not base64 of api_key:api_secret")
		}
		key, secret, found := strings.Cut(raw, ":")
		if !found || key == "" {
			return authInfo{}, true, unauthorized("Invalid Authorization header: Basic credentials are not base64 of api_key:api_secret")
		}
		want, known := s.secretFor(key)
		if !known {
			return authInfo{}, true, unauthorized("Invalid api_key %s", clip(key, 128))
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
			return authInfo{}, true, unauthorized("api_secret mismatch")
		}
		return authInfo{mode: "basic", key: key, secret: want}, true, nil
	case "bearer":
		for _, t := range s.cfg.tokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(cred)) == 1 {
				c := s.cfg.creds[0]
				return authInfo{mode: "bearer", key: c.key, secret: c.secret}, true, nil
			}
		}
		return authInfo{}, true, unauthorized("Invalid token")
	}
	return authInfo{}, true, unauthorized("Unsupported Authorization scheme %q: use Basic or Bearer", scheme)
}

func decodeBase64Any(s string) (string, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), true
		}
	}
	return "", false
}

// authUpload authenticates an Upload API request. Signature parameters win
// over an Authorization header; unsigned requests need an unsigned upload
// preset when unsignedOK (the upload action), and are refused otherwise.
func (rc *reqCtx) authUpload(unsignedOK bool) error {
	s, p := rc.s, rc.p
	if sig := p.get("signature"); sig != "" {
		key := p.get("api_key")
		if key == "" {
			return unauthorized("Must supply api_key")
		}
		secret, ok := s.secretFor(key)
		if !ok {
			return unauthorized("Invalid api_key %s", clip(key, 128))
		}
		tsRaw := p.get("timestamp")
		if tsRaw == "" {
			return missingParam("timestamp")
		}
		ts, err := strconv.ParseInt(strings.TrimSpace(tsRaw), 10, 64)
		if err != nil {
			return badRequest("Invalid timestamp parameter %q: use Unix seconds", clip(tsRaw, 64))
		}
		now := s.Now()
		if now.Sub(time.Unix(ts, 0)) > s.cfg.maxTimestampAg {
			return badRequest("Stale request - reported time is %s which is more than 1 hour ago", tsRaw)
		}
		if time.Unix(ts, 0).Sub(now) > s.cfg.futureSkew {
			return badRequest("Invalid timestamp - reported time is %s which is more than 1 hour in the future", tsRaw)
		}
		alg, version, ok := signer.VerifyDetail(p.raw, secret, sig)
		if !ok {
			return unauthorized("Invalid Signature %s. String to sign - '%s'.", clip(sig, 128), clip(signer.StringToSign(p.raw, 2), maxEchoedStringToSign))
		}
		rc.auth = authInfo{mode: "signed", key: key, secret: secret, alg: alg, version: version}
		rc.hold.verify()
		return nil
	}
	if a, present, err := s.headerAuth(rc.r); present {
		if err != nil {
			return err
		}
		rc.auth = a
		rc.hold.verify()
		return nil
	}
	if !unsignedOK {
		if p.get("api_key") == "" {
			return unauthorized("Must supply api_key")
		}
		return unauthorized("Missing required parameter - signature")
	}
	name := p.get("upload_preset")
	if name == "" {
		return badRequest("Upload preset must be specified when using unsigned upload")
	}
	s.mu.RLock()
	pr, ok := s.st.cfg.Presets[name]
	var cp preset
	if ok {
		cp = *pr
	}
	s.mu.RUnlock()
	if !ok {
		return badRequest("Upload preset not found: %s", name)
	}
	if !cp.Unsigned {
		return badRequest("Upload preset must be whitelisted for unsigned uploads")
	}
	if err := checkUnsignedParams(p, &cp); err != nil {
		return err
	}
	c := s.cfg.creds[0]
	rc.auth = authInfo{mode: "unsigned", key: c.key, secret: c.secret, preset: &cp}
	rc.hold.verify()
	return nil
}

// maxEchoedStringToSign bounds the string to sign quoted in an Invalid
// Signature message, so that a request cannot make the mock echo megabytes.
const maxEchoedStringToSign = 4096

// verifyEarly authenticates an upload with the parameters read before its
// file (clients usually send the file last), so that the file's bytes are
// not held as unverified. Failing here proves nothing yet, since signed
// parameters may follow the file: the complete request is authenticated
// again either way.
func (rc *reqCtx) verifyEarly(p *params) {
	if rc.hold == nil || rc.hold.verified {
		return
	}
	early := *rc
	early.p = &params{raw: p.raw}
	_ = early.authUpload(true)
}

// unsignedAllowed lists the parameters an unsigned upload may set (OAS
// upload_request_parameters plus what current SDKs send with unsigned
// uploads); a preset's parameter_whitelist adds more.
var unsignedAllowed = map[string]bool{
	"file": true, "upload_preset": true, "unsigned": true, "timestamp": true, "api_key": true,
	"cloud_name": true, "resource_type": true, "callback": true,
	"public_id": true, "public_id_prefix": true, "folder": true, "asset_folder": true,
	"display_name": true, "unique_display_name": true, "use_filename_as_display_name": true,
	"use_asset_folder_as_public_id_prefix": true, "use_filename": true, "unique_filename": true,
	"filename_override": true, "tags": true, "context": true, "metadata": true,
	"face_coordinates": true, "custom_coordinates": true, "regions": true,
}

func checkUnsignedParams(p *params, pr *preset) error {
	white := map[string]bool{}
	for _, w := range pr.ParameterWhitelist {
		white[w] = true
	}
	for k, vs := range p.raw {
		base, _, _ := strings.Cut(k, "[")
		empty := true
		for _, v := range vs {
			if v != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if base == "public_id" && pr.DisallowPublicID {
			return forbidden("public_id parameter is not allowed when using unsigned upload with preset %s (disallow_public_id)", pr.Name)
		}
		if base == "overwrite" {
			if b, ok := parseBool(p.get("overwrite")); ok && !b {
				continue
			}
			return forbidden("overwrite parameter is not allowed when using unsigned upload")
		}
		if !unsignedAllowed[base] && !white[base] {
			return forbidden("%s parameter is not allowed when using unsigned upload", base)
		}
	}
	return nil
}

// authAdmin authenticates an Admin API request: Basic or Bearer only.
func (rc *reqCtx) authAdmin() error {
	a, present, err := rc.s.headerAuth(rc.r)
	if !present {
		return unauthorized("Must supply api_key")
	}
	if err != nil {
		return err
	}
	rc.auth = a
	rc.hold.verify()
	return nil
}
