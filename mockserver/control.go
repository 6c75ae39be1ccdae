package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveControl answers the /_mock/ endpoints (enabled with WithControl):
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
//	POST   /_mock/reset            forget all state     -> {"status":"ok"}
//	GET    /_mock/state            {"assets":N,"chunk_sessions":N,"faults":N,"journal":N}
func (s *Server) serveControl(rc *reqCtx, w http.ResponseWriter) {
	out, err := s.control(rc)
	if err != nil {
		rc.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) control(rc *reqCtx) (any, error) {
	r := rc.r
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
			if err := list[i].validate(); err != nil {
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
	_, _ = io.Copy(io.Discard, r.Body)
	return nil, notFound("Unknown control endpoint %s %s", r.Method, r.URL.Path)
}

func (s *Server) clockJSON() map[string]any {
	now := s.Now().UTC()
	return map[string]any{"now": now.Format(time.RFC3339Nano), "unix": now.Unix()}
}
