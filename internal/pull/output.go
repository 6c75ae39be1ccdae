package pull

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cldrest/cldrest/internal/batch"
)

// maxListed is how many failed assets the summary names.
const maxListed = 20

// Output prints outcomes: one line (or, with asJSON, one JSON object) per
// asset and a summary at End. quiet keeps only failures. It is not safe
// for concurrent use; Run calls Done one at a time.
type Output struct {
	w      io.Writer
	json   *json.Encoder
	quiet  bool
	bytes  map[Status]int64
	failed []FileResult
}

// NewOutput returns an Output writing to w.
func NewOutput(w io.Writer, asJSON, quiet bool) *Output {
	o := &Output{w: w, quiet: quiet, bytes: map[Status]int64{}}
	if asJSON {
		o.json = json.NewEncoder(w)
	}
	return o
}

// Done prints one asset's outcome (Options.Done).
func (o *Output) Done(r FileResult) {
	o.bytes[r.Status] += r.Bytes
	if r.Status == StatusFailed {
		o.failed = append(o.failed, r)
	}
	if o.json != nil {
		_ = o.json.Encode(r)
		return
	}
	if o.quiet && r.Status != StatusFailed {
		return
	}
	fmt.Fprintln(o.w, FormatLine(r))
}

// FormatLine renders one asset's outcome as a line of human output.
func FormatLine(r FileResult) string {
	key := r.ResourceType + "/" + r.DeliveryType + "/" + r.PublicID
	switch r.Status {
	case StatusFailed, StatusCanceled:
		return fmt.Sprintf("%-10s %s -> %s: %s", r.Status, key, r.Path, r.Error)
	case StatusSkipped:
		why := "unchanged: its MD5 equals the etag"
		if r.Reason == ReasonExists {
			why = "exists; a transformation has no etag to compare"
		}
		return fmt.Sprintf("%-10s %s -> %s (%s)", r.Status, key, r.Path, why)
	case StatusPlanned:
		return fmt.Sprintf("%-10s %s -> %s (%s)", "would pull", key, r.Path, batch.HumanBytes(r.Bytes))
	}
	return fmt.Sprintf("%-10s %s -> %s (%s)", r.Status, key, r.Path, batch.HumanBytes(r.Bytes))
}

// End prints the summary: a table, the failed assets (the first 20 and a
// count) and what to do about them; with JSON, the Summary object.
func (o *Output) End(s *Summary) {
	if o.json != nil {
		_ = o.json.Encode(s)
		return
	}
	fmt.Fprintln(o.w)
	tw := tabwriter.NewWriter(o.w, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STATUS\tASSETS\tBYTES\t")
	row := func(name string, n int, b int64) { fmt.Fprintf(tw, "%s\t%d\t%s\t\n", name, n, batch.HumanBytes(b)) }
	if s.DryRun {
		row("would pull", s.Planned, o.bytes[StatusPlanned])
	} else {
		row("downloaded", s.Downloaded, o.bytes[StatusDownloaded])
	}
	row("skipped", s.Skipped, o.bytes[StatusSkipped])
	row("failed", s.Failed, o.bytes[StatusFailed])
	if s.Canceled > 0 || s.NotStarted > 0 {
		row("canceled", s.Canceled, o.bytes[StatusCanceled])
		fmt.Fprintf(tw, "not started\t%d\t\t\n", s.NotStarted)
	}
	row("total", s.Assets, s.Bytes)
	_ = tw.Flush()
	word := "done"
	switch {
	case s.Interrupted:
		word = "interrupted"
	case s.DryRun:
		word = "dry run, nothing downloaded,"
	}
	line := fmt.Sprintf("%s in %.2fs", word, s.Seconds)
	if s.BytesDownloaded > 0 && s.Seconds > 0 {
		line += fmt.Sprintf(" (%s/s)", batch.HumanBytes(int64(float64(s.BytesDownloaded)/s.Seconds)))
	}
	fmt.Fprintln(o.w, line)
	if n := len(o.failed); n > 0 {
		names := make([]string, 0, min(n, maxListed))
		for _, r := range o.failed[:min(n, maxListed)] {
			names = append(names, r.PublicID)
		}
		more := ""
		if n > maxListed {
			more = fmt.Sprintf(" and %d more", n-maxListed)
		}
		fmt.Fprintf(o.w, "%d asset(s) failed: %s%s; run the same command again to retry them (files already complete are skipped)\n", n, strings.Join(names, ", "), more)
	}
}
