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
	fmt.Fprintln(h.w)
	tw := tabwriter.NewWriter(h.w, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STATUS\tFILES\tBYTES\t")
	row := func(name string, n int, b int64) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", name, n, HumanBytes(b))
	}
	if s.DryRun {
		row("would upload", s.Planned, h.bytes[StatusPlanned])
	} else {
		row("uploaded", s.Uploaded, h.bytes[StatusUploaded])
	}
	if s.Exists > 0 {
		row("exists", s.Exists, h.bytes[StatusExists])
	}
	row("skipped", s.Skipped, h.bytes[StatusSkipped])
	row("failed", s.Failed, h.bytes[StatusFailed])
	if s.Canceled > 0 || s.NotStarted > 0 {
		row("canceled", s.Canceled, h.bytes[StatusCanceled])
		fmt.Fprintf(tw, "not started\t%d\t\t\n", s.NotStarted)
	}
	row("total", s.Files, s.Bytes)
	_ = tw.Flush()
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s", doneWord(s), formatSeconds(s.Seconds))
	if s.BytesUploaded > 0 && s.Seconds > 0 {
		fmt.Fprintf(&b, " (%s/s)", HumanBytes(int64(float64(s.BytesUploaded)/s.Seconds)))
	}
	if s.Journal != "" {
		fmt.Fprintf(&b, "; journal %s", s.Journal)
	}
	fmt.Fprintln(h.w, b.String())
	if n := len(h.failed); n > 0 {
		fmt.Fprintf(h.w, "failed (%d):\n", n)
		for _, r := range h.failed[:min(n, MaxListedFailures)] {
			fmt.Fprintf(h.w, "  %s", r.Path)
			if r.Reason != "" {
				fmt.Fprintf(h.w, " (%s)", r.Reason)
			}
			fmt.Fprintln(h.w)
		}
		if n > MaxListedFailures {
			fmt.Fprintf(h.w, "  ... and %d more (--json or --failed FILE lists them all)\n", n-MaxListedFailures)
		}
	}
	// A stopped run (ExitUsage) ends with an error that says what to fix.
	if n := len(h.failed); n > 0 && s.ExitCode != ExitUsage {
		again := 0
		for _, r := range h.failed {
			if r.Retryable {
				again++
			}
		}
		files := Plural(n, "file", "files")
		switch again {
		case n:
			fmt.Fprintf(h.w, "%s failed; run the same command again to retry them\n", files)
		case 0:
			fmt.Fprintf(h.w, "%s failed with errors a rerun cannot fix (see above); fix those files or leave them out with --exclude\n", files)
		default:
			fmt.Fprintf(h.w, "%s failed: %d may succeed if you run the same command again; fix the others or leave them out with --exclude (see above)\n", files, again)
		}
	}
}

// MaxListedFailures is how many failed files the summary names.
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

func doneWord(s *Summary) string {
	switch {
	case s.Interrupted:
		return "interrupted"
	case s.DryRun:
		return "dry run, nothing uploaded,"
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
