package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind selects what an injected fault does.
type FaultKind string

// Fault kinds.
const (
	// FaultStatus answers Status (default 503) with a JSON error and, when
	// RetryAfter is set, a Retry-After header, without processing the request.
	FaultStatus FaultKind = "status"
	// FaultHTML answers Status (default 502) with an HTML error page, as a
	// proxy in front of the API would, without processing the request.
	FaultHTML FaultKind = "html"
	// FaultDelay waits Delay, then processes the request normally.
	FaultDelay FaultKind = "delay"
	// FaultReset resets the connection before processing the request.
	FaultReset FaultKind = "reset"
	// FaultCommitDrop processes the request (an upload is stored), then
	// cuts the connection without answering.
	FaultCommitDrop FaultKind = "commit_drop"
	// FaultTruncate processes the request, then sends the status, headers
	// (with the full Content-Length) and only half of the body before
	// cutting the connection.
	FaultTruncate FaultKind = "truncate"
)

// Fault is a scripted failure. It applies to requests whose route label
// matches Route and whose method matches Method (empty: any). Route labels
// are "upload/<action>" (upload, destroy, explicit, ...), "admin/<first path
// segment>" (resources, folders, ping, ...) and "delivery/<resource type>".
// Route is a path.Match pattern over the label; a pattern without "/" matches
// the label's first part, so "upload" matches every Upload API call, and ""
// or "*" match every request.
//
// The first Skip matching requests pass untouched; after that the fault fires
// with Probability (0 means always) drawn from a generator seeded with Seed,
// at most Count times (0 means no limit). Faults are checked in the order
// they were added; the first that fires wins.
type Fault struct {
	ID          string        `json:"id,omitempty"`
	Route       string        `json:"route,omitempty"`
	Method      string        `json:"method,omitempty"`
	Kind        FaultKind     `json:"kind"`
	Status      int           `json:"status,omitempty"`
	RetryAfter  int           `json:"retry_after,omitempty"` // seconds
	Message     string        `json:"message,omitempty"`
	Delay       time.Duration `json:"-"`
	Skip        int           `json:"skip,omitempty"`
	Count       int           `json:"count,omitempty"`
	Probability float64       `json:"probability,omitempty"`
	Seed        uint64        `json:"seed,omitempty"`
	Fired       int           `json:"fired"` // read-only: how often it fired
}

type faultJSON Fault

type faultWire struct {
	faultJSON
	Delay any `json:"delay,omitempty"` // "250ms" or milliseconds
}

// MarshalJSON renders Delay as a Go duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	w := faultWire{faultJSON: faultJSON(f)}
	if f.Delay > 0 {
		w.Delay = f.Delay.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON accepts "delay" as a duration string ("250ms") or a number
// of milliseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var w faultWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = Fault(w.faultJSON)
	switch d := w.Delay.(type) {
	case nil:
	case float64:
		f.Delay = time.Duration(d * float64(time.Millisecond))
	case string:
		dur, err := time.ParseDuration(d)
		if err != nil {
			return fmt.Errorf("fault delay %q: %w", d, err)
		}
		f.Delay = dur
	default:
		return fmt.Errorf("fault delay must be a duration string like \"250ms\" or milliseconds")
	}
	return nil
}

func (f *Fault) validate() error {
	switch f.Kind {
	case FaultStatus, FaultHTML:
		if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			return fmt.Errorf("fault status %d: use a 4xx or 5xx code", f.Status)
		}
	case FaultDelay:
		if f.Delay <= 0 {
			return fmt.Errorf("delay fault needs a positive delay")
		}
	case FaultReset, FaultCommitDrop, FaultTruncate:
	default:
		return fmt.Errorf("unknown fault kind %q: use status, html, delay, reset, commit_drop or truncate", f.Kind)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("fault probability %v: use a number between 0 and 1", f.Probability)
	}
	if f.Count < 0 || f.Skip < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("fault count, skip and retry_after must not be negative")
	}
	if _, err := path.Match(f.Route, "x"); err != nil {
		return fmt.Errorf("fault route %q: %w", f.Route, err)
	}
	return nil
}

func (f *Fault) matches(label, method string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	pat := f.Route
	if pat == "" || pat == "*" {
		return true
	}
	if !strings.Contains(pat, "/") {
		first, _, _ := strings.Cut(label, "/")
		ok, _ := path.Match(pat, first)
		return ok
	}
	ok, _ := path.Match(pat, label)
	return ok
}

type activeFault struct {
	f   *Fault
	rng *mrand.Rand
}

type faultSet struct {
	mu     sync.Mutex
	seq    int
	faults []*activeFault
}

func newFaultSet() *faultSet { return &faultSet{} }

// routeLabels lists the route labels requests get (see Fault), sorted.
func (s *Server) routeLabels() []string {
	labels := []string{"root", "unknown", "api/unknown", "upload/unknown", "upload/asset_destroy", "upload/download_backup", "delivery/unknown"}
	for a := range s.actions {
		labels = append(labels, "upload/"+a)
	}
	for a := range s.admin.roots {
		labels = append(labels, "admin/"+a)
	}
	for rt := range resourceTypes {
		labels = append(labels, "delivery/"+rt)
	}
	sort.Strings(labels)
	return labels
}

// checkFault validates f, including that its route matches some route.
func (s *Server) checkFault(f *Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	labels := s.routeLabels()
	for _, l := range labels {
		if f.matches(l, f.Method) {
			return nil
		}
	}
	var areas []string
	for _, l := range labels {
		if a, _, _ := strings.Cut(l, "/"); len(areas) == 0 || areas[len(areas)-1] != a {
			if a != "root" && a != "unknown" && a != "api" {
				areas = append(areas, a)
			}
		}
	}
	var named []string
	for _, l := range labels {
		if !strings.HasSuffix(l, "/unknown") && strings.Contains(l, "/") {
			named = append(named, l)
		}
	}
	return fmt.Errorf("unknown fault route %q: it matches no route; use \"\" or \"*\" (every request), an area (%s), or a path.Match pattern over the routes %s", f.Route, strings.Join(areas, ", "), strings.Join(named, ", "))
}

// AddFault scripts a fault and returns its ID. A route that matches no
// route of the mock is refused with the list of routes.
func (s *Server) AddFault(f Fault) (string, error) {
	if err := s.checkFault(&f); err != nil {
		return "", err
	}
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.seq++
	f.ID = "f" + strconv.Itoa(fs.seq)
	f.Fired = 0
	seed := f.Seed
	fs.faults = append(fs.faults, &activeFault{f: &f, rng: mrand.New(mrand.NewPCG(seed, seed^0xda3e39cb94b95bdb))})
	return f.ID, nil
}

// Faults returns the scripted faults that are still active.
func (s *Server) Faults() []Fault {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.faults))
	for _, a := range fs.faults {
		out = append(out, *a.f)
	}
	return out
}

// RemoveFault deletes one fault; it reports whether it existed.
func (s *Server) RemoveFault(id string) bool {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, a := range fs.faults {
		if a.f.ID == id {
			fs.faults = append(fs.faults[:i], fs.faults[i+1:]...)
			return true
		}
	}
	return false
}

// ClearFaults removes every scripted fault.
func (s *Server) ClearFaults() { s.faults.clear() }

func (fs *faultSet) clear() {
	fs.mu.Lock()
	fs.faults = nil
	fs.mu.Unlock()
}

// firing is the fault chosen for one request.
type firing struct{ f Fault }

func faultName(f *firing) string {
	if f == nil {
		return ""
	}
	return f.f.ID + ":" + string(f.f.Kind)
}

func (fs *faultSet) pick(label, method string) *firing {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, a := range fs.faults {
		if !a.f.matches(label, method) {
			continue
		}
		if a.f.Skip > 0 {
			a.f.Skip--
			continue
		}
		if p := a.f.Probability; p > 0 && p < 1 && a.rng.Float64() >= p {
			continue
		}
		a.f.Fired++
		out := &firing{f: *a.f}
		if a.f.Count > 0 && a.f.Fired >= a.f.Count {
			fs.faults = append(fs.faults[:i], fs.faults[i+1:]...)
		}
		return out
	}
	return nil
}

// waitFor waits d, or until ctx is done (a delay fault).
func waitFor(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// before acts before the request is processed; true means the response is
// finished.
func (fr *firing) before(rc *reqCtx, rec *recorder) bool {
	f := fr.f
	switch f.Kind {
	case FaultStatus:
		drainBody(rc.r)
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		if f.RetryAfter > 0 {
			rec.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("Injected fault: %d %s", status, http.StatusText(status))
		}
		writeError(rec, newAPIError(status, "%s", msg))
		return true
	case FaultHTML:
		drainBody(rc.r)
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		if f.RetryAfter > 0 {
			rec.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text + "</h1></center>\r\n</body>\r\n</html>\r\n"
		rec.Header().Set("Content-Type", "text/html")
		rec.Header().Set("Content-Length", strconv.Itoa(len(body)))
		rec.WriteHeader(status)
		_, _ = rec.Write([]byte(body))
		return true
	case FaultDelay:
		rc.s.cfg.faultWait(rc.r.Context(), f.Delay)
		return false
	case FaultReset:
		resetConn(rec)
		return true
	}
	return false
}

func (fr *firing) buffers() bool {
	return fr.f.Kind == FaultCommitDrop || fr.f.Kind == FaultTruncate
}

// after acts once the request was processed (its response buffered).
func (fr *firing) after(rc *reqCtx, rec *recorder) {
	switch fr.f.Kind {
	case FaultCommitDrop:
		resetConn(rec)
	case FaultTruncate:
		w := rec.ResponseWriter
		w.Header().Set("Content-Length", strconv.Itoa(len(rec.buf)))
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write(rec.buf[:len(rec.buf)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
}

// resetConn cuts the client connection abruptly (RST when possible).
func resetConn(rec *recorder) {
	conn, _, err := http.NewResponseController(rec.ResponseWriter).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
