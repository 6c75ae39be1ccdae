// Command benchclient runs one benchmark scenario with one SDK and prints one
// JSON line describing it. benchrun starts it as a child process so that the
// kernel's rusage (peak RSS, CPU time) measures exactly one client.
//
//	benchclient -sdk cldrest -scenario upload-file -url "$CLOUDINARY_URL" -file big.bin
//
// The JSON line has the scenario's own wall time, the CPU time and heap
// allocations of the scenario (process start-up excluded), and its Result.
// -cpuprofile writes a pprof CPU profile of the scenario.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cldrest/cldrest/bench/internal/scenario"
)

// Report is the JSON line benchclient prints.
type Report struct {
	SDK        string `json:"sdk"`
	Scenario   string `json:"scenario"`
	WallNS     int64  `json:"wall_ns"`
	UserNS     int64  `json:"user_ns"`
	SysNS      int64  `json:"sys_ns"`
	Mallocs    uint64 `json:"mallocs"`
	AllocBytes uint64 `json:"alloc_bytes"`
	// VmHWMKiB is the peak resident set size of this process's own address
	// space (VmHWM in /proc/self/status) at exit. Unlike ru_maxrss it does
	// not include the parent's RSS that Linux carries over when a process
	// started with vfork (as Go's os/exec does) calls execve.
	VmHWMKiB int64           `json:"vmhwm_kib"`
	Result   scenario.Result `json:"result"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchclient:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		p          scenario.Params
		sdk, scen  string
		filesFrom  string
		cpuprofile string
		memprofile string
	)
	flag.StringVar(&sdk, "sdk", "", "cldrest, official or raw (the load generator)")
	flag.StringVar(&scen, "scenario", "", "upload-file, upload-reader, batch, list or seed; raw: load-small or load-body")
	flag.StringVar(&p.URL, "url", os.Getenv("CLOUDINARY_URL"), "CLOUDINARY_URL (upload_prefix pointing at the mock)")
	flag.StringVar(&p.File, "file", "", "file to upload (upload-file, seed)")
	flag.StringVar(&filesFrom, "files-from", "", "text file listing the files to upload, one a line (batch)")
	flag.Int64Var(&p.Size, "size", 0, "bytes the reader yields (upload-reader), of each upload (load-small) or of the one body (load-body)")
	flag.BoolVar(&p.Checksum, "checksum", false, "cldrest upload-file, upload-reader: compute the local MD5 (the library's default; off by default here to match the official SDK)")
	flag.BoolVar(&p.NoHash, "no-hash", false, "raw: ask the discard server not to hash the bytes (its answer then has no etag)")
	flag.IntVar(&p.Concurrency, "concurrency", 8, "parallel uploads (batch, seed)")
	flag.StringVar(&p.Prefix, "prefix", "", "public ID prefix (list, seed)")
	flag.IntVar(&p.N, "n", 0, "uploads (seed, load-small)")
	flag.IntVar(&p.PageSize, "page-size", 500, "max_results per page (list)")
	flag.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the scenario to this file")
	flag.StringVar(&memprofile, "memprofile", "", "write an allocation profile of the scenario to this file")
	flag.Parse()
	if sdk == "" || scen == "" || p.URL == "" {
		return fmt.Errorf("-sdk, -scenario and -url (or CLOUDINARY_URL) are required")
	}
	if filesFrom != "" {
		f, err := os.Open(filesFrom)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				p.Files = append(p.Files, line)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	if memprofile != "" {
		runtime.MemProfileRate = 4096
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}

	var ms0, ms1 runtime.MemStats
	var ru0, ru1 syscall.Rusage
	runtime.ReadMemStats(&ms0)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	res, err := scenario.Run(context.Background(), sdk, scen, p)
	wall := time.Since(start)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	runtime.ReadMemStats(&ms1)
	if cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", sdk, scen, err)
	}
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
		f.Close()
	}
	rep := Report{
		SDK:        sdk,
		Scenario:   scen,
		WallNS:     wall.Nanoseconds(),
		UserNS:     tv(ru1.Utime) - tv(ru0.Utime),
		SysNS:      tv(ru1.Stime) - tv(ru0.Stime),
		Mallocs:    ms1.Mallocs - ms0.Mallocs,
		AllocBytes: ms1.TotalAlloc - ms0.TotalAlloc,
		VmHWMKiB:   vmHWM(),
		Result:     res,
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

func tv(t syscall.Timeval) int64 { return t.Nano() }

// vmHWM returns VmHWM from /proc/self/status in KiB, or 0.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
