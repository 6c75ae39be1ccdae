package mockserver

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestHashStateReadFrom checks that reading through the hashing pipeline
// (io.Copy into a spool) gives the same length, MD5, prefix and bytes as
// writing the bytes in one call, for blobs within one block and across
// several, with short reads.
func TestHashStateReadFrom(t *testing.T) {
	for _, n := range []int{0, 1, 1000, hashBlock - 1, hashBlock, hashBlock + 1, 3*hashBlock + 17, (hashDepth+3)*hashBlock + 5} {
		data := randomBytes(n, uint64(n)+1)
		sum := md5.Sum(data)
		want := hex.EncodeToString(sum[:])
		wantPrefix := data[:min(n, sniffLimit)]
		stores := map[string]blobStore{"memory": newMemoryStore(), "meta": &metaStore{tmpDir: t.TempDir()}}
		fs, err := newFileStore(t.TempDir(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		stores["file"] = fs
		for name, st := range stores {
			sp, err := st.newSpool()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.Copy(sp, iotest.HalfReader(bytes.NewReader(data)))
			if err != nil || got != int64(n) {
				t.Fatalf("%s, %d bytes: io.Copy = %d, %v", name, n, got, err)
			}
			hs := sp.state()
			if hs.n != int64(n) || hs.sum() != want || !bytes.Equal(hs.prefix, wantPrefix) {
				t.Fatalf("%s, %d bytes: n %d, md5 %s (want %s), prefix %d bytes equal %v", name, n, hs.n, hs.sum(), want, len(hs.prefix), bytes.Equal(hs.prefix, wantPrefix))
			}
			if err := sp.commit("ab12"); err != nil {
				t.Fatal(err)
			}
			if st.keepsBytes() {
				rc, err := st.open("ab12")
				if err != nil {
					t.Fatal(err)
				}
				stored, _ := io.ReadAll(rc)
				rc.Close()
				if !bytes.Equal(stored, data) {
					t.Fatalf("%s, %d bytes: stored %d bytes, not the bytes read", name, n, len(stored))
				}
			}
		}
	}
}

// TestHashStateReadFromError checks that a read error ends the pipeline
// with that error, after hashing every byte read before it.
func TestHashStateReadFromError(t *testing.T) {
	boom := errors.New("boom")
	for _, n := range []int{10, 2*hashBlock + 3, (hashDepth + 2) * hashBlock} {
		data := randomBytes(n, 7)
		hs := newHashState()
		got, err := hs.ReadFrom(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)))
		if !errors.Is(err, boom) || got != int64(n) || hs.n != int64(n) {
			t.Fatalf("%d bytes: ReadFrom = %d, %v; hashed %d", n, got, err, hs.n)
		}
		sum := md5.Sum(data)
		if hs.sum() != hex.EncodeToString(sum[:]) {
			t.Fatalf("%d bytes: MD5 of the bytes before the error differs", n)
		}
	}
}

// failWriter accepts limit bytes, then fails.
type failWriter struct{ limit int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		return 0, errors.New("disk full")
	}
	w.limit -= len(p)
	return len(p), nil
}

// TestHashStateReadFromWriteError checks that a failing writer stops the
// pipeline with its error.
func TestHashStateReadFromWriteError(t *testing.T) {
	for _, limit := range []int{0, hashBlock, 3 * hashBlock} {
		hs := newHashState()
		_, err := hs.readFrom(bytes.NewReader(randomBytes(6*hashBlock, 3)), &failWriter{limit: limit})
		if err == nil || err.Error() != "disk full" {
			t.Fatalf("limit %d: err %v, want disk full", limit, err)
		}
	}
}
