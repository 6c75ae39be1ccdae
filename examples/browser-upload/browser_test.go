package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
)

// findBrowser returns a Chromium or Chrome executable. Outside CI the test
// skips when there is none; in CI (CI set) a missing browser fails it.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found, and CI is set: install it (apt-get install -y chromium), as .ci/run does")
	}
	t.Skip("no Chromium found (install the chromium package to run the browser test)")
	return ""
}

// startApp runs the example against an in-process mock and returns the
// mock, the app's URL and its log.
func startApp(t *testing.T) (*mockserver.Running, string, *lockedLog) {
	t.Helper()
	m := mockserver.Start(t, mockserver.WithCredentials("key123", "CANARY-browser-s3cret"))
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedLog{}
	app, err := newApp(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return m, srv.URL, logs
}

// TestBrowserUpload drives headless Chromium through the page: pick an
// image, upload it straight to the mock's Upload API (CORS, progress), see
// the thumbnail load; the asset is in the visitor's folder with the forced
// tags. Then the page, turned hostile, asks for refused parameters.
func TestBrowserUpload(t *testing.T) {
	browser := findBrowser(t)
	m, appURL, logs := startApp(t)

	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 200, 255})
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "gradient.png")
	if err := os.WriteFile(file, pngBuf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// The first Run starts the browser; the timeout bounds the steps after it.
	if err := chromedp.Do(ctx, chromedp.Navigate(appURL)); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	messages := chromedp.Console(ctx)
	stepCtx, cancelSteps := context.WithTimeout(ctx, 60*time.Second)
	defer cancelSteps()
	defer func() {
		if t.Failed() {
			logConsole(t, messages)
			t.Logf("app log:\n%s", logs.String())
		}
	}()

	err := chromedp.Do(stepCtx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.SendKeys(chromedp.ID("tags"), "holiday"),
		chromedp.Click(chromedp.ID("upload")),
	)
	if err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(stepCtx, chromedp.Poll[string](`["done", "error"].includes(document.body.dataset.state) && document.body.dataset.state`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the upload: %v", err)
	}
	status, _ := chromedp.Run(stepCtx, chromedp.Text(chromedp.ID("status")))
	if state != "done" {
		t.Fatalf("the page ended in state %q: %s", state, status)
	}
	type pageResult struct {
		NaturalWidth  int     `json:"naturalWidth"`
		NaturalHeight int     `json:"naturalHeight"`
		Complete      bool    `json:"complete"`
		Src           string  `json:"src"`
		Progress      float64 `json:"progress"`
		PublicID      string  `json:"publicID"`
	}
	got, err := chromedp.Run(stepCtx, chromedp.Evaluate[pageResult](`(() => {
		const img = document.getElementById("thumb");
		return {naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, complete: img.complete, src: img.src,
			progress: document.getElementById("progress").value, publicID: window.lastUpload.public_id};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	// The mock renders the transformation: the thumbnail is really 150×150.
	if !got.Complete || got.NaturalWidth != 150 || got.NaturalHeight != 150 {
		t.Errorf("thumbnail is not the rendered 150x150 c_fill: %+v", got)
	}
	if !strings.HasPrefix(got.Src, m.URL+"/"+m.Cloud()+"/image/upload/c_fill,w_150,h_150/v") {
		t.Errorf("thumbnail URL %s is not the transformation URL on the mock", got.Src)
	}
	if got.Progress != 1 {
		t.Errorf("progress bar at %v after the upload", got.Progress)
	}
	if !strings.Contains(status, got.PublicID) {
		t.Errorf("status %q does not name %s", status, got.PublicID)
	}

	// The asset is where the policy put it, with its tags.
	folder, id, ok := strings.Cut(got.PublicID, "/")
	visitor, rest, ok2 := strings.Cut(id, "/")
	if !ok || !ok2 || folder != "browser-upload" || !strings.HasPrefix(visitor, "v") || len(rest) != 20 {
		t.Fatalf("public ID %q is not browser-upload/<visitor>/<generated>", got.PublicID)
	}
	asset := adminGet(t, m, "/resources/image/upload/"+got.PublicID)
	if asset["asset_folder"] != "browser-upload/"+visitor || asset["width"] != 64.0 || asset["format"] != "png" {
		t.Errorf("asset in the mock: %v", asset)
	}
	var tags []string
	for _, tag := range asset["tags"].([]any) {
		tags = append(tags, tag.(string))
	}
	if !slices.Equal(tags, []string{"holiday", "browser-upload"}) {
		t.Errorf("tags %v, want the visitor's and the forced one", tags)
	}
	if !strings.Contains(logs.String(), "caller="+visitor) {
		t.Errorf("no audit line for %s:\n%s", visitor, logs.String())
	}

	// A hostile page script asks for what the policy refuses.
	type refusal struct {
		Status int    `json:"status"`
		Param  string `json:"param"`
		Reason string `json:"reason"`
	}
	for _, tc := range []struct{ body, param string }{
		{`{"overwrite": true}`, "overwrite"},
		{`{"notification_url": "https://attacker.example/hook"}`, "notification_url"},
		{`{"public_id": "browser-upload/someone-else/x"}`, "public_id"},
		{`{"folder": "elsewhere"}`, "folder"},
		{`{"params_to_sign": {"eval": "upload_options.tags = 'pwned'"}}`, "eval"},
	} {
		r, err := chromedp.Run(stepCtx, chromedp.Evaluate[refusal](`fetch("/api/sign", {method: "POST",
			headers: {"Content-Type": "application/json"}, body: JSON.stringify(`+tc.body+`)})
			.then(r => r.json().then(b => ({status: r.status, param: b.error && b.error.param, reason: b.error && b.error.reason})))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status < 400 || r.Status > 499 || r.Param != tc.param || r.Reason == "" {
			t.Errorf("hostile %s: %+v", tc.body, r)
		}
	}
	if strings.Contains(logs.String(), "CANARY-browser-s3cret") {
		t.Error("the secret is in the app's log")
	}
}

// logConsole writes what the page logged, to explain a failure.
func logConsole(t *testing.T, messages func(func(chromedp.ConsoleMessage, error) bool)) {
	deadline := time.After(time.Second)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg, err := range messages {
			if err != nil {
				return
			}
			t.Logf("console %s: %s", msg.Type, msg.Text)
		}
	}()
	select {
	case <-done:
	case <-deadline:
	}
}

func adminGet(t *testing.T, m *mockserver.Running, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.APIBase()+path, nil)
	req.SetBasicAuth("key123", "CANARY-browser-s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return out
}
