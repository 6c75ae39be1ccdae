package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

const cmdCanary = "CANARY-batch-cmd-7f3e9"

// cli runs the CLI in-process with stdin.
func cli(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// startMock serves a mock with a canary secret and points CLOUDINARY_URL at it.
func startMock(t *testing.T) *mockserver.Running {
	t.Helper()
	clearCloudinaryEnv(t)
	m := mockserver.Start(t, mockserver.WithCredentials("key1", cmdCanary), mockserver.WithAdminBudget(0))
	t.Setenv("CLOUDINARY_URL", m.CloudinaryURL())
	return m
}

func clientFor(t *testing.T, m *mockserver.Running) *client.Client {
	t.Helper()
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func adminFor(t *testing.T, m *mockserver.Running) *admin.Service { return admin.New(clientFor(t, m)) }

func noCanary(t *testing.T, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, cmdCanary) {
			t.Fatalf("output contains the API secret: %q", o)
		}
	}
}

func TestUploadUsageErrors(t *testing.T) {
	clearCloudinaryEnv(t)
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim.png")
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	if err := os.WriteFile(victim, []byte(png), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if got, _ := os.ReadFile(victim); string(got) != png {
			t.Errorf("--journal changed a file that is not a journal: %q", got)
		}
	}()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"upload"}, "requires at least 1 arg"},
		{[]string{"upload", "--mock", "--concurrency", "0", dir}, "--concurrency 0"},
		{[]string{"upload", "--mock", "--chunk-size", "1MB", dir}, "below Cloudinary's minimum"},
		{[]string{"upload", "--mock", "--chunk-size", "12XB", dir}, "unknown unit"},
		{[]string{"upload", "--mock", "--skip-existing", "md5", dir}, "only supported check is etag"},
		{[]string{"upload", "--mock", "--shard", "3/3", dir}, "--shard"},
		{[]string{"upload", "--mock", "--include", "[", dir}, "invalid glob"},
		{[]string{"upload", "--mock", "--resource-type", "pdf", dir}, "resource type"},
		{[]string{"upload", "--mock", "--context", "novalue", dir}, "key=value"},
		{[]string{"upload", "--mock", "--progress", "fancy", dir}, "--progress"},
		{[]string{"upload", "--mock", "--journal", "x", "--no-journal", dir}, "contradict"},
		{[]string{"upload", "--mock", "--journal", victim, dir}, "is not a cldrest journal"},
		{[]string{"upload", "--mock", "--journal", t.TempDir(), dir}, "not a regular file"},
		{[]string{"upload", "--mock", "-", "-"}, "given twice"},
		{[]string{"upload", "--mock", filepath.Join(dir, "missing.jpg")}, "missing.jpg"},
		{[]string{"upload", dir}, "CLOUDINARY_URL"},
		{[]string{"upload", "--mock", "--folder", "a//b", dir}, "--folder"},
		{[]string{"upload", "--bogus", dir}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			stdout, stderr, code := cli(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.msg)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); !strings.HasPrefix(lines[len(lines)-1], "cldrest: ") {
				t.Errorf("stderr %q does not end with one cldrest: line", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"5242880", 5242880, false}, {"20MB", 20_000_000, false}, {"64MiB", 64 << 20, false}, {"6M", 6 << 20, false},
		{"1 GiB", 1 << 30, false}, {"100b", 100, false}, {"x", 0, true}, {"-5MB", 0, true}, {"5TB", 0, true},
		{"17179869185GiB", 0, true}, // wraps to 1 GiB without the overflow check
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, c := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func resultsByID(t *testing.T, stdout string) (map[string]batch.FileResult, batch.Summary) {
	t.Helper()
	out := map[string]batch.FileResult{}
	var sum batch.Summary
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.Contains(l, `"type":"summary"`) {
			if err := json.Unmarshal([]byte(l), &sum); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var r batch.FileResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out[r.PublicID] = r
	}
	return out, sum
}

func TestUploadDefaultJournalAndResume(t *testing.T) {
	startMock(t)
	dir := writeFiles(t, map[string]string{"a.txt": "a", "sub/b.txt": "bb", ".hidden.txt": "h"})
	stdout, stderr, code := cli(t, "", "upload", "--json", "--tags", "t1,t2", "--context", "k=v", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	res, sum := resultsByID(t, stdout)
	journal := filepath.Join(dir, batch.DefaultJournalName)
	if len(res) != 2 || sum.Uploaded != 2 || sum.Journal != journal {
		t.Fatalf("results %v summary %+v", res, sum)
	}
	if _, err := os.Stat(journal); err != nil {
		t.Fatalf("default journal: %v", err)
	}
	// Rerun of the same command: everything skipped (the journal itself is
	// never uploaded).
	stdout, _, code = cli(t, "", "upload", "--json", "--tags", "t2,t1", "--context", "k=v", dir)
	res, sum = resultsByID(t, stdout)
	if code != 0 || sum.Skipped != 2 || sum.Uploaded != 0 || len(res) != 2 {
		t.Fatalf("rerun: exit %d %+v", code, sum)
	}
	// --hidden adds the dot file only.
	stdout, _, _ = cli(t, "", "upload", "--json", "--hidden", "--tags", "t1,t2", "--context", "k=v", dir)
	res, sum = resultsByID(t, stdout)
	if sum.Uploaded != 1 || res[".hidden.txt"].Status != batch.StatusUploaded {
		t.Fatalf("--hidden: %+v %v", sum, res)
	}
	noCanary(t, stdout, stderr)
}

func TestUploadStdinListAndParams(t *testing.T) {
	m := startMock(t)
	dir := writeFiles(t, map[string]string{"x/one.txt": "1", "y/two.txt": "22"})
	t.Chdir(dir)
	stdout, stderr, code := cli(t, "x/one.txt\ny/two.txt\n", "upload", "--json", "--no-journal", "--folder", "in",
		"--tags", "batch", "--context", "src=stdin", "--overwrite=false", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	res, _ := resultsByID(t, stdout)
	if res["in/x/one.txt"].Status != batch.StatusUploaded || res["in/y/two.txt"].Status != batch.StatusUploaded {
		t.Fatalf("results %v", res)
	}
	var seen int
	for _, e := range m.Journal() {
		if e.Route != "upload/upload" {
			continue
		}
		seen++
		p := e.Params
		if p["tags"][0] != "batch" || p["context"][0] != "src=stdin" || p["overwrite"][0] != "false" || p["asset_folder"][0] == "" {
			t.Errorf("upload params %v", p)
		}
	}
	if seen != 2 {
		t.Errorf("%d uploads in the mock journal", seen)
	}
}

func TestUploadSkipExistingEtag(t *testing.T) {
	m := startMock(t)
	dir := writeFiles(t, map[string]string{"a.txt": "same", "b.txt": "will change", "c.png": "not really a png"})
	if _, stderr, code := cli(t, "", "upload", "--no-journal", "-q", dir); code != 0 {
		t.Fatalf("first upload: %s", stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.txt"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(m.Journal())
	stdout, stderr, code := cli(t, "", "upload", "--no-journal", "--json", "--skip-existing=etag", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	res, sum := resultsByID(t, stdout)
	if res["a.txt"].Status != batch.StatusSkipped || res["a.txt"].Reason != batch.ReasonEtag || res["b.txt"].Status != batch.StatusUploaded {
		t.Errorf("results %+v", res)
	}
	t.Logf("summary %+v", sum)
	lookups := 0
	for _, e := range m.Journal()[before:] {
		if e.Route == "admin/resources" {
			lookups++
			if !strings.HasSuffix(e.Path, "/resources/search") {
				t.Errorf("lookup %s %s, want a search", e.Method, e.Path)
			}
		}
	}
	if lookups != 1 {
		t.Errorf("%d Admin calls for 3 files, want 1 search", lookups)
	}
}

// --skip-existing=etag asks one search per block of files, whatever the
// concurrency.
func TestSkipExistingEtagSearchesInBlocks(t *testing.T) {
	m := startMock(t)
	files := map[string]string{}
	for i := range 2*lookupBlock + 30 {
		files[fmt.Sprintf("f%03d.txt", i)] = fmt.Sprint("content ", i)
	}
	dir := writeFiles(t, files)
	// Each file is in the mock already, as an upload of it would have left it.
	for name, content := range files {
		if _, err := m.PutAsset(mockserver.Asset{PublicID: name, ResourceType: "raw", Bytes: []byte(content)}); err != nil {
			t.Fatal(err)
		}
	}
	before := len(m.Journal())
	stdout, stderr, code := cli(t, "", "upload", "--no-journal", "--json", "--concurrency", "16", "--skip-existing=etag", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, sum := resultsByID(t, stdout); sum.Skipped != len(files) || sum.Uploaded != 0 {
		t.Fatalf("summary %+v, want every file skipped", sum)
	}
	searches := 0
	for _, e := range m.Journal()[before:] {
		if e.Route == "admin/resources" {
			searches++
		}
	}
	if searches != 3 {
		t.Errorf("%d searches for %d files, want 3 (blocks of %d)", searches, len(files), lookupBlock)
	}
}

func TestUploadFailureExitCode(t *testing.T) {
	uploads := func(m *mockserver.Running) int {
		n := 0
		for _, e := range m.Journal() {
			if e.Route == "upload/upload" {
				n++
			}
		}
		return n
	}
	t.Run("rejected files fail the run with exit 1", func(t *testing.T) {
		m := startMock(t)
		if _, err := m.AddFault(mockserver.Fault{Route: "upload", Kind: mockserver.FaultStatus, Status: 400, Message: "Invalid image file"}); err != nil {
			t.Fatal(err)
		}
		dir := writeFiles(t, map[string]string{"a.txt": "a", "b.txt": "b"})
		stdout, stderr, code := cli(t, "", "upload", "--no-journal", dir)
		if code != exitFailed || !strings.Contains(stderr, "2 of 2 files failed") || !strings.Contains(stdout, "Invalid image file") ||
			!strings.Contains(stdout, "a rerun cannot fix") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		// A 400 is not worth retrying: one request per file.
		if n := uploads(m); n != 2 {
			t.Errorf("%d upload requests, want 2 (no retries of a 400)", n)
		}
		noCanary(t, stdout, stderr)
	})
	t.Run("rejected credentials stop the run with exit 2", func(t *testing.T) {
		m := startMock(t)
		if _, err := m.AddFault(mockserver.Fault{Route: "upload", Kind: mockserver.FaultStatus, Status: 401, Message: "Invalid Signature"}); err != nil {
			t.Fatal(err)
		}
		dir := writeFiles(t, map[string]string{"a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d"})
		stdout, stderr, code := cli(t, "", "upload", "--no-journal", "--concurrency", "1", dir)
		if code != exitUsage || !strings.Contains(stderr, "stopped, 4 of 4 files not done") || !strings.Contains(stderr, "check the API key and secret in CLOUDINARY_URL") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		if n := uploads(m); n != 1 {
			t.Errorf("%d upload requests, want 1 (the run stops at the first 401)", n)
		}
		if strings.Contains(stdout, "--exclude") || strings.Contains(stdout, "run the same command again") {
			t.Errorf("advice about files after rejected credentials:\n%s", stdout)
		}
		noCanary(t, stdout, stderr)
	})
	t.Run("wrong secret is a configuration error", func(t *testing.T) {
		m := startMock(t)
		t.Setenv("CLOUDINARY_URL", strings.Replace(m.CloudinaryURL(), cmdCanary, "wrong-secret", 1))
		_, stderr, code := cli(t, "", "ping")
		if code != exitUsage || !strings.Contains(stderr, "check the API key and secret") || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}

func TestManagementCommands(t *testing.T) {
	m := startMock(t)
	dir := writeFiles(t, map[string]string{"p/a.txt": "a", "p/b.txt": "b", "p/c.txt": "c", "q/d.txt": "d", "q/e.txt": "e", "r.txt": "r", "s.txt": "s"})
	if _, stderr, code := cli(t, "", "upload", "--no-journal", "-q", "--resource-type", "raw", dir); code != 0 {
		t.Fatal(stderr)
	}
	step := func(stdin string, wantCode int, wantOut string, args ...string) string {
		t.Helper()
		stdout, stderr, code := cli(t, stdin, args...)
		if code != wantCode || !strings.Contains(stdout+stderr, wantOut) {
			t.Fatalf("%v: exit %d (want %d)\nstdout %s\nstderr %s\nwant %q", args, code, wantCode, stdout, stderr, wantOut)
		}
		noCanary(t, stdout, stderr)
		return stdout
	}
	step("", 0, "ok", "ping")
	step("", 0, `{"status":"ok"}`, "ping", "--json")
	step("", 0, "plan", "usage")
	step("", 0, `"plan"`, "usage", "--json")
	step("", exitUsage, "--date", "usage", "--date", "yesterday")

	// ls follows every page (page size 2 over 7 assets).
	out := step("", 0, "7 assets", "ls", "--resource-type", "raw", "--page-size", "2")
	for _, id := range []string{"p/a.txt", "q/e.txt", "s.txt"} {
		if !strings.Contains(out, id) {
			t.Errorf("ls lacks %s:\n%s", id, out)
		}
	}
	out = step("", 0, "p/a.txt", "ls", "--resource-type", "raw", "--prefix", "p/", "--json", "--page-size", "2")
	if n := strings.Count(strings.TrimSpace(out), "\n") + 1; n != 3 {
		t.Errorf("ls --prefix --json: %d lines\n%s", n, out)
	}
	step("", 0, "2 assets", "ls", "--resource-type", "raw", "--limit", "2")
	step("", exitUsage, "cannot be combined", "ls", "--prefix", "a", "--tag", "b")
	step("", 0, "0 assets", "ls", "--resource-type", "image") // no images
	step("", 0, "7 assets", "ls")                             // every type by default

	// tags
	step("", 0, "added x, y on 2 of 2 assets", "tag", "add", "x,y", "p/a.txt", "p/b.txt", "--resource-type", "raw")
	step("", 0, "2 assets", "ls", "--tag", "x", "--resource-type", "raw")
	step("", 0, `"public_ids":["p/b.txt"]`, "tag", "remove", "x", "p/b.txt", "--resource-type", "raw", "--json")
	step("", 0, "set z", "tag", "replace", "z", "p/a.txt", "--resource-type", "raw")
	step("", 0, "1 asset\n", "ls", "--tag", "z", "--resource-type", "raw")
	step("", exitUsage, "missing subcommand", "tag")

	// search and show
	step("", 0, "q/d.txt", "search", "public_id:q/*")
	out = step("", 0, "etag", "show", "r.txt", "--resource-type", "raw")
	if !strings.Contains(out, "public_id") || !strings.Contains(out, "r.txt") {
		t.Errorf("show:\n%s", out)
	}
	step("", 0, `"public_id":"r.txt"`, "show", "r.txt", "--resource-type", "raw", "--json")
	step("", exitFailed, "not found", "show", "nope", "--resource-type", "raw")

	// rename
	step("", 0, "renamed r.txt -> r2.txt", "rename", "r.txt", "r2.txt", "--resource-type", "raw")
	step("", exitFailed, "", "show", "r.txt", "--resource-type", "raw")

	// rm: dry run, refused confirmation, missing confirmation, confirmed, --yes, by ID
	step("", 0, "3 assets would be deleted", "rm", "--prefix", "p/", "--resource-type", "raw", "--dry-run")
	step("", 0, `"would_delete":3`, "rm", "--prefix", "p/", "--resource-type", "raw", "--dry-run", "--json")
	step("no\n", exitFailed, "aborted", "rm", "--prefix", "p/", "--resource-type", "raw")
	step("", exitUsage, "pass --yes", "rm", "--prefix", "p/", "--resource-type", "raw")
	step("", 0, "3 assets", "ls", "--prefix", "p/", "--resource-type", "raw")
	step("yes\n", 0, "deleted 3 assets", "rm", "--prefix", "p/", "--resource-type", "raw")
	step("", 0, "0 assets", "ls", "--prefix", "p/", "--resource-type", "raw")
	step("", 0, `"deleted":2`, "rm", "--prefix", "q/", "--resource-type", "raw", "--yes", "--json")
	step("", exitFailed, "deleted 1 asset (1 not found)", "rm", "s.txt", "gone.txt", "--resource-type", "raw")
	step("", exitUsage, "exactly one", "rm", "x", "--prefix", "y")
	step("", exitUsage, "must not be empty", "rm", "--prefix", "")
	step("", 0, "1 asset\n", "ls", "--resource-type", "raw")

	// folders
	step("", 0, "created folder f1/f2", "folders", "mk", "f1/f2")
	step("", 0, "f1", "folders", "ls")
	step("", 0, "f1/f2", "folders", "ls", "f1")
	step("", 0, `"path":"f1/f2"`, "folders", "ls", "f1", "--json")
	step("", 0, "deleted", "folders", "rm", "f1/f2")
	step("", exitUsage, "empty folder path", "folders", "mk", "/")

	// presets
	adm := adminFor(t, m)
	unsigned := true
	if _, err := adm.CreateUploadPreset(context.Background(), &admin.UploadPresetParams{Name: "thumbs", Unsigned: &unsigned, Settings: map[string]any{"folder": "thumbs", "tags": "auto"}}); err != nil {
		t.Fatal(err)
	}
	step("", 0, "thumbs", "presets", "ls")
	step("", 0, `"name":"thumbs"`, "presets", "ls", "--json")
	out = step("", 0, "unsigned", "presets", "show", "thumbs")
	if !strings.Contains(out, "folder") {
		t.Errorf("presets show:\n%s", out)
	}
	step("", exitFailed, "", "presets", "show", "missing")
}

func TestEveryCommandHasHelpAndExamples(t *testing.T) {
	root := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	var walk func(c *cobra.Command)
	mine := map[string]bool{"upload": true, "ping": true, "usage": true, "ls": true, "search": true, "show": true, "rm": true,
		"rename": true, "tag": true, "folders": true, "presets": true}
	checked, all := 0, map[string]bool{}
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			top := strings.Fields(sub.CommandPath())[1]
			// Every command, ours or cobra's (completion), has examples.
			all[top] = true
			if sub.Short == "" || sub.Example == "" || !strings.Contains(sub.Example, "cldrest ") {
				t.Errorf("%s lacks a short description or examples", sub.CommandPath())
			}
			if mine[top] {
				checked++
				if sub.Flag("json") == nil {
					t.Errorf("%s has no --json", sub.CommandPath())
				}
				if sub.Flag("mock") == nil {
					t.Errorf("%s has no --mock", sub.CommandPath())
				}
			}
			walk(sub)
		}
	}
	walk(root)
	if checked < 19 {
		t.Errorf("checked %d commands", checked)
	}
	for _, top := range []string{"sign", "mock", "completion"} {
		if !all[top] {
			t.Errorf("%s was not checked", top)
		}
	}
	for _, args := range [][]string{{"upload", "--help"}, {"rm", "--help"}, {"tag", "add", "--help"}, {"sign", "--help"},
		{"mock", "--help"}, {"completion", "--help"}, {"completion", "bash", "--help"}} {
		stdout, _, code := cli(t, "", args...)
		if code != 0 || !strings.Contains(stdout, "Examples:") {
			t.Errorf("%v: exit %d\n%s", args, code, stdout)
		}
	}
}

func TestMockDirKeepsState(t *testing.T) {
	clearCloudinaryEnv(t)
	state := t.TempDir()
	dir := writeFiles(t, map[string]string{"a.txt": "a"})
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	_, stderr, code := cli(t, "", "upload", "--mock-dir", state, "--journal", journal, "-q", dir)
	if code != 0 || !strings.Contains(stderr, "state kept in") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stdout, _, code := cli(t, "", "ls", "--mock-dir", state, "--resource-type", "raw")
	if code != 0 || !strings.Contains(stdout, "a.txt") {
		t.Fatalf("ls after restart: %s", stdout)
	}
	stdout, _, _ = cli(t, "", "upload", "--mock-dir", state, "--journal", journal, "--json", dir)
	if _, sum := resultsByID(t, stdout); sum.Skipped != 1 {
		t.Errorf("journal of a --mock-dir target not reused: %+v", sum)
	}
	// A different target (another mock dir) does not reuse the entries.
	stdout, _, _ = cli(t, "", "upload", "--mock-dir", t.TempDir(), "--journal", journal, "--json", dir)
	if _, sum := resultsByID(t, stdout); sum.Uploaded != 1 {
		t.Errorf("journal entries of another target were used: %+v", sum)
	}
}

// raceReader answers the confirmation question, but first runs late: an
// asset that appears between the count and the answer.
type raceReader struct {
	late   func()
	answer io.Reader
}

func (r *raceReader) Read(p []byte) (int, error) {
	if r.late != nil {
		r.late()
		r.late = nil
	}
	return r.answer.Read(p)
}

func TestRmDeletesExactlyWhatWasConfirmed(t *testing.T) {
	m := startMock(t)
	dir := writeFiles(t, map[string]string{"p/a.txt": "a", "p/b.txt": "b"})
	if _, stderr, code := cli(t, "", "upload", "--no-journal", "-q", "--resource-type", "raw", "--tags", "old", dir); code != 0 {
		t.Fatal(stderr)
	}
	up := upload.New(clientFor(t, m))
	late := func(id string) func() {
		return func() {
			if _, err := up.Upload(context.Background(), upload.FromBytes([]byte(id)), &upload.Params{
				PublicID: id, ResourceType: "raw", Tags: []string{"old"}, Overwrite: upload.Bool(true)}); err != nil {
				t.Error(err)
			}
		}
	}
	rm := func(r io.Reader, args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"rm", "--resource-type", "raw"}, args...), r, &stdout, &stderr)
		return stdout.String(), stderr.String(), code
	}

	stdout, stderr, code := rm(&raceReader{late: late("p/late.txt"), answer: strings.NewReader("yes\n")}, "--prefix", "p/")
	if code != 0 || !strings.Contains(stderr, "Delete 2 assets") || !strings.Contains(stdout, "deleted 2 assets") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	adm := adminFor(t, m)
	left, err := adm.ListResources(context.Background(), &admin.ListResourcesOptions{ResourceType: "raw", Prefix: "p/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Resources) != 1 || left.Resources[0].PublicID != "p/late.txt" {
		t.Fatalf("after rm --prefix: %+v, want only p/late.txt (it was not confirmed)", left.Resources)
	}

	// The same for a tag; --type cannot narrow a delete by tag.
	if _, stderr, code := rm(strings.NewReader(""), "--tag", "old", "--type", "private"); code != exitUsage || !strings.Contains(stderr, "--type does not apply to --tag") {
		t.Fatalf("rm --tag --type: exit %d: %s", code, stderr)
	}
	stdout, stderr, code = rm(&raceReader{late: late("q/late.txt"), answer: strings.NewReader("yes\n")}, "--tag", "old", "--json")
	if code != 0 || !strings.Contains(stderr, "Delete 1 asset ") || !strings.Contains(stdout, `"deleted":1`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	tagged, err := adm.ResourcesByTag(context.Background(), "old", &admin.ResourcesByTagOptions{ResourceType: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tagged.Resources) != 1 || tagged.Resources[0].PublicID != "q/late.txt" {
		t.Fatalf("after rm --tag: %+v, want only q/late.txt", tagged.Resources)
	}
}

// TestUploadQuietKeepsOnlyTheBar: -q with a bar prints no per-file lines,
// only the bar on stderr, the summary and failures; and the biggest file
// is started first.
func TestUploadQuietKeepsOnlyTheBar(t *testing.T) {
	startMock(t)
	dir := writeFiles(t, map[string]string{"a.txt": "a", "big.txt": strings.Repeat("b", 5000), "c.txt": "cc"})
	stdout, stderr, code := cli(t, "", "upload", "--no-journal", "-q", "--progress", "bar", "--concurrency", "1", dir)
	if code != 0 || strings.Contains(stdout, " -> ") || !strings.Contains(stdout, "STATUS") {
		t.Fatalf("exit %d\nstdout %s", code, stdout)
	}
	if !strings.Contains(stderr, "\x1b[J") || !strings.Contains(stderr, "files") {
		t.Errorf("no bar on stderr: %q", stderr)
	}
	stdout, _, _ = cli(t, "", "upload", "--no-journal", "--json", "--concurrency", "1", dir)
	if first, _, _ := strings.Cut(stdout, "\n"); !strings.Contains(first, `"public_id":"big.txt"`) {
		t.Errorf("first file %s, want the largest", first)
	}
}
