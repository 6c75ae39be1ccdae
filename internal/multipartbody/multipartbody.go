// Package multipartbody builds multipart/form-data request bodies that are
// streamed from their sources with an exactly computed length.
//
// A Body is a small in-memory head (every form field plus the file part's
// headers), the file bytes read lazily from an io.ReaderAt (through a fresh
// io.SectionReader for every Reader call) or from a one-shot io.Reader, and
// a small tail (the closing boundary). Nothing proportional to the file
// size is ever buffered, and no goroutine is started.
//
// The encoding is byte-for-byte what mime/multipart.Writer produces, so any
// standard multipart parser reads it; fields are written in sorted key
// order so bodies are deterministic for a given boundary.
package multipartbody

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
)

// File is the file part of the body. Exactly one of ReaderAt and Stream is
// set. Size is required with ReaderAt; with Stream it may be -1 (unknown).
type File struct {
	FieldName   string // default "file"
	FileName    string // the part's filename parameter
	ContentType string // default application/octet-stream
	ReaderAt    io.ReaderAt
	Stream      io.Reader
	Size        int64
}

// Body is a multipart/form-data body ready to be streamed.
type Body struct {
	head     []byte
	tail     string
	file     *File
	boundary string
}

// RandomBoundary returns a fresh random boundary (30 hex characters, like
// mime/multipart.Writer).
func RandomBoundary() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// New builds the body for fields (sorted by key, values in order, empty
// values skipped) followed by file (which may be nil for a fields-only
// multipart body). An empty boundary means RandomBoundary.
//
// The head is encoded straight into one buffer of its exact size (no
// mime/multipart.Writer, whose per-part header maps and formatting were
// most of an upload's allocations); the bytes are the Writer's, which the
// tests check.
func New(fields url.Values, file *File, boundary string) (*Body, error) {
	if boundary == "" {
		boundary = RandomBoundary()
	} else if err := new(multipart.Writer).SetBoundary(boundary); err != nil {
		return nil, fmt.Errorf("multipart boundary %q: %w", boundary, err)
	}
	var name, fileName, ct string
	if file != nil {
		switch {
		case file.ReaderAt != nil && file.Stream != nil:
			return nil, errors.New("multipart file: set either ReaderAt or Stream, not both")
		case file.ReaderAt != nil && file.Size < 0:
			return nil, fmt.Errorf("multipart file: size %d is negative", file.Size)
		case file.ReaderAt == nil && file.Stream == nil:
			return nil, errors.New("multipart file: no ReaderAt or Stream")
		}
		name = cmp.Or(file.FieldName, "file")
		fileName = escapeQuotes(file.FileName)
		ct = cmp.Or(file.ContentType, "application/octet-stream")
		name = escapeQuotes(name)
	}
	// Every part starts with a delimiter line, "\r\n--B\r\n" except the
	// first ("--B\r\n"); the body ends with "\r\n--B--\r\n".
	const fieldHead = "Content-Disposition: form-data; name=\"\"\r\n\r\n"
	delim := len(boundary) + 6
	size := 0
	for k, v := range Fields(fields) {
		size += delim + len(fieldHead) + len(escapeQuotes(k)) + len(v)
	}
	const fileHead = "Content-Disposition: form-data; name=\"\"; filename=\"\"\r\nContent-Type: \r\n\r\n"
	if file != nil {
		size += delim + len(fileHead) + len(name) + len(fileName) + len(ct)
	}
	head := make([]byte, 0, size)
	part := func() {
		if len(head) > 0 {
			head = append(head, "\r\n"...)
		}
		head = append(head, "--"...)
		head = append(head, boundary...)
		head = append(head, "\r\n"...)
	}
	for k, v := range Fields(fields) {
		part()
		head = append(head, `Content-Disposition: form-data; name="`...)
		head = append(head, escapeQuotes(k)...)
		head = append(head, "\"\r\n\r\n"...)
		head = append(head, v...)
	}
	if file != nil {
		part()
		head = append(head, `Content-Disposition: form-data; name="`...)
		head = append(head, name...)
		head = append(head, `"; filename="`...)
		head = append(head, fileName...)
		head = append(head, "\"\r\nContent-Type: "...)
		head = append(head, ct...)
		head = append(head, "\r\n\r\n"...)
	}
	tail := "\r\n--" + boundary + "--\r\n"
	return &Body{head: head, tail: tail, file: file, boundary: boundary}, nil
}

// Fields yields the form fields a body sends, in the order it sends them:
// keys sorted, each key's values in order, empty values skipped (they are
// never sent, as they are never signed). It is the one rule for every
// rendering of an upload's fields (the body, and "cldrest sign --curl").
func Fields(fields url.Values) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		var buf [32]string
		keys := buf[:0]
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range fields[k] {
				if v != "" && !yield(k, v) {
					return
				}
			}
		}
	}
}

// quoteEscaper is mime/multipart's escaping of field parameter values
// (its escapeQuotes, which is not exported): \ and " are \-escaped, CR
// and LF percent-encoded.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func escapeQuotes(s string) string {
	if !strings.ContainsAny(s, "\\\"\r\n") {
		return s
	}
	return quoteEscaper.Replace(s)
}

// ContentType returns "multipart/form-data; boundary=…".
func (b *Body) ContentType() string {
	var w multipart.Writer // the stdlib's quoting of the boundary
	_ = w.SetBoundary(b.boundary)
	return w.FormDataContentType()
}

// Len returns the exact body length in bytes, or -1 when the file is a
// Stream of unknown size.
func (b *Body) Len() int64 {
	n := int64(len(b.head) + len(b.tail))
	if b.file == nil {
		return n
	}
	if b.file.ReaderAt == nil && b.file.Size < 0 {
		return -1
	}
	return n + b.file.Size
}

// Reader returns a new reader over the whole body. With a ReaderAt file
// every call starts again from offset 0; with a Stream file the stream is
// consumed by the first reader that reaches it. A Stream of known Size that
// yields fewer or more bytes makes the reader fail with
// io.ErrUnexpectedEOF or ErrTooLong, so the declared Content-Length is
// never violated silently.
func (b *Body) Reader() io.Reader {
	r := &bodyReader{head: b.head, tail: b.tail}
	if f := b.file; f != nil {
		switch {
		case f.ReaderAt != nil:
			r.file, r.fill = &exactReader{r: io.NewSectionReader(f.ReaderAt, 0, f.Size), want: f.Size}, true
		case f.Size >= 0:
			r.file = &exactReader{r: f.Stream, want: f.Size}
		default:
			r.file = f.Stream
		}
	}
	return r
}

// bodyReader reads the head, the file and the tail, filling each Read as
// far as it can (io.MultiReader ends a Read at every part's end), so that
// a small upload's body leaves in one write instead of one per part. A
// Stream file is read once per call: a slow stream is never waited on to
// fill a buffer.
type bodyReader struct {
	head []byte
	file io.Reader // nil when there is none, or it is done
	fill bool      // read the file until p is full (a ReaderAt)
	tail string
}

func (r *bodyReader) Read(p []byte) (int, error) {
	n := copy(p, r.head)
	r.head = r.head[n:]
	for r.file != nil && n < len(p) {
		m, err := r.file.Read(p[n:])
		n += m
		if err == io.EOF {
			r.file = nil
			break
		}
		if err != nil {
			return n, err
		}
		if !r.fill || m == 0 {
			return n, nil
		}
	}
	if r.file != nil || len(r.head) > 0 {
		return n, nil
	}
	k := copy(p[n:], r.tail)
	r.tail = r.tail[k:]
	n += k
	if len(r.tail) == 0 {
		return n, io.EOF
	}
	return n, nil
}

// ErrTooLong reports a file source longer than its declared Size.
var ErrTooLong = errors.New("multipart file: source is longer than its declared size")

// exactReader yields exactly want bytes of r, failing if r is shorter or
// longer.
type exactReader struct {
	r    io.Reader
	want int64
	got  int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.got >= e.want {
		// Probe for extra bytes so a too-long source is reported.
		var one [1]byte
		n, err := e.r.Read(one[:])
		if n > 0 {
			return 0, ErrTooLong
		}
		if err == nil || err == io.EOF {
			return 0, io.EOF
		}
		return 0, err
	}
	if rem := e.want - e.got; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := e.r.Read(p)
	e.got += int64(n)
	if err == io.EOF {
		if e.got < e.want {
			return n, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}
