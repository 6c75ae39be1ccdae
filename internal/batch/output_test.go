package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
)

// FileFields and SummaryFields are the documented JSON fields of --json.
var (
	FileFields    = []string{"type", "path", "public_id", "status", "bytes", "md5", "etag", "secure_url", "error", "attempts", "retryable"}
	SummaryFields = []string{"type", "files", "uploaded", "exists", "skipped", "failed", "planned", "canceled", "not_started", "bytes",
		"bytes_uploaded", "attempts", "duration_seconds", "dry_run", "interrupted", "journal", "exit_code"}
)

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func TestJSONOutput(t *testing.T) {
	root := writeTree(t, map[string]string{"a.jpg": "a", "b.jpg": "b"})
	files := selectAll(t, root)
	up := newFake()
	up.failN["b"] = 9
	var out bytes.Buffer
	sum, err := Run(context.Background(), files, up, RunOptions{Observer: JSONOutput(&out), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	statuses := map[string]string{}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d not JSON: %v", i, err)
		}
		want := FileFields
		if i == 2 {
			want = SummaryFields
		} else {
			statuses[m["public_id"].(string)] = m["status"].(string)
			if m["status"] == "failed" && m["error"] == "" {
				t.Errorf("failed line without error: %s", l)
			}
			if m["status"] == "uploaded" && (m["md5"] != md5hex("a") || m["etag"] != md5hex("a") || m["secure_url"] == "") {
				t.Errorf("uploaded line: %s", l)
			}
		}
		if got := keys(m); !reflect.DeepEqual(got, sorted(want)) {
			t.Errorf("line %d keys %v, want %v", i, got, sorted(want))
		}
	}
	if statuses["a"] != "uploaded" || statuses["b"] != "failed" {
		t.Errorf("statuses %v", statuses)
	}
	var s Summary
	if err := json.Unmarshal([]byte(lines[2]), &s); err != nil || s.Type != "summary" || s.Failed != 1 || s.ExitCode != 1 || s.Uploaded != sum.Uploaded {
		t.Errorf("summary line %s (%v)", lines[2], err)
	}
}

func TestHumanOutputGolden(t *testing.T) {
	var out bytes.Buffer
	h := HumanOutput(&out, false)
	h.Begin(8, 4000)
	res := []FileResult{
		{Path: "img/a.jpg", PublicID: "a", Status: StatusUploaded, Bytes: 1500},
		{Path: "img/b.jpg", PublicID: "b", Status: StatusSkipped, Reason: ReasonJournal, Bytes: 500},
		{Path: "img/c.jpg", PublicID: "c", Status: StatusSkipped, Reason: ReasonEtag, Bytes: 500},
		{Path: "img/d.jpg", PublicID: "d", Status: StatusFailed, Bytes: 500, Error: "400 Bad Request: Invalid image file"},
		{Path: "img/e.jpg", PublicID: "e", Status: StatusExists, Bytes: 300, MD5: md5hex("e"), Etag: md5hex("old e")},
		{Path: "img/f.jpg", PublicID: "f", Status: StatusExists, Bytes: 300, MD5: md5hex("f"), Etag: md5hex("f")},
		{Path: "img/g.jpg", PublicID: "g", Status: StatusSkipped, Reason: ReasonExists, Bytes: 200},
		{Path: "img/h.jpg", PublicID: "h", Status: StatusFailed, Reason: ReasonEtagMismatch, Retryable: true, Bytes: 200,
			Error: `upload: "h": etag mismatch: Cloudinary stored bytes with MD5 9f…, the bytes sent have MD5 2e… (changed in transit?); upload it again to replace the asset`},
	}
	for _, r := range res {
		h.FileDone(File{}, r)
	}
	h.End(&Summary{Files: 8, Uploaded: 1, Exists: 2, Skipped: 3, Failed: 2, Bytes: 4000, BytesUploaded: 1500, Seconds: 1.5, Journal: "img/.cldrest-journal.jsonl"})
	apitest.Golden(t, "human.golden", out.Bytes())

	out.Reset()
	h = HumanOutput(&out, true)
	for _, r := range res {
		h.FileDone(File{}, r)
	}
	h.End(&Summary{Files: 8, Planned: 8, DryRun: true, Bytes: 4000, Seconds: 0.01})
	if strings.Contains(out.String(), "img/a.jpg") || !strings.Contains(out.String(), "img/d.jpg") {
		t.Errorf("quiet output should list only failures:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "would upload") || !strings.Contains(out.String(), "dry run") {
		t.Errorf("dry-run summary:\n%s", out.String())
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}}
	for _, tt := range tests {
		if got := HumanBytes(tt.n); got != tt.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// notifyWriter writes to w and signals each write on wrote without blocking.
type notifyWriter struct {
	w     io.Writer
	wrote chan struct{}
}

func (n *notifyWriter) Write(p []byte) (int, error) {
	defer func() {
		select {
		case n.wrote <- struct{}{}:
		default:
		}
	}()
	return n.w.Write(p)
}

func TestPlainProgress(t *testing.T) {
	root := writeTree(t, tree(12))
	files := selectAll(t, root)
	up := newFake()
	up.block = make(chan struct{})
	var out apitest.Buffer
	printed := make(chan struct{}, 1)
	w := &notifyWriter{w: &out, wrote: printed}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = Run(context.Background(), files, up, RunOptions{Concurrency: 2, Observer: PlainProgress(w, 5*time.Millisecond, "")})
	}()
	// After 4 and after 8 files, wait for the ticker to print a line: two
	// periodic lines by event, however slowly the machine runs.
	for i := range len(files) {
		if i == 4 || i == 8 {
			select {
			case <-printed:
			default:
			}
			<-printed
		}
		up.block <- struct{}{}
	}
	<-done
	s := out.String()
	if strings.ContainsAny(s, "\x1b\r") {
		t.Errorf("plain progress contains escape codes or carriage returns: %q", s)
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) < 2 {
		t.Fatalf("want periodic lines, got %q", s)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "progress: ") || !strings.Contains(l, "/12 files") || !strings.Contains(l, "/s") {
			t.Errorf("bad line %q", l)
		}
	}
}

func TestTTYProgressFrame(t *testing.T) {
	var out apitest.Buffer
	drew := make(chan struct{}, 1)
	p := NewTTYProgress(&notifyWriter{w: &out, wrote: drew}, 100, 1000, "")
	p.refresh = time.Millisecond
	small := File{Path: "small.jpg", PublicID: "small", Size: 10}
	big := File{Path: "videos/big.mp4", PublicID: "videos/big", Size: 5000}
	p.Begin(3, 5020)
	p.FileStarted(small)
	p.FileStarted(big)
	p.FileProgress(big, 2500, 5000)
	p.FileDone(small, FileResult{Status: StatusUploaded})
	frame := p.Frame()
	if len(frame) != 2 {
		t.Fatalf("frame %q: want the total bar and one large-file line", frame)
	}
	if !strings.Contains(frame[0], "1/3 files") || !strings.Contains(frame[0], "%") || !strings.Contains(frame[0], "KiB") {
		t.Errorf("total line %q", frame[0])
	}
	if !strings.Contains(frame[1], "videos/big.mp4") || !strings.Contains(frame[1], "50%") {
		t.Errorf("large file line %q", frame[1])
	}
	// The ticker redraws the display: a write after Begin's drawing is its
	// erasing of the frame.
	select {
	case <-drew:
	default:
	}
	<-drew
	if !strings.Contains(out.String(), "\x1b[J") {
		t.Errorf("the ticker wrote without erasing the frame: %q", out.String())
	}
	// Output printed through Printer lands above the redrawn display.
	var stdout apitest.Buffer
	pr := p.Printer(&stdout)
	_, _ = pr.Write([]byte("uploaded small.jpg\n"))
	_, _ = pr.Write([]byte("partial "))
	if stdout.String() != "uploaded small.jpg\n" {
		t.Errorf("a partial line was written while the display is active: %q", stdout.String())
	}
	p.FileDone(big, FileResult{Status: StatusUploaded})
	p.End(&Summary{})
	_, _ = pr.Write([]byte("line\n"))
	if len(p.Frame()) != 1 {
		t.Errorf("finished large file still shown: %q", p.Frame())
	}
	if stdout.String() != "uploaded small.jpg\npartial line\n" {
		t.Errorf("printer wrote %q", stdout.String())
	}
	s := out.String()
	if !strings.Contains(s, "\x1b[J") || !strings.Contains(s, "files") {
		t.Errorf("terminal output lacks redraws: %q", s)
	}
	if !strings.HasSuffix(s, "\x1b[J") {
		t.Errorf("display not erased at End: %q", s[max(0, len(s)-40):])
	}
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if len([]rune(stripANSI(l))) > 100 {
			t.Errorf("line wider than the terminal: %q", l)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i++; i < len(s) && !(s[i] >= 'A' && s[i] <= 'z' && s[i] != '['); i++ {
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// The advice after failures depends on whether a rerun can fix them.
func TestHumanOutputFailureAdvice(t *testing.T) {
	for _, tc := range []struct {
		retryable []bool
		want      string
	}{
		{[]bool{true, true}, "2 files failed; run the same command again to retry them"},
		{[]bool{false}, "1 file failed with errors a rerun cannot fix (see above); fix those files or leave them out with --exclude"},
		{[]bool{true, false, false}, "3 files failed: 1 may succeed if you run the same command again; fix the others"},
	} {
		var out bytes.Buffer
		h := HumanOutput(&out, true)
		for i, r := range tc.retryable {
			h.FileDone(File{}, FileResult{Path: fmt.Sprint(i), Status: StatusFailed, Error: "x", Retryable: r})
		}
		h.End(&Summary{Files: len(tc.retryable), Failed: len(tc.retryable)})
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: output\n%s\nlacks %q", tc.retryable, out.String(), tc.want)
		}
	}
}

func TestFailedListAndSummary(t *testing.T) {
	var out, list bytes.Buffer
	obs := Observers(HumanOutput(&out, true), FailedList(&list))
	for i := range 13 {
		obs.FileDone(File{Rel: fmt.Sprintf("sub/f%02d.jpg", i)}, FileResult{Path: fmt.Sprintf("root/sub/f%02d.jpg", i), Status: StatusFailed, Error: "x", Reason: "unreadable"})
	}
	obs.FileDone(File{Rel: "ok.jpg"}, FileResult{Path: "root/ok.jpg", Status: StatusUploaded})
	obs.End(&Summary{Files: 14, Failed: 13, Uploaded: 1})
	for _, want := range []string{"failed (13):\n  root/sub/f00.jpg (unreadable)\n", "  root/sub/f09.jpg (unreadable)\n  ... and 3 more", "13 files failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "f10.jpg (") {
		t.Errorf("summary names more than %d failures:\n%s", MaxListedFailures, out.String())
	}
	lines := strings.Split(strings.TrimSpace(list.String()), "\n")
	if len(lines) != 13 || lines[0] != filepath.FromSlash("root/./sub/f00.jpg") {
		t.Errorf("--failed list %q", lines)
	}
}

func TestTTYProgressFitsNarrowTerminals(t *testing.T) {
	for _, width := range []int{20, 32, 50, 80, 200} {
		p := NewTTYProgress(io.Discard, width, 1<<30, "")
		p.Begin(300, 300<<20)
		for i := range 120 {
			f := File{Path: fmt.Sprint(i), PublicID: fmt.Sprint(i), Size: 1 << 20}
			p.FileStarted(f)
			p.FileDone(f, FileResult{Status: StatusUploaded})
		}
		line := p.Frame()[0]
		p.End(&Summary{})
		if n := len([]rune(line)); n > width-1 {
			t.Errorf("width %d: line of %d runes: %q", width, n, line)
		}
		for _, want := range []string{"120/300 files", "40%", "120.0 MiB/300.0 MiB"} {
			if width >= 50 && !strings.Contains(line, want) {
				t.Errorf("width %d: %q lacks %q", width, line, want)
			}
		}
		if width >= 80 && !strings.Contains(line, "[") {
			t.Errorf("width %d: no bar in %q", width, line)
		}
	}
}

func TestETAUsesFilesAndBytes(t *testing.T) {
	var p progressState
	p.begin(100, 1000)
	p.start = time.Now().Add(-10 * time.Second)
	// 10 s for 50 files and 900 of 1000 bytes: the bytes promise ~1 s, but
	// 50 more files at 5 files/s take 10 s.
	p.done, p.doneBytes = 50, 900
	eta, ok := p.etaLocked()
	if !ok || eta < 9*time.Second || eta > 11*time.Second {
		t.Errorf("eta %v %v, want about 10s", eta, ok)
	}
	p.done, p.doneBytes = 90, 500 // now the bytes are the slower estimate
	if eta, _ := p.etaLocked(); eta < 9*time.Second || eta > 11*time.Second {
		t.Errorf("eta %v, want about 10s", eta)
	}
}
