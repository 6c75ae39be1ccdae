package mockserver

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDirStorageSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := Open(fixedClock(), WithStorage(Dir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	png := pngBytes(9, 9, 700)
	up := uploadFile(t, s1, "image", url.Values{"public_id": {"keep/me"}, "tags": {"t"}}, "k.png", png)
	mustStatus(t, up, 200)
	mustStatus(t, uploadFile(t, s1, "image", url.Values{"public_id": {"gone"}}, "g.png", png), 200)
	mustStatus(t, postForm(t, s1, "/v1_1/demo/image/destroy", url.Values{"public_id": {"gone"}}), 200)
	mustStatus(t, admin(t, s1, "POST", "/v1_1/demo/upload_presets", map[string]any{"name": "pp", "unsigned": true}), 200)
	mustStatus(t, admin(t, s1, "POST", "/v1_1/demo/folders/f1", nil), 200)
	_ = s1.Close()

	s2, err := Open(fixedClock(), WithStorage(Dir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	d := admin(t, s2, "GET", "/v1_1/demo/resources/image/upload/keep/me", nil)
	mustStatus(t, d, 200)
	if d.str("asset_id") != up.str("asset_id") || d.str("etag") != md5hex(png) {
		t.Fatalf("%s", d.body)
	}
	b := serve(t, s2, newReq("GET", "/demo/image/upload/keep/me.png", nil, ""))
	if !bytes.Equal(b.body, png) {
		t.Fatal("bytes lost across restart")
	}
	mustStatus(t, admin(t, s2, "GET", "/v1_1/demo/resources/image/upload/gone", nil), 404)
	mustStatus(t, admin(t, s2, "POST", "/v1_1/demo/resources/image/upload/restore", map[string]any{"public_ids": []string{"gone"}}), 200)
	mustStatus(t, admin(t, s2, "GET", "/v1_1/demo/resources/image/upload/gone", nil), 200)
	mustStatus(t, admin(t, s2, "GET", "/v1_1/demo/upload_presets/pp", nil), 200)
	mustStatus(t, admin(t, s2, "GET", "/v1_1/demo/folders/f1", nil), 200)
}

// TestPathTraversalContained tries to escape the storage directory through
// public IDs, folders and URL paths: every attempt is rejected or contained
// and nothing appears outside the directory.
func TestPathTraversalContained(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	s, err := Open(fixedClock(), WithStorage(Dir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	png := pngBytes(1, 1, 64)
	evil := []url.Values{
		{"public_id": {"../escape"}},
		{"public_id": {"a/../../escape"}},
		{"public_id": {"/etc/passwd"}},
		{"public_id": {"a\x00b"}},
		{"public_id": {"%2e%2e/escape"}},
		{"public_id": {"a/%2E%2E/%2e%2e/escape"}},
		{"public_id": {"a//b"}},
		{"folder": {"../../escape"}},
		{"asset_folder": {"x/../../escape"}},
		{"public_id_prefix": {".."}},
		{"public_id": {"ok"}, "folder": {"%2e%2e"}},
	}
	for _, p := range evil {
		r := uploadFile(t, s, "image", p, "e.png", png)
		if r.status != 400 || !strings.HasPrefix(r.msg(), "Invalid ") {
			t.Errorf("%v: status %d %s", p, r.status, r.body)
		}
	}
	// Rename, folders, archives and admin paths with traversal.
	mustStatus(t, uploadFile(t, s, "image", url.Values{"public_id": {"safe"}}, "s.png", png), 200)
	if r := postForm(t, s, "/v1_1/demo/image/rename", url.Values{"from_public_id": {"safe"}, "to_public_id": {"../../out"}}); r.status != 400 {
		t.Errorf("rename: %d", r.status)
	}
	if r := postForm(t, s, "/v1_1/demo/image/generate_archive", url.Values{"public_ids": {"safe"}, "target_public_id": {"../../evil"}}); r.status != 400 {
		t.Errorf("archive: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/v1_1/demo/folders/..%2F..%2Fout", "/v1_1/demo/folders/%2e%2e", "/v1_1/demo/folders/a%00b"} {
		req := httptest.NewRequest("POST", "http://mock.test/", nil)
		req.URL.Path, _ = url.PathUnescape(strings.TrimPrefix(p, ""))
		req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
		if r := serve(t, s, req); r.status != 400 && r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	for _, p := range []string{"/demo/image/upload/../../../etc/passwd", "/demo/raw/upload/%2e%2e/%2e%2e/config.json", "/v1_1/demo/resources/image/upload/..%2F..%2Fconfig"} {
		req := httptest.NewRequest("GET", "http://mock.test/", nil)
		req.URL.Path, _ = url.PathUnescape(p)
		req.SetBasicAuth(DefaultAPIKey, DefaultAPISecret)
		if r := serve(t, s, req); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// Nothing outside dir; inside, only the layout the store owns.
	_ = filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if p != parent && strings.HasPrefix(rel, "..") {
			t.Errorf("file outside the storage directory: %s", p)
		}
		if !d.IsDir() && !strings.HasPrefix(rel, "blobs/") && !strings.HasPrefix(rel, "assets/") && rel != "config.json" {
			t.Errorf("unexpected file %s", rel)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(parent, "escape")); err == nil {
		t.Fatal("escaped")
	}
}

// TestConcurrentUploadsDeletesListings runs uploads, deletes, listings,
// searches and chunk uploads at once (run with -race).
func TestConcurrentUploadsDeletesListings(t *testing.T) {
	t.Parallel()
	const workers, per = 6, 15
	var pngs [workers][per][]byte // one size per upload, encoded once
	for w := range workers {
		for i := range per {
			pngs[w][i] = pngBytes(w+1, i+1, 100)
		}
	}
	for name, mk := range storages(t) {
		t.Run(name, func(t *testing.T) {
			s := mk()
			defer s.Close()
			var wg sync.WaitGroup
			errs := make(chan string, workers*per*4)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < per; i++ {
						id := fmt.Sprintf("w%d/%d", w, i%5)
						if r := uploadFile(t, s, "image", url.Values{"public_id": {id}, "tags": {"c"}}, "f.png", pngs[w][i]); r.status != 200 {
							errs <- "upload " + string(r.body)
						}
						if i%3 == 0 {
							if r := postForm(t, s, "/v1_1/demo/image/destroy", url.Values{"public_id": {id}}); r.status != 200 {
								errs <- "destroy " + string(r.body)
							}
						}
						if r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload?max_results=50&tags=true", nil); r.status != 200 {
							errs <- "list " + string(r.body)
						}
						if r := admin(t, s, "POST", "/v1_1/demo/resources/search", map[string]any{"expression": "tags=c"}); r.status != 200 {
							errs <- "search " + string(r.body)
						}
						if i == per-1 {
							if r := admin(t, s, "DELETE", "/v1_1/demo/resources/image/upload?prefix="+fmt.Sprintf("w%d/", w), nil); r.status != 200 {
								errs <- "delete prefix " + string(r.body)
							}
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload?max_results=500", nil)
			if n := len(ids(r, "resources")); n != 0 {
				t.Fatalf("%d assets left after every prefix was deleted", n)
			}
		})
	}
}
