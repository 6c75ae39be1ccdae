package mockserver

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/memtest"
)

// repeatReader yields n copies of byte c, without holding them.
type repeatReader struct {
	n int64
	c byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	if len(p) > 0 {
		p[0] = r.c
		for i := 1; i < len(p); i *= 2 {
			copy(p[i:], p[:i])
		}
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r  io.Reader
	mu sync.Mutex
	n  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingReader) count() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *countingReader) Close() error { return nil }

// hugeFieldBody is a multipart body with fields, then a text field named
// field of size bytes ('A's after a data URI prefix when it is file),
// generated while it is read.
func hugeFieldBody(fields url.Values, field string, size int64) (io.Reader, string) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	_, _ = mw.CreateFormField(field)
	prefix := ""
	if field == "file" {
		prefix = "data:image/png;base64,"
	}
	head.WriteString(prefix)
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	return io.MultiReader(&head, &repeatReader{n: size - int64(len(prefix)), c: 'A'}, strings.NewReader(tail)), mw.FormDataContentType()
}

// TestUnverifiedMemoryBounded: sixteen parallel unauthenticated uploads
// carrying one long text field each (the file field, which may be that long,
// and one that may not) keep the heap within 2.5 times the unverified
// budget, where holding every field would take several times that, and
// nothing stays held once they are answered. Each field is 15/32 of the
// budget, so two fit and the others must be refused. The bound scales with
// the budget: by default 16 MiB with 7.5 MiB fields; with
// CLDREST_BIG_TESTS=1 the default 128 MiB with 60 MiB fields (the README's
// figures).
func TestUnverifiedMemoryBounded(t *testing.T) {
	const parallel = 16
	budget := int64(16 << 20)
	if memtest.Big() {
		budget = DefaultMaxUnverifiedBytes
	}
	size := budget * 15 / 32
	// What stays after the answers must be less than one field.
	bound, retainBound := budget*5/2, max(budget/8, 4<<20)
	m := Start(t, WithClock(func() time.Time { return testNow }), WithMaxUnverifiedBytes(budget))
	bad := url.Values{"api_key": {DefaultAPIKey}, "timestamp": {fmt.Sprint(testNow.Unix())}, "signature": {strings.Repeat("0", 40)}}
	hc := &http.Client{Timeout: time.Minute}
	for _, tc := range []struct{ field, enc string }{{"file", "multipart"}, {"context", "multipart"}, {"file", "urlencoded"}} {
		field := tc.field
		t.Run(field+"/"+tc.enc, func(t *testing.T) {
			stop := memtest.HeapPeak()
			statuses := make(chan int, parallel)
			var wg sync.WaitGroup
			for range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body, ct := hugeFieldBody(bad, field, size)
					req, _ := http.NewRequest("POST", m.APIBase()+"/image/upload", body)
					if tc.enc == "urlencoded" {
						// With a Content-Length, as url.Values.Encode sorts
						// it: file before signature.
						head := "api_key=" + DefaultAPIKey + "&file=data%3Aimage%2Fpng%3Bbase64%2C"
						tail := "&signature=" + strings.Repeat("0", 40) + "&timestamp=" + fmt.Sprint(testNow.Unix())
						req, _ = http.NewRequest("POST", m.APIBase()+"/image/upload", io.MultiReader(strings.NewReader(head), &repeatReader{n: size, c: 'A'}, strings.NewReader(tail)))
						req.ContentLength = int64(len(head)+len(tail)) + size
						ct = "application/x-www-form-urlencoded"
					}
					req.Header.Set("Content-Type", ct)
					resp, err := hc.Do(req)
					if err != nil {
						statuses <- 0 // the mock may close a body it refused early
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses <- resp.StatusCode
				}()
			}
			wg.Wait()
			hc.CloseIdleConnections()
			grew, retained := stop()
			close(statuses)
			count := map[int]int{}
			for st := range statuses {
				count[st]++
				if st == http.StatusOK {
					t.Error("an unauthenticated upload was accepted")
				}
			}
			t.Logf("%d x %.1f MiB %s field: statuses %v, heap peak grew by %.1f MiB (bound %d MiB), %.1f MiB retained after the answers", parallel, float64(size)/(1<<20), field, count, float64(grew)/(1<<20), bound>>20, float64(retained)/(1<<20))
			if grew > bound {
				t.Errorf("heap grew by %.1f MiB, want at most %d MiB", float64(grew)/(1<<20), bound>>20)
			}
			if retained > retainBound {
				t.Errorf("%.1f MiB retained after every answer, want at most %d MiB", float64(retained)/(1<<20), retainBound>>20)
			}
			if held := m.unverified.inUse(); held != 0 {
				t.Errorf("%d bytes still held for unverified requests after every answer", held)
			}
		})
	}
}

// TestJournalKeepsNoLargeValues: journal entries outlive their requests, so
// they keep long values cut and copies of short ones (never a substring that
// pins a whole urlencoded body).
func TestJournalKeepsNoLargeValues(t *testing.T) {
	s := New(fixedClock())
	ctx := strings.Repeat("k=v|", 200_000) // 800 KB, under the field limit
	mustStatus(t, postForm(t, s, "/v1_1/demo/image/upload", url.Values{"context": {ctx}, "file": {"data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(1, 1, 64))}}), 200)
	j := s.Journal()
	got := j[len(j)-1].Params["context"]
	if len(got) != 1 || len(got[0]) > 100 || !strings.HasSuffix(got[0], "...(800000 chars)") {
		t.Fatalf("journaled context: %.120q", got)
	}
}

// TestVerifiedEarly: with a tiny unverified budget and memory storage, a
// file part is taken when what precedes it authenticates the request (a
// signature, an unsigned preset, an Authorization header) and refused with
// 503 when the signature comes only after the file.
func TestVerifiedEarly(t *testing.T) {
	s := New(fixedClock(), WithMaxUnverifiedBytes(1<<20))
	s.st.cfg.Presets["open"] = &preset{Name: "open", Unsigned: true, Settings: map[string]string{}}
	file := randomBytes(4<<20, 1)
	send := func(fields url.Values, after url.Values, basic bool) result {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range fields {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("file", "f.bin")
		_, _ = fw.Write(file)
		for k, vs := range after {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		_ = mw.Close()
		req := newReq("POST", "/v1_1/demo/raw/upload", &buf, mw.FormDataContentType())
		if basic {
			req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
		}
		return serve(t, s, req)
	}
	sig := signed(t, url.Values{"public_id": {"a"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	mustStatus(t, send(sig, nil, false), 200)
	mustStatus(t, send(url.Values{"upload_preset": {"open"}, "public_id": {"b"}}, nil, false), 200)
	mustStatus(t, send(nil, url.Values{"public_id": {"c"}}, true), 200)
	// The signature after the file: the file is held unverified.
	r := send(url.Values{"public_id": {"d"}}, signed(t, url.Values{"public_id": {"d"}}, DefaultAPIKey, DefaultAPISecret, testNow), false)
	mustStatus(t, r, 503)
	if r.header.Get("Retry-After") != "1" || !strings.Contains(r.msg(), "requests not verified yet") {
		t.Fatalf("Retry-After %q, message %q", r.header.Get("Retry-After"), r.msg())
	}
	// A signature that fails before the file proves nothing yet: still held.
	badSig := signed(t, url.Values{"public_id": {"e"}}, DefaultAPIKey, "wrong", testNow)
	if r := send(badSig, nil, false); r.status == 200 {
		t.Fatal("bad signature accepted")
	}
	if held := s.unverified.inUse(); held != 0 {
		t.Fatalf("%d bytes still held", held)
	}
}

// TestFieldLimits: a text field other than file is limited to 1 MiB, the
// file field to 64 MiB, and the Invalid Signature message quotes at most
// 4 KiB of the string to sign.
func TestFieldLimits(t *testing.T) {
	s := New(fixedClock())
	for _, tc := range []struct {
		field string
		size  int64
		msg   string
	}{
		{"context", maxFieldBytes + 1, "Parameter context too large: more than 1048576 bytes"},
		{"file", maxFileFieldBytes + 1, "Parameter file too large: more than 67108864 bytes"},
	} {
		body, ct := hugeFieldBody(signed(t, nil, DefaultAPIKey, DefaultAPISecret, testNow), tc.field, tc.size)
		r := serve(t, s, newReq("POST", "/v1_1/demo/image/upload", body, ct))
		mustStatus(t, r, 400)
		if !strings.HasPrefix(r.msg(), tc.msg) {
			t.Errorf("%s: %q", tc.field, r.msg())
		}
	}
	p := url.Values{"context": {strings.Repeat("k=v|", 100_000)}, "timestamp": {fmt.Sprint(testNow.Unix())}, "api_key": {DefaultAPIKey}, "signature": {strings.Repeat("0", 40)}}
	r := serve(t, s, newReq("POST", "/v1_1/demo/image/upload", strings.NewReader(p.Encode()), "application/x-www-form-urlencoded"))
	mustStatus(t, r, 401)
	if len(r.msg()) > 5000 || !strings.Contains(r.msg(), "more bytes)") {
		t.Fatalf("message of %d bytes: %.200q", len(r.msg()), r.msg())
	}
}

// TestSlowBodiesTimeOut: hundreds of connections trickling request bodies
// (127.0.0.1 only) do not stop the mock from answering its health check,
// and each gets a 408 or a closed connection once the body timeout passes,
// while uploads that keep moving are never cut (on a fake clock, see
// TestBodyTimeoutFollowsProgress).
func TestSlowBodiesTimeOut(t *testing.T) {
	t.Parallel()
	const timeout = 100 * time.Millisecond
	tricklers := 300
	if testing.Short() {
		tricklers = 100
	}
	m := Start(t, WithControl(), WithBodyTimeout(timeout), WithClock(func() time.Time { return testNow }))
	addr := strings.TrimPrefix(m.URL, "http://")
	// Connection: close, as each trickler sends one request: net/http then
	// closes a refused connection at once rather than lingering 500 ms for
	// the keep-alive client's next request.
	head := "POST /v1_1/demo/image/upload HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n" +
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n--b\r\n"

	type outcome struct {
		status string // "408", another status line, or "closed"
		err    error
	}
	results := make(chan outcome, tricklers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	opened := make(chan struct{}, tricklers)
	for range tricklers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				results <- outcome{err: err}
				opened <- struct{}{}
				return
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, head); err != nil {
				results <- outcome{err: err}
				opened <- struct{}{}
				return
			}
			opened <- struct{}{}
			// One byte every 10 ms: progress, but far below 16 KiB per timeout.
			go func() {
				tick := time.NewTicker(10 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
			// A safety net for a mock that never answers, not a timing assertion.
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			line, err := bufio.NewReader(conn).ReadString('\n')
			switch {
			case strings.HasPrefix(line, "HTTP/1.1 408 "):
				results <- outcome{status: "408"}
			case line == "" && err != nil && !isTimeout(err):
				results <- outcome{status: "closed"}
			default:
				results <- outcome{status: strings.TrimSpace(line), err: err}
			}
		}()
	}
	for range tricklers {
		<-opened
	}
	// Every trickler is connected and sending: the mock still answers.
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(m.URL + "/_mock/health")
	if err != nil {
		t.Fatalf("health check while %d bodies trickle: %v", tricklers, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %d", resp.StatusCode)
	}
	count := map[string]int{}
	var failed []outcome
	for range tricklers {
		o := <-results
		if o.status != "408" && o.status != "closed" {
			failed = append(failed, o)
		}
		count[o.status]++
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d trickling bodies got neither 408 nor a closed connection, e.g. %q %v", len(failed), tricklers, failed[0].status, failed[0].err)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d trickling bodies: %v", tricklers, count)
}

// pacedBody is a request body arriving on a fake clock: every Read first
// moves the clock on by every, then fails as a connection does once the
// clock is past the read deadline last set, else yields at most n bytes.
type pacedBody struct {
	r        io.Reader
	n        int
	every    time.Duration
	now      time.Time
	deadline time.Time
}

func (p *pacedBody) Read(b []byte) (int, error) {
	p.now = p.now.Add(p.every)
	if !p.deadline.IsZero() && p.now.After(p.deadline) {
		return 0, os.ErrDeadlineExceeded
	}
	return p.r.Read(b[:min(len(b), p.n)])
}

func (p *pacedBody) Close() error { return nil }

// pacedWriter sets its pacedBody's read deadline, as http.ResponseController
// sets a connection's.
type pacedWriter struct {
	*httptest.ResponseRecorder
	body *pacedBody
}

func (w pacedWriter) SetReadDeadline(d time.Time) error { w.body.deadline = d; return nil }

// TestBodyTimeoutFollowsProgress: the body timeout is a wait for progress,
// not a limit on the whole body. An upload that keeps moving (32 KiB every
// 10 ms, 4 MiB in 1.28 s) is read to its end past a 1 s timeout, however
// long it takes in all; a body that trickles (one byte every 10 ms, far
// below 16 KiB per timeout) is cut once the timeout passes, though bytes
// keep coming. The clock is fake, so no load on the machine can pass for a
// stall.
func TestBodyTimeoutFollowsProgress(t *testing.T) {
	const timeout = time.Second
	for _, tc := range []struct {
		name    string
		size, n int
		cut     bool
	}{
		{"steady", 4 << 20, 32 << 10, false},
		{"trickle", 1 << 20, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := &pacedBody{r: &repeatReader{n: int64(tc.size), c: 'x'}, n: tc.n, every: 10 * time.Millisecond, now: testNow}
			req := httptest.NewRequest("POST", "/v1_1/demo/image/upload", nil)
			req.Body = pb
			b := newReqBody(pacedWriter{httptest.NewRecorder(), pb}, req, timeout)
			b.now = func() time.Time { return pb.now }
			// Reads of 64 KiB (io.Discard's ReadFrom would read 8 KiB).
			n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, b, make([]byte, 64<<10))
			took := pb.now.Sub(testNow)
			if !tc.cut {
				if err != nil || n != int64(tc.size) || b.timedOut() {
					t.Fatalf("steady body: read %d of %d bytes in %v: %v", n, tc.size, took, err)
				}
				if took <= timeout {
					t.Fatalf("the steady body took %v, not longer than the %v timeout", took, timeout)
				}
				return
			}
			if !errors.Is(err, errBodyTimeout) || !b.timedOut() {
				t.Fatalf("trickling body: read %d bytes in %v: %v, want the body timeout", n, took, err)
			}
			if took <= timeout || took > timeout+20*time.Millisecond || n < int64(timeout/pb.every)-1 {
				t.Fatalf("trickling body cut after %v and %d bytes, want just past %v, bytes still coming", took, n, timeout)
			}
		})
	}
}

// TestOversizeBodyNotRead: an upload whose Content-Length already passes
// the limit is refused before any of its body is read, and one of unknown
// length stops being read just past the limit; chunks likewise against their
// Content-Range. The body is generated and counted, never held.
func TestOversizeBodyNotRead(t *testing.T) {
	const limit = MinChunkSize + 10
	const announced = 1 << 30
	s := New(fixedClock(), WithMaxUploadSize(limit))
	p := signed(t, url.Values{"public_id": {"big"}}, DefaultAPIKey, DefaultAPISecret, testNow)
	const slack = 1 << 20
	for _, tc := range []struct {
		name     string
		length   int64  // Content-Length sent; -1 unknown
		crange   string // Content-Range, for a chunk
		maxRead  int64
		wantMsg  string
		fileSize int64
	}{
		{"announced", announced, "", 0, fmt.Sprintf("File size too large. Got %d. Maximum is %d.", announced, limit), announced},
		{"unknown length", -1, "", limit + slack, "File size too large. Got more than ", announced},
		{"chunk, announced", announced, "bytes 0-5242879/-1", 0, "Content-Range bytes 0-5242879 announces 5242880 bytes, but the request is", announced},
		{"chunk, unknown length", -1, "bytes 0-5242879/-1", MinChunkSize + slack, "Content-Range bytes 0-5242879 does not match the chunk's more than 5242880 bytes", announced},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var head bytes.Buffer
			mw := multipart.NewWriter(&head)
			for k, vs := range p {
				_ = mw.WriteField(k, vs[0])
			}
			_, _ = mw.CreateFormFile("file", "big.bin")
			body := &countingReader{r: io.MultiReader(&head, &repeatReader{n: tc.fileSize, c: 0}, strings.NewReader("\r\n--"+mw.Boundary()+"--\r\n"))}
			req := newReq("POST", "/v1_1/demo/raw/upload", body, mw.FormDataContentType())
			req.ContentLength = tc.length
			if tc.crange != "" {
				req.Header.Set("X-Unique-Upload-Id", "big-"+tc.name)
				req.Header.Set("Content-Range", tc.crange)
			}
			r := serve(t, s, req)
			mustStatus(t, r, 400)
			if !strings.HasPrefix(r.msg(), tc.wantMsg) {
				t.Errorf("message %q, want it to start with %q", r.msg(), tc.wantMsg)
			}
			if n := body.count(); n > tc.maxRead {
				t.Errorf("the mock read %d bytes of the body, want at most %d", n, tc.maxRead)
			}
			if r.header.Get("Connection") != "close" {
				t.Errorf("Connection %q, want close", r.header.Get("Connection"))
			}
		})
	}
}
