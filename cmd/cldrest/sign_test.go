package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

const signCanary = "CANARY-cli-5ecret-91b"

// runCLI runs the CLI in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// clearCloudinaryEnv empties every variable the configuration reads
// (client.EnvVars, the one list).
func clearCloudinaryEnv(t *testing.T) {
	for _, k := range client.EnvVars {
		t.Setenv(k, "")
	}
}

func TestSignText(t *testing.T) {
	clearCloudinaryEnv(t)
	out, errOut, code := runCLI(t, "sign", "--api-secret", "abcd", "--timestamp", "1315060510",
		"public_id=sample_image", "eager=w_400,h_300,c_pad|w_260,h_200,c_crop", "file=ignored.jpg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "signature: bfd09f95f331f558cbd1320e67aa8d488770583e\ntimestamp: 1315060510\n" +
		"string_to_sign: eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestSignJSONFromEnv(t *testing.T) {
	clearCloudinaryEnv(t)
	t.Setenv("CLOUDINARY_URL", "cloudinary://key:secret@test123?signature_algorithm=sha256")
	out, errOut, code := runCLI(t, "sign", "--json", "--timestamp", "123456789")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got signOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %q", out)
	}
	// Spec vector A8: timestamp=123456789, secret "secret", SHA-256.
	want := signOutput{Signature: "06dbb2b05a8fdce468026e104596e6b8009dee3d08a6a62956ee7fef9aef8c74", Timestamp: "123456789", StringToSign: "timestamp=123456789", APIKey: "key"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Flags override the environment; version 1 leaves & unescaped.
	out, _, _ = runCLI(t, "sign", "--json", "--signature-version", "1", "--algorithm", "sha1", "--api-secret", "testsecret",
		"public_id=tests/logo&version=2", "version=123456")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Signature == "" || got.StringToSign != "public_id=tests/logo&version=2&timestamp="+got.Timestamp+"&version=123456" {
		t.Errorf("v1 string = %q", got.StringToSign)
	}
	out, _, _ = runCLI(t, "sign", "--json", "--algorithm", "sha1", "--api-secret", "testsecret", "--timestamp", "1",
		"public_id=tests/logo&version=2", "version=123456")
	json.Unmarshal([]byte(out), &got)
	if got.StringToSign != "public_id=tests/logo%26version=2&timestamp=1&version=123456" {
		t.Errorf("v2 string = %q", got.StringToSign)
	}
}

func TestSignBadInput(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		args    []string
		wantMsg string
	}{
		{"no equals", "", []string{"sign", "--api-secret", signCanary, "public_id"}, "not key=value"},
		{"empty key", "", []string{"sign", "--api-secret", signCanary, "=x"}, "not key=value"},
		{"unknown algorithm", "", []string{"sign", "--api-secret", signCanary, "--algorithm", "md5", "a=b"}, "use sha1 or sha256"},
		{"bad version", "", []string{"sign", "--api-secret", signCanary, "--signature-version", "3", "a=b"}, "use 1 or 2"},
		{"missing secret", "", []string{"sign", "a=b"}, "no API secret"},
		{"wrong scheme", "https://key:" + signCanary + "@demo", []string{"sign", "a=b"}, "scheme must be cloudinary://"},
		{"no cloud name", "cloudinary://key:" + signCanary + "@", []string{"sign", "a=b"}, "cloud_name"},
		{"bad escape", "cloudinary://key:" + signCanary + "%zz@demo", []string{"sign", "a=b"}, "percent-escape"},
		// Malformed credentials: the message says where, never what.
		{"semicolon for colon", "cloudinary://key;" + signCanary + "@demo", []string{"sign", "a=b"}, "no ':' between the API key and the API secret"},
		{"secret alone", "cloudinary://" + signCanary + "@demo", []string{"sign", "a=b"}, "characters 14-34"},
		{"key and secret glued", "cloudinary://key" + signCanary + "@demo", []string{"sign", "a=b"}, "no ':'"},
		{"slash in secret", "cloudinary://key:1/" + signCanary + "@demo", []string{"sign", "a=b"}, "at position 19 ends the credentials early"},
		{"secret in an option", "cloudinary://key:s@demo?timeout=" + signCanary, []string{"sign", "a=b"}, "position 33"},
		{"timestamps disagree", "", []string{"sign", "--api-secret", signCanary, "--timestamp", "5", "timestamp=6"}, "disagree"},
		{"bad timestamp", "", []string{"sign", "--api-secret", signCanary, "timestamp=soon"}, "Unix time"},
		{"curl missing file", "cloudinary://key:" + signCanary + "@demo", []string{"sign", "--curl", "/nonexistent/file.jpg", "a=b"}, "no such file"},
		{"curl directory", "cloudinary://key:" + signCanary + "@demo", []string{"sign", "--curl", os.TempDir(), "a=b"}, "not a regular file"},
		{"curl without cloud", "", []string{"sign", "--api-secret", signCanary, "--api-key", "k", "--curl", "sign.go"}, "cloud name"},
		{"curl bad resource type", "cloudinary://key:" + signCanary + "@demo", []string{"sign", "--curl", "sign.go", "--resource-type", "pdf"}, "resource-type"},
		{"unknown flag", "", []string{"sign", "--nope"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearCloudinaryEnv(t)
			t.Setenv("CLOUDINARY_URL", tt.env)
			out, errOut, code := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tt.wantMsg) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr %q, want one line containing %q", errOut, tt.wantMsg)
			}
			if strings.Contains(out+errOut, signCanary) {
				t.Errorf("secret leaked: %q %q", out, errOut)
			}
		})
	}
}

// Signing needs only the secret: a configuration without an API key (in
// CLOUDINARY_URL or the separate variables) still signs.
func TestSignWithSecretOnly(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"url":       {"CLOUDINARY_URL": "cloudinary://:abcd@demo"},
		"variables": {"CLOUDINARY_CLOUD_NAME": "demo", "CLOUDINARY_API_SECRET": "abcd"},
	} {
		t.Run(name, func(t *testing.T) {
			clearCloudinaryEnv(t)
			for k, v := range env {
				t.Setenv(k, v)
			}
			out, errOut, code := runCLI(t, "sign", "--timestamp", "1315060510", "public_id=sample_image", "eager=w_400,h_300,c_pad|w_260,h_200,c_crop")
			if code != 0 || !strings.Contains(out, "signature: bfd09f95f331f558cbd1320e67aa8d488770583e") {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestSignNeverPrintsSecret runs every output path with a canary secret.
func TestSignNeverPrintsSecret(t *testing.T) {
	clearCloudinaryEnv(t)
	t.Setenv("CLOUDINARY_URL", "cloudinary://key:"+signCanary+"@demo?upload_prefix=http://127.0.0.1:1")
	file := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(file, []byte("x"), 0o600)
	for _, args := range [][]string{
		{"sign", "a=b"},
		{"sign", "--json", "a=b"},
		{"sign", "--curl", file, "a=b"},
		{"sign", "--help"},
		{"sign", "--api-secret", signCanary, "--json", "secret=" + "x"},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
		if strings.Contains(out+errOut, signCanary) {
			t.Errorf("%v leaked the secret: %s%s", args, out, errOut)
		}
	}
}

// TestSignCurlUploads runs the generated cURL command with sh -c against a
// server that checks the signature by the spec's rules and the file bytes.
func TestSignCurlUploads(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is required for this test (apt-get install curl)")
	}
	clearCloudinaryEnv(t)
	const secret = "s3cr'et \"x\""
	fileBody := []byte("hello cloudinary \x00\xff")
	dir := t.TempDir()
	file := filepath.Join(dir, `my photo; "quoted", $HOME 'x'.jpg`)
	if err := os.WriteFile(file, fileBody, 0o600); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		path      string
		params    map[string][]string
		file      []byte
		verified  bool
		signature string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		data, _ := io.ReadAll(f)
		params := r.MultipartForm.Value
		ok := signer.Verify(params, secret, r.FormValue("signature"))
		got <- seen{path: r.URL.Path, params: params, file: data, verified: ok, signature: r.FormValue("signature")}
		if !ok {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"message":"Invalid Signature"}}`)
			return
		}
		io.WriteString(w, `{"public_id":"ok"}`)
	}))
	defer srv.Close()
	t.Setenv("CLOUDINARY_URL", "cloudinary://key:"+strings.NewReplacer("'", "%27", "\"", "%22", " ", "%20").Replace(secret)+"@test123?upload_prefix="+srv.URL)
	out, errOut, code := runCLI(t, "sign", "--curl", file, "--resource-type", "raw",
		"public_id=folder/my file's ü", "context=caption=a & b|alt=@home", "tags=a,b", "notification_url=https://h/cb?a=1&b=2", "folder=")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, secret) {
		t.Fatal("secret in the command")
	}
	cmd := exec.Command("sh", "-c", out)
	cmdOut, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("curl failed: %v\n%s\ncommand: %s", err, cmdOut, out)
	}
	s := <-got
	if !s.verified {
		t.Fatalf("server rejected signature %s; params %v", s.signature, s.params)
	}
	if s.path != "/v1_1/test123/raw/upload" {
		t.Errorf("path = %s", s.path)
	}
	if !bytes.Equal(s.file, fileBody) {
		t.Errorf("file bytes = %q", s.file)
	}
	for k, want := range map[string]string{"public_id": "folder/my file's ü", "context": "caption=a & b|alt=@home", "api_key": "key"} {
		if g := s.params[k]; len(g) != 1 || g[0] != want {
			t.Errorf("%s = %q, want %q", k, g, want)
		}
	}
	if _, sent := s.params["folder"]; sent {
		t.Error("empty parameter was sent")
	}
	if !strings.Contains(string(cmdOut), `"public_id":"ok"`) {
		t.Errorf("curl output = %s", cmdOut)
	}
}

// A file Cloudinary would refuse in one request still gets its command,
// with a warning on stderr that names the way that works.
func TestSignCurlWarnsAboveMaxUploadSize(t *testing.T) {
	clearCloudinaryEnv(t)
	t.Setenv("CLOUDINARY_URL", "cloudinary://key:"+signCanary+"@demo")
	dir := t.TempDir()
	for _, tc := range []struct {
		size int64
		warn bool
	}{{client.MaxUploadSize, false}, {client.MaxUploadSize + 1, true}} {
		file := filepath.Join(dir, fmt.Sprint(tc.size))
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(file, tc.size); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, "sign", "--curl", file, "a=b")
		if code != 0 || !strings.HasPrefix(out, "curl ") {
			t.Fatalf("%d bytes: exit %d\n%s%s", tc.size, code, out, errOut)
		}
		if got := strings.Contains(errOut, "without chunks, so use `cldrest upload`"); got != tc.warn {
			t.Errorf("%d bytes: warning %v, want %v: %q", tc.size, got, tc.warn, errOut)
		}
	}
}

// A name given both plain and as an array (tags=7 and tags[]=8) signs one
// way on every run, in signer's documented order (plain value first), in
// process and as the built binary.
func TestSignMixedArrayFormsIsDeterministic(t *testing.T) {
	clearCloudinaryEnv(t)
	args := []string{"sign", "--api-secret", "abcd", "--timestamp", "1700000000", "tags=7", "tags[]=8"}
	want := "signature: " + signer.SignString("tags=7,8&timestamp=1700000000", "abcd", signer.SHA1) + "\n" +
		"timestamp: 1700000000\nstring_to_sign: tags=7,8&timestamp=1700000000\n"
	for i := range 50 { // map orders differ from run to run
		out, errOut, code := runCLI(t, args...)
		if code != 0 || out != want {
			t.Fatalf("run %d: exit %d\n%s%s\nwant\n%s", i, code, out, errOut, want)
		}
	}
	for i := range 3 { // each a new process, with its own map seed
		cmd := exec.Command(e2eBin, args...)
		cmd.Env = e2eEnv("")
		out, err := cmd.Output()
		if err != nil || string(out) != want {
			t.Fatalf("binary run %d: %v\n%s\nwant\n%s", i, err, out, want)
		}
	}
}
