package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/upload"
)

// TestE2ERunFlagsShared: upload, pull and sync share one set of run flags
// (runFlags): the same checks with the same messages, --progress-interval
// on each, and the same -q rule (it keeps a live bar and drops the
// per-item lines), and the displays count what the command counts (pull's
// assets). pull and sync used to drop the bar, sync had no
// --progress-interval, and pull's progress counted "files".
func TestE2ERunFlagsShared(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	seedMock(t, m.url, map[string]string{"pf/a.txt": "one", "pf/b.txt": "two"}, upload.Params{ResourceType: "raw"})
	src := t.TempDir()
	for name, content := range map[string]string{"x.txt": "ex", "y.txt": "why"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commands := map[string][]string{
		"upload": {"upload", "--no-journal", src},
		"pull":   {"pull", "pf/", filepath.Join(t.TempDir(), "out")},
		"sync":   {"sync", src, "pfsync"},
	}
	for name, args := range commands {
		t.Run(name, func(t *testing.T) {
			with := func(flags ...string) []string { return append(append([]string{args[0]}, flags...), args[1:]...) }
			for _, tc := range []struct {
				flags []string
				want  string
			}{
				{[]string{"--concurrency", "0"}, "--concurrency 0: use a number between 1 and 1024"},
				{[]string{"--progress", "fancy"}, "--progress=fancy: use auto, bar, plain or none"},
				{[]string{"--progress-interval", "0s"}, "--progress-interval must be positive"},
			} {
				r := runBin(t, env, "", with(tc.flags...)...)
				if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.flags, r.code, r.stderr, tc.want)
				}
			}
			// -q with a bar: the bar is drawn (and erased: ESC [ J) on
			// stderr, no per-item line reaches stdout, the summary does.
			r := runBin(t, env, "", with("-q", "--progress", "bar", "--progress-interval", "1h")...)
			if r.code != 0 || !strings.Contains(r.stderr, "\x1b[J") {
				t.Errorf("-q --progress bar: exit %d, no bar on stderr %q", r.code, r.stderr)
			}
			for _, l := range strings.Split(r.stdout, "\n") {
				if strings.HasPrefix(l, "uploaded  ") || strings.HasPrefix(l, "downloaded ") || strings.HasPrefix(l, "skipped ") {
					t.Errorf("-q printed a per-item line: %q", l)
				}
			}
			noun := map[string]string{"upload": "/2 files", "pull": "/2 assets", "sync": "/2 files"}[name]
			if !strings.Contains(r.stderr, noun) {
				t.Errorf("the bar does not count %q: %q", noun, r.stderr)
			}
			if !strings.Contains(r.stdout, "total") {
				t.Errorf("-q dropped the summary:\n%s", r.stdout)
			}
		})
	}
}
