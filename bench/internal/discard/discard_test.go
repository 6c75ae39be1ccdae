package discard_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cld "github.com/cloudinary/cloudinary-go/v2"
	cldup "github.com/cloudinary/cloudinary-go/v2/api/uploader"

	"github.com/cldrest/cldrest/bench/internal/discard"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/upload"
)

func start(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(discard.New())
	t.Cleanup(srv.Close)
	return "cloudinary://key:secret@demo?upload_prefix=" + srv.URL
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// The library's integrity check (local MD5 against the answer's etag)
// passes for a single request, a chunked file and an unknown-size reader.
func TestCldrestIntegrityCheckPasses(t *testing.T) {
	u := start(t)
	cfg, err := client.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	up := upload.New(c)
	dir := t.TempDir()
	path := func(p string, _ []byte) upload.Source { return upload.FromPath(p) }
	reader := func(_ string, b []byte) upload.Source {
		return upload.FromReader(io.MultiReader(bytes.NewReader(b))).WithName("r.bin")
	}
	random := func(n int) []byte { return randomBytes(n, uint64(n)) }
	zeros := func(n int) []byte { return make([]byte, n) }
	// Zeros, then other bytes: the counted zero prefix must be hashed in
	// when the first non-zero byte arrives (here in the second chunk).
	zerosThen := func(n int) []byte { b := random(n); clear(b[:6<<20+5]); return b }
	for _, tc := range []struct {
		name string
		size int
		data func(int) []byte
		src  func(path string, b []byte) upload.Source
	}{
		{"single", 16 << 10, random, path},
		{"single zeros", 16 << 10, zeros, path},
		{"chunked file", 11<<20 + 123, random, path},
		{"chunked zeros", 11<<20 + 123, zeros, path},
		{"chunked zeros then bytes", 11<<20 + 123, zerosThen, path},
		{"unknown-size reader", 11<<20 + 7, random, reader},
		{"unknown-size reader of zeros", 11<<20 + 7, zeros, reader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.data(tc.size)
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".bin")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := up.Upload(context.Background(), tc.src(p, b), &upload.Params{ResourceType: "raw", PublicID: "x/" + tc.name},
				upload.WithIntegrityCheck(), upload.WithChunkSize(5<<20))
			if err != nil {
				t.Fatal(err)
			}
			if res.Etag != md5hex(b) || res.Bytes != int64(tc.size) || res.PublicID != "x/"+tc.name {
				t.Errorf("etag %s bytes %d public_id %q; want %s %d", res.Etag, res.Bytes, res.PublicID, md5hex(b), tc.size)
			}
		})
	}
}

// The official SDK's chunked file upload gets the right etag too.
func TestOfficialChunkedEtag(t *testing.T) {
	u := start(t)
	c, err := cld.NewFromURL(u)
	if err != nil {
		t.Fatal(err)
	}
	b := randomBytes(25<<20+5, 3) // above the SDK's 20 MB chunk size
	p := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := c.Upload.Upload(context.Background(), p, cldup.UploadParams{ResourceType: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Error.Message != "" || res.Etag != md5hex(b) || res.Bytes != len(b) {
		t.Errorf("answer %+v, want etag %s and %d bytes", res, md5hex(b), len(b))
	}
}

type part struct {
	start, end int
}

func postChunk(t *testing.T, base string, id string, data []byte, p part, total string, noHash bool) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("public_id", "chunky")
	fw, _ := mw.CreateFormFile("file", "c.bin")
	_, _ = fw.Write(data[p.start:p.end])
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1_1/demo/raw/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if id != "" {
		req.Header.Set("X-Unique-Upload-Id", id)
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%s", p.start, p.end-1, total))
	}
	if noHash {
		req.Header.Set(discard.NoHashHeader, "1")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	m["status"] = float64(resp.StatusCode)
	return m
}

// Chunks that arrive out of order are held and hashed in offset order; a
// repeated chunk is refused; no-hash requests answer no etag.
func TestChunksOutOfOrder(t *testing.T) {
	srv := httptest.NewServer(discard.New())
	defer srv.Close()
	data := randomBytes(3000, 9)
	total := fmt.Sprint(len(data))
	if m := postChunk(t, srv.URL, "u1", data, part{1000, 2000}, total, false); m["done"] != false || m["status"] != 200.0 {
		t.Fatalf("early middle chunk: %v", m)
	}
	if m := postChunk(t, srv.URL, "u1", data, part{0, 1000}, total, false); m["done"] != false {
		t.Fatalf("first chunk: %v", m)
	}
	if m := postChunk(t, srv.URL, "u1", data, part{0, 1000}, total, false); m["status"] != 400.0 {
		t.Fatalf("repeated chunk: %v, want 400", m)
	}
	m := postChunk(t, srv.URL, "u1", data, part{2000, 3000}, total, false)
	if m["etag"] != md5hex(data) || m["bytes"] != 3000.0 || m["public_id"] != "chunky" {
		t.Fatalf("last chunk: %v, want etag %s", m, md5hex(data))
	}
	if m := postChunk(t, srv.URL, "", data, part{0, 3000}, "", true); m["etag"] != "" || m["bytes"] != 3000.0 {
		t.Fatalf("no-hash single: %v", m)
	}
	if m := postChunk(t, srv.URL, "", data, part{0, 3000}, "", false); m["etag"] != md5hex(data) {
		t.Fatalf("single: %v", m)
	}
}

func TestNotAnUpload(t *testing.T) {
	srv := httptest.NewServer(discard.New())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1_1/demo/resources/image")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(b), `"error"`) {
		t.Errorf("GET: %d %s", resp.StatusCode, b)
	}
}
