package mockserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"testing/iotest"
)

// formParts reads body with the mock's formReader: every part's name, file
// name and data, and whether reading failed.
func formParts(body []byte, boundary string, oneByte bool) (parts []string, failed bool) {
	var r io.Reader = bytes.NewReader(body)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	fr := newFormReader(bufio.NewReaderSize(r, 64<<10), boundary)
	for {
		name, filename, part, err := fr.next()
		if errors.Is(err, io.EOF) {
			return parts, false
		}
		if err != nil {
			return parts, true
		}
		data, err := io.ReadAll(part)
		parts = append(parts, name+"|"+filename+"|"+string(data))
		if err != nil {
			return parts, true
		}
	}
}

// stdParts reads body with mime/multipart, the reference.
func stdParts(body []byte, boundary string) (parts []string, failed bool) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return parts, false
		}
		if err != nil {
			return parts, true
		}
		data, err := io.ReadAll(p)
		parts = append(parts, p.FormName()+"|"+p.FileName()+"|"+string(data))
		if err != nil {
			return parts, true
		}
	}
}

var formCases = []string{
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\nDATA\r\n--B--\r\n",
	"preamble\r\nmore\r\n--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--B--",
	"--B\nContent-Disposition: form-data; name=\"a\"\n\nbare line ends\n--B--\n",
	"--B  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--B \t\r\ncontent-disposition: FORM-DATA; NAME=\"b\"\r\n\r\nx\r\n--B--  \r\nepilogue",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnot a boundary: \r\n--BX and \r\n--B- and \r\n--\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\\\dir\\\\x.txt\"\r\n\r\nwin\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/passwd\"\r\n\r\np\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\ne\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\n\r\nf\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\ndup\r\n--B--\r\n",
	"--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nnot form-data\r\n--B--\r\n",
	"--B\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"q\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"é\"\r\n\r\nutf8 name\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntruncated",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\n",
	"--B\r\nbroken header line\r\n\r\n1\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\ngarbage\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\nXX--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"\"\r\n\r\nempty filename\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\" ; filename = \"spaced.txt\" \r\n\r\ns\r\n--B--\r\n",
	"--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nunterminated quote\r\n--B--\r\n",
	"",
	"--B--\r\n",
	"no boundary at all",
}

// TestFormReaderMatchesMultipart checks that the mock's multipart reader
// reads what mime/multipart reads, also when the body arrives a byte at a
// time, and fails where it fails.
func TestFormReaderMatchesMultipart(t *testing.T) {
	big := strings.Repeat("0123456789abcdef\r\n--", 20000) // 400 KB with near-boundaries, across buffer fills
	cases := append(formCases, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n"+big+"\r\n--B--\r\n")
	for _, body := range cases {
		want, wantFail := stdParts([]byte(body), "B")
		for _, oneByte := range []bool{false, true} {
			got, gotFail := formParts([]byte(body), "B", oneByte)
			if gotFail != wantFail || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("body %.80q (one byte at a time: %v):\n got  %.200q failed %v\n want %.200q failed %v", body, oneByte, got, gotFail, want, wantFail)
			}
		}
	}
}

// FuzzFormReader compares the mock's multipart reader with mime/multipart
// on arbitrary bodies.
func FuzzFormReader(f *testing.F) {
	for _, c := range formCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if bytes.Contains(body, []byte("\n")) && len(body) > 4000 {
			return // mime/multipart refuses lines past its 4 KiB buffer; the mock's is larger
		}
		want, wantFail := stdParts(body, "B")
		got, gotFail := formParts(body, "B", false)
		if gotFail != wantFail || !wantFail && strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("body %q:\n got  %q failed %v\n want %q failed %v", body, got, gotFail, want, wantFail)
		}
	})
}
