package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// metric is one measured figure of a scenario: one value per pair for
// cldrest (A), the official Go SDK (B) and optionally a reference (Ref).
type metric struct {
	Name     string
	Unit     string
	Lower    bool // lower is better
	Headline bool
	A, B     []float64
	Ref      []float64
}

// section is one scenario in the report.
type section struct {
	ID, Title, What string
	RefName         string
	Metrics         []metric
	Extra           string // markdown placed after the table
	Notes           []string
}

type machine struct {
	Date, GoVersion, OS, CPU, Kernel, Commit, OfficialGo, Node string
	Cores                                                      int
	MemGiB                                                     float64
}

type report struct {
	cfg      config
	machine  machine
	sections []section
	elapsed  time.Duration
}

func machineInfo(ctx context.Context, root string) machine {
	m := machine{
		Date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		Cores:     runtime.NumCPU(),
		CPU:       "?",
		Commit:    "?",
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %f kB", &kb); err == nil {
			m.MemGiB = kb / (1 << 20)
		}
	}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		m.Kernel = utsString(u.Sysname[:]) + " " + utsString(u.Release[:])
	}
	if out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	m.OfficialGo = "github.com/cloudinary/cloudinary-go/v2 ?"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/cloudinary/cloudinary-go/v2" {
				m.OfficialGo = d.Path + " " + d.Version
			}
		}
	}
	return m
}

func utsString(b []int8) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		s.WriteByte(byte(c))
	}
	return s.String()
}

// fmtVal formats a figure with about three significant digits.
func fmtVal(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "–"
	case a >= 1000:
		return withCommas(int64(math.Round(v)))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	case a == 0:
		return "0"
	}
	return fmt.Sprintf("%.3g", v)
}

func withCommas(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtRatio(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 0.1:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// medRange renders "median (min–max)".
func medRange(xs []float64) string {
	s := summarize(xs)
	if s.N == 0 {
		return "–"
	}
	if s.N == 1 {
		return fmtVal(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", fmtVal(s.Median), fmtVal(s.Min), fmtVal(s.Max))
}

func ratioRange(xs []float64) string {
	s := summarize(xs)
	if s.N == 0 {
		return "–"
	}
	if s.N == 1 {
		return "**" + fmtRatio(s.Median) + "**"
	}
	return fmt.Sprintf("**%s** (%s–%s)", fmtRatio(s.Median), fmtRatio(s.Min), fmtRatio(s.Max))
}

// verdict says whether the median ratio favours cldrest.
func verdict(m metric, r []float64) string {
	s := summarize(r)
	if s.N == 0 || math.IsNaN(s.Median) {
		return "–"
	}
	gain := s.Median // < 1 is better when lower is better
	if !m.Lower {
		gain = 1 / s.Median
	}
	switch {
	case gain < 0.95:
		return "cldrest ahead"
	case gain > 1.05:
		return "**cldrest behind**"
	}
	return "even (±5%)"
}

func betterWord(m metric) string {
	if m.Lower {
		return "lower is better"
	}
	return "higher is better"
}

// benchstatTable renders the signing metrics like benchstat: official is the
// base, cldrest the new value.
func benchstatTable(ms []metric) string {
	var b bytes.Buffer
	width := len("name")
	for _, m := range ms {
		width = max(width, len(m.Name+" ("+m.Unit+")"))
	}
	fmt.Fprintf(&b, "%-*s %14s %14s   %s\n", width, "name", "official", "cldrest", "vs base")
	for _, m := range ms {
		sa, sb := summarize(m.A), summarize(m.B)
		spread := func(s summary) string {
			if s.Median == 0 {
				return fmtVal(s.Median) + " ± 0%"
			}
			return fmt.Sprintf("%s ± %.0f%%", fmtVal(s.Median), 100*(s.Max-s.Min)/2/s.Median)
		}
		delta := "~"
		p := mannWhitneyP(m.A, m.B)
		if sb.Median != 0 {
			d := 100 * (sa.Median - sb.Median) / sb.Median
			if p <= 0.05 || (sa.Min == sa.Max && sb.Min == sb.Max && sa.Median != sb.Median) {
				delta = fmt.Sprintf("%+.1f%%", d)
			}
		}
		fmt.Fprintf(&b, "%-*s %14s %14s   %s (p=%.3f n=%d)\n", width, m.Name+" ("+m.Unit+")", spread(sb), spread(sa), delta, p, len(m.A))
	}
	return b.String()
}

func (r *report) reproduce() string {
	if r.cfg.smoke {
		return "cd bench && go run ./cmd/benchrun -smoke"
	}
	var extra []string
	if r.cfg.pairs != 5 {
		extra = append(extra, fmt.Sprintf("-pairs %d", r.cfg.pairs))
	}
	if r.cfg.only != "" {
		extra = append(extra, "-only "+r.cfg.only)
	}
	if r.cfg.node != "auto" {
		extra = append(extra, "-node "+r.cfg.node)
	}
	cmd := "cd bench && go run ./cmd/benchrun"
	if len(extra) > 0 {
		cmd += " " + strings.Join(extra, " ")
	}
	return cmd
}

func (r *report) markdown(analysis string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks: cldrest against the official Cloudinary SDKs\n\n")
	if r.cfg.smoke {
		w("> **SMOKE RUN** — tiny sizes and %d pairs, to prove the harness works. These figures mean nothing.\n\n", r.cfg.pairs)
	}
	w("Generated by `bench/cmd/benchrun` on %s (the whole run took %s). Every scenario ran cldrest (A) and the official "+
		"SDK (B) alternately, A B A B …, %d pairs, against one `cldrest mock --metadata-only` process on loopback "+
		"(both SDKs pointed at it through `upload_prefix` in `CLOUDINARY_URL`). Each figure is the **median (min–max)** "+
		"over the pairs; each ratio is computed per pair (A/B of the same pair) and shown as median (min–max). "+
		"**The ratios are the headline**: absolute figures depend on this machine, and the mock shares its %d cores "+
		"with the client.\n\n", r.machine.Date, r.elapsed.Round(time.Second), r.cfg.pairs, r.machine.Cores)

	w("## Reproduce\n\n```sh\n%s\n```\n\n", r.reproduce())
	w("Needs Go and `curl`; Node.js and npm are optional (`npm install cloudinary` into a temporary folder; the batch " +
		"scenario skips Node with a message without them). Temporary files (the sparse file, the batch files) live in a " +
		"temporary folder that is deleted at the end. `-profile DIR` adds one CPU and allocation profile per SDK and scenario; " +
		"`-smoke` is what CI runs (`.ci/hooks/bench-smoke.sh`).\n\n")

	w("## Machine\n\n")
	w("| | |\n|---|---|\n")
	w("| Date | %s |\n| CPU | %s, %d cores (runtime.NumCPU) |\n| Memory | %.1f GiB |\n| OS | %s, %s |\n| Go | %s |\n",
		r.machine.Date, r.machine.CPU, r.machine.Cores, r.machine.MemGiB, r.machine.OS, r.machine.Kernel, r.machine.GoVersion)
	w("| cldrest | commit %s (this repository, via `replace`) |\n| Official Go SDK | %s |\n| Node.js | %s |\n\n",
		r.machine.Commit, r.machine.OfficialGo, r.machine.Node)

	w("## Headline: ratio cldrest / official\n\n")
	w("A ratio below 1 means cldrest is lower; whether lower is better is said per row.\n\n")
	w("| Scenario | Figure | cldrest | official | ratio cldrest/official | |\n|---|---|---|---|---|---|\n")
	for _, s := range r.sections {
		for _, m := range s.Metrics {
			if !m.Headline {
				continue
			}
			rr := ratios(m.A, m.B)
			w("| %s | %s, %s (%s) | %s | %s | %s | %s |\n", s.Title, m.Name, m.Unit, betterWord(m), fmtVal(summarize(m.A).Median), fmtVal(summarize(m.B).Median), ratioRange(rr), verdict(m, rr))
		}
	}
	var refs []string
	for _, s := range r.sections {
		if s.RefName == "" {
			continue
		}
		for _, m := range s.Metrics {
			if len(m.Ref) == 0 {
				continue
			}
			rr := ratios(m.A, m.Ref)
			refs = append(refs, fmt.Sprintf("| %s | %s, %s | %s | %s (%s) | %s |", s.Title, m.Name, m.Unit, fmtVal(summarize(m.A).Median), fmtVal(summarize(m.Ref).Median), s.RefName, ratioRange(rr)))
		}
	}
	if len(refs) > 0 {
		w("\nAgainst the references (the plain signed cURL POST, the Node.js `cloudinary` package, cldrest with 5 MiB chunks; see each scenario):\n\n")
		w("| Scenario | Figure | cldrest | reference | ratio cldrest/reference |\n|---|---|---|---|---|\n")
		w("%s\n", strings.Join(refs, "\n"))
	}
	w("\n")

	if strings.TrimSpace(analysis) != "" {
		w("%s\n\n", strings.TrimSpace(analysis))
	}

	w("## Scenarios in detail\n\n")
	for _, s := range r.sections {
		w("### %s\n\n%s\n\n", s.Title, s.What)
		ref := s.RefName != ""
		if ref {
			w("| Figure | cldrest | official Go SDK | ratio | %s | ratio cldrest/%s |\n|---|---|---|---|---|---|\n", s.RefName, s.RefName)
		} else {
			w("| Figure | cldrest | official Go SDK | ratio |\n|---|---|---|---|\n")
		}
		for _, m := range s.Metrics {
			row := fmt.Sprintf("| %s, %s | %s | %s | %s", m.Name, m.Unit, medRange(m.A), medRange(m.B), ratioRange(ratios(m.A, m.B)))
			if ref {
				if len(m.Ref) > 0 {
					row += fmt.Sprintf(" | %s | %s", medRange(m.Ref), ratioRange(ratios(m.A, m.Ref)))
				} else {
					row += " | – | –"
				}
			}
			w("%s |\n", row)
		}
		w("\n")
		if s.Extra != "" {
			w("%s\n", s.Extra)
		}
		for _, n := range s.Notes {
			w("%s\n\n", n)
		}
		w("<details><summary>Per-pair values</summary>\n\n```\n")
		for _, m := range s.Metrics {
			w("%s (%s)\n  cldrest  %s\n  official %s\n", m.Name, m.Unit, joinVals(m.A), joinVals(m.B))
			if len(m.Ref) > 0 {
				w("  %-8s %s\n", s.RefName, joinVals(m.Ref))
			}
		}
		w("```\n\n</details>\n\n")
	}
	w("## Method\n\n")
	w("- One `cldrest mock --metadata-only --admin-budget 0` process serves every run: it verifies every signature, " +
		"hashes and counts uploaded bytes and keeps only metadata, so the 1 GiB uploads need neither memory nor disk on the " +
		"server side, and listing is never rate limited.\n")
	w("- Uploads, batch and listing run in child processes (`bench/cmd/benchclient`, built once, one process per run; " +
		"Node.js runs `bench/node/batch.js`). Peak RSS is the child's own `VmHWM` (reported by the child at exit, " +
		"and sampled from `/proc/PID/status` every 2 ms by benchrun), so it includes the runtime's baseline. `ru_maxrss` " +
		"is not used: Go starts children with vfork, and Linux carries the parent's peak RSS into the child's " +
		"`ru_maxrss` at `execve`, which would put benchrun's own size under every client. CPU time is " +
		"`ru_utime + ru_stime` from `wait4`. Whole-process wall and CPU are used for the single big uploads (comparable with " +
		"cURL); the batch and listing figures are measured inside the child around the work only.\n")
	w("- Signing runs in process with `testing.Benchmark` (`b.Loop`), alternating the two functions.\n")
	w("- The 1 GiB file is sparse (`ftruncate`), so reading it costs no disk I/O and it takes no disk space; it and the " +
		"batch files are deleted at the end.\n")
	return b.String()
}

func joinVals(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmtVal(x)
	}
	return strings.Join(parts, "  ")
}
