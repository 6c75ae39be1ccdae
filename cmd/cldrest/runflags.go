package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cldrest/cldrest/internal/batch"
)

// runFlags are the flags of the commands that run a batch (upload, pull,
// sync): how many items at once, and what they print. Each rule about
// them lives here: the defaults, the checks and which outputs a run gets.
type runFlags struct {
	concurrency      int
	json             bool
	quiet            bool
	progress         string
	progressInterval time.Duration
	noun             string // what the progress displays count: "files", "assets"
}

// addRunFlags registers --concurrency, --json, --quiet, --progress and
// --progress-interval. noun is what the progress displays count ("files",
// "assets"), items what the command works on ("files uploaded",
// "downloads"); jsonHelp describes its --json output.
func addRunFlags(cmd *cobra.Command, noun, items, jsonHelp string) *runFlags {
	f, fl := &runFlags{noun: noun}, cmd.Flags()
	fl.IntVarP(&f.concurrency, "concurrency", "c", batch.DefaultConcurrency, items+" at the same time")
	fl.BoolVar(&f.json, "json", false, jsonHelp)
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "only the live bar (on a terminal) and failures: no per-item lines, no plain progress lines")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto (bar on a terminal, plain lines otherwise), bar, plain or none")
	fl.DurationVar(&f.progressInterval, "progress-interval", 5*time.Second, "interval of plain progress lines")
	return f
}

// validate checks the flags before any I/O; errors are usage errors.
func (f *runFlags) validate() error {
	if f.concurrency < 1 || f.concurrency > 1024 {
		return usageErr("--concurrency %d: use a number between 1 and 1024", f.concurrency)
	}
	switch f.progress {
	case "auto", "bar", "plain", "none":
	default:
		return usageErr("--progress=%s: use auto, bar, plain or none", f.progress)
	}
	if f.progressInterval <= 0 {
		return usageErr("--progress-interval must be positive, e.g. 5s")
	}
	return nil
}

// display selects the progress display on stderr (nil for none): with
// auto, a bar on a terminal and plain lines otherwise; -q drops the plain
// lines but keeps a bar. It also returns the writer for per-item lines
// and the summary: stdout, through the bar when both are on a terminal.
func (f *runFlags) display(stdout, stderr io.Writer) (batch.Observer, io.Writer) {
	mode := f.progress
	if mode == "auto" {
		mode = "plain"
		if isTerminal(stderr) {
			mode = "bar"
		}
	}
	if f.quiet && mode == "plain" {
		mode = "none" // quiet keeps only a live bar
	}
	switch mode {
	case "bar":
		width := 80
		if fd, ok := stderr.(*os.File); ok {
			if w, _, err := term.GetSize(int(fd.Fd())); err == nil && w > 0 {
				width = w
			}
		}
		p := batch.NewTTYProgress(stderr, width, 0, f.noun)
		if isTerminal(stdout) {
			return p, p.Printer(stdout)
		}
		return p, stdout
	case "plain":
		return batch.PlainProgress(stderr, f.progressInterval, f.noun), stdout
	}
	return nil, stdout
}

// observer is the upload engine's outputs: the progress display, then the
// per-file results (text or --json). The display comes first so that it is
// erased (End) before the summary is printed.
func (f *runFlags) observer(stdout, stderr io.Writer) batch.Observer {
	progress, w := f.display(stdout, stderr)
	out := batch.HumanOutput(w, f.quiet)
	if f.json {
		out = batch.JSONOutput(w)
	}
	return batch.Observers(progress, out)
}

// selectFlags choose the local files of upload and sync (batch.SelectOptions):
// --resource-type, --include, --exclude and --hidden.
type selectFlags struct {
	resourceType     string
	include, exclude []string
	hidden           bool
}

// addSelectFlags registers the selection flags; verb says what the command
// does with a file ("upload"), excludeNote what an exclusion means besides.
func addSelectFlags(cmd *cobra.Command, verb, excludeNote string) *selectFlags {
	f, fl := &selectFlags{}, cmd.Flags()
	fl.StringVar(&f.resourceType, "resource-type", "auto", "auto, image, video or raw")
	fl.StringArrayVar(&f.include, "include", nil, verb+" only files matching this glob (repeatable; *, ?, [..], **; no / means base name)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip files and directories matching this glob (repeatable"+excludeNote+")")
	fl.BoolVar(&f.hidden, "hidden", false, "include files and directories whose names start with a dot")
	return f
}

// stoppedErr is the error of a run its circuit breaker stopped: exit 2,
// how many items are not done, the advice and the failure behind it.
func stoppedErr(se *batch.StoppedError, notDone, total int, items string) *exitError {
	return &exitError{code: exitUsage, err: fmt.Errorf("stopped, %d of %d %s not done: %s (%v)", notDone, total, items, se.Advice, se.Err)}
}
