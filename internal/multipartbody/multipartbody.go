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
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"slices"
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
	head, tail  []byte
	file        *File
	contentType string
}

// RandomBoundary returns a fresh random boundary (30 hex characters, like
// mime/multipart.Writer).
func RandomBoundary() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type switchWriter struct{ w *bytes.Buffer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// New builds the body for fields (sorted by key, values in order, empty
// values skipped) followed by file (which may be nil for a fields-only
// multipart body). An empty boundary means RandomBoundary.
func New(fields url.Values, file *File, boundary string) (*Body, error) {
	if boundary == "" {
		boundary = RandomBoundary()
	}
	var head, tail bytes.Buffer
	sw := &switchWriter{w: &head}
	mw := multipart.NewWriter(sw)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, fmt.Errorf("multipart boundary %q: %w", boundary, err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range fields[k] {
			if v == "" {
				continue
			}
			if err := mw.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	if file != nil {
		switch {
		case file.ReaderAt != nil && file.Stream != nil:
			return nil, errors.New("multipart file: set either ReaderAt or Stream, not both")
		case file.ReaderAt != nil && file.Size < 0:
			return nil, fmt.Errorf("multipart file: size %d is negative", file.Size)
		case file.ReaderAt == nil && file.Stream == nil:
			return nil, errors.New("multipart file: no ReaderAt or Stream")
		}
		name := file.FieldName
		if name == "" {
			name = "file"
		}
		ct := file.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", multipart.FileContentDisposition(name, file.FileName))
		h.Set("Content-Type", ct)
		if _, err := mw.CreatePart(h); err != nil {
			return nil, err
		}
	}
	sw.w = &tail
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &Body{head: head.Bytes(), tail: tail.Bytes(), file: file, contentType: mw.FormDataContentType()}, nil
}

// ContentType returns "multipart/form-data; boundary=…".
func (b *Body) ContentType() string { return b.contentType }

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
	parts := []io.Reader{bytes.NewReader(b.head)}
	if f := b.file; f != nil {
		switch {
		case f.ReaderAt != nil:
			parts = append(parts, &exactReader{r: io.NewSectionReader(f.ReaderAt, 0, f.Size), want: f.Size})
		case f.Size >= 0:
			parts = append(parts, &exactReader{r: f.Stream, want: f.Size})
		default:
			parts = append(parts, f.Stream)
		}
	}
	parts = append(parts, bytes.NewReader(b.tail))
	return io.MultiReader(parts...)
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
