package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestTagPartlyFailed: a named public ID without an asset makes tag exit 1
// after its summary, naming the ID; an asset that already has (or lacks)
// the tags is no failure.
func TestTagPartlyFailed(t *testing.T) {
	startMock(t)
	dir := writeFiles(t, map[string]string{"a.txt": "a", "b.txt": "b"})
	if _, stderr, code := cli(t, "", "upload", "--no-journal", "-q", "--resource-type", "raw", "--tags", "old", dir); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   string
		stderr   string
		noStderr string
	}{
		{[]string{"add", "cat", "nope"}, exitFailed, "added cat on 0 of 1 asset\n", "nope", ""},
		{[]string{"add", "cat", "a.txt", "nope", "gone"}, exitFailed, "added cat on 1 of 3 assets", "2 public IDs not found as raw (delivery type upload): nope, gone", "a.txt"},
		// a.txt already has cat: unchanged, but it exists.
		{[]string{"add", "cat", "a.txt", "b.txt"}, 0, "added cat on 1 of 2 assets", "", ""},
		// A repeated public ID counts once.
		{[]string{"add", "fish", "a.txt", "a.txt"}, 0, "added fish on 1 of 1 asset\n", "", ""},
		{[]string{"remove", "dog", "a.txt", "nope"}, exitFailed, "removed dog on 0 of 2 assets", "nope", "a.txt"},
		{[]string{"remove", "dog", "a.txt"}, 0, "removed dog on 0 of 1 asset\n", "", ""},
		{[]string{"replace", "z", "b.txt", "nope"}, exitFailed, "set z on 1 of 2 assets", "nope", "b.txt"},
		{[]string{"replace", "z", "b.txt"}, 0, "set z on 0 of 1 asset\n", "", ""},
		// The asset exists, but not as a private one.
		{[]string{"add", "cat", "a.txt", "--type", "private"}, exitFailed, "on 0 of 1", "not found as raw (delivery type private): a.txt", ""},
	} {
		args := append([]string{"tag"}, tc.args...)
		args = append(args, "--resource-type", "raw")
		stdout, stderr, code := cli(t, "", args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) ||
			(tc.noStderr != "" && strings.Contains(stderr, tc.noStderr)) {
			t.Errorf("%v: exit %d, want %d\nstdout %s\nstderr %s", args, code, tc.code, stdout, stderr)
		}
		if tc.code == 0 && stderr != "" {
			t.Errorf("%v: stderr %s", args, stderr)
		}
		if n := strings.Count(stderr, "\n"); n > 1 {
			t.Errorf("%v: %d lines of error", args, n)
		}
		noCanary(t, stdout, stderr)
	}

	// --json prints the object first, with the missed IDs.
	stdout, stderr, code := cli(t, "", "tag", "add", "dog", "a.txt", "nope", "--resource-type", "raw", "--json")
	var v struct {
		PublicIDs []string `json:"public_ids"`
		NotFound  []string `json:"not_found"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if code != exitFailed || fmt.Sprint(v.PublicIDs) != "[a.txt]" || fmt.Sprint(v.NotFound) != "[nope]" || !strings.Contains(stderr, "nope") {
		t.Errorf("tag --json: exit %d %+v\nstderr %s", code, v, stderr)
	}
	stdout, _, code = cli(t, "", "tag", "add", "dog", "a.txt", "--resource-type", "raw", "--json")
	if code != 0 || !strings.Contains(stdout, `"not_found":[]`) {
		t.Errorf("tag --json, nothing missed: exit %d %s", code, stdout)
	}
}

// TestRmPartlyFailed: named public IDs without an asset make rm exit 1
// after its summary; bulk deletes that find fewer assets do not.
func TestRmPartlyFailed(t *testing.T) {
	startMock(t)
	files := map[string]string{}
	for i := range 4 {
		files[fmt.Sprintf("p/%d.txt", i)] = "x"
	}
	dir := writeFiles(t, files)
	if _, stderr, code := cli(t, "", "upload", "--no-journal", "-q", "--resource-type", "raw", dir); code != 0 {
		t.Fatal(stderr)
	}

	stdout, stderr, code := cli(t, "", "rm", "nope", "--resource-type", "raw")
	if code != exitFailed || !strings.Contains(stdout, "deleted 0 assets (1 not found)") || !strings.Contains(stderr, "1 of 1 public IDs not found as raw (delivery type upload): nope") {
		t.Errorf("rm nope: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}

	// Many missed IDs: the message names ten and counts the rest.
	args := []string{"rm", "p/0.txt", "--resource-type", "raw", "--json"}
	for i := range 13 {
		args = append(args, fmt.Sprintf("gone-%02d", i))
	}
	stdout, stderr, code = cli(t, "", args...)
	var v struct {
		Deleted     int      `json:"deleted"`
		NotFound    int      `json:"not_found"`
		NotFoundIDs []string `json:"not_found_ids"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if code != exitFailed || v.Deleted != 1 || v.NotFound != 13 || len(v.NotFoundIDs) != 13 ||
		!strings.Contains(stderr, "13 of 14 public IDs") || !strings.Contains(stderr, "gone-00, gone-01") ||
		!strings.Contains(stderr, "gone-09 and 3 more") || strings.Contains(stderr, "gone-10") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d %+v\nstderr %s", code, v, stderr)
	}

	// All found: exit 0.
	if stdout, stderr, code := cli(t, "", "rm", "p/1.txt", "--resource-type", "raw"); code != 0 || !strings.Contains(stdout, "deleted 1 asset\n") || stderr != "" {
		t.Errorf("rm p/1.txt: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	// Bulk deletes are no failure when they find fewer (or no) assets.
	if stdout, stderr, code := cli(t, "", "rm", "--prefix", "p/", "--resource-type", "raw", "--yes"); code != 0 || !strings.Contains(stdout, "deleted 2 assets") {
		t.Errorf("rm --prefix --yes: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if stdout, stderr, code := cli(t, "", "rm", "--prefix", "p/", "--resource-type", "raw", "--yes", "--json"); code != 0 || strings.Contains(stdout, "not_found_ids") {
		t.Errorf("rm --prefix --yes (nothing left): exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if stdout, _, code := cli(t, "", "rm", "--tag", "none", "--resource-type", "raw"); code != 0 || !strings.Contains(stdout, "nothing to delete") {
		t.Errorf("rm --tag (none): exit %d\nstdout %s", code, stdout)
	}
}

// TestCompletion: the completion command (cobra's, with examples added)
// writes its scripts to the command's output.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"completion", "bash"}, "bash completion V2 for cldrest"},
		{[]string{"completion", "zsh", "--no-descriptions"}, "#compdef cldrest"},
		{[]string{"completion", "fish"}, "fish completion for cldrest"},
		{[]string{"completion", "powershell"}, "powershell completion for cldrest"},
		{[]string{"completion", "fish", "--help"}, "Examples:"},
		{[]string{"__complete", "completion", ""}, "powershell"},
	} {
		stdout, stderr, code := cli(t, "", tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) {
			t.Errorf("%v: exit %d, stdout %.200q, stderr %s", tc.args, code, stdout, stderr)
		}
	}
}

// TestDeliveryTypeValidated: --type takes only Cloudinary's delivery types,
// refused before any I/O (no CLOUDINARY_URL needed) with exit 2.
func TestDeliveryTypeValidated(t *testing.T) {
	clearCloudinaryEnv(t)
	for _, args := range [][]string{
		{"ls", "--type", "bogus"},
		{"ls", "--type", "Upload"},
		{"ls", "--type", ""},
		{"ls", "--type", "upload/x"},
		{"show", "a", "--type", "bogus"},
		{"rm", "a", "--type", "bogus"},
		{"rename", "a", "b", "--type", "bogus"},
		{"tag", "add", "x", "a", "--type", "bogus"},
	} {
		stdout, stderr, code := cli(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "is not a delivery type: use upload, private, authenticated") ||
			strings.Count(stderr, "\n") != 1 || stdout != "" {
			t.Errorf("%v: exit %d\nstdout %s\nstderr %s", args, code, stdout, stderr)
		}
	}
	// Every delivery type passes validation; the resource type is still checked.
	startMock(t)
	for _, typ := range deliveryTypes {
		if stdout, stderr, code := cli(t, "", "ls", "--type", typ); code != 0 || !strings.Contains(stdout, "0 assets") {
			t.Errorf("ls --type %s: exit %d\nstdout %s\nstderr %s", typ, code, stdout, stderr)
		}
	}
	if _, stderr, code := cli(t, "", "ls", "--resource-type", "bogus"); code != exitUsage || !strings.Contains(stderr, "use image, video, raw or all") {
		t.Errorf("ls --resource-type bogus: exit %d %s", code, stderr)
	}
}
