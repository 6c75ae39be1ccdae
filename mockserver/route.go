package mockserver

import (
	"net/http"
	"strings"

	"github.com/cldrest/cldrest/internal/apiroute"
)

var resourceTypes = map[string]bool{"image": true, "video": true, "raw": true}

// uploadActions maps every Upload API action the mock knows to its handler.
func (s *Server) uploadActions() map[string]handlerFunc {
	actions := map[string]handlerFunc{
		"upload":           s.handleUpload,
		"upload_chunked":   s.handleUpload,
		"explicit":         signedAction(s.handleExplicit),
		"destroy":          signedAction(s.handleDestroy),
		"rename":           signedAction(s.handleRename),
		"tags":             signedAction(s.handleTags),
		"context":          signedAction(s.handleContext),
		"metadata":         signedAction(s.handleMetadata),
		"generate_archive": signedAction(s.handleGenerateArchive),
		"download":         signedAction(s.handleDownload),
		"sprite":           signedAction(s.handleSprite),
		"multi":            signedAction(s.handleMulti),
		"explode":          signedAction(s.handleExplode),
		"text":             signedAction(s.handleText),
		"create_slideshow": signedAction(s.handleCreateSlideshow),
	}
	for _, action := range []string{"concat", "update_metadata", "download_archive", "upload_large"} {
		actions[action] = func(rc *reqCtx) (any, error) { return nil, unsupported("the " + action + " action") }
	}
	return actions
}

// uploadAction returns the handler of an Upload API action.
func (s *Server) uploadAction(action string) (handlerFunc, bool) {
	h, ok := s.actions[action]
	return h, ok
}

// splitPath splits a decoded URL path into segments, dropping the leading
// empty one. Empty inner segments are kept so that "a//b" does not alias "a/b".
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// route picks the handler for a request and sets rc.label, rc.cloud and
// rc.segs. Go's net/http has already percent-decoded the path (including
// %2F), which is what Cloudinary does before routing.
func (s *Server) route(rc *reqCtx) (handlerFunc, error) {
	segs := splitPath(rc.r.URL.Path)
	if len(segs) == 0 {
		rc.label = "root"
		return nil, notFound("Not found: the mock serves /v1_1/<cloud>/... (APIs) and /<cloud>/... (delivery)")
	}
	if segs[0] == "v1_1" && len(segs) > 1 && segs[1] == provisioningRoot {
		return s.routeProvisioning(rc, segs[2:])
	}
	if segs[0] == "v2" {
		return s.routeV2(rc, segs[1:])
	}
	if segs[0] == "v1_1" {
		if len(segs) < 3 {
			rc.label = "api/unknown"
			return nil, notFound("Not found: expected /v1_1/<cloud>/<path>")
		}
		rc.cloud = segs[1]
		rest := segs[2:]
		rc.segs = rest
		if rc.cloud != s.cfg.cloud {
			rc.label = "api/unknown"
			return nil, unauthorized("Invalid cloud_name %s", rc.cloud)
		}
		head := rest[0]
		if apiroute.IsUpload(head) {
			return s.routeUpload(rc, head, rest)
		}
		if s.admin.roots[head] {
			rc.label = "admin/" + head
			return s.adminEntry, nil
		}
		rc.label = "api/unknown"
		return nil, notFound("Unknown API route %s", rc.r.URL.Path)
	}
	if segs[0] == s.cfg.cloud {
		rc.cloud = segs[0]
		rc.segs = segs[1:]
		rt := "unknown"
		if len(segs) > 1 {
			rt = segs[1]
		}
		if !resourceTypes[rt] {
			rt = "unknown"
		}
		rc.label = "delivery/" + rt
		return s.handleDelivery, nil
	}
	rc.label = "unknown"
	return nil, notFound("Not found: the mock serves cloud %q under /v1_1/%s/ and /%s/", s.cfg.cloud, s.cfg.cloud, s.cfg.cloud)
}

// routeUpload picks the handler of an Upload API path (one that
// apiroute.IsUpload accepts): rest is the path after /v1_1/<cloud>/, head
// its first segment.
func (s *Server) routeUpload(rc *reqCtx, head string, rest []string) (handlerFunc, error) {
	switch {
	case resourceTypes[head] || head == "auto" || head == "all":
		if len(rest) < 2 {
			rc.label = "upload/unknown"
			return nil, notFound("Not found: expected /v1_1/%s/%s/<action>", rc.cloud, head)
		}
		action := rest[1]
		rc.label = "upload/" + action
		if len(rest) > 2 {
			return nil, notFound("Unknown Upload API route %s", rc.r.URL.Path)
		}
		if h, ok := s.uploadAction(action); ok {
			if head == "all" && action != "generate_archive" && action != "download" {
				return nil, badRequest("Invalid resource_type all for %s", action)
			}
			if head == "auto" && action != "upload" && action != "upload_chunked" {
				return nil, badRequest("Invalid resource_type auto for %s", action)
			}
			// Signed download URLs GET these (mode=download).
			getOK := action == "download" || action == "generate_archive" || action == "sprite" || action == "multi"
			return s.methodPOST(h, getOK), nil
		}
		return nil, notFound("Unknown Upload API action %s", action)
	case head == "upload" && len(rest) == 1:
		rc.label = "upload/upload"
		rc.segs = []string{"auto", "upload"}
		return s.methodPOST(s.handleUpload, false), nil
	case head == "asset" && len(rest) == 2:
		rc.label = "upload/asset_" + rest[1]
		if rest[1] == "destroy" {
			return s.methodPOST(signedAction(s.handleAssetDestroy), false), nil
		}
		return nil, unsupported("/asset/" + rest[1])
	case head == "download_backup":
		rc.label = "upload/download_backup"
		return s.methodPOST(signedAction(s.handleDownloadBackup), true), nil
	}
	rc.label = "api/unknown"
	return nil, notFound("Unknown API route %s", rc.r.URL.Path)
}

// signedAction parses a request and checks its signature (or Basic or Bearer
// auth) before h runs: every Upload API action but upload itself, which
// streams its file while parsing and accepts unsigned presets.
func signedAction(h handlerFunc) handlerFunc {
	return func(rc *reqCtx) (any, error) {
		if err := rc.limitBody(maxFormBytes + bodyOverhead); err != nil {
			return nil, err
		}
		if err := rc.parse(nil); err != nil {
			return nil, err
		}
		if err := rc.authUpload(false); err != nil {
			return nil, err
		}
		return h(rc)
	}
}

// methodPOST restricts an Upload API handler to POST or PUT (and GET or HEAD
// when getOK); other methods answer 404 as Cloudinary does.
func (s *Server) methodPOST(h handlerFunc, getOK bool) handlerFunc {
	return func(rc *reqCtx) (any, error) {
		m := rc.r.Method
		if m == http.MethodPost || m == http.MethodPut || getOK && (m == http.MethodGet || m == http.MethodHead) {
			return h(rc)
		}
		return nil, notFound("Unsupported method %s for %s", m, rc.r.URL.Path)
	}
}

// parse reads the request's parameters once; sink (may be nil) receives
// file parts.
func (rc *reqCtx) parse(sink fileSink) error {
	if rc.p != nil {
		return nil
	}
	p, err := parseRequest(rc.r, parseOptions{sink: sink, hold: rc.hold, beforeFile: rc.verifyEarly})
	if err != nil {
		return err
	}
	rc.p = p
	return nil
}
