package pull

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/cldrest/cldrest/internal/batch"
)

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

// End prints the summary: a table, the failed assets and what to do about
// them, as batch's upload summary does; with JSON, the Summary object.
func (o *Output) End(s *Summary) {
	if o.json != nil {
		_ = o.json.Encode(s)
		return
	}
	rows := []batch.SummaryRow{{Status: "downloaded", Count: s.Downloaded, Bytes: o.bytes[StatusDownloaded]}}
	if s.DryRun {
		rows[0] = batch.SummaryRow{Status: "would pull", Count: s.Planned, Bytes: o.bytes[StatusPlanned]}
	}
	rows = append(rows, batch.SummaryRow{Status: "skipped", Count: s.Skipped, Bytes: o.bytes[StatusSkipped]},
		batch.SummaryRow{Status: "failed", Count: s.Failed, Bytes: o.bytes[StatusFailed]})
	failed := make([]batch.Failure, len(o.failed))
	for i, r := range o.failed {
		failed[i] = batch.Failure{Name: r.ResourceType + "/" + r.DeliveryType + "/" + r.PublicID, Reason: r.Reason, Retryable: r.Retryable}
	}
	done := batch.DoneLine(batch.DoneWord(s.Interrupted, s.DryRun, "downloaded"), s.Seconds, s.BytesDownloaded)
	batch.WriteSummary(o.w, report, rows, batch.Totals{Items: s.Assets, Bytes: s.Bytes, Canceled: s.Canceled,
		CanceledBytes: o.bytes[StatusCanceled], NotStarted: s.NotStarted, Stopped: s.ExitCode == batch.ExitUsage}, done, failed)
}

// report is how the download summary names its assets and failures.
var report = batch.Report{Unit: "ASSETS", One: "asset", Many: "assets", ListAll: "--json lists them all",
	LeaveOut:     "fix them, or leave them out by narrowing PREFIX, --tag, --folder, --resource-type or --type",
	LeaveOutSome: "fix the others, or leave them out by narrowing PREFIX, --tag, --folder, --resource-type or --type"}
