package mockserver

import (
	"errors"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Chunked uploads (spec §5).
//
// Sessions are keyed by X-Unique-Upload-Id. Every chunk is parked in a
// chunkStash (memory for Memory storage, a temporary file otherwise) until
// the request authenticates; then it joins the session. Bytes are fed into
// the final blob's spool strictly in offset order: as soon as the chunk at
// offset "next" is present it is copied in and released, so middle chunks
// may arrive in any order. With MetadataOnly storage a chunk that arrives in
// order is hashed while it streams (on a clone of the session's MD5 state)
// and never stored; only out-of-order chunks touch a temporary file.
//
// A session completes when the bytes [0,total) are all present, where total
// is known from a Content-Range with a real total (Node sends /-1 until the
// last chunk). The request that completes it answers the upload result;
// every other chunk answers {"done":false,...}. A completed session is
// remembered until it expires so that a retried chunk gets the same result.
//
// Every accepted range keeps its length and the SHA-256 of its bytes
// (constant memory per chunk, whatever the storage): a chunk repeating a
// range with the same bytes is a retry, with other bytes a conflict (400),
// as is a chunk announcing another total. So two files sent under one
// X-Unique-Upload-Id are refused instead of mixed.

type chunkHeader struct {
	id         string
	start, end int64
	total      int64 // -1 when unknown
}

// parseChunkHeaders reads X-Unique-Upload-Id and Content-Range. It returns
// nil for a plain (single-request) upload.
func parseChunkHeaders(r *http.Request) (*chunkHeader, error) {
	if r.Header.Get("X-Upload-Part-Number") != "" || r.Header.Get("X-Upload-Total-Parts") != "" {
		return nil, unsupported("explicit-order chunked uploads (X-Upload-Part-Number): send Content-Range instead")
	}
	id := strings.TrimSpace(r.Header.Get("X-Unique-Upload-Id"))
	cr := strings.TrimSpace(r.Header.Get("Content-Range"))
	if cr == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return nil, badRequest("Invalid Content-Range header %q: expected bytes <start>-<end>/<total>", cr)
	}
	rng, tot, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return nil, badRequest("Invalid Content-Range header %q: expected bytes <start>-<end>/<total>", cr)
	}
	a, b, ok := strings.Cut(rng, "-")
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || start < 0 || end < start {
		return nil, badRequest("Invalid Content-Range header %q: expected bytes <start>-<end>/<total>", cr)
	}
	total := int64(-1)
	if tot != "*" && tot != "-1" {
		t, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || t <= end {
			return nil, badRequest("Invalid Content-Range header %q: total must be -1 or larger than the end offset", cr)
		}
		total = t
	}
	if id == "" {
		if start == 0 && total == end+1 {
			return nil, nil // the whole file in one request
		}
		return nil, badRequest("Missing X-Unique-Upload-Id header: every chunk of a chunked upload must carry the same id")
	}
	if len(id) > 256 {
		return nil, badRequest("X-Unique-Upload-Id header too long")
	}
	return &chunkHeader{id: id, start: start, end: end, total: total}, nil
}

type chunkSessions struct {
	mu sync.Mutex
	m  map[string]*chunkSession
}

func newChunkSessions() *chunkSessions { return &chunkSessions{m: map[string]*chunkSession{}} }

// get returns the session for id, creating it.
func (cs *chunkSessions) get(s *Server, id string) *chunkSession {
	now := s.Now()
	cs.sweep(s, now)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	sess, ok := cs.m[id]
	if !ok {
		sess = &chunkSession{id: id, total: -1, pending: map[int64]*chunkPiece{}, ranges: map[int64]chunkRange{}}
		cs.m[id] = sess
	}
	sess.mu.Lock()
	sess.lastSeen = now
	sess.mu.Unlock()
	return sess
}

// sweep discards sessions idle for longer than the limit.
func (cs *chunkSessions) sweep(s *Server, now time.Time) {
	cs.mu.Lock()
	var dead []*chunkSession
	for id, sess := range cs.m {
		sess.mu.Lock()
		idle := now.Sub(sess.lastSeen) > s.cfg.maxChunkIdle
		sess.mu.Unlock()
		if idle {
			dead = append(dead, sess)
			delete(cs.m, id)
		}
	}
	cs.mu.Unlock()
	for _, sess := range dead {
		sess.close()
	}
}

func (cs *chunkSessions) closeAll() {
	cs.mu.Lock()
	all := cs.m
	cs.m = map[string]*chunkSession{}
	cs.mu.Unlock()
	for _, sess := range all {
		sess.close()
	}
}

func (cs *chunkSessions) remove(id string, sess *chunkSession) {
	cs.mu.Lock()
	if cs.m[id] == sess {
		delete(cs.m, id)
	}
	cs.mu.Unlock()
}

// count returns the number of open sessions (tests).
func (cs *chunkSessions) count() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}

type chunkSession struct {
	mu       sync.Mutex
	id       string
	total    int64
	next     int64 // bytes [0,next) are in sp
	sp       spool
	pending  map[int64]*chunkPiece
	ranges   map[int64]chunkRange // start -> every accepted chunk
	received int64
	lastSeen time.Time
	filename string
	params   url.Values // upload parameters of earlier chunks (auth fields excluded)
	done     bool
	result   any
	closed   bool
}

// chunkRange is an accepted chunk: its length and the digest of its bytes.
type chunkRange struct {
	n   int64
	sum uint64
}

// chunkSeed seeds the digests that tell a re-sent chunk's bytes from the
// accepted ones: maphash, not a cryptographic hash, since the comparison
// only has to notice a client that changed a chunk, at ~10 GB/s (SHA-256
// cost ~0.8 CPU-s per GiB of chunked upload).
var chunkSeed = maphash.MakeSeed()

// chunkPiece is one chunk read from a request, not yet accepted.
type chunkPiece struct {
	start int64
	n     int64
	sum   uint64
	stash chunkStash
	pre   *hashState // MetadataOnly, in order: the session state after this chunk
}

func (pc *chunkPiece) discard() {
	if pc.stash != nil {
		pc.stash.discard()
		pc.stash = nil
	}
}

// put reads one chunk's bytes from r: at most one byte more than ch
// announces, which is enough to tell that the chunk is too long.
func (sess *chunkSession) put(s *Server, ch *chunkHeader, r io.Reader) (*chunkPiece, error) {
	pc := &chunkPiece{start: ch.start}
	var h maphash.Hash
	h.SetSeed(chunkSeed)
	r = io.TeeReader(io.LimitReader(r, ch.end-ch.start+2), &h)
	defer func() { pc.sum = h.Sum64() }()
	sess.mu.Lock()
	if !s.blobs.keepsBytes() && ch.start == sess.next && !sess.done {
		if sess.sp == nil {
			sp, err := s.blobs.newSpool()
			if err != nil {
				sess.mu.Unlock()
				return nil, err
			}
			sess.sp = sp
		}
		pc.pre = sess.sp.state().clone()
	}
	sess.mu.Unlock()
	if pc.pre != nil {
		before := pc.pre.n
		_, err := io.Copy(pc.pre, r)
		pc.n = pc.pre.n - before
		if err != nil {
			return pc, readChunkError(err)
		}
		return pc, nil
	}
	st, err := s.blobs.stash()
	if err != nil {
		return nil, err
	}
	pc.stash = st
	n, err := io.Copy(st, r)
	pc.n = n
	if err != nil {
		pc.discard()
		return pc, readChunkError(err)
	}
	return pc, nil
}

func readChunkError(err error) error {
	if ae := (*apiError)(nil); errors.As(err, &ae) {
		return err
	}
	return badRequest("Could not read the chunk: %v", err)
}

func (sess *chunkSession) close() {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.closed {
		return
	}
	sess.closed = true
	for _, pc := range sess.pending {
		pc.discard()
	}
	sess.pending = nil
	if sess.sp != nil && !sess.done {
		sess.sp.abort()
	}
}

// finishChunk validates an authenticated chunk, adds it to its session and,
// when the session is complete, creates the asset.
func (s *Server) finishChunk(rc *reqCtx, rtPath string, ch *chunkHeader, sess *chunkSession, pc *chunkPiece) (any, error) {
	if pc.n != ch.end-ch.start+1 {
		pc.discard()
		return nil, badRequest("Content-Range bytes %d-%d does not match the chunk's %d bytes", ch.start, ch.end, pc.n)
	}
	last := ch.total >= 0 && ch.end == ch.total-1
	if !last && pc.n < s.cfg.minChunk {
		pc.discard()
		return nil, badRequest("All parts except EOF-chunk must be larger than 5mb")
	}
	sess.mu.Lock()
	if sess.closed {
		sess.mu.Unlock()
		pc.discard()
		return nil, badRequest("Chunked upload session %s expired: start again from the first chunk", ch.id)
	}
	fail := func(err error) (any, error) {
		sess.mu.Unlock()
		pc.discard()
		return nil, err
	}
	if err := sess.conflict(ch, pc); err != nil {
		return fail(err)
	}
	if sess.done {
		res := sess.result
		if prev, seen := sess.ranges[ch.start]; seen && prev.n == pc.n {
			sess.mu.Unlock()
			pc.discard()
			return res, nil // a retried chunk of a completed upload
		}
		return fail(badRequest("Chunked upload %s is already complete", ch.id))
	}
	if ch.total >= 0 {
		sess.total = ch.total
	}
	if sess.total >= 0 && ch.end >= sess.total {
		return fail(badRequest("Content-Range end %d is beyond the total %d", ch.end, sess.total))
	}
	if prev, ok := sess.ranges[ch.start]; ok && prev.n == pc.n {
		pc.discard() // a retried chunk (same bytes, conflict checked them): already have it
	} else {
		for st, r := range sess.ranges {
			if ch.start < st+r.n && st < ch.end+1 {
				return fail(badRequest("Content-Range bytes %d-%d overlaps bytes %d-%d received earlier for upload %s: chunks of one file must not overlap (a different file needs its own X-Unique-Upload-Id)", ch.start, ch.end, st, st+r.n-1, ch.id))
			}
		}
		sess.ranges[ch.start] = chunkRange{n: pc.n, sum: pc.sum}
		sess.received += pc.n
		sess.rememberParams(rc.p)
		sess.pending[ch.start] = pc
		if rc.fileDsc != "" && ch.start == 0 {
			sess.filename = rc.fileDsc
		}
		if err := sess.drain(s); err != nil {
			sess.mu.Unlock()
			return nil, err
		}
	}
	complete := sess.total >= 0 && sess.next == sess.total
	if !complete {
		res := map[string]any{"done": false, "bytes": sess.received, "kind": "upload"}
		if rtPath != "auto" {
			res["resource_type"] = rtPath
		}
		if id := firstNonEmpty(rc.p.get("public_id"), sess.params.Get("public_id")); id != "" {
			res["public_id"] = id
		}
		sess.mu.Unlock()
		return res, nil
	}
	// Complete: turn the spool into the asset while holding the session, so
	// that a concurrent retry waits for the result.
	defer sess.mu.Unlock()
	sp := sess.sp
	if sp == nil { // zero-byte file
		var err error
		if sp, err = s.blobs.newSpool(); err != nil {
			return nil, err
		}
	}
	sess.applyParams(rc.p)
	res, err := s.createAsset(rc, rtPath, sp, sess.filename, false)
	if err != nil {
		sp.abort()
		sess.sp = nil
		sess.closed = true
		s.sessions.remove(sess.id, sess)
		return nil, err
	}
	sess.done, sess.result = true, res
	sess.pending = nil
	return res, nil
}

// conflict refuses a chunk that cannot belong to the file the session holds:
// another total than a chunk announced before, an end beyond a total that
// became known, or other bytes for a range received before. Caller holds
// sess.mu.
func (sess *chunkSession) conflict(ch *chunkHeader, pc *chunkPiece) error {
	const hint = "a different file needs its own X-Unique-Upload-Id"
	if ch.total >= 0 && sess.total >= 0 && ch.total != sess.total {
		return badRequest("Conflict: Content-Range total %d differs from the total %d sent earlier for upload %s (%s)", ch.total, sess.total, ch.id, hint)
	}
	if ch.total >= 0 && sess.total < 0 {
		for st, r := range sess.ranges {
			if st+r.n > ch.total {
				return badRequest("Conflict: Content-Range total %d is smaller than the end of bytes %d-%d received earlier for upload %s (%s)", ch.total, st, st+r.n-1, ch.id, hint)
			}
		}
	}
	if prev, ok := sess.ranges[ch.start]; ok && prev.n == pc.n && prev.sum != pc.sum {
		return badRequest("Conflict: bytes %d-%d of upload %s differ from the bytes received earlier for that range; a retried chunk must repeat the same bytes (%s)", ch.start, ch.end, ch.id, hint)
	}
	return nil
}

// drain feeds pending chunks into the spool in offset order. Caller holds
// sess.mu.
func (sess *chunkSession) drain(s *Server) error {
	if sess.sp == nil {
		sp, err := s.blobs.newSpool()
		if err != nil {
			return err
		}
		sess.sp = sp
	}
	for {
		pc, ok := sess.pending[sess.next]
		if !ok {
			return nil
		}
		delete(sess.pending, sess.next)
		if pc.pre != nil {
			if ms, ok := sess.sp.(*metaSpool); ok {
				ms.hs = pc.pre
			}
		} else {
			r, err := pc.stash.reader()
			if err != nil {
				pc.discard()
				return err
			}
			_, err = io.Copy(sess.sp, r)
			_ = r.Close()
			pc.discard()
			if err != nil {
				return err
			}
		}
		sess.next += pc.n
	}
}

// pendingOffsets lists parked chunk offsets (tests).
func (sess *chunkSession) pendingOffsets() []int64 {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	var out []int64
	for k := range sess.pending {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// authFields never carry over between chunks: each chunk authenticates alone.
var authFields = map[string]bool{"signature": true, "api_key": true, "timestamp": true, "file": true}

// rememberParams keeps the upload parameters first seen for each name, so a
// client that sends public_id or tags only with some chunks still gets them
// applied. Caller holds sess.mu.
func (sess *chunkSession) rememberParams(p *params) {
	if sess.params == nil {
		sess.params = url.Values{}
	}
	for k, v := range p.raw {
		if _, ok := sess.params[k]; !ok && !authFields[k] {
			vs := make([]string, len(v))
			for i := range v {
				vs[i] = strings.Clone(v[i]) // outlives the request
			}
			sess.params[k] = vs
		}
	}
}

// applyParams fills parameters missing from the completing chunk. Caller
// holds sess.mu.
func (sess *chunkSession) applyParams(p *params) {
	added := false
	for k, v := range sess.params {
		if _, ok := p.raw[k]; !ok {
			p.raw[k] = v
			added = true
		}
	}
	if added {
		p.bases = nil
	}
}
