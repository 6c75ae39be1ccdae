// Package discard is the benchmark's discard server: an http.Handler that
// answers Cloudinary-shaped upload results while throwing the uploaded bytes
// away, so that a client can be measured without the mock's cost (signature
// checks, state, parsing into an asset) on the same cores.
//
// It does only what a client's integrity check needs: the file part of every
// multipart upload is streamed through MD5 and the answer's etag is that MD5,
// for a single request and for a chunked upload (X-Unique-Upload-Id plus
// Content-Range, chunks in offset order; a chunk that arrives early is held
// in memory until its turn, within a bound). A prefix of zero bytes is
// counted rather than hashed (see etagWriter), so that zero-filled test
// bodies cost the server a memory comparison, not an MD5. It verifies no
// signature and keeps nothing once an upload completes.
//
// A request with the header NoHashHeader set to "1" is not hashed (its
// answer has no etag): that is the raw ceiling a load generator measures
// the mock against.
package discard

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// NoHashHeader, set to "1" on a request, skips the MD5 of its file part.
const NoHashHeader = "X-Bench-No-Hash"

// maxEarly bounds the bytes of chunks held because they arrived before the
// chunk at the session's next offset.
const maxEarly = 256 << 20

// maxField bounds one non-file form field.
const maxField = 1 << 20

// Server is the discard handler. The zero value is not usable; call New.
type Server struct {
	mu       sync.Mutex
	sessions map[string]*session
	bufs     sync.Pool
	early    int64 // bytes held in all sessions' early chunks
	zeros    zeroMemo
}

type session struct {
	mu       sync.Mutex
	h        *etagWriter
	next     int64
	total    int64 // -1 until a chunk announces it
	early    map[int64][]byte
	params   map[string]string
	received int64
	result   []byte // the answer once complete (a retried last chunk gets it again)
}

// Precompute computes the etag of n zero bytes ahead of the requests that
// will need it (an upload of a sparse file of n bytes), so that no measured
// request pays for it.
func (s *Server) Precompute(n int64) { s.zeros.md5Zeros(n) }

// New returns an empty discard server.
func New() *Server {
	return &Server{
		sessions: map[string]*session{},
		bufs:     sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }},
	}
}

// ServeHTTP answers POST /v1_1/{cloud}/{resource_type}/upload; everything
// else is a Cloudinary-shaped 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cloud, rt, ok := uploadPath(r.URL.Path)
	if !ok || r.Method != http.MethodPost {
		writeError(w, http.StatusNotFound, "the discard server answers only POST /v1_1/<cloud>/<resource_type>/upload")
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "expected a multipart/form-data body: "+err.Error())
		return
	}
	ch, err := parseRange(r.Header.Get("Content-Range"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	noHash := r.Header.Get(NoHashHeader) == "1"
	var sess *session
	var early []byte
	if ch != nil {
		id := r.Header.Get("X-Unique-Upload-Id")
		if id == "" {
			writeError(w, http.StatusBadRequest, "a chunk (Content-Range) needs X-Unique-Upload-Id")
			return
		}
		sess = s.session(id)
		sess.mu.Lock()
		defer sess.mu.Unlock()
		if sess.result != nil { // a retried last chunk
			_, _ = io.Copy(io.Discard, r.Body)
			writeJSON(w, sess.result)
			return
		}
		if ch.start != sess.next {
			if ch.start < sess.next {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("chunk at %d repeats bytes already received (next is %d)", ch.start, sess.next))
				return
			}
			early = []byte{} // held until its turn
		}
	}
	params := map[string]string{}
	var n int64
	var single *etagWriter // the MD5 of a single-request upload
	fileSeen := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "reading the multipart body: "+err.Error())
			return
		}
		name := p.FormName()
		if name != "file" {
			v, err := io.ReadAll(io.LimitReader(p, maxField))
			if err != nil {
				writeError(w, http.StatusBadRequest, "reading field "+name+": "+err.Error())
				return
			}
			params[name] = string(v)
			continue
		}
		fileSeen = true
		if name := p.FileName(); name != "" {
			params["original_filename"] = name
		}
		var dst io.Writer
		switch {
		case early != nil:
			dst = &limitedBuffer{b: &early, limit: maxEarly}
		case noHash:
			dst = io.Discard
		case sess != nil:
			dst = sess.h
		default: // a single request: its own hash
			single = &etagWriter{memo: &s.zeros}
			dst = single
		}
		bp := s.bufs.Get().(*[]byte)
		m, err := io.CopyBuffer(onlyWriter{dst}, p, *bp)
		s.bufs.Put(bp)
		n += m
		if err != nil {
			writeError(w, http.StatusBadRequest, "reading the file part: "+err.Error())
			return
		}
	}
	if !fileSeen {
		writeError(w, http.StatusBadRequest, "Missing required parameter - file")
		return
	}
	if ch == nil {
		etag := ""
		if single != nil {
			etag = single.Sum()
		}
		writeJSON(w, result(cloud, rt, params, n, etag))
		return
	}
	if ch.end-ch.start+1 != n {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Content-Range announces %d bytes, the file part has %d", ch.end-ch.start+1, n))
		return
	}
	if ch.total >= 0 {
		sess.total = ch.total
	}
	for k, v := range params {
		sess.params[k] = v
	}
	sess.received += n
	if early != nil {
		s.mu.Lock()
		if s.early+n > maxEarly {
			s.mu.Unlock()
			writeError(w, http.StatusBadRequest, "too many bytes of chunks that arrived before their turn; send chunks in order")
			return
		}
		s.early += n
		s.mu.Unlock()
		sess.early[ch.start] = early
	} else {
		sess.next += n
	}
	for b, ok := sess.early[sess.next]; ok; b, ok = sess.early[sess.next] {
		if !noHash {
			sess.h.Write(b)
		}
		delete(sess.early, sess.next)
		sess.next += int64(len(b))
		s.mu.Lock()
		s.early -= int64(len(b))
		s.mu.Unlock()
	}
	if sess.total < 0 || sess.next < sess.total {
		body, _ := json.Marshal(map[string]any{"done": false, "bytes": sess.received, "resource_type": rt})
		writeJSON(w, body)
		return
	}
	etag := ""
	if !noHash {
		etag = sess.h.Sum()
	}
	sess.result = result(cloud, rt, sess.params, sess.next, etag)
	writeJSON(w, sess.result)
	s.mu.Lock()
	delete(s.sessions, r.Header.Get("X-Unique-Upload-Id"))
	s.mu.Unlock()
}

// session returns the chunk session id, creating it.
func (s *Server) session(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		sess = &session{h: &etagWriter{memo: &s.zeros}, total: -1, early: map[int64][]byte{}, params: map[string]string{}}
		s.sessions[id] = sess
	}
	return sess
}

// onlyWriter hides ReadFrom so that io.CopyBuffer uses the pooled buffer.
type onlyWriter struct{ io.Writer }

type limitedBuffer struct {
	b     *[]byte
	limit int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(*l.b)+len(p) > l.limit {
		return 0, errors.New("chunk too large to hold before its turn")
	}
	*l.b = append(*l.b, p...)
	return len(p), nil
}

type byteRange struct{ start, end, total int64 }

// parseRange parses "bytes S-E/T" (T may be -1 or *); "" is a plain upload.
func parseRange(v string) (*byteRange, error) {
	if v == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	rng, tot, ok2 := strings.Cut(spec, "/")
	se, ee, ok3 := strings.Cut(rng, "-")
	if !ok || !ok2 || !ok3 {
		return nil, fmt.Errorf("Invalid Content-Range header %q: expected bytes <start>-<end>/<total>", v)
	}
	start, err1 := strconv.ParseInt(se, 10, 64)
	end, err2 := strconv.ParseInt(ee, 10, 64)
	total := int64(-1)
	var err3 error
	if tot != "-1" && tot != "*" {
		total, err3 = strconv.ParseInt(tot, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || start < 0 || end < start || (total >= 0 && end >= total) {
		return nil, fmt.Errorf("Invalid Content-Range header %q", v)
	}
	return &byteRange{start, end, total}, nil
}

// uploadPath splits /v1_1/{cloud}/{resource_type}/upload.
func uploadPath(p string) (cloud, rt string, ok bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) != 4 || parts[0] != "v1_1" || parts[3] != "upload" || parts[1] == "" {
		return "", "", false
	}
	switch parts[2] {
	case "auto", "image", "video", "raw":
		return parts[1], parts[2], true
	}
	return "", "", false
}

// result renders an upload answer with the fields clients read (spec §7.1).
func result(cloud, rt string, params map[string]string, n int64, etag string) []byte {
	if rt == "auto" {
		rt = "raw" // the bytes are not inspected
	}
	id := params["public_id"]
	if id == "" {
		var b [10]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	typ := params["type"]
	if typ == "" {
		typ = "upload"
	}
	now := time.Now().UTC()
	version := now.Unix()
	u := fmt.Sprintf("http://res.cloudinary.com/%s/%s/%s/v%d/%s", cloud, rt, typ, version, id)
	body, _ := json.Marshal(map[string]any{
		"asset_id":          id,
		"public_id":         id,
		"version":           version,
		"version_id":        strconv.FormatInt(version, 16),
		"signature":         "0000000000000000000000000000000000000000",
		"resource_type":     rt,
		"created_at":        now.Format(time.RFC3339),
		"tags":              []string{},
		"bytes":             n,
		"type":              typ,
		"etag":              etag,
		"placeholder":       false,
		"url":               u,
		"secure_url":        strings.Replace(u, "http:", "https:", 1),
		"original_filename": strings.TrimSuffix(params["original_filename"], path.Ext(params["original_filename"])),
		"api_key":           params["api_key"],
	})
	return body
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"message": msg}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
