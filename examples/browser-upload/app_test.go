package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
)

type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAppSessions: the page sets a visitor cookie, the signature endpoint
// needs it and refuses a forged one; each visitor signs into its own folder.
func TestAppSessions(t *testing.T) {
	_, appURL, logs := startApp(t)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}

	resp, err := browser.Get(appURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `id="progress"`) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v", cookie)
	}

	sign := func(c *http.Client, cookieValue, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, appURL+"/api/sign", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if cookieValue != "" {
			req.AddCookie(&http.Cookie{Name: cookieName, Value: cookieValue})
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	status, sig := sign(browser, "", `{"tags":"x"}`)
	if status != http.StatusOK {
		t.Fatalf("sign with the session: %d %v", status, sig)
	}
	visitor, _, _ := strings.Cut(cookie.Value, ".")
	params := sig["params"].(map[string]any)
	if params["folder"] != "browser-upload/"+visitor || params["tags"] != "x,browser-upload" || params["allowed_formats"] != "jpg,png,gif,webp" ||
		len(params["public_id"].(string)) != 20 || params["overwrite"] != "false" || !strings.HasSuffix(sig["upload_url"].(string), "/image/upload") {
		t.Errorf("signed %v", sig)
	}

	if status, body := sign(http.DefaultClient, "", `{}`); status != http.StatusUnauthorized {
		t.Errorf("without a session: %d %v", status, body)
	}
	if status, body := sign(http.DefaultClient, "vother.0123456789abcdef0123456789abcdef", `{}`); status != http.StatusUnauthorized {
		t.Errorf("forged session: %d %v", status, body)
	}
	if !strings.Contains(logs.String(), "forged or stale session cookie") {
		t.Errorf("the forged session is not logged:\n%s", logs.String())
	}
}
