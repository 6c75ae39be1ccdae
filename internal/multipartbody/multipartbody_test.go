package multipartbody_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cldrest/cldrest/internal/multipartbody"
)

func TestMatchesStdlibWriterAndLength(t *testing.T) {
	fields := url.Values{"b": {"2", "", "3"}, "a": {"1"}, "quote\"d": {"x"}, "cr\r\nlf\\": {"y\r\n"}, "empty": {""}}
	content := "file\r\n--bnd\r\ncontent"
	cases := []struct {
		name string
		file *multipartbody.File
	}{
		{"no file", nil},
		{"readerat", &multipartbody.File{FileName: "a \"b\".jpg", ContentType: "image/jpeg", ReaderAt: strings.NewReader(content), Size: int64(len(content))}},
		{"stream known size", &multipartbody.File{FileName: "s", Stream: strings.NewReader(content), Size: int64(len(content))}},
		{"empty file", &multipartbody.File{FileName: "e", ReaderAt: strings.NewReader(""), Size: 0}},
		{"escaped names", &multipartbody.File{FieldName: "f\"\\", FileName: "new\r\nline\\\".jpg", ContentType: "text/plain", ReaderAt: strings.NewReader(content), Size: int64(len(content))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := multipartbody.New(fields, tc.file, "bnd")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(b.Reader())
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != b.Len() {
				t.Fatalf("Len %d, body %d bytes", b.Len(), len(got))
			}
			// The same body written by mime/multipart.Writer.
			var want bytes.Buffer
			mw := multipart.NewWriter(&want)
			mw.SetBoundary("bnd")
			mw.WriteField("a", "1")
			mw.WriteField("b", "2")
			mw.WriteField("b", "3")
			mw.WriteField("cr\r\nlf\\", "y\r\n")
			mw.WriteField("quote\"d", "x")
			if tc.file != nil {
				ct := tc.file.ContentType
				if ct == "" {
					ct = "application/octet-stream"
				}
				name := tc.file.FieldName
				if name == "" {
					name = "file"
				}
				h := map[string][]string{"Content-Disposition": {multipart.FileContentDisposition(name, tc.file.FileName)}, "Content-Type": {ct}}
				w, _ := mw.CreatePart(h)
				if tc.file.Size > 0 {
					io.WriteString(w, content)
				}
			}
			mw.Close()
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("body\n%q\nwant\n%q", got, want.Bytes())
			}
			mt, params, _ := mime.ParseMediaType(b.ContentType())
			if mt != "multipart/form-data" || params["boundary"] != "bnd" {
				t.Fatalf("content type %q", b.ContentType())
			}
		})
	}
}

func TestReaderAtIsReplayable(t *testing.T) {
	src := strings.NewReader("0123456789")
	b, err := multipartbody.New(url.Values{"k": {"v"}}, &multipartbody.File{ReaderAt: src, Size: 10}, "")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := io.ReadAll(b.Reader())
	second, _ := io.ReadAll(b.Reader())
	if !bytes.Equal(first, second) || !bytes.Contains(first, []byte("0123456789")) {
		t.Fatal("second reader differs")
	}
}

func TestUnknownSizeStream(t *testing.T) {
	b, err := multipartbody.New(nil, &multipartbody.File{Stream: strings.NewReader("abc"), Size: -1}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != -1 {
		t.Fatalf("Len %d", b.Len())
	}
	got, err := io.ReadAll(b.Reader())
	if err != nil || !bytes.Contains(got, []byte("\r\n\r\nabc\r\n--x--")) {
		t.Fatalf("%q %v", got, err)
	}
}

func TestSizeMismatchFails(t *testing.T) {
	short, _ := multipartbody.New(nil, &multipartbody.File{ReaderAt: strings.NewReader("abc"), Size: 5}, "x")
	if _, err := io.ReadAll(short.Reader()); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short ReaderAt: %v", err)
	}
	long, _ := multipartbody.New(nil, &multipartbody.File{Stream: strings.NewReader("abcdef"), Size: 3}, "x")
	if _, err := io.ReadAll(long.Reader()); !errors.Is(err, multipartbody.ErrTooLong) {
		t.Fatalf("long stream: %v", err)
	}
	shortStream, _ := multipartbody.New(nil, &multipartbody.File{Stream: strings.NewReader("ab"), Size: 3}, "x")
	if _, err := io.ReadAll(shortStream.Reader()); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short stream: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string]*multipartbody.File{
		"both":     {ReaderAt: strings.NewReader(""), Stream: strings.NewReader("")},
		"neither":  {},
		"negative": {ReaderAt: strings.NewReader(""), Size: -1},
	}
	for name, f := range cases {
		if _, err := multipartbody.New(nil, f, "x"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := multipartbody.New(nil, nil, strings.Repeat("x", 71)); err == nil {
		t.Error("invalid boundary accepted")
	}
	if a, b := multipartbody.RandomBoundary(), multipartbody.RandomBoundary(); a == b || len(a) != 30 {
		t.Errorf("boundaries %q %q", a, b)
	}
}

func TestContentTypeQuotesBoundaryLikeStdlib(t *testing.T) {
	for _, bnd := range []string{"plain-123", "with=equals", "has space:colon"} {
		b, err := multipartbody.New(url.Values{"k": {"v"}}, nil, bnd)
		if err != nil {
			t.Fatal(err)
		}
		mw := multipart.NewWriter(io.Discard)
		if err := mw.SetBoundary(bnd); err != nil {
			t.Fatal(err)
		}
		if got, want := b.ContentType(), mw.FormDataContentType(); got != want {
			t.Errorf("boundary %q: content type %q, want %q", bnd, got, want)
		}
	}
	if _, err := multipartbody.New(nil, nil, "bad\x00boundary"); err == nil {
		t.Error("an invalid boundary was accepted")
	}
}

// TestReaderFillsEachRead: with a ReaderAt file one Read returns the whole
// body when the buffer holds it (one write on the wire, not one per part);
// a Stream file is read once per Read, never waited on to fill it.
func TestReaderFillsEachRead(t *testing.T) {
	content := strings.Repeat("0123456789", 1000)
	b, err := multipartbody.New(url.Values{"k": {"v"}}, &multipartbody.File{ReaderAt: strings.NewReader(content), Size: int64(len(content))}, "bnd")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, b.Len()+10)
	n, err := b.Reader().Read(buf)
	if int64(n) != b.Len() || (err != nil && err != io.EOF) {
		t.Fatalf("one Read returned %d of %d bytes (%v)", n, b.Len(), err)
	}
	whole, _ := io.ReadAll(b.Reader())
	if !bytes.Equal(buf[:n], whole) {
		t.Fatal("the filled Read differs from the body")
	}
	// Small buffers: every byte in order, whatever the boundaries.
	for _, size := range []int{1, 7, 100, 4096} {
		var got bytes.Buffer
		r := b.Reader()
		p := make([]byte, size)
		for {
			n, err := r.Read(p)
			got.Write(p[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got.Bytes(), whole) {
			t.Fatalf("reads of %d bytes: body differs", size)
		}
	}

	s, err := multipartbody.New(url.Values{"k": {"v"}}, &multipartbody.File{Stream: iotest.OneByteReader(strings.NewReader(content)), Size: -1}, "bnd")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Reader()
	head := int(b.Len()) - len(content) - len("\r\n--bnd--\r\n")
	n, err = r.Read(make([]byte, 1<<20))
	if err != nil || n != head+1 {
		t.Fatalf("stream: first Read %d bytes (%v), want the head and one stream read (%d)", n, err, head+1)
	}
}
