package scenario

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	cldapi "github.com/cloudinary/cloudinary-go/v2/api"

	"github.com/cldrest/cldrest/bench/internal/discard"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/signer"
)

// Both SDKs must compute the same signature for the benchmark's parameters,
// or the signing benchmark compares different work.
func TestSignaturesAgree(t *testing.T) {
	for _, tc := range []struct {
		name string
		alg  signer.Algorithm
		algo string
	}{{"sha1", signer.SHA1, "sha1"}, {"sha256", signer.SHA256, "sha256"}} {
		t.Run(tc.name, func(t *testing.T) {
			ours, err := signer.Sign(SignParams(), SignSecret, tc.alg, 2)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := cldapi.SignParametersUsingAlgoAndVersion(SignParams(), SignSecret, tc.algo, 2)
			if err != nil {
				t.Fatal(err)
			}
			if ours != theirs {
				t.Fatalf("cldrest %s != official %s", ours, theirs)
			}
		})
	}
}

func TestZeroReader(t *testing.T) {
	z := &ZeroReader{N: 70_000}
	buf := make([]byte, 32*1024)
	total := 0
	for i := 0; i < 10; i++ {
		n, err := z.Read(buf)
		total += n
		if err != nil {
			break
		}
	}
	if total != 70_000 {
		t.Fatalf("read %d bytes, want 70000", total)
	}
}

// Every scenario runs with both SDKs against the mock and does what it
// claims (tiny sizes).
func TestScenariosAgainstMock(t *testing.T) {
	m := mockserver.Start(t, mockserver.WithStorage(mockserver.MetadataOnly), mockserver.WithAdminBudget(0))
	url := m.CloudinaryURL()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	const bigSize = 21 << 20 // above the 20 MB chunk size of both SDKs
	if err := f.Truncate(bigSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var files []string
	for i := range 12 {
		p := filepath.Join(dir, "f"+string(rune('a'+i))+".bin")
		if err := os.WriteFile(p, make([]byte, 1024+i), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	png, err := filepath.Abs("../../../testdata/images/sunset.png")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r, err := Run(ctx, Cldrest, Seed, Params{URL: url, File: png, Prefix: "seed/", N: 7, Concurrency: 3}); err != nil || r.Count != 7 {
		t.Fatalf("seed: %+v %v", r, err)
	}
	for _, sdk := range []string{Cldrest, Official} {
		t.Run(sdk, func(t *testing.T) {
			for _, tc := range []struct {
				scen      string
				p         Params
				wantCount int
				wantBytes int64
			}{
				{UploadFile, Params{File: big}, 1, bigSize},
				{UploadReader, Params{Size: bigSize}, 1, bigSize},
				{Batch, Params{Files: files, Concurrency: 4}, len(files), 12*1024 + 66},
				{List, Params{Prefix: "seed/", PageSize: 3}, 7, 0},
			} {
				tc.p.URL = url
				r, err := Run(ctx, sdk, tc.scen, tc.p)
				if err != nil {
					t.Fatalf("%s: %v", tc.scen, err)
				}
				if r.Count != tc.wantCount || r.Bytes != tc.wantBytes {
					t.Errorf("%s: got %+v, want count %d bytes %d", tc.scen, r, tc.wantCount, tc.wantBytes)
				}
			}
		})
	}
}

func TestRunRejectsUnknown(t *testing.T) {
	if _, err := Run(context.Background(), "nope", List, Params{}); err == nil {
		t.Error("unknown sdk accepted")
	}
	if _, err := Run(context.Background(), Official, Seed, Params{URL: "cloudinary://k:s@c"}); err == nil {
		t.Error("official seed accepted")
	}
}

func BenchmarkSign(b *testing.B) {
	b.Run("sha1/cldrest", SignCldrest)
	b.Run("sha1/official", SignOfficial)
	b.Run("sha256/cldrest", SignCldrestSHA256)
	b.Run("sha256/official", SignOfficialSHA256)
}

// The raw load generator signs what the mock accepts and reaches the
// discard server with and without hashing; its body is the size it says.
func TestRawLoadGenerator(t *testing.T) {
	m := mockserver.Start(t, mockserver.WithStorage(mockserver.MetadataOnly))
	d := httptest.NewServer(discard.New())
	t.Cleanup(d.Close)
	for _, tc := range []struct {
		name, url string
		noHash    bool
	}{
		{"mock", m.CloudinaryURL(), false},
		{"discard", "cloudinary://k:s@demo?upload_prefix=" + d.URL, false},
		{"discard no hash", "cloudinary://k:s@demo?upload_prefix=" + d.URL, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{URL: tc.url, N: 30, Size: 16 << 10, Concurrency: 4, NoHash: tc.noHash}
			res, err := Run(context.Background(), Raw, LoadSmall, p)
			if err != nil || res.Count != 30 || res.Bytes != 30*16<<10 {
				t.Fatalf("load-small: %+v, %v", res, err)
			}
			p.Size = 1<<20 + 3
			res, err = Run(context.Background(), Raw, LoadBody, p)
			if err != nil || res.Count != 1 || res.Bytes != p.Size {
				t.Fatalf("load-body: %+v, %v", res, err)
			}
		})
	}
}

func TestPatternIsNotZeros(t *testing.T) {
	b, err := io.ReadAll(newPattern(200_000))
	if err != nil || len(b) != 200_000 {
		t.Fatalf("read %d bytes, %v", len(b), err)
	}
	if bytes.Count(b, []byte{0}) > len(b)/100 || !bytes.Equal(b[:1000], b[64<<10:64<<10+1000]) {
		t.Error("pattern is not a repeated pseudo-random block")
	}
}
