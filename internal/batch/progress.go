package batch

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
)

// DefaultLargeFile is the size from which a file in flight gets its own
// progress line on a terminal.
const DefaultLargeFile = 8 << 20

// progressState is what both progress displays track.
type progressState struct {
	mu        sync.Mutex
	start     time.Time
	files     int
	bytes     int64
	done      int
	failed    int
	doneBytes int64
	inFlight  map[string]*flight // by public ID
	noun      string             // what is counted: "files" (upload), "assets" (pull)
}

// countNoun is the noun the displays count with, "files" unless set.
func countNoun(noun string) string {
	if noun == "" {
		return "files"
	}
	return noun
}

type flight struct {
	f            File
	acked, total int64
	started      time.Time
}

func (p *progressState) begin(files int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start, p.files, p.bytes = time.Now(), files, bytes
	p.inFlight = map[string]*flight{}
}

func (p *progressState) started(f File) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight[f.PublicID] = &flight{f: f, total: f.Size, started: time.Now()}
}

func (p *progressState) progress(f File, acked, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fl := p.inFlight[f.PublicID]; fl != nil {
		fl.acked = acked
		if total > 0 {
			fl.total = total
		}
	}
}

func (p *progressState) finished(f File, r FileResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inFlight, f.PublicID)
	p.done++
	p.doneBytes += f.Size
	if r.Status == StatusFailed {
		p.failed++
	}
}

// snapshot returns the bytes done (finished files plus acknowledged bytes
// of files in flight) and the throughput in bytes per second.
func (p *progressState) snapshotLocked() (doneBytes int64, rate float64) {
	doneBytes = p.doneBytes
	for _, fl := range p.inFlight {
		doneBytes += fl.acked
	}
	if el := time.Since(p.start).Seconds(); el > 0 {
		rate = float64(doneBytes) / el
	}
	return min(doneBytes, max(p.bytes, doneBytes)), rate
}

// etaLocked estimates the time left from the observed rates of both bytes
// and files: the larger of the two estimates, so that a tail of small files
// (where the time per file, not per byte, dominates) is not promised in an
// instant after large files went fast. ok is false until there is a rate.
func (p *progressState) etaLocked() (eta time.Duration, ok bool) {
	doneBytes, rate := p.snapshotLocked()
	el := time.Since(p.start).Seconds()
	if el <= 0 || (rate <= 0 && p.done == 0) {
		return 0, false
	}
	var sec float64
	if rate > 0 && p.bytes > doneBytes {
		sec = float64(p.bytes-doneBytes) / rate
	}
	if p.done > 0 && p.files > p.done {
		sec = max(sec, float64(p.files-p.done)/(float64(p.done)/el))
	}
	return (time.Duration(sec * float64(time.Second))).Round(time.Second), true
}

// PlainProgress returns an Observer that writes one progress line to w
// every interval (default 5 s), counting the items as noun ("" means
// "files").
func PlainProgress(w io.Writer, interval time.Duration, noun string) Observer {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	return &plainProgress{w: w, interval: interval, progressState: progressState{noun: countNoun(noun)}}
}

type plainProgress struct {
	progressState
	w        io.Writer
	interval time.Duration
	stop     chan struct{}
	wg       sync.WaitGroup
}

func (p *plainProgress) Begin(files int, bytes int64) {
	p.begin(files, bytes)
	p.stop = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(p.interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				fmt.Fprintln(p.w, p.line())
			}
		}
	}()
}

// line renders "progress: 12/100 files, 1.2 MiB of 9.9 MiB, 300.0 KiB/s, ETA 30s".
func (p *plainProgress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	doneBytes, rate := p.snapshotLocked()
	var b strings.Builder
	fmt.Fprintf(&b, "progress: %d/%d %s, %s of %s, %s/s", p.done, p.files, p.noun,
		HumanBytes(doneBytes), HumanBytes(p.bytes), HumanBytes(int64(rate)))
	if eta, ok := p.etaLocked(); ok && p.done < p.files {
		fmt.Fprintf(&b, ", ETA %s", eta)
	}
	if p.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", p.failed)
	}
	if n := len(p.inFlight); n > 0 {
		fmt.Fprintf(&b, ", %d in flight", n)
	}
	return b.String()
}

func (p *plainProgress) FileStarted(f File)                    { p.started(f) }
func (p *plainProgress) FileProgress(f File, acked, tot int64) { p.progress(f, acked, tot) }
func (p *plainProgress) FileDone(f File, r FileResult)         { p.finished(f, r) }
func (p *plainProgress) End(*Summary) {
	if p.stop != nil {
		close(p.stop)
		p.wg.Wait()
	}
}

// TTYProgress is a live progress display for a terminal: one bar for the
// whole run (files done/total, bytes, throughput, ETA) and one line per
// large file in flight, redrawn in place several times a second. It is an
// Observer; lines printed through Printer appear above the display.
type TTYProgress struct {
	progressState
	w         io.Writer
	width     int
	largeFile int64
	refresh   time.Duration

	drawMu sync.Mutex // guards the terminal: frame height and writes
	height int
	active bool // between Begin and End
	begun  bool // Begin was called
	bars   map[string]*progressbar.ProgressBar
	stop   chan struct{}
	wg     sync.WaitGroup
}

// NewTTYProgress returns a display writing to w (a terminal width columns
// wide; 0 means 80). Files of at least largeFile bytes get their own line
// (0 means DefaultLargeFile). The items are counted as noun ("" means
// "files").
func NewTTYProgress(w io.Writer, width int, largeFile int64, noun string) *TTYProgress {
	if width <= 0 {
		width = 80
	}
	if largeFile <= 0 {
		largeFile = DefaultLargeFile
	}
	return &TTYProgress{w: w, width: width, largeFile: largeFile, refresh: 150 * time.Millisecond, progressState: progressState{noun: countNoun(noun)},
		bars: map[string]*progressbar.ProgressBar{}}
}

func newBar(max int64, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(io.Discard),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(0),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionEnableColorCodes(false),
	)
}

// Begin starts the display.
func (t *TTYProgress) Begin(files int, bytes int64) {
	t.begin(files, bytes)
	t.drawMu.Lock()
	t.begun = true
	t.active = true
	t.drawLocked() // at once, not only at the first tick
	t.drawMu.Unlock()
	t.stop = make(chan struct{})
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		tick := time.NewTicker(t.refresh)
		defer tick.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tick.C:
				t.drawMu.Lock()
				if t.active {
					t.clearLocked()
					t.drawLocked()
				}
				t.drawMu.Unlock()
			}
		}
	}()
}

// FileStarted implements Observer.
func (t *TTYProgress) FileStarted(f File) { t.started(f) }

// FileProgress implements Observer.
func (t *TTYProgress) FileProgress(f File, acked, tot int64) { t.progress(f, acked, tot) }

// FileDone implements Observer.
func (t *TTYProgress) FileDone(f File, r FileResult) { t.finished(f, r) }

// End stops the display and erases it.
func (t *TTYProgress) End(*Summary) {
	if t.stop == nil {
		return
	}
	close(t.stop)
	t.wg.Wait()
	t.drawMu.Lock()
	t.active = false
	t.clearLocked()
	t.drawMu.Unlock()
}

// Printer returns a writer whose writes appear above the display: complete
// lines are written to w after the display is erased, and the display is
// redrawn below them; a partial line waits for its end (or for End).
// Use it for output that shares the terminal.
func (t *TTYProgress) Printer(w io.Writer) io.Writer { return &ttyPrinter{t: t, w: w} }

type ttyPrinter struct {
	t       *TTYProgress
	w       io.Writer
	pending []byte
}

func (p *ttyPrinter) Write(b []byte) (int, error) {
	p.t.drawMu.Lock()
	defer p.t.drawMu.Unlock()
	p.pending = append(p.pending, b...)
	active := p.t.active
	n := len(p.pending)
	if active {
		n = bytes.LastIndexByte(p.pending, '\n') + 1
		if n == 0 {
			return len(b), nil
		}
	}
	p.t.clearLocked()
	_, err := p.w.Write(p.pending[:n])
	p.pending = append(p.pending[:0], p.pending[n:]...)
	if active {
		p.t.drawLocked()
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// clearLocked erases the current frame and leaves the cursor at its start.
func (t *TTYProgress) clearLocked() {
	if t.height == 0 {
		return
	}
	s := "\r"
	if t.height > 1 {
		s += fmt.Sprintf("\x1b[%dA", t.height-1)
	}
	s += "\x1b[J"
	_, _ = io.WriteString(t.w, s)
	t.height = 0
}

// Frame renders the display's current lines (without escape codes).
func (t *TTYProgress) Frame() []string {
	t.drawMu.Lock()
	defer t.drawMu.Unlock()
	return t.frameLocked()
}

func (t *TTYProgress) frameLocked() []string {
	if !t.begun {
		return nil
	}
	t.mu.Lock()
	doneBytes, _ := t.snapshotLocked()
	eta, etaOK := t.etaLocked()
	etaOK = etaOK && t.done < t.files
	desc := fmt.Sprintf("%d/%d %s", t.done, t.files, t.noun)
	if t.failed > 0 {
		desc += fmt.Sprintf(" (%d failed)", t.failed)
	}
	var large []*flight
	for _, fl := range t.inFlight {
		if fl.total >= t.largeFile {
			large = append(large, fl)
		}
	}
	t.mu.Unlock()
	sort.Slice(large, func(i, j int) bool { return large[i].started.Before(large[j].started) })

	lines := []string{t.totalLine(desc, doneBytes, eta, etaOK)}
	seen := map[string]bool{}
	const maxLines = 8
	for i, fl := range large {
		if i == maxLines {
			lines = append(lines, fmt.Sprintf("  ... and %d more large %s", len(large)-maxLines, t.noun))
			break
		}
		id := fl.f.PublicID
		seen[id] = true
		bar := t.bars[id]
		if bar == nil {
			bar = newBar(fl.total, "  "+shorten(fl.f.Path, 28))
			t.bars[id] = bar
		}
		_ = bar.Set64(min(fl.acked, fl.total))
		lines = append(lines, bar.String())
	}
	for id := range t.bars {
		if !seen[id] {
			delete(t.bars, id)
		}
	}
	for i, l := range lines {
		l = strings.TrimRight(strings.TrimLeft(l, "\r"), " ")
		if utf8.RuneCountInString(l) > t.width-1 {
			l = string([]rune(l)[:t.width-1])
		}
		lines[i] = l
	}
	return lines
}

// totalLine renders the run's line to fit the terminal: the files, the
// percentage, the bytes and the ETA always, and a bar in whatever width is
// left (none on a very narrow terminal).
func (t *TTYProgress) totalLine(desc string, done int64, eta time.Duration, etaOK bool) string {
	pct := 100
	if t.bytes > 0 {
		pct = int(min(done, t.bytes) * 100 / t.bytes)
	}
	tail := fmt.Sprintf(" %s/%s", HumanBytes(done), HumanBytes(t.bytes))
	if etaOK {
		tail += " ETA " + eta.String()
	}
	head := fmt.Sprintf("%s %3d%%", desc, pct)
	room := t.width - 1 - len(head) - len(tail) - 3 // " [" and "]"
	if room < 5 {
		return head + tail
	}
	room = min(room, 40)
	fill := room * pct / 100
	return head + " [" + strings.Repeat("=", fill) + strings.Repeat(" ", room-fill) + "]" + tail
}

func (t *TTYProgress) drawLocked() {
	lines := t.frameLocked()
	if len(lines) == 0 {
		return
	}
	_, _ = io.WriteString(t.w, strings.Join(lines, "\n"))
	t.height = len(lines)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s + strings.Repeat(" ", n-len(r))
	}
	return "..." + string(r[len(r)-n+3:])
}
