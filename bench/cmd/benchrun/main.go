// Command benchrun measures cldrest against the official Cloudinary SDKs on
// this machine, in one run, against one `cldrest mock` process, and writes
// BENCHMARKS.md.
//
//	cd bench && go run ./cmd/benchrun            # full run, writes ../BENCHMARKS.md
//	cd bench && go run ./cmd/benchrun -smoke     # tiny sizes, proves the harness works
//
// Every scenario runs cldrest and the official Go SDK alternately (A B A B …)
// for -pairs pairs; each run of an upload, batch or listing is a fresh child
// process (cmd/benchclient, built once) so that the kernel's rusage measures
// one client: peak RSS (VmHWM) and CPU time (rusage). Signing is measured in
// process with testing.Benchmark. See BENCHMARKS.md for what each figure is.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// issue16Baseline is the commit of main before issue 16's performance work:
// the mock whose speed-up the mock-throughput target measures.
const issue16Baseline = "cad18ee"

// scenarioNames are the scenarios in the order they run.
var scenarioNames = []string{"sign", "upload-file", "upload-reader", "batch", "list",
	"cli-batch", "cli-file", "reader", "mock-throughput", "cli-scale"}

type config struct {
	smoke       bool
	pairs       int
	out         string
	root        string
	node        string // auto, on, off
	bigSize     int64
	readerSize  int64
	batchFiles  int
	batchSize   int
	concurrency int
	listN       int
	pageSize    int
	benchtime   time.Duration
	profileDir  string
	timeout     time.Duration
	keep        bool
	only        string
	servers     string // whole-process scenarios: discard, mock
	scaleFlag   string
	scale       [2]int // cli-scale: few and many files
	baseline    string // git revision whose mock also runs in mock-throughput
}

func main() {
	testing.Init()
	os.Exit(run())
}

func run() int {
	var c config
	fs := flag.CommandLine
	fs.BoolVar(&c.smoke, "smoke", false, "tiny sizes and 2 pairs: proves the harness works (CI); figures are meaningless")
	fs.IntVar(&c.pairs, "pairs", 0, "A/B pairs per scenario (default 5, smoke 2)")
	fs.StringVar(&c.out, "out", "", "where to write the report (default <repo>/BENCHMARKS.md; smoke: a temporary file)")
	fs.StringVar(&c.root, "root", "", "repository root (default: found from the working directory)")
	fs.StringVar(&c.node, "node", "auto", "Node.js cloudinary package in the batch scenario: auto (if node and npm are present), on (fail without), off")
	fs.Int64Var(&c.bigSize, "big-size", 0, "bytes of the sparse-file upload (default 1 GiB, smoke 24 MiB)")
	fs.Int64Var(&c.readerSize, "reader-size", 0, "bytes of the unknown-size reader upload (default 1 GiB, smoke 24 MiB)")
	fs.IntVar(&c.batchFiles, "batch-files", 0, "files in the batch scenario (default 2000, smoke 40)")
	fs.IntVar(&c.batchSize, "batch-size", 16<<10, "bytes per batch file")
	fs.IntVar(&c.concurrency, "concurrency", 8, "uploads in flight in the batch scenario")
	fs.IntVar(&c.listN, "list", 0, "resources listed through pagination (default 10000, smoke 600)")
	fs.IntVar(&c.pageSize, "page-size", 500, "max_results per listing page")
	fs.DurationVar(&c.benchtime, "benchtime", 0, "time per signing benchmark run (default 300ms, smoke 20ms)")
	fs.StringVar(&c.profileDir, "profile", "", "also write CPU and allocation profiles of one extra run per SDK and scenario into this folder")
	fs.DurationVar(&c.timeout, "timeout", 0, "stop the whole run after this long (default 30m, smoke 3m)")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary folder (for debugging)")
	fs.StringVar(&c.only, "only", "", "run only these scenarios, comma-separated: "+strings.Join(scenarioNames, ", ")+" (the report then lacks the others)")
	fs.StringVar(&c.servers, "servers", "", "servers of the whole-process scenarios (cli-batch, cli-file, reader), comma-separated: discard, mock (default both)")
	fs.StringVar(&c.scaleFlag, "scale-files", "", "cli-scale: the two file counts whose peak RSS is compared (default 1000,50000, smoke 20,200)")
	fs.StringVar(&c.baseline, "baseline", "", "git revision whose `cldrest mock` also runs in mock-throughput, to measure the mock's speed-up directly (default "+issue16Baseline+", the last commit before issue 16's work; smoke: none; \"none\" skips it)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "benchrun: unexpected arguments %q (all options are flags; see -h)\n", flag.Args())
		return 2
	}
	c.defaults()
	if err := c.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	h := &harness{cfg: c, log: os.Stderr}
	err := h.run(ctx)
	h.cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		if errors.Is(ctx.Err(), context.Canceled) {
			return 130
		}
		return 1
	}
	return 0
}

func (c *config) defaults() {
	pick := func(v *int64, full, smoke int64) {
		if *v == 0 {
			*v = full
			if c.smoke {
				*v = smoke
			}
		}
	}
	pickInt := func(v *int, full, smoke int) {
		if *v == 0 {
			*v = full
			if c.smoke {
				*v = smoke
			}
		}
	}
	pick(&c.bigSize, 1<<30, 24<<20)
	pick(&c.readerSize, 1<<30, 24<<20)
	pickInt(&c.pairs, 5, 2)
	pickInt(&c.batchFiles, 2000, 40)
	pickInt(&c.listN, 10_000, 600)
	if c.servers == "" {
		c.servers = "discard,mock"
	}
	switch {
	case c.baseline == "" && !c.smoke:
		c.baseline = issue16Baseline
	case c.baseline == "none":
		c.baseline = ""
	}
	if c.scaleFlag == "" {
		c.scaleFlag = "1000,50000"
		if c.smoke {
			c.scaleFlag = "20,200"
		}
	}
	if c.benchtime == 0 {
		c.benchtime = 300 * time.Millisecond
		if c.smoke {
			c.benchtime = 20 * time.Millisecond
		}
	}
	if c.timeout == 0 {
		c.timeout = 30 * time.Minute
		if c.smoke {
			c.timeout = 3 * time.Minute
		}
	}
}

func (c *config) validate() error {
	switch {
	case c.pairs < 1:
		return fmt.Errorf("-pairs %d: need at least 1 (5 or more for publishable figures)", c.pairs)
	case c.node != "auto" && c.node != "on" && c.node != "off":
		return fmt.Errorf("-node %q: use auto, on or off", c.node)
	case c.bigSize < 1 || c.readerSize < 1 || c.batchFiles < 1 || c.batchSize < 1 || c.listN < 1:
		return errors.New("sizes and counts must be positive")
	case c.concurrency < 1:
		return fmt.Errorf("-concurrency %d: need at least 1", c.concurrency)
	case c.pageSize < 1 || c.pageSize > 500:
		return fmt.Errorf("-page-size %d: use 1 to 500 (the Admin API maximum)", c.pageSize)
	}
	for _, s := range splitList(c.servers) {
		if s != "discard" && s != "mock" {
			return fmt.Errorf("-servers: unknown server %q (use discard, mock or both, comma-separated)", s)
		}
	}
	if len(splitList(c.servers)) == 0 {
		return errors.New("-servers: name at least one of discard, mock")
	}
	a, b, ok := strings.Cut(c.scaleFlag, ",")
	x, err1 := strconv.Atoi(strings.TrimSpace(a))
	y, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || x < 1 || y <= x {
		return fmt.Errorf("-scale-files %q: give two file counts, the smaller first, e.g. 1000,50000", c.scaleFlag)
	}
	c.scale = [2]int{x, y}
	return nil
}

// harness holds the state of one benchmark run.
type harness struct {
	cfg      config
	log      io.Writer
	tmp      string
	cldrest  string // built CLI
	client   string // built benchclient
	mock     *exec.Cmd
	mockURL  string
	discardB string // built discard server
	discard  *exec.Cmd
	// the discard server's CLOUDINARY_URL
	discardURL  string
	baseMock    *exec.Cmd // the mock of -baseline, or nil
	baseMockURL string
	nodeDir     string // npm install folder, "" when Node is skipped
	nodeSkip    string // why Node was skipped
	report      report
	started     time.Time
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "[%6.1fs] %s\n", time.Since(h.started).Seconds(), fmt.Sprintf(format, args...))
}

func (h *harness) run(ctx context.Context) error {
	h.started = time.Now()
	root, err := findRoot(h.cfg.root)
	if err != nil {
		return err
	}
	h.cfg.root = root
	if h.cfg.out == "" && !h.cfg.smoke {
		h.cfg.out = filepath.Join(root, "BENCHMARKS.md")
	}
	h.tmp, err = os.MkdirTemp("", "cldrest-bench-")
	if err != nil {
		return err
	}
	if h.cfg.out == "" {
		h.cfg.out = filepath.Join(h.tmp, "BENCHMARKS.smoke.md")
	}
	h.logf("building cldrest, benchclient and discard into %s", h.tmp)
	h.cldrest = filepath.Join(h.tmp, "cldrest")
	h.client = filepath.Join(h.tmp, "benchclient")
	h.discardB = filepath.Join(h.tmp, "discard")
	// The CLI is built in the repository's own module, with its go.mod and
	// go.sum: the binary users build. (Building it through bench's replace
	// would need every CLI dependency in bench/go.mod and could resolve
	// other versions of the shared ones.)
	if err := goBuild(ctx, root, h.cldrest, "./cmd/cldrest"); err != nil {
		return err
	}
	if err := goBuild(ctx, filepath.Join(root, "bench"), h.client, "./cmd/benchclient"); err != nil {
		return err
	}
	if err := goBuild(ctx, filepath.Join(root, "bench"), h.discardB, "./cmd/discard"); err != nil {
		return err
	}
	if h.mock, h.mockURL, err = startServer(ctx, h.cldrest, mockArgs...); err != nil {
		return err
	}
	h.logf("mock: %s", redactURL(h.mockURL))
	zeroSizes := strconv.FormatInt(h.cfg.bigSize, 10) + "," + strconv.FormatInt(h.cfg.readerSize, 10)
	if h.discard, h.discardURL, err = startServer(ctx, h.discardB, "-zero-etags", zeroSizes); err != nil {
		return err
	}
	h.logf("discard server: %s", redactURL(h.discardURL))
	if h.cfg.baseline != "" {
		bin, err := h.buildBaseline(ctx)
		if err != nil {
			return err
		}
		if h.baseMock, h.baseMockURL, err = startServer(ctx, bin, mockArgs...); err != nil {
			return err
		}
		h.logf("mock @%s: %s", h.cfg.baseline, redactURL(h.baseMockURL))
	}
	h.report.machine = machineInfo(ctx, root)
	h.report.cfg = h.cfg

	one := func(fn func(context.Context) (section, error)) func(context.Context) ([]section, error) {
		return func(ctx context.Context) ([]section, error) {
			s, err := fn(ctx)
			return []section{s}, err
		}
	}
	steps := map[string]func(context.Context) ([]section, error){
		"sign":            one(h.signScenario),
		"upload-file":     one(h.uploadFileScenario),
		"upload-reader":   one(h.uploadReaderScenario),
		"batch":           one(h.batchScenario),
		"list":            one(h.listScenario),
		"cli-batch":       h.perServer(h.cliBatchScenario),
		"cli-file":        h.perServer(h.cliFileScenario),
		"reader":          h.perServer(h.readerScenario),
		"mock-throughput": h.mockThroughputScenario,
		"cli-scale":       h.cliScaleScenario,
	}
	only := map[string]bool{}
	for _, name := range splitList(h.cfg.only) {
		if steps[name] == nil {
			return fmt.Errorf("-only: unknown scenario %q (use %s)", name, strings.Join(scenarioNames, ", "))
		}
		only[name] = true
	}
	for _, name := range scenarioNames {
		if len(only) > 0 && !only[name] {
			continue
		}
		h.logf("scenario %s", name)
		secs, err := steps[name](ctx)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		h.report.sections = append(h.report.sections, secs...)
	}
	h.report.machine.Node = h.nodeVersion(ctx)
	h.report.elapsed = time.Since(h.started)
	analysis, err := os.ReadFile(filepath.Join(root, "bench", "analysis.md"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	md := h.report.markdown(string(analysis))
	if err := os.WriteFile(h.cfg.out, []byte(md), 0o644); err != nil {
		return err
	}
	h.logf("wrote %s", h.cfg.out)
	if h.cfg.smoke {
		fmt.Print(md)
	}
	return nil
}

func (h *harness) cleanup() {
	for _, cmd := range []*exec.Cmd{h.mock, h.discard, h.baseMock} {
		stopServer(cmd)
	}
	if h.tmp != "" && !h.cfg.keep {
		if err := os.RemoveAll(h.tmp); err != nil {
			fmt.Fprintln(h.log, "benchrun: cleanup:", err)
		}
	} else if h.tmp != "" {
		fmt.Fprintln(h.log, "benchrun: kept", h.tmp)
	}
}

// findRoot returns the repository root: the given folder, or the first of
// the working directory and its parents that holds bench/go.mod.
func findRoot(given string) (string, error) {
	if given != "" {
		abs, err := filepath.Abs(given)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(filepath.Join(abs, "bench", "go.mod")); err != nil {
			return "", fmt.Errorf("-root %s: no bench/go.mod there; pass the cldrest repository root", given)
		}
		return abs, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for range 64 {
		if _, err := os.Stat(filepath.Join(dir, "bench", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("cannot find the repository root (a folder with bench/go.mod): run from the repository or pass -root")
}

func goBuild(ctx context.Context, dir, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %v\n%s", pkg, dir, err, stderr.String())
	}
	return nil
}

// mockArgs start `cldrest mock` as every scenario needs it: metadata only,
// no admin rate limit, no upload size limit (for the single 1 GiB POSTs).
var mockArgs = []string{"mock", "--addr", "127.0.0.1:0", "--metadata-only", "--admin-budget", "0", "--max-upload-size", "0"}

// startServer starts bin with args and waits for the CLOUDINARY_URL line
// it prints when ready (`cldrest mock` and cmd/discard both do).
func startServer(ctx context.Context, bin string, args ...string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "CLOUDINARY_URL="); ok {
				lines <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-lines:
		return cmd, u, nil
	case <-time.After(30 * time.Second):
		stopServer(cmd)
		return nil, "", fmt.Errorf("%s printed no CLOUDINARY_URL within 30s: %s", filepath.Base(bin), stderr.String())
	case <-ctx.Done():
		stopServer(cmd)
		return nil, "", ctx.Err()
	}
}

// stopServer stops a server started by startServer (SIGTERM, then kill).
func stopServer(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// buildBaseline extracts -baseline with git archive (the repository is
// only read) and builds its CLI.
func (h *harness) buildBaseline(ctx context.Context) (string, error) {
	dir := filepath.Join(h.tmp, "baseline")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	h.logf("building cldrest at %s (git archive into %s)", h.cfg.baseline, dir)
	archive := exec.CommandContext(ctx, "git", "-C", h.cfg.root, "archive", "--format=tar", h.cfg.baseline)
	untar := exec.CommandContext(ctx, "tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	untar.Stdin = pipe
	var aerr bytes.Buffer
	archive.Stderr = &aerr
	if err := untar.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		_ = untar.Wait()
		return "", fmt.Errorf("-baseline %s: git archive: %v: %s", h.cfg.baseline, err, strings.TrimSpace(aerr.String()))
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("-baseline %s: tar: %v", h.cfg.baseline, err)
	}
	bin := filepath.Join(h.tmp, "cldrest-baseline")
	return bin, goBuild(ctx, dir, bin, "./cmd/cldrest")
}

// redactURL hides the secret of a CLOUDINARY_URL in log lines.
func redactURL(u string) string {
	at := strings.Index(u, "@")
	colon := strings.LastIndex(u[:max(at, 0)], ":")
	if at < 0 || colon < 0 {
		return u
	}
	return u[:colon+1] + "***" + u[at:]
}

// sample is one measured run of one client.
type sample struct {
	WallNS     int64 `json:"wall_ns"` // reported by the client: the scenario alone
	UserNS     int64 `json:"user_ns"`
	SysNS      int64 `json:"sys_ns"`
	Mallocs    int64 `json:"mallocs"`
	AllocBytes int64 `json:"alloc_bytes"`
	VmHWMKiB   int64 `json:"vmhwm_kib"` // the child's own peak RSS, if it reports it
	Result     struct {
		Count int   `json:"count"`
		Bytes int64 `json:"bytes"`
	} `json:"result"`

	// Measured by benchrun on the child process.
	ProcWallNS int64 // start to exit
	MaxRSSKiB  int64 // peak RSS of the child's own address space (VmHWM)
	ProcCPUNS  int64 // ru_utime + ru_stime of the child
	// ServerCPUNS is the server's utime+stime over the run (mock-throughput).
	ServerCPUNS int64
}

func (s sample) cpuSeconds() float64 { return float64(s.UserNS+s.SysNS) / 1e9 }

// runChild runs argv with env additions, waits, and returns what it printed
// (the last JSON line is decoded into the sample when parse is set) and the
// kernel's accounting of the process.
func (h *harness) runChild(ctx context.Context, dir string, env []string, parse bool, argv ...string) (sample, []byte, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Start()
	var polled int64
	if err == nil {
		stopPoll := make(chan struct{})
		pollDone := make(chan struct{})
		go func() {
			defer close(pollDone)
			polled = pollHWM(cmd.Process.Pid, stopPoll)
		}()
		err = cmd.Wait()
		close(stopPoll)
		<-pollDone
	}
	wall := time.Since(start)
	var s sample
	if err != nil {
		return s, stdout.Bytes(), fmt.Errorf("%s: %v\n%s", filepath.Base(argv[0]), err, tail(stderr.String()+stdout.String(), 2000))
	}
	s.ProcWallNS = wall.Nanoseconds()
	// ru_maxrss is not used for peak RSS: Go starts children with vfork, and
	// Linux folds the parent's (benchrun's) peak RSS into the child's
	// ru_maxrss at execve, so every child would report at least benchrun's
	// size. VmHWM belongs to the child's own address space: the child
	// reports it at exit when it can (benchclient, Node), and benchrun also
	// samples it from /proc every few milliseconds (curl).
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.ProcCPUNS = ru.Utime.Nano() + ru.Stime.Nano()
	}
	if parse {
		lines := bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n"))
		if err := json.Unmarshal(lines[len(lines)-1], &s); err != nil {
			return s, stdout.Bytes(), fmt.Errorf("%s printed no report: %v: %q", filepath.Base(argv[0]), err, tail(stdout.String(), 500))
		}
	}
	s.MaxRSSKiB = max(polled, s.VmHWMKiB)
	return s, stdout.Bytes(), nil
}

// pollHWM samples VmHWM of pid until stop is closed and returns the last
// (largest: VmHWM only grows) value seen.
func pollHWM(pid int, stop <-chan struct{}) int64 {
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	var last int64
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			if i := bytes.Index(b, []byte("VmHWM:")); i >= 0 {
				f := strings.Fields(string(b[i+len("VmHWM:"):]))
				if len(f) > 0 {
					if v, err := strconv.ParseInt(f[0], 10, 64); err == nil && v > last {
						last = v
					}
				}
			}
		}
		select {
		case <-stop:
			return last
		case <-t.C:
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// goClient runs benchclient for sdk and scenario and checks the result.
func (h *harness) goClient(ctx context.Context, sdk, scen string, wantCount int, wantBytes int64, args ...string) (sample, error) {
	argv := append([]string{h.client, "-sdk", sdk, "-scenario", scen, "-url", h.mockURL}, args...)
	s, _, err := h.runChild(ctx, h.tmp, nil, true, argv...)
	if err != nil {
		return s, err
	}
	if s.Result.Count != wantCount || (wantBytes >= 0 && s.Result.Bytes != wantBytes) {
		return s, fmt.Errorf("%s %s did not do the work: count %d bytes %d, want %d and %d", sdk, scen, s.Result.Count, s.Result.Bytes, wantCount, wantBytes)
	}
	return s, nil
}

// profile runs one extra, unmeasured run of each Go SDK with CPU and
// allocation profiles when -profile is set.
func (h *harness) profile(ctx context.Context, scen string, args ...string) error {
	if h.cfg.profileDir == "" {
		return nil
	}
	if err := os.MkdirAll(h.cfg.profileDir, 0o755); err != nil {
		return err
	}
	for _, sdk := range []string{"cldrest", "official"} {
		base := filepath.Join(h.cfg.profileDir, scen+"-"+sdk)
		a := append([]string{"-cpuprofile", base + ".cpu.pprof", "-memprofile", base + ".mem.pprof"}, args...)
		if _, err := h.goClient(ctx, sdk, scen, -1, -1, a...); err != nil && !strings.Contains(err.Error(), "did not do the work") {
			return err
		}
	}
	h.logf("profiles of %s in %s", scen, h.cfg.profileDir)
	return nil
}

// randomFiles writes n files of size bytes of pseudo-random content (fixed
// seed) and a list of their paths.
func randomFiles(dir string, n, size int) (listPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	rng := rand.NewChaCha8([32]byte{'c', 'l', 'd', 'r', 'e', 's', 't'})
	buf := make([]byte, size)
	var list strings.Builder
	for i := range n {
		_, _ = rng.Read(buf)
		p := filepath.Join(dir, "f"+strconv.Itoa(i)+".bin")
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			return "", err
		}
		list.WriteString(p + "\n")
	}
	listPath = dir + ".txt" // beside the folder, so that uploading the folder does not upload it
	return listPath, os.WriteFile(listPath, []byte(list.String()), 0o644)
}

// sparseFile creates a sparse file of size bytes (no data blocks on disk).
func sparseFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
