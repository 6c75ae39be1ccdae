package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cldrest/cldrest/bench/internal/discard"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

// Raw is the SDK name of the raw load generator: hand-built signed
// multipart POSTs on a plain net/http client sized to the concurrency, the
// least a client can do per upload. It measures servers (the mock against
// the discard server), not clients.
const Raw = "raw"

// Scenarios of the raw load generator.
const (
	LoadSmall = "load-small" // N uploads of Size bytes, Concurrency in flight, one pre-built body
	LoadBody  = "load-body"  // one upload of Size bytes of zeros, streamed
)

// rawGen is the raw load generator.
type rawGen struct {
	endpoint, key, secret string
	alg                   signer.Algorithm
	version               int
	noHash                bool
	hc                    *http.Client
}

func newRaw(rawURL string, conc int, noHash bool) (*rawGen, error) {
	cfg, err := client.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(conc, 2)
	tr.DisableCompression = true
	return &rawGen{
		endpoint: cfg.UploadPrefix + "/v1_1/" + url.PathEscape(cfg.CloudName) + "/raw/upload",
		key:      cfg.APIKey, secret: cfg.APISecret.Reveal(),
		alg: cfg.SignatureAlgorithm, version: cfg.SignatureVersion,
		noHash: noHash,
		hc:     &http.Client{Transport: tr},
	}, nil
}

// form returns the multipart head (signed fields and the file part's
// header), the tail, and the content type of a signed upload.
func (g *rawGen) form() (head, tail []byte, contentType string, err error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig, err := signer.Sign(url.Values{"timestamp": {ts}}, g.secret, g.alg, g.version)
	if err != nil {
		return nil, nil, "", err
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, kv := range [][2]string{{"api_key", g.key}, {"timestamp", ts}, {"signature", sig}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return nil, nil, "", err
		}
	}
	if _, err := mw.CreateFormFile("file", "load.bin"); err != nil {
		return nil, nil, "", err
	}
	head = bytes.Clone(b.Bytes())
	b.Reset()
	if err := mw.Close(); err != nil {
		return nil, nil, "", err
	}
	return head, append([]byte("\r\n"), bytes.TrimPrefix(b.Bytes(), []byte("\r\n"))...), mw.FormDataContentType(), nil
}

func (g *rawGen) post(ctx context.Context, body io.Reader, n int64, contentType string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", contentType)
	if g.noHash {
		req.Header.Set(discard.NoHashHeader, "1")
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("raw: HTTP %d: %.300s", resp.StatusCode, out)
	}
	return out, nil
}

// loadSmall sends n uploads of size random bytes with conc in flight, all
// with the same signed body (the timestamp stays valid for an hour).
func (g *rawGen) loadSmall(ctx context.Context, n, size, conc int) (Result, error) {
	head, tail, ct, err := g.form()
	if err != nil {
		return Result{}, err
	}
	file := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(size), 16))
	for i := range file {
		file[i] = byte(r.Uint32())
	}
	body := append(append(head, file...), tail...)
	want := []byte(`"bytes":` + strconv.Itoa(size))
	var bytesOK atomic.Int64
	err = forEach(ctx, n, conc, func(ctx context.Context, _ int) error {
		out, err := g.post(ctx, bytes.NewReader(body), int64(len(body)), ct)
		if err != nil {
			return err
		}
		if !bytes.Contains(out, want) {
			return fmt.Errorf("raw: answer without %s: %.300s", want, out)
		}
		bytesOK.Add(int64(size))
		return nil
	})
	return Result{Count: n, Bytes: bytesOK.Load()}, err
}

// loadBody streams one upload of size bytes (a single request) of a
// repeated pseudo-random block: not zeros, so that a server's MD5 does its
// full work (the discard server counts zeros instead of hashing them).
func (g *rawGen) loadBody(ctx context.Context, size int64) (Result, error) {
	head, tail, ct, err := g.form()
	if err != nil {
		return Result{}, err
	}
	body := io.MultiReader(bytes.NewReader(head), newPattern(size), bytes.NewReader(tail))
	out, err := g.post(ctx, body, int64(len(head))+size+int64(len(tail)), ct)
	if err != nil {
		return Result{}, err
	}
	var res struct {
		Bytes    int64  `json:"bytes"`
		PublicID string `json:"public_id"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.PublicID == "" {
		return Result{}, fmt.Errorf("raw: unexpected answer %.300s", out)
	}
	return Result{Count: 1, Bytes: res.Bytes}, nil
}

// pattern yields n bytes repeating one pseudo-random 64 KiB block.
type pattern struct {
	block []byte
	off   int
	n     int64
}

func newPattern(n int64) *pattern {
	b := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return &pattern{block: b, n: n}
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	k := 0
	for k < len(b) {
		c := copy(b[k:], p.block[p.off:])
		k += c
		p.off = (p.off + c) % len(p.block)
	}
	p.n -= int64(k)
	return k, nil
}
