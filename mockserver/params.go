package mockserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cldrest/cldrest/internal/cldvalue"
)

// Limits on what the request parser keeps in memory. File parts are streamed
// and never count against them; every text byte read before the request's
// credentials are verified is charged to the server's unverified budget
// (WithMaxUnverifiedBytes).
const (
	// maxFieldBytes bounds one text field other than file.
	maxFieldBytes = 1 << 20
	// maxFileFieldBytes bounds the file field sent as text (a URL or a data
	// URI; Cloudinary takes data URIs up to about 60 MB, 62,910,000
	// characters).
	maxFileFieldBytes = 64 << 20
	// maxParamsBytes bounds the text fields other than file of one request
	// together.
	maxParamsBytes = 8 << 20
	// maxFormBytes bounds a urlencoded body as sent (escapes included).
	maxFormBytes = 100 << 20
	// maxJSONBytes bounds a JSON body.
	maxJSONBytes = 16 << 20
	// maxNameBytes bounds a parameter name in a urlencoded body.
	maxNameBytes = 1024
)

// params holds a request's parameters: the query string merged with the body.
// raw keeps the keys exactly as sent (k[], k[0], ...) because the signature
// covers them that way; the accessors normalise array forms.
type params struct {
	raw   url.Values
	json  map[string]json.RawMessage // top-level JSON body fields, when the body was JSON
	bases map[string]bool            // lazily computed by arrayBases; raw must not change after
}

func newParams() *params { return &params{raw: url.Values{}} }

// has reports whether name was sent in any form (k, k[], k[N]) with a
// non-empty value.
func (p *params) has(name string) bool {
	for _, v := range p.values(name) {
		if v != "" {
			return true
		}
	}
	return false
}

// get returns the value of name: the first non-empty value sent under k, or
// the array elements joined with commas when it was sent as k[] or k[N].
func (p *params) get(name string) string {
	vs := p.values(name)
	if len(vs) == 1 {
		return vs[0]
	}
	return strings.Join(vs, ",")
}

// values returns the values of name in wire order: k[N] by index, then k[],
// then plain k.
func (p *params) values(name string) []string {
	type iv struct {
		idx int
		v   []string
	}
	if !p.arrayBases()[name] {
		return p.raw[name]
	}
	var indexed []iv
	var out []string
	for k, v := range p.raw {
		if len(k) <= len(name)+1 || k[:len(name)] != name || k[len(name)] != '[' || k[len(k)-1] != ']' {
			continue
		}
		inner := k[len(name)+1 : len(k)-1]
		if inner == "" {
			indexed = append(indexed, iv{idx: -1, v: v})
			continue
		}
		n, err := strconv.Atoi(inner)
		if err != nil || n < 0 {
			continue
		}
		indexed = append(indexed, iv{idx: n, v: v})
	}
	sort.SliceStable(indexed, func(i, j int) bool {
		a, b := indexed[i].idx, indexed[j].idx
		if a < 0 {
			a = int(^uint(0) >> 1)
		}
		if b < 0 {
			b = int(^uint(0) >> 1)
		}
		return a < b
	})
	for _, e := range indexed {
		out = append(out, e.v...)
	}
	out = append(out, p.raw[name]...)
	return out
}

// arrayBases returns the base names sent in array form (k[] or k[N]).
func (p *params) arrayBases() map[string]bool {
	if p.bases == nil {
		p.bases = map[string]bool{}
		for k := range p.raw {
			if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
				p.bases[k[:i]] = true
			}
		}
	}
	return p.bases
}

// list returns name as a list: array forms (k[], k[N]) give their elements
// as sent; plain k values are split on commas. Items are trimmed and empty
// items dropped.
func (p *params) list(name string) []string {
	vs := p.values(name)
	arrayForm := len(vs) > len(p.raw[name])
	var out []string
	for _, v := range vs {
		if arrayForm {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
			continue
		}
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// boolean parses name as true/false/1/0 (case-insensitive); def when absent.
func (p *params) boolean(name string, def bool) (bool, error) {
	v := p.get(name)
	if v == "" {
		return def, nil
	}
	b, ok := parseBool(v)
	if !ok {
		return false, badRequest("Invalid boolean parameter %s: %q (use true, false, 1 or 0)", name, v)
	}
	return b, nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// integer parses name as a decimal integer; def when absent.
func (p *params) integer(name string, def int64) (int64, error) {
	v := p.get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, badRequest("Invalid integer parameter %s: %q", name, v)
	}
	return n, nil
}

// filePart is a multipart file part handed to the request's file sink while
// parsing; see parseRequest.
type filePart struct {
	field    string
	filename string
	r        io.Reader
}

// fileSink receives the bytes of a file part. It must consume r.
type fileSink func(fp filePart) error

// parseOptions says what parseRequest does with file parts and whom it
// charges for the text it holds.
type parseOptions struct {
	// sink receives the file parts of a multipart body as they stream by
	// (nil drains and ignores them).
	sink fileSink
	// hold is charged for every text byte read; nil charges nobody.
	hold *hold
	// beforeFile, when set, is called with the parameters read so far when
	// the file field (a file part or a text field named file) begins.
	beforeFile func(p *params)
}

// parseRequest merges the query string and the body into params.
func parseRequest(r *http.Request, o parseOptions) (*params, error) {
	p := newParams()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("Malformed query string: %v", err)
	}
	for k, vs := range q {
		for _, v := range vs {
			p.raw[strings.Clone(k)] = append(p.raw[k], strings.Clone(v)) // not pinning the URL
		}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return p, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, mparams, err := mime.ParseMediaType(ct)
	if ct == "" {
		mt, err = "", nil
	}
	if err != nil {
		return nil, badRequest("Malformed Content-Type header %q", ct)
	}
	switch mt {
	case "multipart/form-data":
		if mparams["boundary"] == "" {
			return nil, badRequest("multipart/form-data Content-Type without a boundary")
		}
		br := bodyReaders.Get().(*bufio.Reader)
		br.Reset(r.Body)
		defer func() {
			br.Reset(nil)
			bodyReaders.Put(br)
		}()
		return p, parseMultipart(p, newFormReader(br, mparams["boundary"]), o)
	case "application/json":
		b, err := readLimited(r.Body, maxJSONBytes, r.ContentLength, o.hold)
		if err != nil {
			return nil, err
		}
		return p, parseJSONBody(p, b)
	case "", "application/x-www-form-urlencoded", "text/plain":
		body, err := readLimited(r.Body, maxFormBytes, r.ContentLength, o.hold)
		if err != nil {
			return nil, err
		}
		trimmed := strings.TrimSpace(body)
		if mt == "" && len(trimmed) > 0 && trimmed[0] == '{' {
			if len(trimmed) > maxJSONBytes {
				return nil, badRequest("Request body too large: more than %d bytes of JSON", maxJSONBytes)
			}
			return p, parseJSONBody(p, trimmed)
		}
		vals, err := url.ParseQuery(body)
		if err != nil {
			return nil, badRequest("Malformed form body: %v", err)
		}
		var params int
		for k, vs := range vals {
			if len(k) > maxNameBytes {
				return nil, badRequest("Parameter name too long: %s (at most %d bytes)", clip(k, 64), maxNameBytes)
			}
			k = strings.Clone(k) // see below
			for _, v := range vs {
				if err := checkFieldSize(k, len(v)); err != nil {
					return nil, err
				}
				if k != "file" {
					if params += len(v); params > maxParamsBytes {
						return nil, paramsTooLarge()
					}
				}
				// Unescaped values are substrings of the body: clone the
				// small ones, so that what outlives the request (assets,
				// journal, chunk sessions) does not pin the whole body.
				if len(v) < 64<<10 {
					v = strings.Clone(v)
				}
				p.raw[k] = append(p.raw[k], v)
			}
		}
		return p, nil
	}
	return nil, badRequest("Unsupported Content-Type %q: send multipart/form-data, application/x-www-form-urlencoded or application/json", mt)
}

// bodyReaders recycles the buffers multipart bodies are read through: large
// reads from the connection, whatever the multipart reader asks for.
var bodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

// readLimited reads all of r as text, at most limit bytes, charging h; size
// is the announced length (a Content-Length, -1 when unknown).
func readLimited(r io.Reader, limit, size int64, h *hold) (string, error) {
	b, tooLarge, err := readText(r, limit, size, h)
	if err != nil {
		if ae := (*apiError)(nil); errors.As(err, &ae) {
			return "", err
		}
		return "", badRequest("Could not read request body: %v", err)
	}
	if tooLarge {
		return "", badRequest("Request body too large: more than %d bytes of parameters", limit)
	}
	return b, nil
}

// checkFieldSize refuses a text field longer than its limit.
func checkFieldSize(name string, n int) error {
	limit := maxFieldBytes
	if name == "file" {
		limit = maxFileFieldBytes
	}
	if n > limit {
		return badRequest("Parameter %s too large: more than %d bytes (the limit for %s)", clip(name, 64), limit, fieldKind(name))
	}
	return nil
}

func fieldKind(name string) string {
	if name == "file" {
		return "the file field as text, e.g. a data URI"
	}
	return "one text field other than file"
}

func paramsTooLarge() error {
	return badRequest("Request body too large: more than %d bytes of parameters besides file", maxParamsBytes)
}

func parseMultipart(p *params, fr *formReader, o parseOptions) error {
	var params int64
	fileSeen := false
	for {
		name, filename, part, err := fr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return badRequest("Malformed multipart body: %v", err)
		}
		if name == "" {
			continue // the next call skips it
		}
		if name == "file" && !fileSeen {
			fileSeen = true
			if o.beforeFile != nil {
				o.beforeFile(p)
			}
		}
		if filename != "" {
			er := &errReader{r: part}
			if o.sink == nil {
				_, err = io.Copy(io.Discard, er)
			} else {
				err = o.sink(filePart{field: name, filename: filename, r: er})
			}
			if er.err != nil && !errors.Is(er.err, io.EOF) {
				// A broken body is the client's fault, whatever the sink made of it.
				return badRequest("Malformed multipart body: %v", er.err)
			}
			if err != nil {
				return err // without reading the rest of the part
			}
			continue
		}
		limit := int64(maxFieldBytes)
		if name == "file" {
			limit = maxFileFieldBytes
		} else if rest := maxParamsBytes - params; rest < limit {
			limit = rest
		}
		v, tooLarge, err := readText(part, limit, -1, o.hold)
		if err != nil {
			if ae := (*apiError)(nil); errors.As(err, &ae) {
				return err
			}
			return badRequest("Malformed multipart body: %v", err)
		}
		if tooLarge {
			if name != "file" && limit < maxFieldBytes {
				return paramsTooLarge()
			}
			return checkFieldSize(name, int(limit)+1)
		}
		if name != "file" {
			params += int64(len(v))
		}
		p.raw[name] = append(p.raw[name], v)
	}
}

func parseJSONBody(p *params, b string) error {
	if len(strings.TrimSpace(b)) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(b), &obj); err != nil {
		return badRequest("Malformed JSON body: %v", err)
	}
	p.json = obj
	for k, v := range obj {
		addJSONValue(p.raw, k, v)
	}
	return nil
}

// addJSONValue flattens one JSON field into wire form: strings as is,
// numbers and booleans as text, arrays of scalars as k[] values, anything else
// (objects, arrays of objects) as compact JSON text.
func addJSONValue(dst url.Values, k string, v json.RawMessage) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			dst[k] = append(dst[k], s)
		}
		return
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) != nil {
			return
		}
		scalars := make([]string, 0, len(arr))
		for _, e := range arr {
			s, ok := jsonScalar(e)
			if !ok {
				var buf bytes.Buffer
				if json.Compact(&buf, v) == nil {
					dst[k] = append(dst[k], buf.String())
				}
				return
			}
			scalars = append(scalars, s)
		}
		dst[k+"[]"] = append(dst[k+"[]"], scalars...)
		return
	case '{':
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			dst[k] = append(dst[k], buf.String())
		}
		return
	}
	if s, ok := jsonScalar(v); ok {
		dst[k] = append(dst[k], s)
	}
}

func jsonScalar(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	case 't', 'f', 'n':
		switch string(v) {
		case "true", "false":
			return string(v), true
		case "null":
			return "", true
		}
		return "", false
	case '[', '{':
		return "", false
	}
	var n json.Number
	if json.Unmarshal(v, &n) != nil {
		return "", false
	}
	return n.String(), true
}

// pipeMap decodes the context or metadata parameter name with the codec
// the client encodes with (internal/cldvalue): the pipe form "k1=v1|k2=v2"
// with backslash escapes, or, when a JSON body sent the field as an
// object, that object ({"k":"v"} or {"custom":{...}}). Only a JSON body's
// object is read as JSON: a form value that happens to look like JSON is
// a pipe string, as Cloudinary reads it. The result is never nil.
func (p *params) pipeMap(name string) map[string]string {
	if raw := bytes.TrimSpace(p.json[name]); len(raw) > 0 && raw[0] == '{' {
		if m, err := cldvalue.DecodeJSONPairs(raw); err == nil && m != nil {
			return m
		}
	}
	return cldvalue.DecodePairs(p.get(name))
}

// errReader remembers the first read error of r.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
