package mockserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ControlTokenHeader is the request header that carries the control token
// (WithControlToken).
const ControlTokenHeader = "X-Mock-Control-Token"

// WithControlToken makes the /_mock/ control endpoints require token in the
// X-Mock-Control-Token header (ControlTokenHeader); without it they answer
// 403.
func WithControlToken(token string) Option { return func(c *config) { c.controlToken = token } }

// WithControlHosts adds host names (or IP addresses) under which the /_mock/
// control endpoints may be reached, besides loopback ones (localhost,
// *.localhost, 127.0.0.0/8, ::1) and the IP address the connection came in
// on. Requests naming any other host in their Host header are refused, so
// that a web page cannot reach the mock through a name it controls (DNS
// rebinding).
func WithControlHosts(hosts ...string) Option {
	return func(c *config) { c.controlHosts = append(c.controlHosts, hosts...) }
}

// serveControl answers the /_mock/ endpoints (enabled with WithControl),
// once checkControl let the request in:
//
//	GET    /_mock/health           {"status":"ok"}
//	GET    /_mock/faults           {"faults":[Fault...]}
//	POST   /_mock/faults           Fault or [Fault...]  -> {"ids":["f1",...]}
//	DELETE /_mock/faults           remove all           -> {"removed":N}
//	DELETE /_mock/faults/<id>      remove one           -> {"removed":1}
//	GET    /_mock/journal?since=N  {"entries":[JournalEntry...]}
//	DELETE /_mock/journal          forget entries       -> {"status":"ok"}
//	GET    /_mock/clock            {"now":"<RFC 3339>","unix":N}
//	POST   /_mock/clock            {"advance":"90m"} or {"now":"<RFC 3339>"|unix} -> same as GET
//	POST   /_mock/reset            forget all state, reset the clock -> {"status":"ok"}
//	GET    /_mock/state            {"assets":N,"chunk_sessions":N,"faults":N,"journal":N}
func (s *Server) serveControl(rc *reqCtx, w http.ResponseWriter) {
	out, err := s.control(rc)
	if err != nil {
		rc.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// checkControl refuses control requests a web page could have sent: a Host
// header that is not the mock's (DNS rebinding), an Origin or Sec-Fetch-Site
// header of another site, a POST body that is not JSON (a cross-origin
// text/plain or form POST needs no preflight), and, with WithControlToken, a
// missing or wrong token.
func (s *Server) checkControl(r *http.Request) error {
	if !s.controlHost(r) {
		return forbidden("Control requests must name the mock's own host: Host %q is not loopback, the connection's address, or a host given to WithControlHosts (cldrest mock --control-host)", clip(r.Host, 256))
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, r.Host) {
			return forbidden("Control requests from web pages of other origins are refused (Origin %q)", clip(o, 256))
		}
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return forbidden("Control requests from web pages of other origins are refused (Sec-Fetch-Site %q)", clip(site, 64))
	}
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			return badRequest("Control requests with a body must send Content-Type: application/json (got %q)", clip(r.Header.Get("Content-Type"), 128))
		}
	}
	if t := s.cfg.controlToken; t != "" {
		got := r.Header.Get(ControlTokenHeader)
		if subtle.ConstantTimeCompare([]byte(got), []byte(t)) != 1 {
			return forbidden("Missing or wrong control token: send it in the %s header", ControlTokenHeader)
		}
	}
	return nil
}

// controlHost reports whether the request's Host names the mock itself.
func (s *Server) controlHost(r *http.Request) bool {
	host := r.Host
	if host == "" {
		return true // HTTP/1.0 without Host: no browser sends that
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	for _, h := range s.cfg.controlHosts {
		if strings.EqualFold(strings.Trim(strings.TrimSuffix(h, "."), "[]"), host) {
			return true
		}
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	// The address the client connected to: reaching it needs no name, so
	// no rebinding (and an Origin of another site is refused above).
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ta, ok := la.(*net.TCPAddr); ok && ta.IP.Equal(ip) {
			return true
		}
	}
	return false
}

func (s *Server) control(rc *reqCtx) (any, error) {
	r := rc.r
	if err := s.checkControl(r); err != nil {
		return nil, err
	}
	p := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/_mock"), "/")
	body, err := readLimited(r.Body, 1<<20, r.ContentLength, rc.hold)
	if err != nil {
		return nil, err
	}
	switch {
	case p == "health":
		return map[string]string{"status": "ok"}, nil
	case p == "faults" && r.Method == http.MethodGet:
		return map[string]any{"faults": s.Faults()}, nil
	case p == "faults" && r.Method == http.MethodPost:
		var list []Fault
		trimmed := bytes.TrimSpace([]byte(body))
		if len(trimmed) > 0 && trimmed[0] == '[' {
			err = json.Unmarshal(trimmed, &list)
		} else {
			var f Fault
			err = json.Unmarshal(trimmed, &f)
			list = []Fault{f}
		}
		if err != nil {
			return nil, badRequest("Invalid fault JSON: %v", err)
		}
		for i := range list {
			if err := s.checkFault(&list[i]); err != nil {
				return nil, badRequest("%v", err)
			}
		}
		ids := []string{}
		for _, f := range list {
			id, err := s.AddFault(f)
			if err != nil {
				return nil, badRequest("%v", err)
			}
			ids = append(ids, id)
		}
		return map[string]any{"ids": ids}, nil
	case p == "faults" && r.Method == http.MethodDelete:
		n := len(s.Faults())
		s.ClearFaults()
		return map[string]int{"removed": n}, nil
	case strings.HasPrefix(p, "faults/") && r.Method == http.MethodDelete:
		if !s.RemoveFault(strings.TrimPrefix(p, "faults/")) {
			return nil, notFound("No fault %s", strings.TrimPrefix(p, "faults/"))
		}
		return map[string]int{"removed": 1}, nil
	case p == "journal" && r.Method == http.MethodGet:
		since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		return map[string]any{"entries": s.JournalSince(since)}, nil
	case p == "journal" && r.Method == http.MethodDelete:
		s.ClearJournal()
		return map[string]string{"status": "ok"}, nil
	case p == "clock" && r.Method == http.MethodGet:
		return s.clockJSON(), nil
	case p == "clock" && r.Method == http.MethodPost:
		var req struct {
			Advance string          `json:"advance"`
			Now     json.RawMessage `json:"now"`
		}
		if err := json.Unmarshal([]byte(body), &req); err != nil {
			return nil, badRequest("Invalid clock JSON: %v (send {\"advance\":\"1h\"} or {\"now\":\"2026-01-02T15:04:05Z\"})", err)
		}
		switch {
		case req.Advance != "":
			d, err := time.ParseDuration(req.Advance)
			if err != nil {
				return nil, badRequest("Invalid advance %q: use a Go duration like 90m", req.Advance)
			}
			s.Advance(d)
		case len(req.Now) > 0:
			var t time.Time
			var unix int64
			if json.Unmarshal(req.Now, &unix) == nil {
				t = time.Unix(unix, 0)
			} else if err := json.Unmarshal(req.Now, &t); err != nil {
				return nil, badRequest("Invalid now: use RFC 3339 or Unix seconds")
			}
			s.SetNow(t)
		default:
			return nil, badRequest("Send {\"advance\":\"1h\"} or {\"now\":\"2026-01-02T15:04:05Z\"}")
		}
		return s.clockJSON(), nil
	case p == "reset" && r.Method == http.MethodPost:
		s.Reset()
		return map[string]string{"status": "ok"}, nil
	case p == "state" && r.Method == http.MethodGet:
		s.mu.RLock()
		n := len(s.st.assets)
		s.mu.RUnlock()
		return map[string]int{"assets": n, "chunk_sessions": s.sessions.count(), "faults": len(s.Faults()),
			"journal": len(s.Journal())}, nil
	}
	return nil, notFound("Unknown control endpoint %s %s", r.Method, r.URL.Path)
}

func (s *Server) clockJSON() map[string]any {
	now := s.Now().UTC()
	return map[string]any{"now": now.Format(time.RFC3339Nano), "unix": now.Unix()}
}
