package upload_test

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

const minChunk = client.MinChunkSize

// fastRetry keeps retry waits short in tests (4 attempts per request).
var fastRetry = client.WithRetry(4, time.Millisecond, 5*time.Millisecond)

// metadataOnly starts the mock without keeping asset bytes (it hashes and
// counts them): for tests that check etags, not delivered bytes, an upload
// costs no stored copy of the data.
var metadataOnly = []mockserver.Option{mockserver.WithStorage(mockserver.MetadataOnly)}

// env is a mock server plus a client and service pointed at it.
type env struct {
	m   *mockserver.Running
	c   *client.Client
	svc *upload.Service
}

func startMock(t testing.TB, mopts []mockserver.Option, copts ...client.Option) *env {
	t.Helper()
	m := mockserver.Start(t, mopts...)
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, append([]client.Option{fastRetry}, copts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &env{m: m, c: c, svc: upload.New(c)}
}

// chunkEntries returns the journal entries of chunk requests.
func (e *env) chunkEntries() []mockserver.JournalEntry {
	var out []mockserver.JournalEntry
	for _, j := range e.m.Journal() {
		if j.Route == "upload/upload" && j.Headers["Content-Range"] != "" {
			out = append(out, j)
		}
	}
	return out
}

// randomBytes returns n random bytes that callers must not change (see
// the package's randomBytes).
var randomBytes = upload.RandomBytes

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// fetch GETs a delivery URL from the mock.
func fetch(t testing.TB, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := readAll(resp.Body, resp.ContentLength)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %.200s", u, resp.StatusCode, b)
	}
	return b
}

// readAll is io.ReadAll into one buffer of the announced length n (-1:
// unknown), not one grown by doubling: a 10 MB asset costs 10 MB of fresh
// memory instead of about 30.
func readAll(r io.Reader, n int64) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(int(max(n, 0)) + bytes.MinRead) // ReadFrom grows unless MinRead bytes are free
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// onlyReader hides every method but Read (so the source has unknown size).
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// onlyReaderAt hides every method but ReadAt.
type onlyReaderAt struct{ r io.ReaderAt }

func (o onlyReaderAt) ReadAt(p []byte, off int64) (int, error) { return o.r.ReadAt(p, off) }

func TestRoundTripEverySource(t *testing.T) {
	t.Parallel()
	small := randomBytes(70_000, 1)
	big := randomBytes(minChunk+12_345, 2) // two chunks
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	smallPath, bigPath := write("small.bin", small), write("big.bin", big)
	open := func(p string) *os.File {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(small) }))
	defer remote.Close()

	sums := map[int]string{len(small): md5hex(small), len(big): md5hex(big)} // by length: each hashed once
	cases := []struct {
		name   string
		src    upload.Source
		data   []byte
		chunks int // chunk requests expected (0: a single request)
		remote bool
	}{
		{"path", upload.FromPath(smallPath), small, 0, false},
		{"path chunked", upload.FromPath(bigPath), big, 2, false},
		{"*os.File", upload.FromFile(open(smallPath)), small, 0, false},
		{"*os.File chunked", upload.FromFile(open(bigPath)), big, 2, false},
		{"ReaderAt", upload.FromReaderAt(onlyReaderAt{bytes.NewReader(small)}, int64(len(small))), small, 0, false},
		{"ReaderAt chunked", upload.FromReaderAt(bytes.NewReader(big), int64(len(big))), big, 2, false},
		{"bytes", upload.FromBytes(small), small, 0, false},
		{"bytes chunked", upload.FromBytes(big), big, 2, false},
		{"reader", upload.FromReader(onlyReader{bytes.NewReader(small)}), small, 0, false},
		{"reader chunked", upload.FromReader(onlyReader{bytes.NewReader(big)}), big, 2, false},
		{"data URI", upload.FromURL("data:application/octet-stream;base64," + base64.StdEncoding.EncodeToString(small)), small, 0, false},
		{"http URL", upload.FromURL(remote.URL + "/small.bin"), small, 0, true},
	}
	e := startMock(t, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.m.ClearJournal()
			res, err := e.svc.Upload(t.Context(), tc.src, &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(minChunk))
			if err != nil {
				t.Fatal(err)
			}
			got := fetch(t, res.SecureURL)
			if !bytes.Equal(got, tc.data) {
				t.Fatalf("delivered %d bytes differ from the %d uploaded", len(got), len(tc.data))
			}
			want := sums[len(tc.data)]
			if res.Etag != want {
				t.Errorf("etag %s, want %s (the MD5 of the bytes delivered)", res.Etag, want)
			}
			if tc.remote {
				if res.LocalMD5 != "" {
					t.Errorf("LocalMD5 %q for a URL the server fetched", res.LocalMD5)
				}
			} else if res.LocalMD5 != want {
				t.Errorf("LocalMD5 %s, want %s", res.LocalMD5, want)
			}
			if n := len(e.chunkEntries()); n != tc.chunks {
				t.Errorf("%d chunk requests, want %d", n, tc.chunks)
			}
		})
	}
}

func TestChunkFailureOnceIsRetried(t *testing.T) {
	t.Parallel()
	e := startMock(t, metadataOnly)
	if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultStatus, Status: 500, Skip: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(2*minChunk+999, 3) // three chunks: the middle one fails once
	res, err := e.svc.Upload(t.Context(), upload.FromBytes(data), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(minChunk))
	if err != nil {
		t.Fatal(err)
	}
	entries := e.chunkEntries()
	if len(entries) != 4 {
		t.Fatalf("%d chunk requests, want 4 (3 chunks + 1 retry)", len(entries))
	}
	if entries[1].Status != 500 || entries[2].Headers["Content-Range"] != entries[1].Headers["Content-Range"] {
		t.Errorf("chunk 2 was not retried in place: %v / %v", entries[1].Headers, entries[2].Headers)
	}
	if res.Etag != md5hex(data) || res.LocalMD5 != res.Etag {
		t.Errorf("etag %s local %s want %s", res.Etag, res.LocalMD5, md5hex(data))
	}
}

func TestChunkFailurePermanentStops(t *testing.T) {
	t.Parallel()
	e := startMock(t, metadataOnly)
	if _, err := e.m.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultStatus, Status: 500, Skip: 1}); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(2*minChunk+999, 4) // three chunks: the middle one fails
	_, err := e.svc.Upload(t.Context(), upload.FromBytes(data), nil, upload.WithChunkSize(minChunk), upload.WithUploadID("perm-fail"))
	var ce *upload.ChunkError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *upload.ChunkError", err)
	}
	var apiErr *client.APIError
	if ce.UploadID != "perm-fail" || ce.Offset != minChunk || ce.Chunk != 1 || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Errorf("ChunkError %+v (api error %v)", ce, apiErr)
	}
	if !errors.Is(err, client.ErrServerError) {
		t.Errorf("errors.Is(err, client.ErrServerError) is false for %v", err)
	}
	for _, j := range e.chunkEntries() {
		var s int64
		fmt.Sscanf(j.Headers["Content-Range"], "bytes %d-", &s)
		if s >= 2*minChunk {
			t.Errorf("chunk at offset %d was sent after chunk 2 failed", s)
		}
		if j.Headers["X-Unique-Upload-Id"] != "perm-fail" {
			t.Errorf("upload id %q", j.Headers["X-Unique-Upload-Id"])
		}
	}
	if n := len(e.chunkEntries()); n != 1+4 {
		t.Errorf("%d chunk requests, want 5 (chunk 1 + 4 attempts of chunk 2)", n)
	}
}

// TestClockAdvanceBetweenChunks moves the shared clock 61 minutes after
// every chunk: a signature reused from the first chunk would be stale, a
// fresh one per chunk is accepted.
func TestClockAdvanceBetweenChunks(t *testing.T) {
	t.Parallel()
	var e *env
	m := mockserver.Start(t, mockserver.WithStorage(mockserver.MetadataOnly), mockserver.WithMaxChunkIdle(24*time.Hour))
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, fastRetry, client.WithClock(m.Now))
	if err != nil {
		t.Fatal(err)
	}
	e = &env{m: m, c: c, svc: upload.New(c)}
	start := m.Now()
	data := randomBytes(2*minChunk+1, 5) // first, middle and final chunk
	res, err := e.svc.Upload(t.Context(), upload.FromBytes(data), nil, upload.WithChunkSize(minChunk),
		upload.WithProgress(func(acked, total int64) { m.Advance(61 * time.Minute) }))
	if err != nil {
		t.Fatal(err)
	}
	entries := e.chunkEntries()
	if len(entries) != 3 {
		t.Fatalf("%d chunk requests, want 3", len(entries))
	}
	seen := map[string]bool{}
	for i, j := range entries {
		if j.Status != 200 {
			t.Errorf("chunk %d answered %d", i, j.Status)
		}
		ts := j.Params["timestamp"]
		if len(ts) != 1 || seen[ts[0]] {
			t.Errorf("chunk %d timestamp %v not fresh", i, ts)
		}
		seen[ts[0]] = true
	}
	if got := m.Now().Sub(start); got < 3*61*time.Minute {
		t.Errorf("clock advanced only %s", got)
	}
	if res.Etag != md5hex(data) {
		t.Error("assembled asset differs")
	}
}

// TestParallelChunksSameAsset: chunks sent side by side (so they may
// arrive out of order) make the asset a sequential upload makes: the
// source's bytes, whose MD5 TestRoundTripEverySource shows a sequential
// upload's etag to be.
func TestParallelChunksSameAsset(t *testing.T) {
	t.Parallel()
	e := startMock(t, nil)
	data := randomBytes(5*minChunk+77, 6) // six chunks
	par, err := e.svc.Upload(t.Context(), upload.FromBytes(data), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(minChunk), upload.WithConcurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	if want := md5hex(data); par.Etag != want || par.LocalMD5 != par.Etag {
		t.Errorf("parallel etag %s local %s, want %s", par.Etag, par.LocalMD5, want)
	}
	if !bytes.Equal(fetch(t, par.SecureURL), data) {
		t.Error("parallel upload delivered different bytes")
	}
	entries := e.chunkEntries()
	if len(entries) != 6 || !strings.HasPrefix(entries[0].Headers["Content-Range"], "bytes 0-") ||
		!strings.HasPrefix(entries[5].Headers["Content-Range"], fmt.Sprintf("bytes %d-", 5*minChunk)) {
		t.Errorf("parallel order: first/last chunk not first/last (%d entries)", len(entries))
	}
}

func TestBasicAuthUpload(t *testing.T) {
	t.Parallel()
	e := startMock(t, nil, client.WithBasicAuthUploads())
	res, err := e.svc.Upload(t.Context(), upload.FromBytes([]byte("basic")), &upload.Params{PublicID: "b", Overwrite: upload.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	j := e.m.Journal()
	if last := j[len(j)-1]; last.Auth != "basic" || len(last.Params["signature"]) != 0 || res.PublicID != "b" {
		t.Errorf("auth %q params %v", last.Auth, last.Params)
	}
}

func TestUnsignedUploadWithPreset(t *testing.T) {
	t.Parallel()
	e := startMock(t, metadataOnly)
	_, err := e.c.Do(t.Context(), &client.Request{Method: http.MethodPost, API: client.AdminAPI, Path: "upload_presets",
		Body: map[string]any{"name": "open", "unsigned": true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := randomBytes(2*minChunk+5, 7) // chunked too: the preset goes on every chunk
	res, err := e.svc.UploadUnsigned(t.Context(), upload.FromBytes(data), "open", &upload.Params{Tags: []string{"u"}, Context: upload.Context{"k": "v"}}, upload.WithChunkSize(minChunk))
	if err != nil {
		t.Fatal(err)
	}
	if res.Etag != md5hex(data) || len(res.Tags) != 1 || res.Tags[0] != "u" {
		t.Errorf("result etag %s tags %v", res.Etag, res.Tags)
	}
	for _, j := range e.chunkEntries() {
		if j.Auth != "unsigned:open" || len(j.Params["signature"]) != 0 || len(j.Params["api_key"]) != 0 {
			t.Errorf("chunk auth %q params %v", j.Auth, j.Params)
		}
	}
	// Parameters the preset decides on go to the server, which answers:
	// asset_folder is accepted, eager and overwrite=true are refused with
	// Cloudinary's 403 naming the parameter.
	res, err = e.svc.UploadUnsigned(t.Context(), upload.FromBytes([]byte("small")), "open", &upload.Params{AssetFolder: "af"})
	if err != nil {
		t.Fatalf("asset_folder refused: %v", err)
	}
	if res.AssetFolder != "af" {
		t.Errorf("asset_folder = %q", res.AssetFolder)
	}
	for name, p := range map[string]*upload.Params{
		"eager":     {Eager: []string{"w_10"}},
		"overwrite": {Overwrite: upload.Bool(true)},
	} {
		before := len(e.m.Journal())
		_, err = e.svc.UploadUnsigned(t.Context(), upload.FromBytes([]byte("small")), "open", p)
		ae, ok := errors.AsType[*client.APIError](err)
		if !ok || ae.StatusCode != 403 || !strings.Contains(ae.Message, name+" parameter is not allowed") || len(e.m.Journal()) == before {
			t.Errorf("%s: err = %v, journal grew by %d", name, err, len(e.m.Journal())-before)
		}
	}
}

// TestSecretNeverInErrors uploads with a wrong canary secret: the errors
// (single and chunked) never contain it.
func TestSecretNeverInErrors(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-s3cr3t-5fa1c0de"
	m := mockserver.Start(t)
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.APISecret = client.NewSecret(canary)
	c, err := client.New(cfg, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	svc := upload.New(c)
	for _, size := range []int{10, minChunk + 1} {
		_, err := svc.Upload(t.Context(), upload.FromBytes(randomBytes(size, 10)), nil, upload.WithChunkSize(minChunk))
		if !errors.Is(err, client.ErrUnauthorized) {
			t.Fatalf("size %d: err = %v, want 401", size, err)
		}
		if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, canary) {
			t.Fatalf("secret leaked: %s", msg)
		}
	}
}

func TestActionsAgainstMock(t *testing.T) {
	t.Parallel()
	e := startMock(t, nil)
	ctx := t.Context()
	data := randomBytes(1000, 8)
	if _, err := e.svc.Upload(ctx, upload.FromBytes(data), &upload.Params{ResourceType: "raw", PublicID: "docs/a b", Overwrite: upload.Bool(true), Type: "private"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Upload(ctx, upload.FromBytes(data), &upload.Params{ResourceType: "raw", PublicID: "other"}); err != nil {
		t.Fatal(err)
	}
	// The signed private download URL makes no request itself, then serves the bytes.
	before := len(e.m.Journal())
	u, err := e.svc.PrivateDownloadURL("docs/a b", "", &upload.DownloadParams{ResourceType: "raw", Type: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.m.Journal()) != before {
		t.Error("building a URL sent a request")
	}
	if got := fetch(t, u); !bytes.Equal(got, data) {
		t.Error("private download returned other bytes")
	}
	// Archive download URL: a zip holding the private asset.
	zu, err := e.svc.ZipDownloadURL(&upload.ArchiveParams{ResourceType: "raw", Type: "private", PublicIDs: []string{"docs/a b"}})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(fetch(t, zu)), int64(len(fetch(t, zu))))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("zip download: %v", err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	inZip, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(inZip, data) {
		t.Errorf("zip entry %q differs", zr.File[0].Name)
	}
	ar, err := e.svc.CreateArchive(ctx, &upload.ArchiveParams{ResourceType: "raw", Type: "private", PublicIDs: []string{"docs/a b"}, TargetPublicID: "bundle.zip"})
	if err != nil || ar.FileCount != 1 || ar.ResourceType != "raw" || ar.SecureURL == "" {
		t.Fatalf("create archive: %+v %v", ar, err)
	}
	raw := &upload.TagParams{ResourceType: "raw"}
	tags, err := e.svc.AddTags(ctx, []string{"t1", "t2"}, []string{"docs/a b", "other", "missing"}, &upload.TagParams{ResourceType: "raw", Type: "private"})
	if err != nil || len(tags.PublicIDs) != 1 || tags.PublicIDs[0] != "docs/a b" {
		t.Fatalf("add tags: %+v %v", tags, err)
	}
	if r, err := e.svc.AddContext(ctx, upload.Context{"alt": "a=b|c"}, []string{"other"}, raw); err != nil || len(r.PublicIDs) != 1 {
		t.Fatalf("context: %+v %v", r, err)
	}
	ex, err := e.svc.Explicit(ctx, "other", &upload.Params{ResourceType: "raw", Tags: []string{"x"}, Context: upload.Context{"alt": "a=b|c"}})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Context["alt"] != "a=b|c" {
		t.Errorf("context round trip: %q", ex.Context["alt"])
	}
	if _, err := e.svc.RemoveAllTags(ctx, []string{"other"}, raw); err != nil {
		t.Fatal(err)
	}
	rn, err := e.svc.Rename(ctx, "other", "renamed", &upload.RenameParams{ResourceType: "raw"})
	if err != nil || rn.PublicID != "renamed" {
		t.Fatalf("rename: %+v %v", rn, err)
	}
	d, err := e.svc.Destroy(ctx, "renamed", &upload.DestroyParams{ResourceType: "raw"})
	if err != nil || d.Result != "ok" {
		t.Fatalf("destroy: %+v %v", d, err)
	}
	d, err = e.svc.Destroy(ctx, "renamed", &upload.DestroyParams{ResourceType: "raw"})
	if err != nil || d.Result != "not found" {
		t.Fatalf("second destroy: %+v %v", d, err)
	}
	_, err = e.svc.Explicit(ctx, "renamed", &upload.Params{ResourceType: "raw"})
	if !errors.Is(err, client.ErrNotFound) {
		t.Errorf("explicit on a missing asset: %v", err)
	}
}

// TestWithoutChecksum: the upload is the same (the stored bytes' etag is
// the source's MD5), only LocalMD5 is left empty.
func TestWithoutChecksum(t *testing.T) {
	t.Parallel()
	big := randomBytes(2*minChunk+7, 3)
	bigSum := md5hex(big)
	e := startMock(t, metadataOnly)
	for _, tc := range []struct {
		name string
		src  func() upload.Source
		sum  string
	}{
		{"bytes", func() upload.Source { return upload.FromBytes(big[:1000]) }, md5hex(big[:1000])},
		{"ReaderAt chunked", func() upload.Source { return upload.FromReaderAt(bytes.NewReader(big), int64(len(big))) }, bigSum},
		{"reader chunked", func() upload.Source { return upload.FromReader(onlyReader{bytes.NewReader(big)}) }, bigSum},
		{"data URI", func() upload.Source { return upload.FromURL("data:text/plain;base64,aGk=") }, md5hex([]byte("hi"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.svc.Upload(t.Context(), tc.src(), &upload.Params{ResourceType: "raw"}, upload.WithChunkSize(minChunk), upload.WithoutChecksum(), upload.WithConcurrency(2))
			if err != nil {
				t.Fatal(err)
			}
			if res.LocalMD5 != "" {
				t.Errorf("LocalMD5 = %q with WithoutChecksum", res.LocalMD5)
			}
			if res.Etag != tc.sum {
				t.Errorf("etag %s, want the source's MD5 %s", res.Etag, tc.sum)
			}
		})
	}
}

// An async upload comes back pending (no etag yet) for small and chunked
// sources alike; the asset exists once the mock has answered.
func TestAsyncUploadIsPending(t *testing.T) {
	t.Parallel()
	e := startMock(t, metadataOnly)
	for name, src := range map[string]upload.Source{
		"single":  upload.FromBytes([]byte("async bytes")),
		"chunked": upload.FromBytes(randomBytes(minChunk+10, 9)),
	} {
		t.Run(name, func(t *testing.T) {
			id := "async-" + name
			res, err := e.svc.Upload(t.Context(), src, &upload.Params{PublicID: id, ResourceType: "raw", Async: true}, upload.WithChunkSize(minChunk))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Pending() || res.PublicID != id || res.Etag != "" {
				t.Fatalf("result %+v, want a pending acknowledgement", res)
			}
			got, err := admin.New(e.c).Resource(t.Context(), id, &admin.ResourceOptions{ResourceType: "raw"})
			if err != nil || got.Etag != res.LocalMD5 {
				t.Fatalf("asset after async upload: %+v, %v (local MD5 %s)", got, err, res.LocalMD5)
			}
		})
	}
}
