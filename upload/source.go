package upload

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// MaxDataURILength is the longest data URI Cloudinary accepts as the file
// field (about 60 MB).
const MaxDataURILength = 62_910_000

type sourceKind int

const (
	kindNone sourceKind = iota
	kindPath
	kindFile
	kindReaderAt
	kindBytes
	kindReader
	kindRemote
)

// Source is what an upload sends: a local file, bytes, a reader, or a
// remote URL that Cloudinary fetches itself. Build one with a From*
// constructor; the zero Source is invalid. Sources are validated when an
// upload starts, before any request is sent.
//
// Sized sources (path, *os.File of a regular file, io.ReaderAt, []byte) are
// streamed from an io.SectionReader per attempt, so retries never buffer the
// asset. An unknown-size io.Reader is read one chunk at a time into a single
// reused buffer.
type Source struct {
	kind   sourceKind
	path   string
	file   *os.File
	ra     io.ReaderAt
	size   int64
	data   []byte
	r      io.Reader
	remote string
	name   string
}

// FromPath uploads the file at path. The file is opened when the upload
// starts and closed when it ends; the multipart filename (which becomes
// original_filename) is the path's base name.
func FromPath(path string) Source { return Source{kind: kindPath, path: path} }

// FromFile uploads f from offset 0 to its current size, read with ReadAt
// (f's own offset is not used or moved). A non-regular file (pipe, terminal)
// is read once like FromReader. The caller keeps ownership of f.
func FromFile(f *os.File) Source { return Source{kind: kindFile, file: f} }

// FromReaderAt uploads exactly size bytes of r, starting at offset 0. The
// size is checked before the upload starts.
func FromReaderAt(r io.ReaderAt, size int64) Source {
	return Source{kind: kindReaderAt, ra: r, size: size}
}

// FromBytes uploads b. b must not change until the upload returns.
func FromBytes(b []byte) Source { return Source{kind: kindBytes, data: b} }

// FromReader uploads everything r yields until io.EOF. The size need not be
// known: the reader is consumed one chunk at a time into one reused chunk
// buffer (memory stays within one chunk plus a small constant), and inputs
// larger than one chunk are sent as a chunked upload whose totals are "-1"
// until the end is known. A reader that knows its size and can be read at
// offsets (*bytes.Reader, *strings.Reader: ReadAt, Seek, Len and Size) is
// sent from its current position without a chunk buffer, retryable like
// FromReaderAt, and left at its end.
func FromReader(r io.Reader) Source { return Source{kind: kindReader, r: r} }

// FromURL makes Cloudinary fetch the asset itself: an http, https, ftp, s3,
// gs or gcs URL, or a base64 data URI ("data:image/png;base64,..."). It is
// sent as the file form field; no bytes are streamed from this process.
func FromURL(u string) Source { return Source{kind: kindRemote, remote: u} }

// WithName returns a copy of s whose multipart filename is name (Cloudinary
// derives original_filename from it). It has no effect on URL sources.
func (s Source) WithName(name string) Source { s.name = name; return s }

// String describes the source without its contents.
func (s Source) String() string {
	switch s.kind {
	case kindPath:
		return fmt.Sprintf("file %q", s.path)
	case kindFile:
		if s.file != nil {
			return fmt.Sprintf("file %q", s.file.Name())
		}
		return "file <nil>"
	case kindReaderAt:
		return fmt.Sprintf("reader of %d bytes", s.size)
	case kindBytes:
		return fmt.Sprintf("%d bytes", len(s.data))
	case kindReader:
		return "reader"
	case kindRemote:
		if strings.HasPrefix(s.remote, "data:") {
			return "data URI"
		}
		return fmt.Sprintf("URL %q", redactURL(s.remote))
	}
	return "empty source"
}

// opened is a validated source ready to be sent.
type opened struct {
	name   string
	ra     io.ReaderAt // sized sources
	size   int64
	stream io.Reader // unknown-size sources
	remote string    // URL or data URI
	close  func() error
}

var remoteSchemes = map[string]bool{"http": true, "https": true, "ftp": true, "s3": true, "gs": true, "gcs": true}

// open validates s and prepares it. It performs only local I/O (stat, open,
// probing reads of a ReaderAt) and never sends anything.
func (s Source) open() (*opened, error) {
	noClose := func() error { return nil }
	name := s.name
	switch s.kind {
	case kindPath:
		what := fmt.Sprintf("source %q", s.path)
		if s.path == "" {
			return nil, inputErr(ErrFileNotFound, "source", "empty file path", "pass the path of the file to upload")
		}
		// No stat before the open: openFile's Stat of the open file
		// tells a directory, and the open's error a missing file.
		f, err := os.Open(s.path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				e := inputErr(ErrFileNotFound, what, "no such file", "check the path")
				e.Err = err
				return nil, e
			}
			e := inputErr(ErrUnreadable, what, "cannot open: "+causeText(err), "check the path and the file's permissions")
			e.Err = err
			return nil, e
		}
		if name == "" {
			name = filepath.Base(s.path)
		}
		op, err := openFile(f, what, name)
		if err != nil {
			f.Close()
			return nil, err
		}
		op.close = f.Close
		return op, nil
	case kindFile:
		if s.file == nil {
			return nil, inputErr(ErrBadSource, "source", "nil *os.File", "pass an open file")
		}
		if name == "" {
			name = filepath.Base(s.file.Name())
		}
		op, err := openFile(s.file, fmt.Sprintf("source %q", s.file.Name()), name)
		if err != nil {
			return nil, err
		}
		op.close = noClose
		return op, nil
	case kindReaderAt:
		if s.ra == nil {
			return nil, inputErr(ErrBadSource, "source", "nil io.ReaderAt", "pass a reader")
		}
		if err := checkReaderAt(s.ra, s.size); err != nil {
			return nil, err
		}
		return &opened{name: nameOr(name), ra: s.ra, size: s.size, close: noClose}, nil
	case kindBytes:
		if len(s.data) == 0 {
			return nil, inputErr(ErrEmptySource, "source", "no bytes to upload", "pass a non-empty slice")
		}
		return &opened{name: nameOr(name), ra: bytes.NewReader(s.data), size: int64(len(s.data)), close: noClose}, nil
	case kindReader:
		if s.r == nil {
			return nil, inputErr(ErrBadSource, "source", "nil io.Reader", "pass a reader")
		}
		if kr, ok := s.r.(knownSizeReader); ok && kr.Len() > 0 {
			// The size is known and any offset can be read again: send
			// like a ReaderAt (retryable, no chunk buffer) and leave the
			// reader consumed, as reading it would.
			n := int64(kr.Len())
			ra := io.NewSectionReader(kr, kr.Size()-n, n)
			if _, err := kr.Seek(0, io.SeekEnd); err != nil {
				return nil, inputErr(ErrUnreadable, "source", "cannot seek: "+causeText(err), "pass a readable reader")
			}
			return &opened{name: nameOr(name), ra: ra, size: n, close: noClose}, nil
		}
		return &opened{name: nameOr(name), stream: s.r, size: -1, close: noClose}, nil
	case kindRemote:
		if err := checkRemote(s.remote); err != nil {
			return nil, err
		}
		return &opened{remote: s.remote, size: -1, close: noClose}, nil
	}
	return nil, inputErr(ErrBadSource, "source", "no source given", "build one with upload.FromPath, FromBytes, FromReader, ...")
}

// knownSizeReader is a reader that knows what is left of it and can be
// read at any offset: *bytes.Reader and *strings.Reader.
type knownSizeReader interface {
	io.ReaderAt
	io.Seeker
	Len() int
	Size() int64
}

func nameOr(name string) string {
	if name == "" {
		return "file"
	}
	return name
}

func openFile(f *os.File, what, name string) (*opened, error) {
	fi, err := f.Stat()
	if err != nil {
		e := inputErr(ErrUnreadable, what, "cannot stat: "+causeText(err), "check the file")
		e.Err = err
		return nil, e
	}
	if fi.IsDir() {
		return nil, inputErr(ErrIsDirectory, what, "is a directory", "pass a file, or upload the directory's files one by one")
	}
	if !fi.Mode().IsRegular() {
		// Pipes, terminals, devices: read once, size unknown.
		return &opened{name: name, stream: f, size: -1}, nil
	}
	if fi.Size() == 0 {
		return nil, inputErr(ErrEmptySource, what, "file is empty", "upload a file with content")
	}
	// Prove the file is readable now rather than in the middle of a request.
	var b [1]byte
	if _, err := f.ReadAt(b[:], 0); err != nil && err != io.EOF {
		e := inputErr(ErrUnreadable, what, "cannot read: "+causeText(err), "check the file's permissions")
		e.Err = err
		return nil, e
	}
	return &opened{name: name, ra: f, size: fi.Size()}, nil
}

// causeText strips the path from an *fs.PathError so the message does not
// repeat it.
func causeText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sizer is implemented by bytes.Reader, strings.Reader, io.SectionReader.
type sizer interface{ Size() int64 }

func checkReaderAt(ra io.ReaderAt, size int64) error {
	if size <= 0 {
		if size == 0 {
			return inputErr(ErrEmptySource, "source", "size is 0", "pass the number of bytes the reader holds")
		}
		return inputErr(ErrSizeMismatch, "source", fmt.Sprintf("negative size %d", size), "pass the number of bytes the reader holds, or use FromReader")
	}
	if s, ok := ra.(sizer); ok {
		if s.Size() != size {
			return inputErr(ErrSizeMismatch, "source", fmt.Sprintf("reader holds %d bytes but size %d was given", s.Size(), size), "pass the reader's real size")
		}
		return nil
	}
	if f, ok := ra.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() != size {
			return inputErr(ErrSizeMismatch, "source", fmt.Sprintf("file holds %d bytes but size %d was given", fi.Size(), size), "pass the file's real size, or wrap it in io.NewSectionReader")
		}
	}
	var b [1]byte
	if n, err := ra.ReadAt(b[:], size-1); n != 1 {
		e := inputErr(ErrSizeMismatch, "source", fmt.Sprintf("cannot read byte %d of a declared size of %d", size-1, size), "pass the reader's real size")
		e.Err = err
		return e
	}
	if n, _ := ra.ReadAt(b[:], size); n != 0 {
		return inputErr(ErrSizeMismatch, "source", fmt.Sprintf("reader holds more than the declared %d bytes", size), "pass the reader's real size, or wrap it in io.NewSectionReader")
	}
	return nil
}

func checkRemote(raw string) error {
	if strings.HasPrefix(raw, "data:") {
		if len(raw) > MaxDataURILength {
			return inputErr(ErrBadSource, "source", fmt.Sprintf("data URI of %d characters exceeds Cloudinary's limit of %d", len(raw), MaxDataURILength), "upload the bytes with FromBytes instead")
		}
		head, _, ok := strings.Cut(raw, ",")
		if !ok || !strings.HasSuffix(head, ";base64") {
			return inputErr(ErrBadSource, "source", "data URI is not of the form data:<mime>;base64,<data>", "base64-encode the data")
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return inputErr(ErrBadSource, "source", fmt.Sprintf("%q is not a URL", redactURL(raw)), "use an http(s), ftp, s3 or gs URL, or FromPath for local files")
	}
	if !remoteSchemes[strings.ToLower(u.Scheme)] {
		return inputErr(ErrBadSource, "source", fmt.Sprintf("unsupported URL scheme %q", u.Scheme), "use http, https, ftp, s3, gs or a data: URI")
	}
	if u.Host == "" {
		return inputErr(ErrBadSource, "source", fmt.Sprintf("URL %q has no host", redactURL(raw)), "use an absolute URL")
	}
	return nil
}

// redactURL drops a password from a URL so it never lands in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// dataURIMD5 returns the hex MD5 of a base64 data URI's decoded payload, or
// "" when it does not decode.
func dataURIMD5(raw string) string {
	_, payload, ok := strings.Cut(raw, ",")
	if !ok || !strings.HasPrefix(raw, "data:") {
		return ""
	}
	h := md5.New()
	dec := base64.NewDecoder(base64.StdEncoding, strings.NewReader(payload))
	if _, err := io.Copy(h, dec); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// localHash returns MD5, or a hash that ignores its input and sums to
// nothing when checksums are off (WithoutChecksum).
func localHash(enabled bool) hash.Hash {
	if enabled {
		return md5.New()
	}
	return noHash{}
}

type noHash struct{}

func (noHash) Write(p []byte) (int, error) { return len(p), nil }
func (noHash) Sum(b []byte) []byte         { return b }
func (noHash) Reset()                      {}
func (noHash) Size() int                   { return 0 }
func (noHash) BlockSize() int              { return 64 }
