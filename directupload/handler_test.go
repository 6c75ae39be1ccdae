package directupload_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/signer"
)

// TestSignedUploadLandsInMock signs through the HTTP handler, uploads the
// file with exactly those parameters to the mock, and finds the asset with
// the folder and tags the policy forced.
func TestSignedUploadLandsInMock(t *testing.T) {
	m, cfg := startMock(t)
	var logs apitest.Buffer
	h, err := directupload.NewHandler(cfg, directupload.Policy{
		Allow:     []string{"tags", "public_id", "context"},
		Force:     map[string]string{"folder": "users/{caller}", "tags": "browser"},
		PublicIDs: directupload.PublicIDs{Pattern: `[a-z0-9_-]{1,40}`},
	}, directupload.WithAuthenticator(directupload.BearerTokens(map[string]string{"tok-alice": "alice"})),
		directupload.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	status, body := postJSON(t, srv.URL, "tok-alice", `{"public_id":"kitten","tags":["cats","cute"],"context":"alt=a cat"}`)
	if status != http.StatusOK {
		t.Fatalf("sign: %d %v", status, body)
	}
	var sig directupload.Signature
	b, _ := json.Marshal(body)
	if err := json.Unmarshal(b, &sig); err != nil {
		t.Fatal(err)
	}
	if sig.APIKey != "key123" || sig.CloudName != m.Cloud() || sig.UploadURL != m.APIBase()+"/auto/upload" || sig.ResourceType != "auto" {
		t.Errorf("signature answer %+v", sig)
	}
	want := map[string]string{"public_id": "kitten", "tags": "cats,cute,browser", "context": "alt=a cat",
		"folder": "users/alice", "overwrite": "false", "timestamp": sig.Timestamp}
	if !mapsEqual(sig.Params, want) {
		t.Errorf("signed params %v, want %v", sig.Params, want)
	}
	if ts, _ := strconv.ParseInt(sig.Timestamp, 10, 64); time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Errorf("timestamp %s is not the server's now", sig.Timestamp)
	}
	if !signer.Verify(sig.Form(), canary, sig.Signature) {
		t.Error("signature does not verify")
	}

	status, asset := upload(t, &sig, nil, "kitten.png", pngFile(t, 8, 6))
	if status != http.StatusOK {
		t.Fatalf("upload with the signed params: %d %v", status, asset)
	}
	if asset["public_id"] != "users/alice/kitten" || asset["width"] != 8.0 {
		t.Errorf("uploaded asset %v", asset)
	}
	stored := resource(t, m, "users/alice/kitten")
	if got := strs(stored["tags"]); !slices.Equal(got, []string{"cats", "cute", "browser"}) {
		t.Errorf("stored tags %v", got)
	}
	if stored["asset_folder"] != "users/alice" {
		t.Errorf("stored asset_folder %v, want the forced users/alice", stored["asset_folder"])
	}

	// One parameter more than was signed and the mock refuses it.
	status, refused := upload(t, &sig, url.Values{"overwrite": {"true"}}, "kitten.png", pngFile(t, 8, 6))
	if status != http.StatusUnauthorized {
		t.Errorf("upload with an unsigned change: %d %v", status, refused)
	}

	line := logs.String()
	if !strings.Contains(line, `"caller":"alice"`) || !strings.Contains(line, `"signed":"context=alt=a cat&folder=users/alice&overwrite=false&public_id=kitten&tags=cats,cute,browser&timestamp=`) {
		t.Errorf("audit line does not say who signed what: %s", line)
	}
	if strings.Contains(line, sig.Signature) {
		t.Error("the audit line carries the signature, a bearer credential")
	}
}

// TestOverwriteNeverByDefault: signed uploads overwrite by default, so the
// service signs overwrite=false unless the policy allows overwrite.
func TestOverwriteNeverByDefault(t *testing.T) {
	m, cfg := startMock(t)
	h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: []string{"public_id"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, err := h.Sign(ctx, directupload.Caller{ID: "a"}, url.Values{"public_id": {"logo"}})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := upload(t, first, nil, "a.png", pngFile(t, 4, 4)); status != http.StatusOK {
		t.Fatalf("first upload: %d %v", status, body)
	}
	second, err := h.Sign(ctx, directupload.Caller{ID: "mallory"}, url.Values{"public_id": {"logo"}})
	if err != nil {
		t.Fatal(err)
	}
	status, body := upload(t, second, nil, "b.png", pngFile(t, 9, 9))
	if status != http.StatusOK || body["existing"] != true {
		t.Fatalf("second upload to the same public ID: %d %v", status, body)
	}
	if stored := resource(t, m, "logo"); stored["width"] != 4.0 {
		t.Errorf("the asset was replaced: %v", stored)
	}
	if _, err := h.Sign(ctx, directupload.Caller{ID: "mallory"}, url.Values{"public_id": {"logo"}, "overwrite": {"true"}}); !errors.Is(err, directupload.ErrRefused) {
		t.Errorf("overwrite=true was signed: %v", err)
	}
}

// TestSignsWithConfiguredAlgorithm: SHA-256 and signature version 1 from
// the configuration, accepted by the mock.
func TestSignsWithConfiguredAlgorithm(t *testing.T) {
	m, _ := startMock(t)
	cfg, err := client.ParseURL(m.CloudinaryURL() + "&signature_algorithm=sha256&signature_version=1")
	if err != nil {
		t.Fatal(err)
	}
	h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: []string{"tags"}, ResourceTypes: []string{"image"}})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := h.Sign(context.Background(), directupload.Caller{}, url.Values{"tags": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := signer.Sign(sig.Form(), canary, signer.SHA256, 1)
	if sig.Signature != want || len(sig.Signature) != 64 {
		t.Errorf("signature %s, want SHA-256 v1 %s", sig.Signature, want)
	}
	if status, body := upload(t, sig, nil, "x.png", pngFile(t, 2, 2)); status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, body)
	}
	// Version 1 cannot sign & safely: refused rather than smuggled.
	_, err = h.Sign(context.Background(), directupload.Caller{}, url.Values{"tags": {"a&overwrite=true"}})
	var ref *directupload.Refusal
	if !errors.As(err, &ref) || ref.Param != "tags" || ref.Status != 400 {
		t.Errorf("& with signature version 1: %v", err)
	}
}

func TestPolicyRefusals(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	policy := directupload.Policy{
		Allow:             []string{"tags", "public_id", "notification_url", "eval_me_not"},
		Force:             map[string]string{"folder": "users/{caller}", "upload_preset": "signed_web", "type": "upload"},
		PublicIDs:         directupload.PublicIDs{Prefix: "users/{caller}/", Pattern: `[a-z0-9_-]+`},
		NotificationHosts: []string{"hooks.example.com"},
		ResourceTypes:     []string{"image", "video"},
	}
	h, err := directupload.NewHandler(cfg, policy)
	if err != nil {
		t.Fatal(err)
	}
	alice := directupload.Caller{ID: "alice"}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	for _, tc := range []struct {
		name   string
		caller directupload.Caller
		params url.Values
		status int
		param  string
	}{
		{"overwrite", alice, url.Values{"overwrite": {"true"}}, 403, "overwrite"},
		{"invalidate", alice, url.Values{"invalidate": {"true"}}, 403, "invalidate"},
		{"eval", alice, url.Values{"eval": {"upload_options.tags = 'x'"}}, 403, "eval"},
		{"on_success", alice, url.Values{"on_success": {"x"}}, 403, "on_success"},
		{"backup", alice, url.Values{"backup": {"true"}}, 403, "backup"},
		{"unknown parameter", alice, url.Values{"colour": {"red"}}, 403, "colour"},
		{"foreign notification host", alice, url.Values{"notification_url": {"https://evil.example.net/hook"}}, 403, "notification_url"},
		{"notification host look-alike", alice, url.Values{"notification_url": {"https://hooks.example.com.evil.net/hook"}}, 403, "notification_url"},
		{"notification URL with userinfo", alice, url.Values{"notification_url": {"https://hooks.example.com@evil.net/"}}, 400, "notification_url"},
		{"notification URL not http", alice, url.Values{"notification_url": {"ftp://hooks.example.com/x"}}, 400, "notification_url"},
		{"public ID outside the prefix", alice, url.Values{"public_id": {"users/bob/pic"}}, 403, "public_id"},
		{"public ID against the pattern", alice, url.Values{"public_id": {"users/alice/Pic.PNG"}}, 403, "public_id"},
		{"public ID climbing", alice, url.Values{"public_id": {"users/alice/../bob/x"}}, 400, "public_id"},
		{"folder overridden", alice, url.Values{"folder": {"users/bob"}}, 403, "folder"},
		{"upload_preset overridden", alice, url.Values{"upload_preset": {"admin_preset"}}, 403, "upload_preset"},
		{"type overridden", alice, url.Values{"type": {"private"}}, 403, "type"},
		{"resource type not allowed", alice, url.Values{"resource_type": {"raw"}}, 403, "resource_type"},
		{"caller timestamp far off", alice, url.Values{"timestamp": {"1315060510"}}, 400, "timestamp"},
		{"caller timestamp not a number", alice, url.Values{"timestamp": {"soon"}}, 400, "timestamp"},
		{"caller timestamp overflowing a Duration", alice, url.Values{"timestamp": {strconv.FormatInt(time.Now().Unix()+18446744074, 10)}}, 400, "timestamp"},
		{"caller timestamp far in the future", alice, url.Values{"timestamp": {"9223372036854775807"}}, 400, "timestamp"},
		{"signature in the parameters", alice, url.Values{"signature": {"abc"}}, 400, "signature"},
		{"api_key in the parameters", alice, url.Values{"api_key": {"other"}}, 400, "api_key"},
		{"array index key", alice, url.Values{"tags[0]": {"a"}}, 400, "tags[0]"},
		{"anonymous with a per-caller folder", directupload.Caller{}, url.Values{}, 403, "folder"},
		{"caller ID unusable in a folder", directupload.Caller{ID: "../admin"}, url.Values{}, 403, "folder"},
		{"value with NUL", alice, url.Values{"tags": {"a\x00b"}}, 400, "tags"},
		{"value too long", alice, url.Values{"tags": {strings.Repeat("t", 20000)}}, 400, "tags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := h.Sign(context.Background(), tc.caller, tc.params)
			var ref *directupload.Refusal
			if !errors.As(err, &ref) {
				t.Fatalf("signed %v: %+v", tc.params, sig)
			}
			if ref.Status != tc.status || ref.Param != tc.param || ref.Reason == "" {
				t.Errorf("refusal %+v, want status %d param %q", ref, tc.status, tc.param)
			}
			if strings.Contains(ref.Error(), canary) {
				t.Error("refusal names the secret")
			}
		})
	}

	// What the policy allows goes through, with the forced values.
	for _, tc := range []struct {
		name   string
		params url.Values
		check  func(map[string]string) bool
	}{
		{"allowed host", url.Values{"notification_url": {"https://hooks.example.com/cld"}}, func(p map[string]string) bool {
			return p["notification_url"] == "https://hooks.example.com/cld"
		}},
		{"allowed host with its default port", url.Values{"notification_url": {"https://HOOKS.example.com:443/cld"}}, func(p map[string]string) bool { return true }},
		{"forced values echoed", url.Values{"folder": {"users/alice"}, "upload_preset": {"signed_web"}}, func(p map[string]string) bool {
			return p["folder"] == "users/alice" && p["upload_preset"] == "signed_web" && p["type"] == "upload"
		}},
		{"public ID inside the prefix", url.Values{"public_id": {"users/alice/pic_1"}}, func(p map[string]string) bool {
			return p["public_id"] == "users/alice/pic_1"
		}},
		{"public ID generated inside the prefix", url.Values{}, func(p map[string]string) bool {
			id, ok := strings.CutPrefix(p["public_id"], "users/alice/")
			return ok && len(id) == 20 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") == ""
		}},
		{"caller timestamp near now (Upload Widget)", url.Values{"timestamp": {now}}, func(p map[string]string) bool { return p["timestamp"] == now }},
		{"video upload URL", url.Values{"resource_type": {"video"}}, func(p map[string]string) bool { _, has := p["resource_type"]; return !has }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := h.Sign(context.Background(), alice, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(sig.Params) || sig.Params["overwrite"] != "false" {
				t.Errorf("params %v", sig.Params)
			}
		})
	}
}

func TestZeroPolicySignsNothing(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	h, err := directupload.NewHandler(cfg, directupload.Policy{}, directupload.WithAuthenticator(directupload.Anonymous))
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []url.Values{{}, {"tags": {"a"}}, {"timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}}} {
		if sig, err := h.Sign(context.Background(), directupload.Caller{ID: "x"}, params); err == nil {
			t.Errorf("zero policy signed %v: %+v", params, sig)
		}
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	status, body := postJSON(t, srv.URL, "", `{}`)
	if status != http.StatusForbidden || body["signature"] != nil {
		t.Errorf("zero policy over HTTP: %d %v", status, body)
	}
}

func TestHTTPRequests(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	policy := directupload.Policy{Allow: append([]string{"public_id"}, directupload.SafeParams...), Force: map[string]string{"upload_preset": "widget"}}
	h, err := directupload.NewHandler(cfg, policy, directupload.WithAuthenticator(directupload.BearerTokens(map[string]string{"t1": "alice"})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	now := strconv.FormatInt(time.Now().Unix(), 10)

	okCases := []struct {
		name, ctype, body string
		want              map[string]string
	}{
		{"Upload Widget params_to_sign", "application/json",
			`{"params_to_sign":{"timestamp":` + now + `,"source":"uw","upload_preset":"widget","use_filename":true,"tags":["a","b"]}}`,
			map[string]string{"timestamp": now, "source": "uw", "upload_preset": "widget", "use_filename": "true", "tags": "a,b", "overwrite": "false"}},
		{"plain JSON", "application/json", `{"public_id":"p1","context":null}`,
			map[string]string{"public_id": "p1", "upload_preset": "widget", "overwrite": "false"}},
		{"urlencoded form with name[]", "application/x-www-form-urlencoded", "tags[]=a&tags[]=b&public_id=p2",
			map[string]string{"public_id": "p2", "tags": "a,b", "upload_preset": "widget", "overwrite": "false"}},
		{"multipart form", "multipart/form-data; boundary=XX",
			"--XX\r\nContent-Disposition: form-data; name=\"display_name\"\r\n\r\nMy cat\r\n--XX--\r\n",
			map[string]string{"display_name": "My cat", "upload_preset": "widget", "overwrite": "false"}},
	}
	for _, tc := range okCases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv.URL, "t1", tc.ctype, tc.body)
			if status != http.StatusOK {
				t.Fatalf("%d %v", status, body)
			}
			params := map[string]string{}
			for k, v := range body["params"].(map[string]any) {
				params[k] = v.(string)
			}
			ts := params["timestamp"]
			if tc.want["timestamp"] == "" {
				tc.want["timestamp"] = ts
			}
			if !mapsEqual(params, tc.want) {
				t.Errorf("params %v, want %v", params, tc.want)
			}
			for _, k := range []string{"signature", "timestamp", "api_key", "cloud_name", "upload_url"} {
				if s, _ := body[k].(string); s == "" {
					t.Errorf("answer lacks %s: %v", k, body)
				}
			}
		})
	}

	badCases := []struct {
		name, method, token, ctype, body string
		status                           int
		param                            string
	}{
		{"GET", http.MethodGet, "t1", "", "", 405, ""},
		{"no token", http.MethodPost, "", "application/json", `{}`, 401, ""},
		{"wrong token", http.MethodPost, "t2", "application/json", `{}`, 401, ""},
		{"refused parameter", http.MethodPost, "t1", "application/json", `{"overwrite":true}`, 403, "overwrite"},
		{"widget refused parameter", http.MethodPost, "t1", "application/json", `{"params_to_sign":{"eval":"x"}}`, 403, "eval"},
		{"widget with extra keys", http.MethodPost, "t1", "application/json", `{"params_to_sign":{},"x":1}`, 400, ""},
		{"JSON object value", http.MethodPost, "t1", "application/json", `{"context":{"alt":"x"}}`, 400, "context"},
		{"not JSON", http.MethodPost, "t1", "application/json", `{"tags":`, 400, ""},
		{"JSON array", http.MethodPost, "t1", "application/json", `["tags"]`, 400, ""},
		{"text body", http.MethodPost, "t1", "text/plain", `tags=a`, 415, ""},
		{"file part", http.MethodPost, "t1", "multipart/form-data; boundary=XX",
			"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nPNG\r\n--XX--\r\n", 400, "file"},
		{"too large", http.MethodPost, "t1", "application/json", `{"tags":"` + strings.Repeat("a", 70<<10) + `"}`, 413, ""},
	}
	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			var resp *http.Response
			if tc.status == http.StatusRequestEntityTooLarge {
				// To the handler through a recorder: after a body
				// the handler cut short, net/http lingers 500 ms
				// before closing the connection (rstAvoidanceDelay)
				// and srv.Close waits for it.
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				resp = rec.Result()
			} else {
				var err error
				if resp, err = http.DefaultClient.Do(req); err != nil {
					t.Fatal(err)
				}
			}
			status, body := decode(t, resp)
			param, reason := errParam(body)
			if status != tc.status || param != tc.param || reason == "" || body["signature"] != nil {
				t.Errorf("%d %v, want %d naming %q", status, body, tc.status, tc.param)
			}
			if resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestNoAuthenticatorRefusesHTTP(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: []string{"tags"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if status, body := postJSON(t, srv.URL, "", `{"tags":"a"}`); status != http.StatusUnauthorized {
		t.Errorf("%d %v", status, body)
	}
}

func TestRateLimitPerCaller(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: []string{"tags"}, RatePerMinute: 2},
		directupload.WithClock(clock), directupload.WithAuthenticator(func(r *http.Request) (directupload.Caller, error) {
			return directupload.Caller{ID: r.Header.Get("X-User")}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	call := func(user string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/sign", strings.NewReader(`{"tags":"a"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-User", user)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := range 2 {
		if rec := call("alice"); rec.Code != http.StatusOK {
			t.Fatalf("call %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := call("alice")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "30" {
		t.Errorf("third call in a minute: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := call("bob"); rec.Code != http.StatusOK {
		t.Errorf("another caller is limited too: %d", rec.Code)
	}
	mu.Lock()
	now = now.Add(30 * time.Second)
	mu.Unlock()
	if rec := call("alice"); rec.Code != http.StatusOK {
		t.Errorf("after 30s: %d %s", rec.Code, rec.Body)
	}
}

// TestSecretNeverLeaves greps the canary secret, raw and encoded, through
// every answer and log line of signing and refused requests.
func TestSecretNeverLeaves(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	var logs apitest.Buffer
	h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: directupload.SafeParams, RatePerMinute: 3},
		directupload.WithAuthenticator(directupload.Anonymous), directupload.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	var answers bytes.Buffer
	for _, body := range []string{`{"tags":"a"}`, `{"overwrite":1}`, `{"tags":"` + canary + `"}`, `nope`, `{"tags":"b"}`, `{"tags":"c"}`} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		answers.Write(rec.Body.Bytes())
		for k, v := range rec.Header() {
			answers.WriteString(k + strings.Join(v, ""))
		}
	}
	// The caller's own echo of the canary is theirs; drop it before grepping.
	out := strings.ReplaceAll(answers.String()+logs.String(), "tags="+canary, "")
	out = strings.ReplaceAll(out, `"tags":"`+canary, "")
	for _, enc := range []string{canary, base64.StdEncoding.EncodeToString([]byte(canary)), hex.EncodeToString([]byte(canary)), url.QueryEscape(canary)} {
		if strings.Contains(out, enc) {
			t.Errorf("the secret (%s) leaked:\n%s", enc, out)
		}
	}
	if !strings.Contains(logs.String(), "directupload: signed") || !strings.Contains(logs.String(), "directupload: refused") {
		t.Errorf("missing audit lines:\n%s", logs.String())
	}
}

func TestNewHandlerErrors(t *testing.T) {
	good := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	for _, tc := range []struct {
		name string
		cfg  client.Config
		p    directupload.Policy
		want string
	}{
		{"no secret", client.Config{CloudName: "demo", APIKey: "k", OAuthToken: client.NewSecret("tok")}, directupload.Policy{}, "API key and secret"},
		{"allow timestamp", good, directupload.Policy{Allow: []string{"timestamp"}}, "timestamp"},
		{"allow resource_type", good, directupload.Policy{Allow: []string{"resource_type"}}, "Policy.ResourceTypes"},
		{"bad name", good, directupload.Policy{Allow: []string{"Tags"}}, `"Tags"`},
		{"bad template", good, directupload.Policy{Force: map[string]string{"folder": "u/{user}"}}, "{user}"},
		{"empty forced value", good, directupload.Policy{Force: map[string]string{"folder": ""}}, "empty"},
		{"bad pattern", good, directupload.Policy{PublicIDs: directupload.PublicIDs{Pattern: "("}}, "Pattern"},
		{"two public ID rules", good, directupload.Policy{Force: map[string]string{"public_id": "x"}, PublicIDs: directupload.PublicIDs{Generate: true}}, "keep one"},
		{"host with scheme", good, directupload.Policy{NotificationHosts: []string{"https://x.com"}}, "without scheme"},
		{"resource type", good, directupload.Policy{ResourceTypes: []string{"images"}}, "images"},
		{"negative rate", good, directupload.Policy{RatePerMinute: -1}, "RatePerMinute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := directupload.NewHandler(tc.cfg, tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), canary) {
				t.Error("error names the secret")
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	p, err := directupload.ParsePolicy(strings.NewReader(`{"allow":["tags"],"force":{"folder":"f/{caller}"},
		"public_ids":{"prefix":"p/","pattern":"[a-z]+","generate":false},"notification_hosts":["h.example.com"],
		"resource_types":["image"],"rate_per_minute":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Allow, []string{"tags"}) || p.Force["folder"] != "f/{caller}" || p.PublicIDs.Prefix != "p/" ||
		p.PublicIDs.Pattern != "[a-z]+" || p.NotificationHosts[0] != "h.example.com" || p.ResourceTypes[0] != "image" || p.RatePerMinute != 5 {
		t.Errorf("parsed %+v", p)
	}
	for _, bad := range []string{`{"alow":["tags"]}`, `{"allow":"tags"}`, `{}{}`, ``} {
		if _, err := directupload.ParsePolicy(strings.NewReader(bad)); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestAuthenticatorAnswers(t *testing.T) {
	cfg := client.Config{CloudName: "demo", APIKey: "key123", APISecret: client.NewSecret(canary)}
	var logs apitest.Buffer
	for _, tc := range []struct {
		err    error
		status int
		reason string
	}{
		{&directupload.Refusal{Status: http.StatusForbidden, Reason: "account suspended"}, 403, "account suspended"},
		{&directupload.Refusal{Reason: "no status given"}, 401, "no status given"},
		{errors.New("db: connection refused to 10.0.0.7"), 401, "not authenticated"},
	} {
		h, err := directupload.NewHandler(cfg, directupload.Policy{Allow: []string{"tags"}},
			directupload.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
			directupload.WithAuthenticator(func(*http.Request) (directupload.Caller, error) { return directupload.Caller{}, tc.err }))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"tags":"a"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body map[string]map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != tc.status || body["error"]["reason"] != tc.reason {
			t.Errorf("%v: %d %s", tc.err, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), "10.0.0.7") {
			t.Error("the authenticator's internal error reached the caller")
		}
	}
	if !strings.Contains(logs.String(), "10.0.0.7") {
		t.Errorf("the authenticator's error is not logged:\n%s", logs.String())
	}
}
