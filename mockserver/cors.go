package mockserver

import (
	"net/http"
	"strings"
)

// CORS, as Cloudinary answers browsers: the Upload API and delivery URLs may
// be called from any origin (pages upload straight to Cloudinary with a
// signature or an unsigned preset, and show what they uploaded), the Admin
// API may not (it needs the API secret, which never belongs in a browser).
// Preflights are answered before routing goes further and are not
// journaled: a client does not make them, its browser does.

// Preflight cache time, the value Cloudinary's upload API sends.
const corsMaxAge = "1728000"

// cors sets the CORS headers of a request routed to label (see route) and
// answers it when it is a preflight; it reports whether it answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request, label string) bool {
	var methods string
	switch {
	case strings.HasPrefix(label, "upload/"):
		methods = "GET, POST, PUT, OPTIONS"
	case strings.HasPrefix(label, "delivery/"):
		methods = "GET, HEAD, OPTIONS"
	default:
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h.Set("Access-Control-Allow-Methods", methods)
	// Cloudinary allows the headers a page asks for (chunked uploads send
	// X-Unique-Upload-Id and Content-Range).
	if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
		h.Set("Access-Control-Allow-Headers", asked)
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return true
}
