package batch

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// JSONOutput returns an Observer that writes one JSON object per finished
// file (FileResult) and a final Summary object to w, one per line.
func JSONOutput(w io.Writer) Observer { return &jsonOutput{enc: json.NewEncoder(w)} }

type jsonOutput struct {
	nopObserver
	enc *json.Encoder
}

func (j *jsonOutput) FileDone(_ File, r FileResult) { _ = j.enc.Encode(r) }
func (j *jsonOutput) End(s *Summary)                { _ = j.enc.Encode(s) }

// HumanOutput returns an Observer that writes one line per finished file to
// w (unless quiet, which keeps only failures) and ends with a summary table.
func HumanOutput(w io.Writer, quiet bool) Observer { return &humanOutput{w: w, quiet: quiet} }

type humanOutput struct {
	nopObserver
	w      io.Writer
	quiet  bool
	failed []FileResult
	bytes  map[Status]int64
}

func (h *humanOutput) FileDone(_ File, r FileResult) {
	if h.bytes == nil {
		h.bytes = map[Status]int64{}
	}
	h.bytes[r.Status] += r.Bytes
	if r.Status == StatusFailed {
		h.failed = append(h.failed, r)
	}
	if h.quiet && r.Status != StatusFailed {
		return
	}
	fmt.Fprintln(h.w, FormatLine(r))
}

// FormatLine renders one file's outcome as a line of human output.
func FormatLine(r FileResult) string {
	switch r.Status {
	case StatusFailed, StatusCanceled:
		return fmt.Sprintf("%-9s %s: %s", r.Status, r.Path, r.Error)
	case StatusSkipped:
		if r.Reason == ReasonLinkedDir {
			return fmt.Sprintf("%-9s %s: %s", r.Status, r.Path, Problem{Reason: ReasonLinkedDir}.Message())
		}
		why := "unchanged since the journal entry"
		switch r.Reason {
		case ReasonEtag:
			why = "remote etag matches"
		case ReasonExists:
			why = "unchanged since an earlier run found the public ID taken"
		}
		return fmt.Sprintf("%-9s %s -> %s (%s)", r.Status, r.Path, r.PublicID, why)
	case StatusExists:
		why := "kept the existing asset, which differs from this file"
		if r.Etag == r.MD5 {
			why = "kept the existing asset, identical to this file"
		}
		return fmt.Sprintf("%-9s %s -> %s (%s)", r.Status, r.Path, r.PublicID, why)
	case StatusPlanned:
		return fmt.Sprintf("%-9s %s -> %s (%s)", "would upload", r.Path, r.PublicID, HumanBytes(r.Bytes))
	}
	if r.Reason == ReasonOptionsChanged {
		return fmt.Sprintf("%-9s %s -> %s (%s; options changed since the journal entry)", r.Status, r.Path, r.PublicID, HumanBytes(r.Bytes))
	}
	return fmt.Sprintf("%-9s %s -> %s (%s)", r.Status, r.Path, r.PublicID, HumanBytes(r.Bytes))
}

func (h *humanOutput) End(s *Summary) {
	rows := []SummaryRow{{"uploaded", s.Uploaded, h.bytes[StatusUploaded]}}
	if s.DryRun {
		rows[0] = SummaryRow{"would upload", s.Planned, h.bytes[StatusPlanned]}
	}
	if s.Exists > 0 {
		rows = append(rows, SummaryRow{"exists", s.Exists, h.bytes[StatusExists]})
	}
	rows = append(rows, SummaryRow{"skipped", s.Skipped, h.bytes[StatusSkipped]}, SummaryRow{"failed", s.Failed, h.bytes[StatusFailed]})
	done := DoneLine(doneWord(s, "uploaded"), s.Seconds, s.BytesUploaded)
	if s.Journal != "" {
		done += "; journal " + s.Journal
	}
	failed := make([]Failure, len(h.failed))
	for i, r := range h.failed {
		failed[i] = Failure{Name: r.Path, Reason: r.Reason, Retryable: r.Retryable}
	}
	WriteSummary(h.w, uploadReport, rows, Totals{Items: s.Files, Bytes: s.Bytes, Canceled: s.Canceled,
		CanceledBytes: h.bytes[StatusCanceled], NotStarted: s.NotStarted, Stopped: s.ExitCode == ExitUsage}, done, failed)
}

// uploadReport is how the upload summary names its files and failures.
var uploadReport = Report{Unit: "FILES", One: "file", Many: "files",
	ListAll: "--json or --failed FILE lists them all", LeaveOut: "fix those files or leave them out with --exclude",
	LeaveOutSome: "fix the others or leave them out with --exclude"}

// Report names what a summary counts and how its failures can be dealt
// with; the upload and download summaries differ only in these words.
type Report struct {
	Unit      string // column header of the counts: "FILES"
	One, Many string // "file", "files"
	ListAll   string // how to see every failure: "--json or --failed FILE lists them all"
	// LeaveOut ends the advice when no failure can be fixed by a rerun,
	// LeaveOutSome when only some can.
	LeaveOut, LeaveOutSome string
}

// SummaryRow is one status line of the summary table.
type SummaryRow struct {
	Status string
	Count  int
	Bytes  int64
}

// Totals are the figures of a summary that every command has.
type Totals struct {
	Items         int   // every item of the run
	Bytes         int64 // their size
	Canceled      int
	CanceledBytes int64
	NotStarted    int
	Stopped       bool // the run was stopped (exit 2) by a failure no item can escape
}

// Failure is one failed item as the summary lists it.
type Failure struct {
	Name      string
	Reason    string
	Retryable bool // a rerun may fix it
}

// WriteSummary writes the end of a run's human output: a blank line, the
// table (rows, then canceled and not started when there are any, then the
// total), the done line, the failures (the first MaxListedFailures
// and a count) and one line of advice: run the command again when every
// failure is retryable, fix them when none is, say how many may succeed
// otherwise. A stopped run gets no advice: its error says what to fix.
func WriteSummary(w io.Writer, rep Report, rows []SummaryRow, t Totals, done string, failed []Failure) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "STATUS\t%s\tBYTES\t\n", rep.Unit)
	row := func(r SummaryRow) { fmt.Fprintf(tw, "%s\t%d\t%s\t\n", r.Status, r.Count, HumanBytes(r.Bytes)) }
	for _, r := range rows {
		row(r)
	}
	if t.Canceled > 0 || t.NotStarted > 0 {
		row(SummaryRow{"canceled", t.Canceled, t.CanceledBytes})
		fmt.Fprintf(tw, "not started\t%d\t\t\n", t.NotStarted)
	}
	row(SummaryRow{"total", t.Items, t.Bytes})
	_ = tw.Flush()
	fmt.Fprintln(w, done)
	n := len(failed)
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "failed (%d):\n", n)
	for _, r := range failed[:min(n, MaxListedFailures)] {
		fmt.Fprintf(w, "  %s", r.Name)
		if r.Reason != "" {
			fmt.Fprintf(w, " (%s)", r.Reason)
		}
		fmt.Fprintln(w)
	}
	if n > MaxListedFailures {
		fmt.Fprintf(w, "  ... and %d more (%s)\n", n-MaxListedFailures, rep.ListAll)
	}
	if t.Stopped {
		return
	}
	again := 0
	for _, r := range failed {
		if r.Retryable {
			again++
		}
	}
	items := Plural(n, rep.One, rep.Many)
	switch again {
	case n:
		fmt.Fprintf(w, "%s failed; run the same command again to retry them\n", items)
	case 0:
		fmt.Fprintf(w, "%s failed with errors a rerun cannot fix (see above); %s\n", items, rep.LeaveOut)
	default:
		fmt.Fprintf(w, "%s failed: %d may succeed if you run the same command again; %s (see above)\n", items, again, rep.LeaveOutSome)
	}
}

// DoneLine is the line after the summary table: word ("done",
// "interrupted", ...), the duration and, when bytes were transferred, the
// throughput.
func DoneLine(word string, seconds float64, transferred int64) string {
	line := fmt.Sprintf("%s in %s", word, formatSeconds(seconds))
	if transferred > 0 && seconds > 0 {
		line += fmt.Sprintf(" (%s/s)", HumanBytes(int64(float64(transferred)/seconds)))
	}
	return line
}

// MaxListedFailures is how many failed items a summary names.
const MaxListedFailures = 10

// Plural formats n with the singular or plural noun: "1 file", "2 files".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// FailedList returns an Observer that writes the path of every failed file
// to w when the run ends, in the form "cldrest upload -" reads back with
// the same public IDs (see RetryPath): one per line, or NUL-separated when
// a path contains a newline.
func FailedList(w io.Writer) Observer { return &failedList{w: w} }

type failedList struct {
	nopObserver
	w     io.Writer
	paths []string
	nl    bool
}

func (f *failedList) FileDone(file File, r FileResult) {
	if r.Status != StatusFailed && r.Status != StatusCanceled {
		return
	}
	p := RetryPath(r.Path, file.Rel)
	f.nl = f.nl || strings.ContainsAny(p, "\n\r")
	f.paths = append(f.paths, p)
}

func (f *failedList) End(*Summary) {
	sep := "\n"
	if f.nl {
		sep = "\x00"
	}
	for _, p := range f.paths {
		_, _ = io.WriteString(f.w, p+sep)
	}
}

func doneWord(s *Summary, verb string) string {
	return DoneWord(s.Interrupted, s.DryRun, verb)
}

// DoneWord is the first word of the done line: "interrupted", "dry run,
// nothing <verb>," or "done".
func DoneWord(interrupted, dryRun bool, verb string) string {
	switch {
	case interrupted:
		return "interrupted"
	case dryRun:
		return "dry run, nothing " + verb + ","
	}
	return "done"
}

func formatSeconds(sec float64) string {
	switch {
	case sec < 10:
		return fmt.Sprintf("%.2fs", sec)
	case sec < 120:
		return fmt.Sprintf("%.0fs", sec)
	}
	return fmt.Sprintf("%dm%02ds", int(sec)/60, int(sec)%60)
}

// HumanBytes formats n with binary units (B, KiB, MiB, GiB, TiB).
func HumanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		if v < 1024 || u == "TiB" {
			return fmt.Sprintf("%.1f %s", v, u)
		}
	}
	return ""
}
