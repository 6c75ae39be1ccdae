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
	"strconv"
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
	// Series holds one value per pair for every column of a whole-process
	// section (section.Cols); A, B and Ref are then unused.
	Series [][]float64
}

// ratioSpec is one ratio a whole-process section reports: the metric of
// column Num over column Den, per pair; Diff reports Num − Den instead and
// Absolute the Num column's own value.
type ratioSpec struct {
	Metric   string
	Num, Den int
	Diff     bool
	Absolute bool
	Target   *target // nil: shown for information
	Headline bool    // also in the targets table at the top
	Note     string
}

// target is what a ratio must reach (issue 16's "done when").
type target struct {
	Op    string // ">=", "<=" or "<"; "" for a target this run cannot judge (Text says why)
	Value float64
	Text  string // how to show it; default "≥ 1.5×" and so on
}

// show renders the target for a ratio (1.5×) or, for differences and
// absolute values, with the metric's unit.
func (t *target) show(r ratioSpec, m metric) string {
	if t.Text != "" {
		return t.Text
	}
	op := map[string]string{">=": "≥", "<=": "≤", "<": "<"}[t.Op]
	if r.Diff || r.Absolute {
		return op + " " + fmtVal(t.Value) + " " + m.Unit
	}
	return op + " " + strconv.FormatFloat(t.Value, 'f', -1, 64) + "×"
}

// met says whether v reaches the target.
func (t *target) met(v float64) bool {
	switch t.Op {
	case ">=":
		return v >= t.Value
	case "<=":
		return v <= t.Value
	case "<":
		return v < t.Value
	}
	return false
}

// section is one scenario in the report.
type section struct {
	ID, Title, What string
	RefName         string
	Metrics         []metric
	Extra           string // markdown placed after the table
	Notes           []string

	// Whole-process sections (whole.go) name their columns, in run order;
	// their metrics use Series and their ratios are listed in Ratios.
	Only     string // the -only name that reruns this section
	Servers  string // and its -servers, if it ran against one server
	Cols     []string
	Ratios   []ratioSpec
	Commands []string // one run of each column
	Env      string   // what CLOUDINARY_URL the commands need
}

// metric returns the section's metric called name.
func (s section) metric(name string) (metric, bool) {
	for _, m := range s.Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return metric{}, false
}

// values returns the per-pair values of r: ratios, differences or the
// numerator's own values.
func (s section) values(r ratioSpec) (metric, []float64) {
	m, ok := s.metric(r.Metric)
	if !ok || r.Num >= len(m.Series) || (!r.Absolute && r.Den >= len(m.Series)) {
		return m, nil
	}
	num := m.Series[r.Num]
	switch {
	case r.Absolute:
		return m, num
	case r.Diff:
		den := m.Series[r.Den]
		out := make([]float64, 0, min(len(num), len(den)))
		for i := range min(len(num), len(den)) {
			out = append(out, num[i]-den[i])
		}
		return m, out
	}
	return m, ratios(num, m.Series[r.Den])
}

// label names r, e.g. "CLI / official SDK".
func (s section) label(r ratioSpec) string {
	switch {
	case r.Absolute:
		return s.Cols[r.Num]
	case r.Diff:
		return s.Cols[r.Num] + " − " + s.Cols[r.Den]
	}
	return s.Cols[r.Num] + " / " + s.Cols[r.Den]
}

// figure renders the measured value of r: a bold ratio, or a value with
// its unit for differences and absolute values.
func (s section) figure(m metric, r ratioSpec, vals []float64) string {
	if r.Diff || r.Absolute {
		sm := summarize(vals)
		if sm.N == 0 {
			return "–"
		}
		if sm.N == 1 {
			return fmt.Sprintf("**%s** %s", fmtVal(sm.Median), m.Unit)
		}
		return fmt.Sprintf("**%s** (%s–%s) %s", fmtVal(sm.Median), fmtVal(sm.Min), fmtVal(sm.Max), m.Unit)
	}
	return ratioRange(vals)
}

// judge renders whether the median of vals meets r's target.
func judge(r ratioSpec, vals []float64) string {
	if r.Target == nil {
		return "–"
	}
	if r.Target.Op == "" {
		return "not judged"
	}
	sm := summarize(vals)
	if sm.N == 0 || math.IsNaN(sm.Median) {
		return "not measured"
	}
	if r.Target.met(sm.Median) {
		return "met"
	}
	return "**not met**"
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

func (r *report) reproduce() string { return r.reproduceOnly(r.cfg.only, "") }

// reproduceOnly is the benchrun command that reruns the scenarios only
// (all when empty) with this run's sizes.
func (r *report) reproduceOnly(only, servers string) string {
	c := r.cfg
	if servers != "" {
		c.servers = servers
	}
	var extra []string
	if c.smoke {
		extra = append(extra, "-smoke")
	}
	full := config{node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500}
	if c.smoke {
		full.smoke = true
	}
	full.defaults()
	if c.pairs != full.pairs {
		extra = append(extra, fmt.Sprintf("-pairs %d", c.pairs))
	}
	for _, f := range []struct {
		name      string
		got, want int64
	}{
		{"-big-size", c.bigSize, full.bigSize}, {"-reader-size", c.readerSize, full.readerSize},
		{"-batch-files", int64(c.batchFiles), int64(full.batchFiles)}, {"-batch-size", int64(c.batchSize), int64(full.batchSize)},
		{"-concurrency", int64(c.concurrency), int64(full.concurrency)}, {"-list", int64(c.listN), int64(full.listN)},
	} {
		if f.got != f.want {
			extra = append(extra, fmt.Sprintf("%s %d", f.name, f.got))
		}
	}
	if c.scaleFlag != full.scaleFlag {
		extra = append(extra, "-scale-files "+c.scaleFlag)
	}
	if c.servers != full.servers {
		extra = append(extra, "-servers "+c.servers)
	}
	if c.baseline != full.baseline {
		b := c.baseline
		if b == "" {
			b = "none"
		}
		extra = append(extra, "-baseline "+b)
	}
	if only != "" {
		extra = append(extra, "-only "+only)
	}
	if c.node != "auto" {
		extra = append(extra, "-node "+c.node)
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
	w("Generated by `bench/cmd/benchrun` on %s (the whole run took %s). Every scenario ran its clients alternately "+
		"(cldrest (A), the official SDK (B), then the references), A B A B …, %d pairs, against one `cldrest mock --metadata-only` process on loopback "+
		"or, for the whole-process scenarios, also against a discard server (every client pointed at it through `upload_prefix` in "+
		"`CLOUDINARY_URL`). Each figure is the **median (min–max)** "+
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

	var tgt []string
	for _, s := range r.sections {
		for _, rs := range s.Ratios {
			if !rs.Headline {
				continue
			}
			m, vals := s.values(rs)
			tv, met := "–", "–"
			if rs.Target != nil {
				tv, met = rs.Target.show(rs, m), judge(rs, vals)
			}
			tgt = append(tgt, fmt.Sprintf("| %s | %s | %s, %s (%s) | %s | %s | %s |", s.Title, s.label(rs), m.Name, m.Unit, betterWord(m), s.figure(m, rs, vals), tv, met))
		}
	}
	if len(tgt) > 0 {
		w("## Whole process and the issue 16 targets\n\n")
		w("The CLI binary and the programs it is compared with, each run as a whole process (start to exit), against the " +
			"discard server (`bench/cmd/discard`, the mock's cost removed) and against the mock; ratios per pair (the columns run in turn, their order rotating from pair to pair), " +
			"median (min–max); the target is issue 16's \"done when\", judged on the median. Each scenario's section below " +
			"has its columns' figures and the commands that reproduce them.\n\n")
		w("| Scenario | Ratio | Figure | measured | target | |\n|---|---|---|---|---|---|\n%s\n\n", strings.Join(tgt, "\n"))
	}

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
		if len(s.Cols) > 0 {
			w("%s", r.wholeSection(s))
			continue
		}
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
	w("- The whole-process scenarios run the `cldrest` CLI binary (built from this repository with `go build ./cmd/cldrest`), " +
		"the official-SDK program (`bench/cmd/benchclient -sdk official`, github.com/cloudinary/cloudinary-go/v2) and Node.js " +
		"as child processes and measure each from start to exit: wall time, `ru_utime + ru_stime` from `wait4`, peak RSS as " +
		"VmHWM sampled every 2 ms. They run against the mock and against `bench/cmd/discard`, which parses the multipart body, " +
		"throws the bytes away and answers a Cloudinary-shaped result whose etag is the MD5 of the bytes received (so the CLI's " +
		"integrity check passes; a prefix of zero bytes, as in the sparse file, is counted instead of hashed and the MD5 of n " +
		"zeros is computed once before the runs), verifying no signature and keeping nothing.\n")
	w("- Mock throughput uses a raw load generator (`benchclient -sdk raw`: signed multipart POSTs built by hand, one " +
		"keep-alive connection per request in flight) against the mock and the discard server, and reads each server's CPU " +
		"time from `/proc/PID/stat`.\n")
	w("- Signing runs in process with `testing.Benchmark` (`b.Loop`), alternating the two functions.\n")
	w("- The 1 GiB file is sparse (`ftruncate`), so reading it costs no disk I/O and it takes no disk space; it and the " +
		"batch files are deleted at the end.\n")
	return b.String()
}

// wholeSection renders a whole-process section after its description:
// the columns' figures, the ratios with their targets, the commands and the
// per-pair values.
func (r *report) wholeSection(s section) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("| Figure | %s |\n|---|%s\n", strings.Join(s.Cols, " | "), strings.Repeat("---|", len(s.Cols)))
	for _, m := range s.Metrics {
		cells := make([]string, len(s.Cols))
		for i := range s.Cols {
			if i < len(m.Series) {
				cells[i] = medRange(m.Series[i])
			}
		}
		w("| %s, %s | %s |\n", m.Name, m.Unit, strings.Join(cells, " | "))
	}
	w("\n| Ratio | Figure | median (min–max) | target | |\n|---|---|---|---|---|\n")
	for _, rs := range s.Ratios {
		m, vals := s.values(rs)
		tv := "–"
		if rs.Target != nil {
			tv = rs.Target.show(rs, m)
		}
		name := m.Name + ", " + m.Unit
		if rs.Note != "" {
			name += " (" + rs.Note + ")"
		}
		w("| %s | %s | %s | %s | %s |\n", s.label(rs), name, s.figure(m, rs, vals), tv, judge(rs, vals))
	}
	w("\n")
	for _, n := range s.Notes {
		w("%s\n\n", n)
	}
	w("Reproduce this section: `%s`. One run of each column (%s; `$TMP` is benchrun's temporary folder, kept with `-keep`):\n\n```\n%s\n```\n\n",
		r.reproduceOnly(s.Only, s.Servers), s.Env, strings.Join(s.Commands, "\n"))
	w("<details><summary>Per-pair values</summary>\n\n```\n")
	width := 0
	for _, c := range s.Cols {
		width = max(width, len(c))
	}
	for _, m := range s.Metrics {
		w("%s (%s)\n", m.Name, m.Unit)
		for i, c := range s.Cols {
			if i < len(m.Series) {
				w("  %-*s  %s\n", width, c, joinVals(m.Series[i]))
			}
		}
	}
	w("```\n\n</details>\n\n")
	return b.String()
}

func joinVals(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmtVal(x)
	}
	return strings.Join(parts, "  ")
}
