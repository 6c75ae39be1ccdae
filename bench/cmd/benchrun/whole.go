package main

// Whole-process scenarios (issue 16, item 7): the cldrest CLI binary
// against an official-SDK program (cmd/benchclient) and Node, against the
// discard server (cmd/discard: the mock's cost removed) and the mock; the
// unknown-size reader against both; the mock's own throughput against the
// discard server with a raw load generator. Every run is a child process
// measured by the kernel (wall from start to exit, user+sys CPU from wait4,
// peak RSS as VmHWM), the columns alternate within each pair, and every
// ratio is taken per pair and reported as median (min–max).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cldrest/cldrest/bench/internal/scenario"
	"github.com/cldrest/cldrest/client"
)

// server is a server the whole-process scenarios run against.
type server struct {
	Name  string // discard, mock
	URL   string // CLOUDINARY_URL
	Label string // for titles
}

func (h *harness) servers() []server {
	var out []server
	for _, name := range splitList(h.cfg.servers) {
		switch name {
		case "discard":
			out = append(out, server{"discard", h.discardURL, "discard server"})
		case "mock":
			out = append(out, server{"mock", h.mockURL, "`cldrest mock`"})
		}
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// perServer runs fn once per server of -servers.
func (h *harness) perServer(fn func(context.Context, server) (section, error)) func(context.Context) ([]section, error) {
	return func(ctx context.Context) ([]section, error) {
		var secs []section
		for _, srv := range h.servers() {
			h.logf("  against the %s", srv.Name)
			s, err := fn(ctx, srv)
			if err != nil {
				return secs, fmt.Errorf("against the %s: %w", srv.Name, err)
			}
			secs = append(secs, s)
		}
		return secs, nil
	}
}

// column collects the samples of one client in a whole-process section.
type column struct {
	name string
	cmd  string // one run, for the report
	run  func() (sample, error)
	got  []sample
}

// alternate runs every column once per pair for -pairs pairs. The order
// rotates from pair to pair (A B C, B C A, C A B, …) so that no column
// always runs first or right after another one.
func (h *harness) alternate(ctx context.Context, cols []*column, logPair func(i int)) error {
	for i := range h.cfg.pairs {
		for k := range cols {
			c := cols[(i+k)%len(cols)]
			if err := ctx.Err(); err != nil {
				return err
			}
			s, err := c.run()
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			c.got = append(c.got, s)
		}
		if logPair != nil {
			logPair(i)
		}
	}
	return nil
}

// wholeMetrics turns every column's samples into the whole-process figures.
func wholeMetrics(cols []*column, files int) []metric {
	series := func(f func(sample) float64) [][]float64 {
		out := make([][]float64, len(cols))
		for i, c := range cols {
			for _, s := range c.got {
				out[i] = append(out[i], f(s))
			}
		}
		return out
	}
	var ms []metric
	if files > 0 {
		ms = append(ms, metric{Name: "throughput", Unit: "files/s", Series: series(func(s sample) float64 { return float64(files) / secs(s.ProcWallNS) })})
	}
	ms = append(ms,
		metric{Name: "wall time", Unit: "s", Lower: true, Series: series(func(s sample) float64 { return secs(s.ProcWallNS) })},
		metric{Name: "CPU time (user+sys)", Unit: "s", Lower: true, Series: series(func(s sample) float64 { return secs(s.ProcCPUNS) })},
		metric{Name: "peak RSS", Unit: "MiB", Lower: true, Series: series(func(s sample) float64 { return kib2mib(s.MaxRSSKiB) })},
	)
	return ms
}

func colNames(cols []*column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

func colCmds(cols []*column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name + ": " + c.cmd
	}
	return out
}

func envURL(u string) []string { return []string{"CLOUDINARY_URL=" + u} }

// show renders a command for the report, with the temporary folder as $TMP.
func (h *harness) show(argv ...string) string {
	s := strings.Join(argv, " ")
	s = strings.ReplaceAll(s, h.tmp+"/", "$TMP/")
	return s
}

// cliUpload runs `cldrest upload` with args and checks that it exited 0
// and, with --json, that its summary counts want uploaded files.
func (h *harness) cliUpload(ctx context.Context, url string, want int, args ...string) (sample, error) {
	argv := append([]string{h.cldrest, "upload"}, args...)
	s, out, err := h.runChild(ctx, h.tmp, envURL(url), false, argv...)
	if err != nil {
		return s, err
	}
	if !strings.Contains(strings.Join(args, " "), "--json") {
		return s, nil
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	var sum struct {
		Type     string `json:"type"`
		Uploaded int    `json:"uploaded"`
		Failed   int    `json:"failed"`
	}
	if err := json.Unmarshal(lines[len(lines)-1], &sum); err != nil || sum.Type != "summary" || sum.Uploaded != want || sum.Failed != 0 {
		return s, fmt.Errorf("cldrest upload did not upload %d files: %q", want, tail(string(out), 600))
	}
	return s, nil
}

// countUploaded counts the "uploaded" records of a journal.
func countUploaded(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return bytes.Count(b, []byte(`"status":"uploaded"`)), nil
}

// cliBatchFiles returns n files of size bytes (created once per run): their folder
// and the list of their paths, one a line.
func (h *harness) cliBatchFiles(name string, n, size int) (dir, list string, err error) {
	dir = filepath.Join(h.tmp, name)
	list = dir + ".txt"
	if _, err := os.Stat(list); err == nil {
		return dir, list, nil
	}
	_, err = randomFiles(dir, n, size)
	return dir, list, err
}

// cliBatchScenario: n small files at concurrency c, the CLI (journal on and
// off) against the official-SDK program and Node, whole process.
func (h *harness) cliBatchScenario(ctx context.Context, srv server) (section, error) {
	n, size, conc := h.cfg.batchFiles, h.cfg.batchSize, h.cfg.concurrency
	dir, list, err := h.cliBatchFiles("cli-batch", n, size)
	if err != nil {
		return section{}, err
	}
	if err := h.setupNode(ctx); err != nil {
		return section{}, err
	}
	c := strconv.Itoa(conc)
	journal := filepath.Join(h.tmp, "journal.jsonl")
	cliArgs := func(withJournal, jsonOut bool) []string {
		a := []string{"--progress", "none", "-c", c}
		if jsonOut {
			a = append(a, "--json")
		} else {
			a = append(a, "--quiet")
		}
		if withJournal {
			a = append(a, "--journal", journal)
		} else {
			a = append(a, "--no-journal")
		}
		return append(a, dir)
	}
	cli := func(withJournal bool) func() (sample, error) {
		return func() (sample, error) {
			if withJournal {
				if err := os.Remove(journal); err != nil && !os.IsNotExist(err) {
					return sample{}, err
				}
			}
			s, err := h.cliUpload(ctx, srv.URL, n, cliArgs(withJournal, false)...)
			if err != nil || !withJournal {
				return s, err
			}
			if got, err := countUploaded(journal); err != nil || got != n {
				return s, fmt.Errorf("the journal records %d uploaded files, want %d (%v)", got, n, err)
			}
			return s, nil
		}
	}
	official := func() (sample, error) {
		return h.goClient(ctx, "official", scenario.Batch, n, int64(n)*int64(size), "-url", srv.URL, "-files-from", list, "-concurrency", c)
	}
	cols := []*column{
		{name: "CLI", cmd: h.show(append([]string{"cldrest", "upload"}, cliArgs(true, false)...)...), run: cli(true)},
		{name: "official SDK", cmd: h.show("benchclient", "-sdk", "official", "-scenario", "batch", "-files-from", list, "-concurrency", c), run: official},
		{name: "CLI --no-journal", cmd: h.show(append([]string{"cldrest", "upload"}, cliArgs(false, false)...)...), run: cli(false)},
	}
	if h.nodeDir != "" {
		cols = append(cols, &column{name: "Node.js", cmd: h.show("node", "batch.js", list, c), run: func() (sample, error) {
			s, _, err := h.runChild(ctx, h.nodeDir, envURL(srv.URL), true, "node", "batch.js", list, c)
			if err == nil && (s.Result.Count != n || s.Result.Bytes != int64(n)*int64(size)) {
				err = fmt.Errorf("node batch did not do the work: %+v", s.Result)
			}
			return s, err
		}})
	}
	// One unmeasured warm-up each; the CLI's, with --json, proves every file
	// was uploaded and verified.
	if _, err := h.cliUpload(ctx, srv.URL, n, cliArgs(false, true)...); err != nil {
		return section{}, err
	}
	for _, col := range cols[1:] {
		if col.name != "CLI --no-journal" {
			if _, err := col.run(); err != nil {
				return section{}, fmt.Errorf("warm-up %s: %w", col.name, err)
			}
		}
	}
	if err := h.alternate(ctx, cols, func(i int) {
		h.logf("  pair %d: %.0f / %.0f / %.0f files/s (CLI / official / CLI --no-journal)", i+1,
			float64(n)/secs(cols[0].got[i].ProcWallNS), float64(n)/secs(cols[1].got[i].ProcWallNS), float64(n)/secs(cols[2].got[i].ProcWallNS))
	}); err != nil {
		return section{}, err
	}
	sec := section{
		ID:      "cli-batch-" + srv.Name,
		Servers: srv.Name,
		Only:    "cli-batch",
		Title:   fmt.Sprintf("CLI: %d files of %s at concurrency %d, whole process, against the %s", n, human(int64(size)), conc, srv.Label),
		What: fmt.Sprintf("`cldrest upload -c %d DIR` (the CLI binary built from this repository; the journal on, the default, "+
			"in a fresh file each run; every file's etag checked against its MD5, the default) against `benchclient -sdk official "+
			"-scenario batch`, a Go program using the official SDK with one `cloudinary.Cloudinary` shared by %d goroutines, "+
			"and the CLI with `--no-journal`%s. Every figure is whole process: from start to exit, CPU from wait4, peak RSS as "+
			"VmHWM; throughput is files / wall time. One unmeasured warm-up run of each precedes the pairs (the CLI's with "+
			"`--json`, checked: every file uploaded and verified).", conc, conc, nodeClause(h.nodeDir != "", conc)),
		Cols:     colNames(cols),
		Metrics:  wholeMetrics(cols, n),
		Commands: colCmds(cols),
		Ratios: []ratioSpec{
			{Metric: "throughput", Num: 0, Den: 1, Target: &target{Op: ">=", Value: 1.5}, Headline: true},
			{Metric: "CPU time (user+sys)", Num: 0, Den: 1, Headline: true},
			{Metric: "peak RSS", Num: 0, Den: 1},
			{Metric: "throughput", Num: 2, Den: 1},
			{Metric: "wall time", Num: 0, Den: 2, Note: "what the journal costs"},
		},
		Env: "CLOUDINARY_URL of the " + srv.Label,
	}
	if h.nodeDir != "" {
		sec.Ratios = append(sec.Ratios, ratioSpec{Metric: "throughput", Num: 0, Den: 3}, ratioSpec{Metric: "peak RSS", Num: 0, Den: 3})
	} else {
		sec.Notes = append(sec.Notes, "Node.js `cloudinary` package: skipped — "+h.nodeSkip+".")
	}
	return sec, nil
}

func nodeClause(on bool, conc int) string {
	if !on {
		return ""
	}
	return fmt.Sprintf(" and Node.js (the official `cloudinary` npm package, `uploader.upload(path)`, %d promises in flight)", conc)
}

// bigFile returns the sparse file of -big-size bytes (created once, read
// once so that every run finds it in the page cache).
func (h *harness) bigFile() (string, error) {
	p := filepath.Join(h.tmp, "big-cli.bin")
	if fi, err := os.Stat(p); err == nil && fi.Size() == h.cfg.bigSize {
		return p, nil
	}
	if err := sparseFile(p, h.cfg.bigSize); err != nil {
		return "", err
	}
	return p, readAll(p)
}

// cliFileScenario: one big file, the CLI with and without the MD5 check
// against the official-SDK program and the signed cURL POST.
func (h *harness) cliFileScenario(ctx context.Context, srv server) (section, error) {
	size := h.cfg.bigSize
	big, err := h.bigFile()
	if err != nil {
		return section{}, err
	}
	args := func(verify bool) []string {
		a := []string{"--progress", "none", "--json", "--no-journal", "--resource-type", "raw"}
		if !verify {
			a = append(a, noVerifyFlag)
		}
		return append(a, big)
	}
	cols := []*column{
		{name: "CLI", cmd: h.show(append([]string{"cldrest", "upload"}, args(true)...)...),
			run: func() (sample, error) { return h.cliUpload(ctx, srv.URL, 1, args(true)...) }},
		{name: "official SDK", cmd: h.show("benchclient", "-sdk", "official", "-scenario", "upload-file", "-file", big),
			run: func() (sample, error) {
				return h.goClient(ctx, "official", scenario.UploadFile, 1, size, "-url", srv.URL, "-file", big)
			}},
		{name: "CLI " + noVerifyFlag, cmd: h.show(append([]string{"cldrest", "upload"}, args(false)...)...),
			run: func() (sample, error) { return h.cliUpload(ctx, srv.URL, 1, args(false)...) }},
		{name: "curl", cmd: h.show("sh", "-c", "\"$(cldrest sign --curl "+big+" --resource-type raw)\""),
			run: func() (sample, error) { return h.curlUpload(ctx, srv.URL, big, size) }},
	}
	if err := h.alternate(ctx, cols, func(i int) {
		h.logf("  pair %d: wall %.2fs / %.2fs / %.2fs / curl %.2fs", i+1, secs(cols[0].got[i].ProcWallNS),
			secs(cols[1].got[i].ProcWallNS), secs(cols[2].got[i].ProcWallNS), secs(cols[3].got[i].ProcWallNS))
	}); err != nil {
		return section{}, err
	}
	return section{
		ID:      "cli-file-" + srv.Name,
		Servers: srv.Name,
		Only:    "cli-file",
		Title:   fmt.Sprintf("CLI: one %s file, whole process, against the %s", human(size), srv.Label),
		What: fmt.Sprintf("A sparse %s file (read once before the pairs, so it is in the page cache) uploaded by `cldrest upload` "+
			"(chunked, 20 MB chunks; its MD5 compared with the answer's etag, the default), by the official-SDK program "+
			"(`Upload.Upload(ctx, path, …)`: chunked, 20 MB chunks, no MD5), by the CLI with `%s`, and by the single signed "+
			"multipart POST that `cldrest sign --curl` prints (curl is the child). Whole process: wall from start to exit, "+
			"CPU from wait4, peak RSS as VmHWM. The %s computes the etag from the bytes it receives.", human(size), noVerifyFlag, srv.Label),
		Cols:     colNames(cols),
		Metrics:  wholeMetrics(cols, 0),
		Commands: colCmds(cols),
		Ratios: []ratioSpec{
			{Metric: "wall time", Num: 0, Den: 1, Target: targetIf(srv.Name == "discard", "<=", 1.0), Headline: true},
			{Metric: "CPU time (user+sys)", Num: 0, Den: 1, Headline: true},
			{Metric: "peak RSS", Num: 0, Den: 1},
			{Metric: "wall time", Num: 2, Den: 3, Target: targetIf(srv.Name == "discard", "<=", 1.2), Headline: true},
			{Metric: "wall time", Num: 0, Den: 2, Note: "what the MD5 check costs"},
		},
		Env: "CLOUDINARY_URL of the " + srv.Label,
	}, nil
}

// noVerifyFlag turns the CLI's integrity check off (issue 16 item 4 may add
// --no-verify; this is the one place to change).
const noVerifyFlag = "--verify=false"

func targetIf(ok bool, op string, v float64) *target {
	if !ok {
		return nil
	}
	return &target{Op: op, Value: v}
}

// readerScenario: an unknown-size io.Reader, the library against the
// official SDK, whole process.
func (h *harness) readerScenario(ctx context.Context, srv server) (section, error) {
	size := h.cfg.readerSize
	arg := strconv.FormatInt(size, 10)
	run := func(sdk string, extra ...string) func() (sample, error) {
		return func() (sample, error) {
			return h.goClient(ctx, sdk, scenario.UploadReader, 1, size, append([]string{"-url", srv.URL, "-size", arg}, extra...)...)
		}
	}
	cols := []*column{
		{name: "cldrest", cmd: "benchclient -sdk cldrest -scenario upload-reader -size " + arg, run: run("cldrest")},
		{name: "official SDK", cmd: "benchclient -sdk official -scenario upload-reader -size " + arg, run: run("official")},
		{name: "cldrest with MD5", cmd: "benchclient -sdk cldrest -scenario upload-reader -checksum -size " + arg, run: run("cldrest", "-checksum")},
	}
	if err := h.alternate(ctx, cols, func(i int) {
		h.logf("  pair %d: CPU %.2fs / %.2fs / %.2fs, peak RSS %.1f / %.1f MiB", i+1, secs(cols[0].got[i].ProcCPUNS),
			secs(cols[1].got[i].ProcCPUNS), secs(cols[2].got[i].ProcCPUNS), kib2mib(cols[0].got[i].MaxRSSKiB), kib2mib(cols[1].got[i].MaxRSSKiB))
	}); err != nil {
		return section{}, err
	}
	rssLimit := float64(client.DefaultChunkSize)/mib + 16
	return section{
		ID:      "reader-" + srv.Name,
		Servers: srv.Name,
		Only:    "reader",
		Title:   fmt.Sprintf("Library: a %s unknown-size io.Reader, whole process, against the %s", human(size), srv.Label),
		What: fmt.Sprintf("An `io.Reader` of %s of zeros that is neither an `io.ReaderAt` nor an `io.Seeker`, generated in the "+
			"child: `upload.FromReader` with `upload.WithoutChecksum()` (chunked, one 20 MB chunk buffer, totals `-1` until EOF) "+
			"against the official SDK's `Upload.Upload(ctx, reader, …)` (one streamed multipart POST), and cldrest again "+
			"with its default MD5. Whole process (start to exit). The RSS target is one default chunk (20,000,000 bytes) "+
			"+ 16 MiB = %.1f MiB.", human(size), rssLimit),
		Cols:     colNames(cols),
		Metrics:  wholeMetrics(cols, 0),
		Commands: colCmds(cols),
		Ratios: []ratioSpec{
			{Metric: "CPU time (user+sys)", Num: 0, Den: 1, Target: &target{Op: "<=", Value: 1.0}, Headline: true},
			{Metric: "peak RSS", Num: 0, Absolute: true, Target: &target{Op: "<=", Value: rssLimit}, Headline: true},
			{Metric: "wall time", Num: 0, Den: 1},
			{Metric: "CPU time (user+sys)", Num: 2, Den: 1},
		},
		Env: "CLOUDINARY_URL of the " + srv.Label,
	}, nil
}

// mockThroughputScenario measures the servers, not the clients: the raw
// load generator (benchclient -sdk raw) against the mock and the discard
// server, small uploads per second at -concurrency and one big body's MB/s.
func (h *harness) mockThroughputScenario(ctx context.Context) ([]section, error) {
	n, size, conc := h.cfg.batchFiles, h.cfg.batchSize, h.cfg.concurrency
	body := h.cfg.bigSize
	type srvTarget struct {
		name, url string
		pid       int
		noHash    bool
	}
	targets := []srvTarget{
		{"mock", h.mockURL, h.mock.Process.Pid, false},
		{"discard (no hash)", h.discardURL, h.discard.Process.Pid, true},
		{"discard (MD5)", h.discardURL, h.discard.Process.Pid, false},
	}
	if h.baseMock != nil {
		targets = append(targets, srvTarget{"mock @" + h.cfg.baseline, h.baseMockURL, h.baseMock.Process.Pid, false})
	}
	small := func(t srvTarget) func() (sample, error) {
		return func() (sample, error) {
			args := []string{"-url", t.url, "-n", strconv.Itoa(n), "-size", strconv.Itoa(size), "-concurrency", strconv.Itoa(conc)}
			if t.noHash {
				args = append(args, "-no-hash")
			}
			return h.serverRun(ctx, t.pid, scenario.LoadSmall, n, int64(n)*int64(size), args...)
		}
	}
	big := func(t srvTarget) func() (sample, error) {
		return func() (sample, error) {
			args := []string{"-url", t.url, "-size", strconv.FormatInt(body, 10)}
			if t.noHash {
				args = append(args, "-no-hash")
			}
			return h.serverRun(ctx, t.pid, scenario.LoadBody, 1, body, args...)
		}
	}
	var smallCols, bigCols []*column
	for _, t := range targets {
		flag := ""
		if t.noHash {
			flag = " -no-hash"
		}
		smallCols = append(smallCols, &column{name: t.name, run: small(t),
			cmd: fmt.Sprintf("benchclient -sdk raw -scenario load-small -n %d -size %d -concurrency %d%s", n, size, conc, flag)})
		bigCols = append(bigCols, &column{name: t.name, run: big(t),
			cmd: fmt.Sprintf("benchclient -sdk raw -scenario load-body -size %d%s", body, flag)})
	}
	for _, c := range smallCols { // warm-up
		if _, err := c.run(); err != nil {
			return nil, fmt.Errorf("warm-up %s: %w", c.name, err)
		}
	}
	logRates := func(cols []*column, unit string, rate func(sample) float64) func(int) {
		return func(i int) {
			parts := make([]string, len(cols))
			for k, c := range cols {
				parts[k] = fmt.Sprintf("%s %.0f", c.name, rate(c.got[i]))
			}
			h.logf("  pair %d: %s %s", i+1, strings.Join(parts, ", "), unit)
		}
	}
	if err := h.alternate(ctx, smallCols, logRates(smallCols, "uploads/s", func(s sample) float64 { return float64(n) / secs(s.WallNS) })); err != nil {
		return nil, err
	}
	if err := h.alternate(ctx, bigCols, logRates(bigCols, "MB/s", func(s sample) float64 { return float64(body) / 1e6 / secs(s.WallNS) })); err != nil {
		return nil, err
	}
	series := func(cols []*column, f func(sample) float64) [][]float64 {
		out := make([][]float64, len(cols))
		for i, c := range cols {
			for _, s := range c.got {
				out[i] = append(out[i], f(s))
			}
		}
		return out
	}
	// The targets: twice the mock's ratio to the discard server. With
	// -baseline the mock of that commit runs in the same pairs and the
	// target is measured directly (mock / mock@baseline ≥ 2); without it,
	// the ratio to the discard server is judged against 2 × the ratio the
	// issue recorded (4,517/16,507 uploads/s; 263/2,298 MB/s).
	smallRatios := []ratioSpec{{Metric: "uploads", Num: 0, Den: 1, Headline: true}, {Metric: "uploads", Num: 0, Den: 2},
		{Metric: "server CPU per upload", Num: 0, Den: 2}}
	bigRatios := []ratioSpec{{Metric: "body", Num: 0, Den: 1, Headline: true}, {Metric: "body", Num: 0, Den: 2},
		{Metric: "server CPU per GiB", Num: 0, Den: 2}}
	note := "The issue's target is twice today's ratio of the mock to a discard server, on the same machine. "
	if h.baseMock != nil {
		smallRatios = append(smallRatios, ratioSpec{Metric: "uploads", Num: 0, Den: 3, Target: &target{Op: ">=", Value: 2}, Headline: true})
		bigRatios = append(bigRatios, ratioSpec{Metric: "body", Num: 0, Den: 3, Target: &target{Op: ">=", Value: 2}, Headline: true})
		smallRatios = append(smallRatios, ratioSpec{Metric: "uploads", Num: 3, Den: 1})
		bigRatios = append(bigRatios, ratioSpec{Metric: "body", Num: 3, Den: 1})
		note += fmt.Sprintf("The mock of `%s` ran in the same pairs against the same discard server, so the target is "+
			"measured directly: mock / mock @%s ≥ 2 (equivalently, twice its ratio to the discard server).", h.cfg.baseline, h.cfg.baseline)
	} else {
		// The issue's own figures (4,517/16,507 uploads/s, 263/2,298 MB/s)
		// came from another discard server, so they cannot judge this one.
		pending := &target{Text: "2× the baseline mock's ratio (run with `-baseline REV`)"}
		smallRatios[0].Target, bigRatios[0].Target = pending, pending
		note += "This run had no `-baseline REV`, so the target is not judged: the ratios the issue recorded " +
			"(4,517/16,507 uploads/s, 263/2,298 MB/s) came from another discard server and do not transfer. Run with " +
			"`-baseline <commit before the work>` to run that commit's mock in the same pairs."
	}
	what := "The raw load generator (`benchclient -sdk raw`: hand-built signed multipart POSTs on a plain `net/http` client " +
		"with as many idle connections as requests in flight, the least a client can do per upload) against `cldrest mock " +
		"--metadata-only` and against the discard server (`bench/cmd/discard`: parses the multipart body and answers a " +
		"Cloudinary-shaped result; \"no hash\" skips the MD5, which is the ceiling; \"MD5\" computes the etag as the mock does). " +
		"Rates are measured inside the generator around the uploads; server CPU is the server process's utime+stime " +
		"(/proc/PID/stat, 10 ms ticks) over the run."
	return []section{{
		ID:    "mock-small",
		Only:  "mock-throughput",
		Title: fmt.Sprintf("Mock throughput: %s uploads at concurrency %d", human(int64(size)), conc),
		What:  what + fmt.Sprintf(" %d uploads per run, one unmeasured warm-up of each.", n),
		Cols:  colNames(smallCols),
		Metrics: []metric{
			{Name: "uploads", Unit: "uploads/s", Series: series(smallCols, func(s sample) float64 { return float64(n) / secs(s.WallNS) })},
			{Name: "server CPU per upload", Unit: "µs", Lower: true, Series: series(smallCols, func(s sample) float64 { return float64(s.ServerCPUNS) / 1e3 / float64(n) })},
			{Name: "load generator CPU", Unit: "s", Lower: true, Series: series(smallCols, func(s sample) float64 { return secs(s.ProcCPUNS) })},
		},
		Ratios:   smallRatios,
		Commands: colCmds(smallCols),
		Notes:    []string{note},
		Env:      "CLOUDINARY_URL of the server named by the column",
	}, {
		ID:    "mock-body",
		Only:  "mock-throughput",
		Title: fmt.Sprintf("Mock throughput: one %s body", human(body)),
		What:  what + fmt.Sprintf(" One single-request upload of %s per run, a repeated pseudo-random 64 KiB block (not zeros, so that every MD5 does its full work; the mock runs with `--max-upload-size 0`).", human(body)),
		Cols:  colNames(bigCols),
		Metrics: []metric{
			{Name: "body", Unit: "MB/s", Series: series(bigCols, func(s sample) float64 { return float64(body) / 1e6 / secs(s.WallNS) })},
			{Name: "server CPU per GiB", Unit: "s", Lower: true, Series: series(bigCols, func(s sample) float64 { return secs(s.ServerCPUNS) * float64(1<<30) / float64(body) })},
		},
		Ratios:   bigRatios,
		Commands: colCmds(bigCols),
		Notes:    []string{note},
		Env:      "CLOUDINARY_URL of the server named by the column",
	}}, nil
}

// serverRun runs the raw load generator and records the server's CPU time
// over the run.
func (h *harness) serverRun(ctx context.Context, pid int, scen string, wantCount int, wantBytes int64, args ...string) (sample, error) {
	before, err := procCPU(pid)
	if err != nil {
		return sample{}, err
	}
	s, err := h.goClient(ctx, scenario.Raw, scen, wantCount, wantBytes, args...)
	if err != nil {
		return s, err
	}
	after, err := procCPU(pid)
	s.ServerCPUNS = after - before
	return s, err
}

// procCPU returns utime+stime of pid in nanoseconds (from /proc/PID/stat,
// clock ticks of 10 ms).
func procCPU(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after ')' are fixed.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	const tick = int64(10_000_000) // USER_HZ is 100 on Linux
	return (ut + st) * tick, nil
}

// cliScaleScenario: the CLI's peak RSS over few and many files (journal
// on, against the discard server): it must not grow with the file count.
func (h *harness) cliScaleScenario(ctx context.Context) ([]section, error) {
	counts := h.cfg.scale
	const size = 1 << 10
	var cols []*column
	for _, n := range counts {
		dir, _, err := h.cliBatchFiles("scale-"+strconv.Itoa(n), n, size)
		if err != nil {
			return nil, err
		}
		journal := filepath.Join(h.tmp, "scale-journal.jsonl")
		args := []string{"--progress", "none", "--quiet", "-c", strconv.Itoa(h.cfg.concurrency), "--journal", journal, dir}
		cols = append(cols, &column{name: fmt.Sprintf("CLI, %d files", n), cmd: h.show(append([]string{"cldrest", "upload"}, args...)...),
			run: func() (sample, error) {
				if err := os.Remove(journal); err != nil && !os.IsNotExist(err) {
					return sample{}, err
				}
				s, err := h.cliUpload(ctx, h.discardURL, n, args...)
				if err != nil {
					return s, err
				}
				if got, err := countUploaded(journal); err != nil || got != n {
					return s, fmt.Errorf("the journal records %d uploaded files, want %d (%v)", got, n, err)
				}
				return s, nil
			}})
	}
	if err := h.alternate(ctx, cols, func(i int) {
		h.logf("  pair %d: peak RSS %.1f / %.1f MiB", i+1, kib2mib(cols[0].got[i].MaxRSSKiB), kib2mib(cols[1].got[i].MaxRSSKiB))
	}); err != nil {
		return nil, err
	}
	return []section{{
		ID:    "cli-scale",
		Only:  "cli-scale",
		Title: fmt.Sprintf("CLI: peak RSS over %d and %d files", counts[0], counts[1]),
		What: fmt.Sprintf("`cldrest upload -c %d` with its journal on, over %d and over %d files of 1 KiB, against the discard "+
			"server, alternated. The figure that matters is the growth: peak RSS with %d files minus peak RSS with %d.",
			h.cfg.concurrency, counts[0], counts[1], counts[1], counts[0]),
		Cols:     colNames(cols),
		Metrics:  wholeMetrics(cols, 0),
		Commands: colCmds(cols),
		Ratios: []ratioSpec{
			{Metric: "peak RSS", Num: 1, Den: 0, Diff: true, Target: &target{Op: "<", Value: 10}, Headline: true},
			{Metric: "wall time", Num: 1, Den: 0},
		},
		Env: "CLOUDINARY_URL of the discard server",
	}}, nil
}
