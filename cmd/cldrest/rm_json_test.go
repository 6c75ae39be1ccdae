package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/upload"
)

// TestE2ERmJSONStdoutIsJSON: with --json, rm's stdout is its JSON answer
// alone; the list a bulk delete confirms, and "nothing to delete", go to
// stderr (790c28e moved them to stdout for every mode, so rm --json
// --prefix printed text lines before its JSON object).
func TestE2ERmJSONStdoutIsJSON(t *testing.T) {
	t.Parallel()
	m := startMockInProc(t)
	env := e2eEnv(m.url)
	assets := map[string]string{}
	for i := range 3 {
		assets[fmt.Sprintf("jtmp/f%02d.txt", i)] = "x"
	}
	seedMock(t, m.url, assets, upload.Params{ResourceType: "raw"})
	r := runBinStdin(t, env, "yes\n", "rm", "--json", "--prefix", "jtmp/")
	var got struct {
		Deleted int `json:"deleted"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 || got.Deleted != 3 {
		t.Errorf("rm --json --prefix: exit %d, stdout is not one JSON object (%v):\n%s", r.code, err, r.stdout)
	}
	if strings.Count(r.stderr, "  jtmp/f") != 3 || !strings.Contains(r.stderr, "Delete 3 assets") {
		t.Errorf("stderr should hold the list and the question:\n%s", r.stderr)
	}
	r = runBinStdin(t, env, "", "rm", "--json", "--tag", "none", "--resource-type", "raw")
	if r.code != 0 || strings.Contains(r.stdout, "nothing to delete") || !strings.Contains(r.stderr, "nothing to delete") {
		t.Errorf("rm --json --tag none: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
