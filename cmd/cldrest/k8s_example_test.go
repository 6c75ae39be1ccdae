package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// exampleArgs reads the container args (a one-line flow list) and the
// completions of a Job manifest of examples/k8s-shards.
func exampleArgs(t *testing.T, name string) (args []string, completions int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "k8s-shards", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "args:"); ok {
			if err := json.Unmarshal([]byte(strings.TrimSpace(v)), &args); err != nil {
				t.Fatalf("%s: args %q: %v", name, v, err)
			}
		}
		if v, ok := strings.CutPrefix(line, "completions:"); ok {
			completions, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if args == nil {
		t.Fatalf("%s: no args line", name)
	}
	return args, completions
}

// TestE2EK8sShardsExample runs the Indexed Job of examples/k8s-shards the way
// Kubernetes would: one process per completion index with
// $(JOB_COMPLETION_INDEX) expanded and the volumes mapped to directories,
// against the mock; then the report Job's command merges the journals.
// Every file must be uploaded exactly once across the shards.
func TestE2EK8sShardsExample(t *testing.T) {
	t.Parallel()
	upArgs, completions := exampleArgs(t, "job.yaml")
	reportArgs, _ := exampleArgs(t, "report-job.yaml")
	if completions < 2 {
		t.Fatalf("completions = %d", completions)
	}
	shardOf := regexp.MustCompile(`^\$\(JOB_COMPLETION_INDEX\)/(\d+)$`)
	found := false
	for i, a := range upArgs {
		if a == "--shard" {
			m := shardOf.FindStringSubmatch(upArgs[i+1])
			if m == nil || m[1] != strconv.Itoa(completions) {
				t.Fatalf("--shard %q does not match completions %d", upArgs[i+1], completions)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("the Job does not pass --shard")
	}
	if want := completions; strings.Count(strings.Join(reportArgs, " "), "/journals/shard-") != want {
		t.Fatalf("the report reads %v, want the %d shard journals", reportArgs, want)
	}

	m := startMockProc(t)
	n := 30
	data, want := makeFiles(t, n, "archive")
	journals := t.TempDir()
	volumes := strings.NewReplacer("/data", data, "/journals", journals)
	for i := range completions {
		args := make([]string, len(upArgs))
		for j, a := range upArgs {
			args[j] = volumes.Replace(strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i)))
		}
		r := runBin(t, e2eEnv(m.url), "", args...)
		if r.code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, r.code, tail(r.stderr))
		}
	}
	checkAssets(t, m, want)

	args := make([]string, len(reportArgs))
	for j, a := range reportArgs {
		args[j] = volumes.Replace(a)
	}
	r := runBin(t, e2eEnv(""), "", append(args, "--json")...)
	var s reportSummary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || r.code != 0 {
		t.Fatalf("report: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if s.Files != n || s.Uploaded != n || s.Failed != 0 || len(s.Journals) != completions || len(s.Targets) != 1 {
		t.Fatalf("report %+v, want %d uploaded from %d journals", s, n, completions)
	}
	for _, j := range s.Journals {
		if j.Entries == 0 || j.Entries == n {
			t.Errorf("journal %s has %d entries: the shards should split the %d files", j.Path, j.Entries, n)
		}
	}
	r = runBin(t, e2eEnv(""), "", args...)
	if r.code != 0 || !regexp.MustCompile(fmt.Sprintf(`(?m)^\s+uploaded\s+%d$`, n)).MatchString(r.stdout) ||
		!regexp.MustCompile(fmt.Sprintf(`(?m)^\s+total\s+%d$`, n)).MatchString(r.stdout) {
		t.Fatalf("report text: exit %d\n%s", r.code, r.stdout)
	}
}
