package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/internal/batch"
)

func init() { register(newReportCmd) }

// reportSummary is what "cldrest report" prints with --json.
type reportSummary struct {
	Type     string          `json:"type"` // always "report"
	Journals []journalCounts `json:"journals"`
	Targets  []string        `json:"targets"`
	Files    int             `json:"files"` // distinct (target, public ID)
	Uploaded int             `json:"uploaded"`
	Exists   int             `json:"exists"`
	Skipped  int             `json:"skipped"`
	Failed   int             `json:"failed"`
	Bytes    int64           `json:"bytes"` // size of the files, by their latest entry
	// FailedFiles lists the files whose latest outcome is a failure.
	FailedFiles []reportFailure `json:"failed_files"`
	ExitCode    int             `json:"exit_code"`
}

type journalCounts struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	Torn    int    `json:"torn"`
}

type reportFailure struct {
	Path     string `json:"path"`
	PublicID string `json:"public_id"`
	Reason   string `json:"reason,omitempty"`
	Error    string `json:"error"`
}

func newReportCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report JOURNAL...",
		Short: "Merge upload journals (e.g. of shards) into one summary",
		Long: `Read the journals of one or more upload runs (the .cldrest-journal.jsonl files
that "cldrest upload" writes, e.g. one per shard of a job split with --shard i/n
across machines) and print one summary: each file counted once, by its latest
entry (for the same cloud and public ID, the entry with the latest time wins),
as uploaded, exists, skipped or failed, then the files whose latest outcome is
a failure (the first 20 and a count). Lines a crash cut short are counted and
ignored. It reads only the journals and makes no API call.

Exit codes: 0 no file's latest outcome is a failure, 1 some are, 2 a journal
cannot be read.`,
		Example: `  # After a job of three shards, each writing /journals/shard-<i>.jsonl
  cldrest report /journals/shard-*.jsonl

  # Machine-readable
  cldrest report --json shard-0.jsonl shard-1.jsonl shard-2.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := mergeJournals(args)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := json.NewEncoder(out).Encode(s); err != nil {
					return err
				}
			} else {
				printReport(out, s)
			}
			if s.Failed > 0 {
				return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d files failed in their latest run", s.Failed, s.Files)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (type report)")
	return cmd
}

// mergeJournals reads the journals with the batch package's reader and
// keeps the latest entry per target and public ID.
func mergeJournals(paths []string) (*reportSummary, error) {
	type key struct{ target, publicID string }
	latest := map[key]batch.Entry{}
	s := &reportSummary{Type: "report", FailedFiles: []reportFailure{}}
	targets := map[string]bool{}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return nil, usageErr("%s is a directory: give journal files (e.g. %s/%s)", p, strings.TrimRight(p, "/"), batch.DefaultJournalName)
		}
		entries, torn, err := batch.ReadJournal(p)
		if err != nil {
			return nil, usageErr("reading journal %s: %v", p, err)
		}
		if len(entries) == 0 && torn > 0 {
			return nil, usageErr("%s is %v: none of its %d lines is a journal entry", p, batch.ErrNotJournal, torn)
		}
		s.Journals = append(s.Journals, journalCounts{Path: p, Entries: len(entries), Torn: torn})
		for _, e := range entries {
			k := key{e.Target, e.PublicID}
			targets[e.Target] = true
			if old, ok := latest[k]; !ok || !e.Time.Before(old.Time) {
				latest[k] = e
			}
		}
	}
	s.Targets = slices.Sorted(maps.Keys(targets))
	keys := slices.SortedFunc(maps.Keys(latest), func(a, b key) int {
		return strings.Compare(a.target+"\x00"+a.publicID, b.target+"\x00"+b.publicID)
	})
	for _, k := range keys {
		e := latest[k]
		s.Files++
		s.Bytes += e.Size
		switch e.Status {
		case batch.StatusUploaded:
			s.Uploaded++
		case batch.StatusExists:
			s.Exists++
		case batch.StatusSkipped:
			s.Skipped++
		case batch.StatusFailed:
			s.Failed++
			s.FailedFiles = append(s.FailedFiles, reportFailure{Path: e.Path, PublicID: e.PublicID, Reason: e.Reason, Error: e.Error})
		}
	}
	if s.Failed > 0 {
		s.ExitCode = exitFailed
	}
	return s, nil
}

func printReport(w io.Writer, s *reportSummary) {
	torn := 0
	for _, j := range s.Journals {
		torn += j.Torn
	}
	fmt.Fprintf(w, "%s, %s: %s\n", plural(len(s.Journals), "journal", "journals"), plural(len(s.Targets), "target", "targets"), strings.Join(s.Targets, ", "))
	if torn > 0 {
		fmt.Fprintf(w, "ignored %s (cut short by a crash)\n", plural(torn, "unreadable line", "unreadable lines"))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STATUS\tFILES\t")
	for _, r := range []struct {
		name string
		n    int
	}{{"uploaded", s.Uploaded}, {"exists", s.Exists}, {"skipped", s.Skipped}, {"failed", s.Failed}, {"total", s.Files}} {
		fmt.Fprintf(tw, "%s\t%d\t\n", r.name, r.n)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%s in the files' latest entries\n", batch.HumanBytes(s.Bytes))
	if n := len(s.FailedFiles); n > 0 {
		fmt.Fprintln(w, "\nfailed in their latest run:")
		for _, f := range s.FailedFiles[:min(n, 20)] {
			fmt.Fprintf(w, "  %s -> %s: %s\n", f.Path, f.PublicID, f.Error)
		}
		if n > 20 {
			fmt.Fprintf(w, "  ... and %d more (see --json)\n", n-20)
		}
	}
}
