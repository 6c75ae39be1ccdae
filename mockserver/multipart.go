package mockserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"path/filepath"
	"strings"
)

// formReader reads a multipart/form-data body part by part, as
// mime/multipart's NextPart reads it (same framing, same part names and
// file names, quoted-printable parts decoded), from one buffer: it keeps no
// header maps, and a part costs no allocation besides the strings of its
// field and file names.
type formReader struct {
	br         *bufio.Reader
	nl         []byte // "\r\n", or "\n" when the first boundary line ends so
	nlDash     []byte // nl + "--" + boundary
	dash       []byte // "--" + boundary
	dashDash   []byte // "--" + boundary + "--"
	partsRead  int
	part       formPart // the current part, reused
	open       bool     // part has not been read to its end
	cd, cte    []byte   // scratch: the current part's headers
	lastHeader int      // 0 other, 1 Content-Disposition, 2 Content-Transfer-Encoding
}

// Limits on a part's headers.
const (
	maxPartHeaderBytes = 64 << 10
	maxPartHeaders     = 100
)

func newFormReader(br *bufio.Reader, boundary string) *formReader {
	b := []byte("\r\n--" + boundary + "--")
	return &formReader{br: br, nl: b[:2], nlDash: b[:len(b)-2], dash: b[2 : len(b)-2], dashDash: b[2:]}
}

// formPart is one part's body.
type formPart struct {
	fr      *formReader
	n       int   // bytes buffered that are known to be data
	total   int64 // bytes returned so far
	err     error // what follows the n bytes
	readErr error // the error of the last fill of the buffer
}

// next returns the next part: its form field name ("" when its disposition
// is not form-data), its file name (passed through filepath.Base, "" when
// it has none) and its body, valid until the next call. It returns io.EOF
// after the last part.
func (fr *formReader) next() (name, filename string, body io.Reader, err error) {
	if fr.open {
		if _, err := io.Copy(io.Discard, &fr.part); err != nil {
			return "", "", nil, err
		}
	}
	if len(fr.dash) == 2 {
		return "", "", nil, errors.New("multipart: boundary is empty")
	}
	expectNewPart := false
	for {
		line, err := fr.br.ReadSlice('\n')
		if err == io.EOF && fr.isFinalBoundary(line) {
			return "", "", nil, io.EOF // "--boundary--" without a line end
		}
		if err != nil {
			return "", "", nil, fmt.Errorf("multipart: NextPart: %w", err)
		}
		if fr.isDelimiterLine(line) {
			fr.partsRead++
			return fr.startPart()
		}
		if fr.isFinalBoundary(line) {
			return "", "", nil, io.EOF
		}
		if expectNewPart {
			return "", "", nil, fmt.Errorf("multipart: expecting a new Part; got line %q", line)
		}
		if fr.partsRead == 0 {
			continue // preamble
		}
		if bytes.Equal(line, fr.nl) {
			expectNewPart = true
			continue
		}
		return "", "", nil, fmt.Errorf("multipart: unexpected line in Next(): %q", line)
	}
}

// isFinalBoundary matches `^--boundary--[ \t]*(\r\n)?$`.
func (fr *formReader) isFinalBoundary(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dashDash)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	return len(rest) == 0 || bytes.Equal(rest, fr.nl)
}

// isDelimiterLine matches `^--boundary[ \t]*\r\n$` (RFC 2046 §5.1); a
// first boundary line that ends in a bare "\n" switches the reader to bare
// line ends.
func (fr *formReader) isDelimiterLine(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dash)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	if fr.partsRead == 0 && len(rest) == 1 && rest[0] == '\n' {
		fr.nl = fr.nl[1:]
		fr.nlDash = fr.nlDash[1:]
	}
	return bytes.Equal(rest, fr.nl)
}

func skipLWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// startPart reads a part's headers and sets up its body.
func (fr *formReader) startPart() (name, filename string, body io.Reader, err error) {
	fr.cd, fr.cte = fr.cd[:0], fr.cte[:0]
	haveCD := false
	size, count := 0, 0
	for {
		line, err := fr.br.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			return "", "", nil, io.EOF // as mime/multipart: the body ends in a part's headers
		}
		if err != nil && err != io.EOF {
			return "", "", nil, fmt.Errorf("multipart: reading part headers: %w", err)
		}
		if size += len(line); size > maxPartHeaderBytes {
			return "", "", nil, fmt.Errorf("multipart: part headers longer than %d bytes", maxPartHeaderBytes)
		}
		if l, ok := bytes.CutSuffix(line, []byte("\n")); ok { // as bufio's ReadLine
			line, _ = bytes.CutSuffix(l, []byte("\r"))
		}
		if len(line) == 0 {
			if err == io.EOF {
				return "", "", nil, io.EOF
			}
			break
		}
		if line[0] == ' ' || line[0] == '\t' { // a folded continuation
			if count == 0 {
				return "", "", nil, fmt.Errorf("multipart: malformed MIME header initial line: %q", line)
			}
			more := bytes.Trim(line, " \t")
			if bytes.ContainsFunc(more, badHeaderRune) {
				return "", "", nil, fmt.Errorf("multipart: malformed MIME header line: %q", line)
			}
			switch fr.lastHeader {
			case 1:
				fr.cd = append(append(fr.cd, ' '), more...)
			case 2:
				fr.cte = append(append(fr.cte, ' '), more...)
			}
			continue
		}
		if count++; count > maxPartHeaders {
			return "", "", nil, fmt.Errorf("multipart: more than %d part headers", maxPartHeaders)
		}
		key, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(key) == 0 || bytes.ContainsFunc(key, func(r rune) bool { return r != ' ' && (r > 0x7f || r == '{' || r == '}' || !isTokenByte(byte(r))) }) {
			return "", "", nil, fmt.Errorf("multipart: malformed MIME header line: %q", line)
		}
		value = bytes.Trim(value, " \t")
		if bytes.ContainsFunc(value, badHeaderRune) {
			return "", "", nil, fmt.Errorf("multipart: malformed MIME header line: %q", line)
		}
		if err == io.EOF {
			return "", "", nil, io.EOF // a last header line without its line end
		}
		fr.lastHeader = 0
		switch {
		case bytes.EqualFold(key, []byte("Content-Disposition")):
			if !haveCD { // the first one counts
				haveCD = true
				fr.cd = append(fr.cd, value...)
				fr.lastHeader = 1
			}
		case bytes.EqualFold(key, []byte("Content-Transfer-Encoding")):
			if len(fr.cte) == 0 {
				fr.cte = append(fr.cte, value...)
				fr.lastHeader = 2
			}
		}
	}
	name, filename = formDisposition(fr.cd)
	fr.part = formPart{fr: fr}
	fr.open = true
	body = &fr.part
	if bytes.EqualFold(fr.cte, []byte("quoted-printable")) {
		body = quotedprintable.NewReader(body)
	}
	return name, filename, body, nil
}

// badHeaderRune reports a control character, which a header value must
// not hold (RFC 7230 field-content).
func badHeaderRune(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// formDisposition returns the name and file name of a Content-Disposition
// value as mime/multipart's FormName and FileName do. The usual form
// (form-data; name="a"; filename="b", plain quoted strings or tokens) is
// read in place; anything else goes through mime.ParseMediaType.
func formDisposition(v []byte) (name, filename string) {
	if n, f, ok := simpleDisposition(v); ok {
		if f != "" {
			f = filepath.Base(f)
		}
		return n, f
	}
	disp, params, err := mime.ParseMediaType(string(v))
	if err != nil {
		return "", ""
	}
	if f := params["filename"]; f != "" {
		filename = filepath.Base(f) // whatever the disposition, as FileName
	}
	if disp == "form-data" {
		name = params["name"]
	}
	return name, filename
}

// simpleDisposition reads `form-data` followed by at most one name and one
// filename parameter, each a token or a quoted string without backslashes,
// all printable ASCII; ok is false for anything else.
func simpleDisposition(v []byte) (name, filename string, ok bool) {
	v = bytes.TrimLeft(v, " \t")
	const fd = "form-data"
	if len(v) < len(fd) || !bytes.EqualFold(v[:len(fd)], []byte(fd)) {
		return "", "", false
	}
	v = v[len(fd):]
	var haveName, haveFile bool
	for {
		v = bytes.TrimLeft(v, " \t")
		if len(v) == 0 {
			return name, filename, true
		}
		if v[0] != ';' {
			return "", "", false
		}
		v = bytes.TrimLeft(v[1:], " \t")
		eq := bytes.IndexByte(v, '=')
		if eq <= 0 {
			return "", "", false
		}
		key := v[:eq]
		v = v[eq+1:]
		var val []byte
		if len(v) > 0 && v[0] == '"' {
			end := bytes.IndexByte(v[1:], '"')
			if end < 0 {
				return "", "", false
			}
			val, v = v[1:1+end], v[2+end:]
			for _, c := range val {
				if c < 0x20 || c > 0x7e || c == '\\' {
					return "", "", false
				}
			}
		} else {
			i := 0
			for i < len(v) && isTokenByte(v[i]) {
				i++
			}
			val, v = v[:i], v[i:]
		}
		if len(val) == 0 {
			return "", "", false
		}
		switch {
		case string(key) == "name" && !haveName:
			haveName, name = true, string(val)
		case string(key) == "filename" && !haveFile:
			haveFile, filename = true, string(val)
		default:
			return "", "", false // other, repeated or upper-case parameters: the general parser decides
		}
	}
}

// isTokenByte reports whether c may appear in an RFC 2045 token.
func isTokenByte(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}

// Read returns the part's data up to the next boundary.
func (p *formPart) Read(d []byte) (int, error) {
	fr := p.fr
	br := fr.br
	for p.n == 0 && p.err == nil {
		peek, _ := br.Peek(br.Buffered())
		p.n, p.err = scanBoundary(peek, fr.dash, fr.nlDash, p.total, p.readErr)
		if p.n == 0 && p.err == nil {
			if len(peek) == br.Size() { // cannot happen: a boundary is shorter than the buffer
				p.err = errors.New("multipart: boundary longer than the read buffer")
				break
			}
			_, p.readErr = br.Peek(len(peek) + 1)
			if p.readErr == io.EOF {
				p.readErr = io.ErrUnexpectedEOF
			}
		}
	}
	if p.n == 0 {
		if p.err == io.EOF {
			fr.open = false
		}
		return 0, p.err
	}
	n, _ := br.Read(d[:min(len(d), p.n)])
	p.total += int64(n)
	p.n -= n
	if p.n == 0 && p.err != nil {
		if p.err == io.EOF {
			fr.open = false
		}
		return n, p.err
	}
	return n, nil
}

// scanBoundary says how much of buf is part data (n) and what comes after
// it (io.EOF: the part's end; readErr: the body's end), given total bytes
// of the part returned before. It leaves in the buffer whatever may be the
// start of a boundary.
func scanBoundary(buf, dash, nlDash []byte, total int64, readErr error) (int, error) {
	if total == 0 && bytes.HasPrefix(buf, dash) {
		// An empty part: the boundary right after the headers.
		switch boundaryEnd(buf, dash, readErr) {
		case -1:
			return len(dash), nil
		case 0:
			return 0, nil
		default:
			return 0, io.EOF
		}
	}
	if total == 0 && bytes.HasPrefix(dash, buf) {
		return 0, readErr
	}
	if i := bytes.Index(buf, nlDash); i >= 0 {
		switch boundaryEnd(buf[i:], nlDash, readErr) {
		case -1:
			return i + len(nlDash), nil // "\r\n--boundaryX": data
		case 0:
			return i, nil
		default:
			return i, io.EOF
		}
	}
	if bytes.HasPrefix(nlDash, buf) {
		return 0, readErr
	}
	// Everything before the last line start is data; from it on too, unless
	// it may begin a boundary.
	if i := bytes.LastIndexByte(buf, nlDash[0]); i >= 0 && bytes.HasPrefix(nlDash, buf[i:]) {
		return i, nil
	}
	return len(buf), readErr
}

// boundaryEnd looks past a boundary prefix at the start of buf: +1 when it
// is a boundary (followed by "--", a line end, or padding), -1 when it is
// not (followed by anything else), 0 when more bytes are needed.
func boundaryEnd(buf, prefix []byte, readErr error) int {
	if len(buf) == len(prefix) {
		if readErr != nil {
			return +1
		}
		return 0
	}
	c := buf[len(prefix)]
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
		return +1
	}
	if c == '-' {
		if len(buf) == len(prefix)+1 {
			if readErr != nil {
				return -1 // a lone '-' at the end of the body
			}
			return 0
		}
		if buf[len(prefix)+1] == '-' {
			return +1
		}
	}
	return -1
}
