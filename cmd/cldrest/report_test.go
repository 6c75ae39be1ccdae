package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportMergesLatestEntries(t *testing.T) {
	dir := t.TempDir()
	j1 := filepath.Join(dir, "shard-0.jsonl")
	j2 := filepath.Join(dir, "shard-1.jsonl")
	if err := os.WriteFile(j1, []byte(`{"v":1,"time":"2026-12-01T10:00:00Z","target":"demo@x","path":"a.txt","public_id":"a.txt","size":3,"md5":"m","status":"failed","error":"503 boom"}
{"v":1,"time":"2026-12-01T10:00:01Z","target":"demo@x","path":"b.txt","public_id":"b.txt","size":4,"md5":"m","status":"failed","reason":"etag_mismatch","error":"etag differs"}
{"v":1,"time":"2026-12-01T10:00:02Z","target":"other@y","path":"a.txt","public_id":"a.txt","size":3,"md5":"m","status":"exists"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The retry of a.txt in another journal wins by time; a torn last line is ignored.
	if err := os.WriteFile(j2, []byte(`{"v":1,"time":"2026-12-01T11:00:00Z","target":"demo@x","path":"a.txt","public_id":"a.txt","size":3,"md5":"m","status":"uploaded"}
{"v":1,"time":"2026-12-01T11:00:00Z","target":"demo@x","path":"c.txt","public_id":"c.txt","size":5,"md5":"m","status":"skipped","reason":"etag"}
{"v":1,"time":"2026-12-01T11:0`), 0o644); err != nil {
		t.Fatal(err)
	}
	// An earlier entry listed later does not override a newer one.
	j3 := filepath.Join(dir, "old.jsonl")
	if err := os.WriteFile(j3, []byte(`{"v":1,"time":"2026-12-01T09:00:00Z","target":"demo@x","path":"c.txt","public_id":"c.txt","size":5,"md5":"m","status":"failed","error":"old"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "", "report", "--json", j1, j2, j3)
	if code != 1 || !strings.Contains(errOut, "1 of 4 files failed") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var s reportSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Files != 4 || s.Uploaded != 1 || s.Skipped != 1 || s.Exists != 1 || s.Failed != 1 || s.Bytes != 15 ||
		len(s.FailedFiles) != 1 || s.FailedFiles[0].PublicID != "b.txt" || s.FailedFiles[0].Reason != "etag_mismatch" ||
		len(s.Targets) != 2 || s.Journals[1].Torn != 1 || s.Journals[1].Entries != 2 || s.ExitCode != 1 {
		t.Fatalf("%+v", s)
	}
	out, _, _ = cli(t, "", "report", j1, j2, j3)
	for _, want := range []string{"3 journals, 2 targets: demo@x, other@y", "ignored 1 unreadable line (cut short by a crash)", "failed in their latest run:", "b.txt -> b.txt: etag differs"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}

	// Not a journal, a directory, a missing file: exit 2 with one line.
	img := filepath.Join("..", "..", "testdata", "images", "beach.jpg")
	for _, tc := range []struct{ arg, want string }{
		{img, "is not a cldrest journal"},
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.jsonl"), "no such file"},
	} {
		_, errOut, code := cli(t, "", "report", tc.arg)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("report %s: exit %d, %q", tc.arg, code, errOut)
		}
	}
}
