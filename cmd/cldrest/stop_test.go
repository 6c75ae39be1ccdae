package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

func TestStopAdvice(t *testing.T) {
	netErr := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	emfile := fmt.Errorf("upload: %w", &fs.PathError{Op: "open", Path: "a.jpg", Err: syscall.EMFILE})
	tests := []struct {
		name      string
		err       error
		advice    string // "" : not a global failure
		immediate bool
		retryable bool
	}{
		{"401", &client.APIError{StatusCode: 401, Message: "Invalid Signature"}, "rejected the credentials", true, false},
		{"403", &client.APIError{StatusCode: 403}, "refused access", true, false},
		{"stale clock", &client.APIError{StatusCode: 400, Message: "Stale request - reported time is 1 which is more than 1 hour ago"}, "clock", true, false},
		{"other 400", &client.APIError{StatusCode: 400, Message: "Invalid image file"}, "", false, false},
		{"503", &client.APIError{StatusCode: 503}, "", false, true},
		{"network", fmt.Errorf("cloudinary: POST: %w", netErr), "cannot reach the API host", false, true},
		{"too many open files", emfile, "", false, true},
		{"canceled", context.Canceled, "", false, false},
	}
	for _, tt := range tests {
		advice, immediate := stopAdvice(tt.err)
		if (tt.advice == "") != (advice == "") || !strings.Contains(advice, tt.advice) || immediate != tt.immediate {
			t.Errorf("%s: stopAdvice = %q, %v; want %q, %v", tt.name, advice, immediate, tt.advice, tt.immediate)
		}
		if got := retryable(tt.err); got != tt.retryable {
			t.Errorf("%s: retryable = %v, want %v", tt.name, got, tt.retryable)
		}
	}
}

// TestTooManyOpenFilesAdvice: EMFILE/ENFILE from opening a file say to
// lower --concurrency and stay retryable (and the breaker ignores them).
func TestTooManyOpenFilesAdvice(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE} {
		err := withFDAdvice(fmt.Errorf("upload: %w", &fs.PathError{Op: "open", Path: "a.jpg", Err: errno}))
		if !strings.Contains(err.Error(), "lower --concurrency") || !errors.Is(err, errno) || !retryable(err) {
			t.Errorf("%v: %v (retryable %v)", errno, err, retryable(err))
		}
	}
	if err := withFDAdvice(fs.ErrPermission); strings.Contains(err.Error(), "concurrency") {
		t.Errorf("advice on another error: %v", err)
	}
}

// TestUploadCollisionsAndKeepExtension: every collision is named in one
// error before anything is sent; --keep-extension resolves them.
func TestUploadCollisionsAndKeepExtension(t *testing.T) {
	startMock(t)
	dir := writeFiles(t, map[string]string{"a.jpg": "1", "a.png": "2", "b.gif": "3", "b.webp": "4"})
	_, stderr, code := cli(t, "", "upload", "--no-journal", dir)
	if code != exitUsage || !strings.Contains(stderr, "2 public ID collisions") || !strings.Contains(stderr, `"a"`) || !strings.Contains(stderr, `"b"`) || !strings.Contains(stderr, "--keep-extension") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stdout, stderr, code := cli(t, "", "upload", "--no-journal", "--json", "--keep-extension", dir)
	res, sum := resultsByID(t, stdout)
	if code != 0 || sum.Uploaded != 4 || res["a.jpg"].Status != "uploaded" || res["b.webp"].Status != "uploaded" {
		t.Fatalf("exit %d %+v %v: %s", code, sum, res, stderr)
	}
}

// TestPreflight: a rejected key stops the job before the first upload; a
// key refused the Admin API (403) or a busy API (503) does not.
func TestPreflight(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   int
	}{{401, exitUsage}, {403, 0}, {503, 0}} {
		m := startMock(t)
		if _, err := m.AddFault(mockserver.Fault{Route: "admin/*", Kind: mockserver.FaultStatus, Status: tt.status, Message: "no"}); err != nil {
			t.Fatal(err)
		}
		dir := writeFiles(t, map[string]string{"a.txt": "a"})
		_, stderr, code := cli(t, "", "upload", "--no-journal", "--retry-wait", "0", dir)
		if code != tt.code || (tt.code != 0 && !strings.Contains(stderr, "before uploading")) {
			t.Errorf("ping %d: exit %d, want %d: %s", tt.status, code, tt.code, stderr)
		}
		n := 0
		for _, e := range m.Journal() {
			if e.Route == "upload/upload" {
				n++
			}
		}
		if (n == 0) != (tt.code != 0) {
			t.Errorf("ping %d: %d uploads", tt.status, n)
		}
	}
}

// TestPullSyncPreflight: pull and sync check the credentials before
// listing, as upload does: a rejected key exits 2 with the advice line and
// no search request is made.
func TestPullSyncPreflight(t *testing.T) {
	for _, args := range [][]string{{"pull", "x", "before downloading"}, {"sync", "", "x", "before syncing"}} {
		want := args[len(args)-1]
		args = args[:len(args)-1]
		m := startMock(t)
		if _, err := m.AddFault(mockserver.Fault{Route: "admin/ping", Kind: mockserver.FaultStatus, Status: 401, Message: "no"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		argv := append([]string{}, args...)
		if argv[0] == "pull" {
			argv = append(argv, dir)
		} else {
			argv[1] = dir
		}
		_, stderr, code := cli(t, "", argv...)
		if code != exitUsage || !strings.Contains(stderr, "rejected the credentials") || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, want %d with advice %q: %s", args[0], code, exitUsage, want, stderr)
		}
		for _, e := range m.Journal() {
			if strings.Contains(e.Route, "search") {
				t.Errorf("%s: searched after the preflight failed", args[0])
			}
		}
	}
}
