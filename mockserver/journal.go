package mockserver

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// JournalEntry records one request the mock answered.
type JournalEntry struct {
	Seq       int64               `json:"seq"`
	RequestID string              `json:"request_id"`
	Time      time.Time           `json:"time"` // server clock
	Method    string              `json:"method"`
	Path      string              `json:"path"`
	Route     string              `json:"route"` // e.g. "upload/upload", "admin/resources", "delivery/image"
	Params    map[string][]string `json:"params,omitempty"`
	Headers   map[string]string   `json:"headers,omitempty"`
	Auth      string              `json:"auth"` // "signed:sha1:v2", "basic", "bearer", "unsigned:<preset>", "none"
	FileBytes int64               `json:"file_bytes,omitempty"`
	File      string              `json:"file,omitempty"` // file name, URL or "data URI"
	Status    int                 `json:"status"`         // 0 when the connection was cut (reset, commit_drop)
	Applied   bool                `json:"applied"`        // the request changed state
	Fault     string              `json:"fault,omitempty"`
}

// journalValueMax is the longest parameter value the journal keeps whole;
// longer ones keep their first 64 characters and their length.
const journalValueMax = 4096

// journalHeaders are the request headers the journal keeps.
var journalHeaders = []string{"Content-Type", "Content-Range", "X-Unique-Upload-Id", "User-Agent", "X-Upload-Part-Number", "X-Upload-Total-Parts"}

type journal struct {
	mu      sync.Mutex
	size    int
	seq     int64
	entries []JournalEntry
}

func newJournal(size int) *journal {
	if size <= 0 {
		size = DefaultJournalEntries
	}
	return &journal{size: size}
}

func (j *journal) add(s *Server, rc *reqCtx, rec *recorder, start time.Time, fault string) {
	e := JournalEntry{
		RequestID: rc.rid,
		Time:      start.UTC(),
		Method:    rc.r.Method,
		Path:      rc.r.URL.Path,
		Route:     rc.label,
		Auth:      rc.auth.String(),
		FileBytes: rc.fileLen,
		File:      rc.fileDsc,
		Status:    rec.status,
		Applied:   rc.applied,
		Fault:     fault,
	}
	if e.Status == 0 && rec.wroteHeader {
		e.Status = http.StatusOK
	}
	if rc.dropped {
		e.Status = 0 // the client never saw a status
	}
	raw := url.Values(nil)
	if rc.p != nil {
		raw = rc.p.raw
	} else if q, err := url.ParseQuery(rc.r.URL.RawQuery); err == nil && len(q) > 0 {
		raw = q // the body was not read (a fault answered first): the query only
	}
	if raw != nil {
		e.Params = map[string][]string{}
		for k, v := range raw {
			if k == "api_secret" {
				continue
			}
			// Copies, and long values cut: an entry outlives its request
			// and must not pin its body (or megabytes of a field).
			limit := journalValueMax
			if k == "file" {
				limit = 256 // a data URI or a long URL: its start says enough
			}
			vs := make([]string, len(v))
			for i, x := range v {
				if len(x) > limit {
					vs[i] = x[:64] + "...(" + itoa(int64(len(x))) + " chars)"
				} else {
					vs[i] = strings.Clone(x)
				}
			}
			e.Params[strings.Clone(clip(k, 256))] = vs
		}
	}
	for _, h := range journalHeaders {
		if v := rc.r.Header.Get(h); v != "" {
			if e.Headers == nil {
				e.Headers = map[string]string{}
			}
			e.Headers[h] = strings.Clone(clip(v, 1024))
		}
	}
	if a := rc.r.Header.Get("Authorization"); a != "" {
		if e.Headers == nil {
			e.Headers = map[string]string{}
		}
		scheme, _, _ := strings.Cut(a, " ")
		if rc.auth.key != "" && strings.EqualFold(scheme, "basic") {
			scheme += " " + rc.auth.key + ":***"
		} else {
			scheme += " ***"
		}
		e.Headers["Authorization"] = scheme
	}
	j.mu.Lock()
	j.seq++
	e.Seq = j.seq
	j.entries = append(j.entries, e)
	if len(j.entries) >= 2*j.size { // trim in bulk: amortised O(1) per request
		j.entries = append(make([]JournalEntry, 0, 2*j.size), j.entries[len(j.entries)-j.size:]...)
	}
	j.mu.Unlock()
}

func (j *journal) list(since int64) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	entries := j.entries
	if len(entries) > j.size {
		entries = entries[len(entries)-j.size:]
	}
	i := sort.Search(len(entries), func(i int) bool { return entries[i].Seq > since })
	return append([]JournalEntry{}, entries[i:]...)
}

func (j *journal) reset() {
	j.mu.Lock()
	j.entries = nil
	j.mu.Unlock()
}

// Journal returns the recorded requests, oldest first. Secrets never
// appear: Authorization headers keep only the scheme and API key.
func (s *Server) Journal() []JournalEntry { return s.journal.list(0) }

// JournalSince returns the entries with Seq greater than seq.
func (s *Server) JournalSince(seq int64) []JournalEntry { return s.journal.list(seq) }

// ClearJournal forgets the recorded requests (sequence numbers continue).
func (s *Server) ClearJournal() { s.journal.reset() }
