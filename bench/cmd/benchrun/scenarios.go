package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/bench/internal/scenario"
)

const mib = 1 << 20

// signScenario measures signing an 8-parameter upload in process, with
// testing.Benchmark, alternating cldrest and the official SDK.
func (h *harness) signScenario(ctx context.Context) (section, error) {
	if err := flag.Set("test.benchtime", h.cfg.benchtime.String()); err != nil {
		return section{}, err
	}
	variants := []struct {
		name         string
		ours, theirs func(*testing.B)
	}{
		{"Sign8/sha1-v2", scenario.SignCldrest, scenario.SignOfficial},
		{"Sign8/sha256-v2", scenario.SignCldrestSHA256, scenario.SignOfficialSHA256},
	}
	sec := section{
		ID:    "sign",
		Title: "Signing an 8-parameter upload",
		What: "`signer.Sign` against the official SDK's `api.SignParameters` (SHA-1) and " +
			"`api.SignParametersUsingAlgoAndVersion` (SHA-256), both signature version 2, over the same 8 parameters " +
			"(public_id, folder, tags, context, eager, overwrite, notification_url, timestamp); both produce the same " +
			"signature (checked by `TestSignaturesAgree`). In process, `testing.Benchmark`, " + h.cfg.benchtime.String() +
			" per run, A B A B.",
	}
	var table strings.Builder
	for _, v := range variants {
		var nsA, nsB, alA, alB, byA, byB []float64
		for i := range h.cfg.pairs {
			if err := ctx.Err(); err != nil {
				return sec, err
			}
			ra := testing.Benchmark(v.ours)
			rb := testing.Benchmark(v.theirs)
			if ra.N == 0 || rb.N == 0 {
				return sec, fmt.Errorf("%s: a benchmark failed (pair %d)", v.name, i+1)
			}
			nsA = append(nsA, float64(ra.T.Nanoseconds())/float64(ra.N))
			nsB = append(nsB, float64(rb.T.Nanoseconds())/float64(rb.N))
			alA = append(alA, float64(ra.AllocsPerOp()))
			alB = append(alB, float64(rb.AllocsPerOp()))
			byA = append(byA, float64(ra.AllocedBytesPerOp()))
			byB = append(byB, float64(rb.AllocedBytesPerOp()))
		}
		sec.Metrics = append(sec.Metrics,
			metric{Name: v.name + " time", Unit: "ns/op", Lower: true, Headline: true, A: nsA, B: nsB},
			metric{Name: v.name + " allocations", Unit: "allocs/op", Lower: true, Headline: true, A: alA, B: alB},
			metric{Name: v.name + " memory", Unit: "B/op", Lower: true, A: byA, B: byB},
		)
	}
	table.WriteString(benchstatTable(sec.Metrics))
	sec.Extra = "benchstat-style comparison (official is the base; p from a Mann-Whitney U test over the runs, as benchstat does):\n\n```\n" +
		table.String() + "```\n\nReproduce with the Go tool directly: `cd bench && go test -run '^$' -bench Sign -count 5 ./internal/scenario | tee sign.txt` " +
		"(then `benchstat` on the output if you have it).\n"
	return sec, nil
}

// uploadFileScenario uploads one sparse file with each SDK and with the
// cURL command `cldrest sign --curl` prints.
func (h *harness) uploadFileScenario(ctx context.Context) (section, error) {
	big := filepath.Join(h.tmp, "big.bin")
	if err := sparseFile(big, h.cfg.bigSize); err != nil {
		return section{}, err
	}
	defer os.Remove(big)
	size := h.cfg.bigSize
	// Read it once first: the first read of a sparse file fills the page
	// cache with zero pages and is several times slower than later reads,
	// which would penalise whichever client runs first.
	if err := readAll(big); err != nil {
		return section{}, err
	}
	var wallA, wallB, wallC, rssA, rssB, rssC, cpuA, cpuB, cpuC []float64
	for i := range h.cfg.pairs {
		a, err := h.goClient(ctx, "cldrest", scenario.UploadFile, 1, size, "-file", big)
		if err != nil {
			return section{}, err
		}
		b, err := h.goClient(ctx, "official", scenario.UploadFile, 1, size, "-file", big)
		if err != nil {
			return section{}, err
		}
		c, err := h.curlUpload(ctx, h.mockURL, big, size)
		if err != nil {
			return section{}, err
		}
		wallA, wallB, wallC = append(wallA, secs(a.ProcWallNS)), append(wallB, secs(b.ProcWallNS)), append(wallC, secs(c.ProcWallNS))
		rssA, rssB, rssC = append(rssA, kib2mib(a.MaxRSSKiB)), append(rssB, kib2mib(b.MaxRSSKiB)), append(rssC, kib2mib(c.MaxRSSKiB))
		cpuA, cpuB, cpuC = append(cpuA, secs(a.ProcCPUNS)), append(cpuB, secs(b.ProcCPUNS)), append(cpuC, secs(c.ProcCPUNS))
		h.logf("  pair %d: wall %.2fs / %.2fs / curl %.2fs", i+1, wallA[i], wallB[i], wallC[i])
	}
	if err := h.profile(ctx, scenario.UploadFile, "-file", big); err != nil {
		return section{}, err
	}
	return section{
		ID:    "upload-file",
		Title: fmt.Sprintf("One %s file upload", human(size)),
		What: fmt.Sprintf("A sparse file of %s (no data blocks on disk) uploaded from its path with `upload.FromPath` "+
			"(cldrest: chunked, 20 MB chunks, sequential by default, `upload.WithoutChecksum()` since the official SDK computes no MD5) and `Upload.Upload(ctx, path, …)` (official: chunked, "+
			"20 MB chunks, sequential); the mock hashes and discards the bytes (metadata-only). The file is read once before the pairs so that every run finds it in the page cache. Each run is a fresh child "+
			"process: wall time from start to exit, CPU time from the kernel (wait4 rusage), peak RSS as the child's VmHWM. The reference is the "+
			"single signed multipart POST `cldrest sign --curl FILE --resource-type raw` prints, run as printed "+
			"(split into words like sh would; curl is the child). Cloudinary refuses uploads above 100 MB without chunks, so this "+
			"reference runs only because the mock is started with `--max-upload-size 0`.", human(size)),
		RefName: "curl",
		Metrics: []metric{
			{Name: "wall time", Unit: "s", Lower: true, Headline: true, A: wallA, B: wallB, Ref: wallC},
			{Name: "peak RSS", Unit: "MiB", Lower: true, Headline: true, A: rssA, B: rssB, Ref: rssC},
			{Name: "CPU time (user+sys)", Unit: "s", Lower: true, Headline: true, A: cpuA, B: cpuB, Ref: cpuC},
		},
	}, nil
}

// curlUpload runs the cURL command `cldrest sign --curl` prints for path,
// signed for and sent to the server of the CLOUDINARY_URL url.
func (h *harness) curlUpload(ctx context.Context, url, path string, size int64) (sample, error) {
	env := []string{"CLOUDINARY_URL=" + url}
	_, out, err := h.runChild(ctx, h.tmp, env, false, h.cldrest, "sign", "--curl", path, "--resource-type", "raw")
	if err != nil {
		return sample{}, err
	}
	cmdline := strings.TrimSpace(string(out))
	if !strings.HasPrefix(cmdline, "curl ") {
		return sample{}, fmt.Errorf("cldrest sign --curl printed %q, want a curl command", tail(cmdline, 200))
	}
	argv, err := shellWords(cmdline)
	if err != nil {
		return sample{}, fmt.Errorf("cldrest sign --curl: %w", err)
	}
	s, body, err := h.runChild(ctx, h.tmp, nil, false, argv...)
	if err != nil {
		return s, err
	}
	var res struct {
		Bytes    int64  `json:"bytes"`
		PublicID string `json:"public_id"`
	}
	if err := json.Unmarshal(body, &res); err != nil || res.Bytes != size || res.PublicID == "" {
		return s, fmt.Errorf("curl upload answered %q, want %d bytes stored", tail(string(body), 300), size)
	}
	return s, nil
}

// uploadReaderScenario uploads an unknown-size io.Reader.
func (h *harness) uploadReaderScenario(ctx context.Context) (section, error) {
	size := h.cfg.readerSize
	arg := strconv.FormatInt(size, 10)
	// The reference: cldrest with the smallest chunk size Cloudinary accepts,
	// set through CLOUDINARY_URL's chunk_size, to show what the chunk buffer
	// costs.
	small := h.mockURL + "&chunk_size=5242880"
	if !strings.Contains(h.mockURL, "?") {
		small = h.mockURL + "?chunk_size=5242880"
	}
	var rssA, rssB, rssC, wallA, wallB, wallC, cpuA, cpuB, cpuC []float64
	for i := range h.cfg.pairs {
		a, err := h.goClient(ctx, "cldrest", scenario.UploadReader, 1, size, "-size", arg)
		if err != nil {
			return section{}, err
		}
		b, err := h.goClient(ctx, "official", scenario.UploadReader, 1, size, "-size", arg)
		if err != nil {
			return section{}, err
		}
		c, err := h.goClient(ctx, "cldrest", scenario.UploadReader, 1, size, "-size", arg, "-url", small)
		if err != nil {
			return section{}, err
		}
		rssA, rssB, rssC = append(rssA, kib2mib(a.MaxRSSKiB)), append(rssB, kib2mib(b.MaxRSSKiB)), append(rssC, kib2mib(c.MaxRSSKiB))
		wallA, wallB, wallC = append(wallA, secs(a.ProcWallNS)), append(wallB, secs(b.ProcWallNS)), append(wallC, secs(c.ProcWallNS))
		cpuA, cpuB, cpuC = append(cpuA, secs(a.ProcCPUNS)), append(cpuB, secs(b.ProcCPUNS)), append(cpuC, secs(c.ProcCPUNS))
		h.logf("  pair %d: peak RSS %.1f / %.1f MiB (cldrest with 5 MiB chunks %.1f MiB)", i+1, rssA[i], rssB[i], rssC[i])
	}
	if err := h.profile(ctx, scenario.UploadReader, "-size", arg); err != nil {
		return section{}, err
	}
	return section{
		ID:    "upload-reader",
		Title: fmt.Sprintf("A %s unknown-size io.Reader upload", human(size)),
		What: fmt.Sprintf("An `io.Reader` yielding %s of zeros that is neither an `io.ReaderAt` nor an `io.Seeker`, generated in "+
			"the child (no file). cldrest: `upload.FromReader` with `upload.WithoutChecksum()` (chunked upload, one reused 20 MB chunk buffer, totals `-1` "+
			"until EOF). Official: `Upload.Upload(ctx, reader, …)`, which streams the whole reader as one multipart POST "+
			"through an `io.Pipe` (it chunks only files and `io.SectionReader`s); above 100 MB Cloudinary refuses such a request "+
			"(the mock accepts it here only because it runs with `--max-upload-size 0`). The third column is cldrest again with "+
			"`chunk_size=5242880` (5 MiB, the smallest chunk Cloudinary accepts) in `CLOUDINARY_URL`; its third run of each "+
			"round follows the pair.", human(size)),
		RefName: "cldrest 5 MiB chunks",
		Metrics: []metric{
			{Name: "peak RSS", Unit: "MiB", Lower: true, Headline: true, A: rssA, B: rssB, Ref: rssC},
			{Name: "wall time", Unit: "s", Lower: true, Headline: true, A: wallA, B: wallB, Ref: wallC},
			{Name: "CPU time (user+sys)", Unit: "s", Lower: true, Headline: true, A: cpuA, B: cpuB, Ref: cpuC},
		},
	}, nil
}

// batchScenario uploads many small files with Concurrency uploads in flight.
func (h *harness) batchScenario(ctx context.Context) (section, error) {
	n, size, conc := h.cfg.batchFiles, h.cfg.batchSize, h.cfg.concurrency
	dir := filepath.Join(h.tmp, "batch")
	list, err := randomFiles(dir, n, size)
	if err != nil {
		return section{}, err
	}
	defer os.RemoveAll(dir)
	if err := h.setupNode(ctx); err != nil {
		return section{}, err
	}
	want := int64(n) * int64(size)
	args := []string{"-files-from", list, "-concurrency", strconv.Itoa(conc)}
	node := func() (sample, error) {
		s, _, err := h.runChild(ctx, h.nodeDir, []string{"CLOUDINARY_URL=" + h.mockURL}, true, "node", "batch.js", list, strconv.Itoa(conc))
		if err == nil && (s.Result.Count != n || s.Result.Bytes != want) {
			err = fmt.Errorf("node batch did not do the work: %+v", s.Result)
		}
		return s, err
	}
	// One unmeasured warm-up each (page cache, mock's first requests).
	if _, err := h.goClient(ctx, "cldrest", scenario.Batch, n, want, args...); err != nil {
		return section{}, err
	}
	if _, err := h.goClient(ctx, "official", scenario.Batch, n, want, args...); err != nil {
		return section{}, err
	}
	if h.nodeDir != "" {
		if _, err := node(); err != nil {
			return section{}, err
		}
	}
	var fpsA, fpsB, fpsC, cpuA, cpuB, cpuC, rssA, rssB, rssC, alA, alB []float64
	for i := range h.cfg.pairs {
		a, err := h.goClient(ctx, "cldrest", scenario.Batch, n, want, args...)
		if err != nil {
			return section{}, err
		}
		b, err := h.goClient(ctx, "official", scenario.Batch, n, want, args...)
		if err != nil {
			return section{}, err
		}
		fpsA, fpsB = append(fpsA, float64(n)/secs(a.WallNS)), append(fpsB, float64(n)/secs(b.WallNS))
		cpuA, cpuB = append(cpuA, a.cpuSeconds()), append(cpuB, b.cpuSeconds())
		rssA, rssB = append(rssA, kib2mib(a.MaxRSSKiB)), append(rssB, kib2mib(b.MaxRSSKiB))
		alA, alB = append(alA, float64(a.Mallocs)/float64(n)), append(alB, float64(b.Mallocs)/float64(n))
		if h.nodeDir != "" {
			c, err := node()
			if err != nil {
				return section{}, err
			}
			fpsC, cpuC, rssC = append(fpsC, float64(n)/secs(c.WallNS)), append(cpuC, c.cpuSeconds()), append(rssC, kib2mib(c.MaxRSSKiB))
		}
		h.logf("  pair %d: %.0f / %.0f files/s", i+1, fpsA[i], fpsB[i])
	}
	if err := h.profile(ctx, scenario.Batch, args...); err != nil {
		return section{}, err
	}
	sec := section{
		ID:    "batch",
		Title: fmt.Sprintf("%d files of %s at concurrency %d", n, human(int64(size)), conc),
		What: fmt.Sprintf("%d files of %s of pseudo-random bytes on disk, each uploaded from its path (resource type auto). "+
			"cldrest: one `upload.Service` shared by %d goroutines. Official Go SDK: one `cloudinary.Cloudinary` shared by %d "+
			"goroutines (as the issue asks). Files/s and CPU time are measured around the uploads inside the child "+
			"(process start-up excluded; `getrusage(RUSAGE_SELF)` deltas, `process.cpuUsage()` for Node); peak RSS is the "+
			"child's VmHWM. One unmeasured warm-up run of each client precedes the pairs.", n, human(int64(size)), conc, conc),
		Metrics: []metric{
			{Name: "throughput", Unit: "files/s", Lower: false, Headline: true, A: fpsA, B: fpsB, Ref: fpsC},
			{Name: "client CPU time", Unit: "s", Lower: true, Headline: true, A: cpuA, B: cpuB, Ref: cpuC},
			{Name: "peak RSS", Unit: "MiB", Lower: true, A: rssA, B: rssB, Ref: rssC},
			{Name: "heap allocations per file", Unit: "allocs", Lower: true, A: alA, B: alB},
		},
	}
	if h.nodeDir != "" {
		sec.RefName = "Node.js"
		sec.What += fmt.Sprintf(" Node.js: the official `cloudinary` npm package (%s), `uploader.upload(path)` with %d promises in flight.", h.nodePackageVersion(), conc)
	} else {
		sec.Notes = append(sec.Notes, "Node.js `cloudinary` package: skipped — "+h.nodeSkip+".")
	}
	return sec, nil
}

// listScenario lists listN resources through pagination.
func (h *harness) listScenario(ctx context.Context) (section, error) {
	n, ps := h.cfg.listN, h.cfg.pageSize
	const prefix = "bench-list/"
	png := filepath.Join(h.cfg.root, "testdata", "images", "sunset.png")
	h.logf("  seeding %d resources", n)
	if _, err := h.goClient(ctx, "cldrest", scenario.Seed, n, -1, "-file", png, "-prefix", prefix, "-n", strconv.Itoa(n), "-concurrency", "8"); err != nil {
		return section{}, err
	}
	args := []string{"-prefix", prefix, "-page-size", strconv.Itoa(ps)}
	for _, sdk := range []string{"cldrest", "official"} { // warm-up
		if _, err := h.goClient(ctx, sdk, scenario.List, n, 0, args...); err != nil {
			return section{}, err
		}
	}
	var cpuA, cpuB, alA, alB, mbA, mbB, wallA, wallB []float64
	for i := range h.cfg.pairs {
		a, err := h.goClient(ctx, "cldrest", scenario.List, n, 0, args...)
		if err != nil {
			return section{}, err
		}
		b, err := h.goClient(ctx, "official", scenario.List, n, 0, args...)
		if err != nil {
			return section{}, err
		}
		cpuA, cpuB = append(cpuA, a.cpuSeconds()), append(cpuB, b.cpuSeconds())
		alA, alB = append(alA, float64(a.Mallocs)), append(alB, float64(b.Mallocs))
		mbA, mbB = append(mbA, float64(a.AllocBytes)/mib), append(mbB, float64(b.AllocBytes)/mib)
		wallA, wallB = append(wallA, secs(a.WallNS)), append(wallB, secs(b.WallNS))
		h.logf("  pair %d: CPU %.3fs / %.3fs, %.0f / %.0f allocations", i+1, cpuA[i], cpuB[i], alA[i], alB[i])
	}
	if err := h.profile(ctx, scenario.List, args...); err != nil {
		return section{}, err
	}
	return section{
		ID:    "list",
		Title: fmt.Sprintf("Listing %d resources through pagination", n),
		What: fmt.Sprintf("%d image resources seeded under the prefix `%s`, listed with max_results=%d (%d pages): cldrest's "+
			"`admin.ListResourcesAll` iterator against the official `Admin.Assets` called in a next_cursor loop. CPU time "+
			"(`getrusage` deltas) and heap allocations (`runtime.MemStats` Mallocs and TotalAlloc deltas) are measured around "+
			"the listing inside the child, so process start-up is excluded. One unmeasured warm-up run of each precedes the pairs.",
			n, prefix, ps, (n+ps-1)/ps),
		Metrics: []metric{
			{Name: "client CPU time", Unit: "s", Lower: true, Headline: true, A: cpuA, B: cpuB},
			{Name: "allocations", Unit: "allocs", Lower: true, Headline: true, A: alA, B: alB},
			{Name: "allocated memory", Unit: "MiB", Lower: true, A: mbA, B: mbB},
			{Name: "wall time", Unit: "s", Lower: true, A: wallA, B: wallB},
		},
	}, nil
}

// setupNode installs the official cloudinary npm package into a temporary
// folder when Node.js is wanted and present.
func (h *harness) setupNode(ctx context.Context) error {
	if h.nodeDir != "" || h.nodeSkip != "" { // done before
		return nil
	}
	if h.cfg.node == "off" {
		h.nodeSkip = "disabled with -node off"
		return nil
	}
	skip := func(reason string) error {
		if h.cfg.node == "on" {
			return fmt.Errorf("Node.js requested with -node on, but %s", reason)
		}
		h.nodeSkip = reason
		h.logf("  Node.js skipped: %s", reason)
		return nil
	}
	if _, err := exec.LookPath("node"); err != nil {
		return skip("`node` is not on PATH (install Node.js to include it)")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return skip("`npm` is not on PATH (install npm to include it)")
	}
	dir := filepath.Join(h.tmp, "node")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"package.json", "batch.js"} {
		b, err := os.ReadFile(filepath.Join(h.cfg.root, "bench", "node", f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return err
		}
	}
	h.logf("  npm install cloudinary into %s", dir)
	ictx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ictx, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return skip(fmt.Sprintf("`npm install cloudinary` failed: %v: %s", err, tail(strings.TrimSpace(string(out)), 300)))
	}
	h.nodeDir = dir
	return nil
}

func (h *harness) nodePackageVersion() string {
	b, err := os.ReadFile(filepath.Join(h.nodeDir, "node_modules", "cloudinary", "package.json"))
	if err != nil {
		return "cloudinary@?"
	}
	var p struct{ Version string }
	_ = json.Unmarshal(b, &p)
	return "cloudinary@" + p.Version
}

func (h *harness) nodeVersion(ctx context.Context) string {
	if h.nodeDir == "" {
		return "not used (" + h.nodeSkip + ")"
	}
	out, err := exec.CommandContext(ctx, "node", "--version").Output()
	if err != nil {
		return "?"
	}
	return "Node.js " + strings.TrimSpace(string(out)) + ", " + h.nodePackageVersion()
}

func readAll(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func secs(ns int64) float64   { return float64(ns) / 1e9 }
func kib2mib(k int64) float64 { return float64(k) / 1024 }
func human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// shellWords splits a command line the way sh would for the subset that
// `cldrest sign --curl` prints: words separated by blanks, single quotes,
// double quotes (with \" \\ \$ \` escapes) and backslash escapes. Anything
// needing expansion ($, `, globbing, redirection) is rejected.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated single quote in %q", tail(line, 200))
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				} else if line[i] == '$' || line[i] == '`' {
					return nil, fmt.Errorf("expansion in %q is not supported", tail(line, 200))
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, fmt.Errorf("unterminated double quote in %q", tail(line, 200))
			}
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case strings.IndexByte("$`|&;<>()*?[~", c) >= 0:
			return nil, fmt.Errorf("shell syntax %q in %q is not supported", c, tail(line, 200))
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty command")
	}
	return words, nil
}
