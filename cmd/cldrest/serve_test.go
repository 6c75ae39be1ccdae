package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
)

// TestE2EServe runs "cldrest serve --mock" as a binary: a caller with a
// token gets a signature, uploads with it into the in-process mock, and the
// asset carries the forced folder and tags; a refused parameter is a 403
// naming it; SIGTERM stops the server cleanly.
func TestE2EServe(t *testing.T) {
	t.Parallel()
	policy := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(policy, []byte(`{"allow":["tags"],"public_ids":{"prefix":"e2e/{caller}/"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(e2eBin, "serve", "--mock", "--policy", policy, "--allow", "context", "--folder", "serve",
		"--tags", "e2e", "--token", "tok-1=alice", "--resource-type", "image", "--allow-origin", "http://localhost:3000")
	cmd.Env = e2eEnv("")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr apitest.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	read := func(prefix string) string {
		t.Helper()
		select {
		case l := <-lines:
			v, ok := strings.CutPrefix(l, prefix)
			if !ok {
				t.Fatalf("stdout line %q, want %s...; stderr: %s", l, prefix, stderr.String())
			}
			return v
		case <-time.After(30 * time.Second):
			t.Fatalf("serve printed no %s; stderr: %s", prefix, stderr.String())
			return ""
		}
	}
	signURL, cldURL := read("SIGN_URL="), read("CLOUDINARY_URL=")
	if !strings.HasPrefix(signURL, "http://127.0.0.1:") || !strings.HasSuffix(signURL, "/sign") {
		t.Fatalf("SIGN_URL %q", signURL)
	}
	mockURL, err := url.Parse(cldURL)
	if err != nil {
		t.Fatal(err)
	}
	prefix := mockURL.Query().Get("upload_prefix")

	sign := func(token, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, signURL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Origin", "http://localhost:3000")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
			t.Errorf("--allow-origin: Access-Control-Allow-Origin %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	status, sig := sign("tok-1", `{"tags":"a","context":"k=v","public_id":"e2e/alice/pic"}`)
	if status != http.StatusForbidden {
		t.Fatalf("public_id is not allowed, yet: %d %v", status, sig)
	}
	status, sig = sign("tok-1", `{"tags":"a","context":"k=v"}`)
	if status != http.StatusOK || sig["upload_url"] != prefix+"/v1_1/demo/image/upload" {
		t.Fatalf("sign: %d %v", status, sig)
	}
	params := sig["params"].(map[string]any)
	id, _ := params["public_id"].(string)
	if !strings.HasPrefix(id, "e2e/alice/") || params["folder"] != "serve" || params["tags"] != "a,e2e" {
		t.Fatalf("signed params %v", params)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range params {
		_ = mw.WriteField(k, v.(string))
	}
	_ = mw.WriteField("api_key", sig["api_key"].(string))
	_ = mw.WriteField("signature", sig["signature"].(string))
	fw, _ := mw.CreateFormFile("file", "pic.gif")
	_, _ = fw.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	_ = mw.Close()
	resp, err := http.Post(sig["upload_url"].(string), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest(http.MethodGet, prefix+"/v1_1/demo/resources/image/upload/serve/"+id, nil)
	pw, _ := mockURL.User.Password()
	req.SetBasicAuth(mockURL.User.Username(), pw)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var asset map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&asset)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || asset["asset_folder"] != "serve" || !strings.Contains(strings.Join(strs(asset["tags"]), ","), "e2e") {
		t.Errorf("asset in the mock: %d %v", resp.StatusCode, asset)
	}

	if status, ref := sign("tok-1", `{"notification_url":"https://evil.example/x"}`); status != http.StatusForbidden || !strings.Contains(ref["error"].(map[string]any)["message"].(string), "notification_url") {
		t.Errorf("hostile parameter: %d %v", status, ref)
	}
	if status, _ := sign("stolen", `{"tags":"a"}`); status != http.StatusUnauthorized {
		t.Errorf("unknown token: %d", status)
	}

	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	errs := stderr.String()
	for _, want := range []string{"signing uploads to cloud demo", "forced: folder=serve, tags=e2e", `msg="directupload: signed" caller=alice`, "param=notification_url", "cldrest serve: stopped"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, pw) || strings.Contains(errs, sig["signature"].(string)) {
		t.Errorf("stderr shows the secret or a signature:\n%s", errs)
	}
}

func TestServeUsageErrors(t *testing.T) {
	clearCloudinaryEnv(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"alow":["tags"]}`), 0o600)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"serve", "--allow", "tags"}, "no Cloudinary configuration"},
		{[]string{"serve", "--mock", "--policy", bad}, `unknown field "alow"`},
		{[]string{"serve", "--mock", "--policy", "/nonexistent/p.json"}, "--policy"},
		{[]string{"serve", "--mock", "--force", "folder"}, "not name=value"},
		{[]string{"serve", "--mock", "--allow", "timestamp"}, "the server sets it"},
		{[]string{"serve", "--mock", "--folder", "x/{user}"}, "placeholder"},
		{[]string{"serve", "--mock", "--path", "sign"}, "must start with /"},
		{[]string{"serve", "--mock", "--allow-origin", "localhost:3000"}, "not an origin"},
		{[]string{"serve", "--mock", "--addr", "256.0.0.1:x"}, "cannot listen"},
		{[]string{"serve", "--mock", "--token", "=alice"}, "--token"},
	} {
		stdout, stderr, code := cli(t, "", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.msg) || strings.Contains(stdout, "SIGN_URL") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr)
		}
	}
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
