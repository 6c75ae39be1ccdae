package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/cldrest/cldrest/client"
)

// recorded is one request the fake backend received, with the file bytes
// it read (when the fake keeps them).
type recorded struct {
	req  *client.Request
	data []byte
}

// fakeBackend answers Do with reply (default: a finished upload result) and
// records every request, with its file bytes when keepBytes is set. It
// reads each file part completely, like the real client does; reply is
// told the part's size.
type fakeBackend struct {
	t         testing.TB
	cfg       client.Config
	keepBytes bool
	reply     func(n int, r *client.Request, size int64) (any, error)
	// hold, when set, runs after a request is recorded and before reply,
	// with the request's context (to block a chunk until the upload stops).
	hold func(ctx context.Context, r *client.Request)

	mu   sync.Mutex
	reqs []recorded
}

func newFake(t testing.TB) *fakeBackend {
	cfg := client.Config{CloudName: "demo", APIKey: "key", APISecret: client.NewSecret("secret")}.WithDefaults()
	return &fakeBackend{t: t, cfg: cfg, keepBytes: true}
}

func (f *fakeBackend) Config() client.Config { return f.cfg }

func (f *fakeBackend) APIURL(path string) string {
	return f.cfg.UploadPrefix + "/v1_1/" + f.cfg.CloudName + "/" + path
}

func (f *fakeBackend) SignParams(p url.Values) (url.Values, error) {
	out := cloneValues(p)
	out.Set("api_key", "key")
	out.Set("timestamp", "1700000000")
	out.Set("signature", "sig")
	return out, nil
}

func (f *fakeBackend) Do(ctx context.Context, r *client.Request, v any) (*client.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, size, err := f.read(r.File)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, recorded{req: r, data: data})
	f.mu.Unlock()
	if f.hold != nil {
		f.hold(ctx, r)
	}
	var body any = map[string]any{"public_id": "pid", "secure_url": "https://example/pid", "bytes": size}
	if f.reply != nil {
		var err error
		if body, err = f.reply(n, r, size); err != nil {
			return nil, err
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, err
		}
	}
	resp := &client.Response{StatusCode: 200, Raw: raw, Attempts: 1}
	if m, ok := v.(interface{ SetResponse(*client.Response) }); ok {
		m.SetResponse(resp)
	}
	return resp, nil
}

// read reads the file part (if any) to its end and returns its bytes when
// keepBytes is set, and its size.
func (f *fakeBackend) read(file *client.File) ([]byte, int64, error) {
	if file == nil {
		return nil, 0, nil
	}
	r := file.Stream
	if file.ReaderAt != nil {
		r = io.NewSectionReader(file.ReaderAt, 0, file.Size)
	}
	if !f.keepBytes {
		n, err := io.Copy(io.Discard, r)
		return nil, n, err
	}
	if file.ReaderAt == nil {
		b, err := io.ReadAll(r)
		return b, int64(len(b)), err
	}
	b := make([]byte, file.Size)
	n, err := io.ReadFull(r, b)
	return b[:n], int64(n), err
}

func (f *fakeBackend) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeBackend) service() *Service { return &Service{b: f} }

// chunkReply answers non-final chunks with done:false and the final one with
// a finished asset.
func chunkReply(n int, r *client.Request, size int64) (any, error) {
	cr := r.Header.Get("Content-Range")
	if cr != "" && !isFinalRange(cr) {
		return map[string]any{"done": false, "bytes": size}, nil
	}
	return map[string]any{"public_id": "pid", "secure_url": "https://example/pid", "done": true}, nil
}

func isFinalRange(cr string) bool {
	var s, e, total int64
	if _, err := fmt.Sscanf(cr, "bytes %d-%d/%d", &s, &e, &total); err != nil {
		return false // "/-1"
	}
	return e == total-1
}

// errPermanent is what the fake returns for scripted failures.
var errPermanent = errors.New("scripted permanent failure")

func oneLine(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
