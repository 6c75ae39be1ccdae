package upload

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/cldrest/cldrest/client"
)

// backend is the part of *client.Client the service uses; tests substitute it.
type backend interface {
	Do(ctx context.Context, req *client.Request, v any) (*client.Response, error)
	Config() client.Config
	SignParams(params url.Values) (url.Values, error)
	APIURL(path string) string
}

// Service performs Upload API calls through a *client.Client: uploads from
// any Source (chunked when large), the other upload actions, and signed
// download URLs. It holds no per-call state and is safe for concurrent use;
// per-call behaviour (chunk size, parallel chunks, progress, retries) is
// chosen with Options.
type Service struct {
	b backend
}

// New returns a Service that sends its requests through c. It panics if c
// is nil.
func New(c *client.Client) *Service {
	if c == nil {
		panic("upload.New: nil *client.Client")
	}
	return &Service{b: c}
}

// ProgressFunc is told, after every acknowledged request of an upload, how
// many bytes the server has acknowledged so far and the total size (-1 while
// the size of an io.Reader source is still unknown). Calls are serialized
// and acked never decreases. It runs on a goroutine of the upload (the
// caller's, or a chunk worker's with WithConcurrency) and delays the upload
// while it runs: keep it short.
type ProgressFunc func(acked, total int64)

// Option adjusts one call.
type Option func(*settings)

type settings struct {
	chunkSize   int64
	concurrency int
	progress    ProgressFunc
	idempotent  bool
	uploadID    string
	noChecksum  bool
	integrity   bool
	errs        []error
}

// WithChunkSize sets the chunk size of this upload (default: the client's
// Config().ChunkSize, 20,000,000 unless configured). Sources larger than it
// are sent in chunks of this size. Values below client.MinChunkSize
// (5,242,880) are rejected with ErrChunkSize before anything is sent.
func WithChunkSize(n int64) Option {
	return func(s *settings) {
		if n < client.MinChunkSize {
			s.errs = append(s.errs, inputErr(ErrChunkSize, "chunk size", fmt.Sprintf("%d is below the minimum of %d bytes", n, client.MinChunkSize), fmt.Sprintf("use at least %d bytes (5 MiB)", client.MinChunkSize)))
			return
		}
		s.chunkSize = n
	}
}

// WithConcurrency sends up to n middle chunks of a sized source at the same
// time (the first chunk is always sent first and alone, and the last one
// after every other chunk was acknowledged). The default, 1, is sequential.
// Unknown-size readers are always sequential.
func WithConcurrency(n int) Option {
	return func(s *settings) {
		if n < 1 {
			s.errs = append(s.errs, inputErr(ErrInvalidParam, "concurrency", fmt.Sprintf("%d is not positive", n), "use 1 (sequential) or more"))
			return
		}
		s.concurrency = n
	}
}

// WithProgress reports upload progress to fn.
func WithProgress(fn ProgressFunc) Option { return func(s *settings) { s.progress = fn } }

// WithIdempotent declares that repeating this call cannot create a second
// asset (for example because the public ID is derived from the content, or
// duplicates are harmless to the caller), so the client may retry it even
// after an ambiguous failure (request sent, response lost). Without it,
// uploads are retried after such failures only when Params.PublicID is set
// and Params.Overwrite is Bool(true).
func WithIdempotent() Option { return func(s *settings) { s.idempotent = true } }

// WithoutChecksum skips computing Result.LocalMD5, which costs about one
// CPU-second per GiB sent. Use it when the caller already knows the MD5 of
// the source (the batch CLI hashes each file for its journal) or does not
// compare it with the Etag; LocalMD5 is then empty.
func WithoutChecksum() Option { return func(s *settings) { s.noChecksum = true } }

// WithIntegrityCheck fails an upload whose answer's Etag differs from
// Result.LocalMD5 with an *IntegrityError (errors.Is(err, ErrIntegrity)):
// Cloudinary's etag is the MD5 of the bytes it stored, so a difference
// means the asset under the public ID is not what was sent (corrupted in
// transit, by a proxy, or by a source that changed while it was read).
// Without this option the upload succeeds and the caller compares the two.
//
// It holds for chunked uploads too: the answer to the final chunk describes
// the assembled asset, and its etag is compared with the MD5 of the whole
// source (the spec notes the etag as the file's MD5 without Cloudinary
// documenting it; the mock computes it over the assembled bytes, and
// cloudinary_npm#65 found an SDK's chunk corruption by this comparison).
// The non-final chunks' answers carry no etag, so a chunk corrupted in
// transit is detected when the last chunk is answered, and repairing it
// means uploading the whole source again (with a new upload id).
//
// Where the check cannot apply, the upload is refused with an *InputError
// before any request: with WithoutChecksum (nothing to compare), for a
// remote URL other than a base64 data URI (Cloudinary fetches the bytes,
// this process never sees them), with Params.Async (the answer has no etag
// yet), and with an incoming Params.Transformation or a Params.Format
// conversion (the stored bytes differ from the sent ones by design; so does
// an upload preset with an incoming transformation, which fails the check).
// An answer with Existing set (Overwrite false and the public ID taken:
// Cloudinary kept the older asset, and Etag is that asset's) is returned
// without the check, as is an answer that is Pending.
func WithIntegrityCheck() Option { return func(s *settings) { s.integrity = true } }

var uploadIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// WithUploadID fixes the X-Unique-Upload-Id of a chunked upload (default: 16
// random hex characters). Use it to continue an upload with the id of a
// *ChunkError; the id must be 1–64 letters, digits, '-' or '_'.
func WithUploadID(id string) Option {
	return func(s *settings) {
		if !uploadIDRe.MatchString(id) {
			s.errs = append(s.errs, inputErr(ErrInvalidParam, "upload id", fmt.Sprintf("%q is not 1-64 letters, digits, - or _", id), "use a short alphanumeric id"))
			return
		}
		s.uploadID = id
	}
}

func (s *Service) settings(opts []Option) (*settings, error) {
	st := &settings{concurrency: 1}
	for _, o := range opts {
		if o != nil {
			o(st)
		}
	}
	if len(st.errs) > 0 {
		return nil, st.errs[0]
	}
	if st.integrity && st.noChecksum {
		return nil, inputErr(ErrInvalidParam, "WithIntegrityCheck", "needs the local MD5 that WithoutChecksum turns off", "drop one of the two options")
	}
	if st.chunkSize == 0 {
		st.chunkSize = s.b.Config().ChunkSize
		if st.chunkSize == 0 {
			st.chunkSize = client.DefaultChunkSize
		}
	}
	return st, nil
}

// Upload sends src to Cloudinary (POST <resource_type>/upload) and returns
// the new asset. p may be nil. Sources larger than the chunk size or than
// client.MaxUploadSize are sent as a chunked upload (spec §5): one
// X-Unique-Upload-Id, a Content-Range per chunk, each chunk its own request
// (signed afresh and retried on its own).
// The first chunk failure that retries cannot fix stops the upload with a
// *ChunkError; no later chunk is sent.
//
// Bad input (missing, empty or unreadable file, a ReaderAt whose size is
// wrong, a bad chunk size or resource type, unencodable parameters) returns
// an *InputError before any request is sent.
func (s *Service) Upload(ctx context.Context, src Source, p *Params, opts ...Option) (*Result, error) {
	return s.upload(ctx, src, p, "", false, opts)
}

// UploadUnsigned uploads src without credentials, using the unsigned upload
// preset named preset. The client refuses only what it owns: a
// Params.UploadPreset that differs from preset (ErrUnsignedParam) and, as
// for every upload, credentials in Extra (ErrInvalidParam), before a
// request is sent. Which other parameters an
// unsigned upload may set depends on the preset (its parameter whitelist),
// so they are sent and Cloudinary's answer decides (a 403 *client.APIError
// naming the parameter). Such uploads are never idempotent unless
// WithIdempotent is given.
func (s *Service) UploadUnsigned(ctx context.Context, src Source, preset string, p *Params, opts ...Option) (*Result, error) {
	if preset == "" {
		return nil, inputErr(ErrUnsignedParam, "upload preset", "missing", "pass the name of an unsigned upload preset")
	}
	return s.upload(ctx, src, p, preset, true, opts)
}

// call is one upload in progress.
type call struct {
	s        *Service
	set      *settings
	path     string
	vals     url.Values
	unsigned bool
	idem     bool
	src      *opened
	// attempts counts the HTTP attempts of every request of the upload.
	attempts atomic.Int64
}

func (s *Service) upload(ctx context.Context, src Source, p *Params, preset string, unsigned bool, opts []Option) (*Result, error) {
	st, err := s.settings(opts)
	if err != nil {
		return nil, err
	}
	var rtIn ResourceType
	if p != nil {
		rtIn = p.ResourceType
	}
	rt, err := resourceType(rtIn, "auto", uploadResourceTypes)
	if err != nil {
		return nil, err
	}
	vals, err := p.values()
	if err != nil {
		return nil, err
	}
	if unsigned {
		if v := vals.Get("upload_preset"); v != "" && v != preset {
			return nil, inputErr(ErrUnsignedParam, "upload_preset", fmt.Sprintf("Params.UploadPreset %q differs from the preset argument %q", v, preset), "set only the preset argument")
		}
		vals.Set("upload_preset", preset)
	}
	if st.integrity {
		if err := integrityApplies(vals); err != nil {
			return nil, err
		}
	}
	op, err := src.open()
	if err != nil {
		return nil, err
	}
	defer op.close()
	c := &call{s: s, set: st, path: rt + "/upload", vals: vals, unsigned: unsigned, idem: st.idempotent || idempotent(vals), src: op}
	res, err := c.send(ctx)
	if err != nil {
		return nil, err
	}
	if st.integrity {
		if err := checkIntegrity(res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// send uploads the opened source in one request or in chunks.
func (c *call) send(ctx context.Context) (*Result, error) {
	op, st := c.src, c.set
	switch {
	case op.remote != "":
		var sum string
		if !st.noChecksum {
			sum = dataURIMD5(op.remote)
		}
		if st.integrity && sum == "" {
			return nil, inputErr(ErrInvalidParam, "WithIntegrityCheck", "a remote URL is fetched by Cloudinary, so there are no local bytes to compare with the etag", "drop the option for URL sources (base64 data URIs are checked)")
		}
		c.vals.Set("file", op.remote)
		res, err := c.single(ctx, nil, -1)
		if err != nil {
			return nil, err
		}
		res.LocalMD5 = sum
		return res, nil
	case op.stream != nil:
		return c.stream(ctx)
	case op.size <= min(st.chunkSize, client.MaxUploadSize):
		h := newMD5At(op.ra, op.size, !st.noChecksum)
		defer h.close()
		res, err := c.single(ctx, &client.File{Name: op.name, ReaderAt: h, Size: op.size}, op.size)
		if err != nil {
			return nil, err
		}
		if res.LocalMD5, err = h.sum(); err != nil {
			return nil, err
		}
		return res, nil
	default:
		return c.sized(ctx)
	}
}

// integrityApplies refuses parameters under which the etag cannot equal
// the MD5 of the bytes sent (see WithIntegrityCheck).
func integrityApplies(vals url.Values) error {
	const what = "WithIntegrityCheck"
	switch {
	case vals.Get("async") == "true" || vals.Get("async") == "1":
		return inputErr(ErrInvalidParam, what, "an async upload is answered before the asset is stored, without an etag", "drop the option, or compare the etag of the notification with Result.LocalMD5")
	case vals.Get("transformation") != "":
		return inputErr(ErrInvalidParam, what, "an incoming transformation stores other bytes than the ones sent", "drop the option, or upload the original and derive the transformation with eager")
	case vals.Get("format") != "":
		return inputErr(ErrInvalidParam, what, "a format conversion stores other bytes than the ones sent", "drop the option, or deliver the other format through a URL transformation")
	}
	return nil
}

// checkIntegrity compares the stored bytes' etag with the local MD5.
func checkIntegrity(res *Result) error {
	if res.Existing || res.Pending() || strings.EqualFold(res.Etag, res.LocalMD5) {
		return nil
	}
	return &IntegrityError{PublicID: res.PublicID, Etag: res.Etag, LocalMD5: res.LocalMD5, Result: res}
}

// post sends one request of the upload (the whole source or one chunk) and
// counts its attempts.
func (c *call) post(ctx context.Context, f *client.File, h http.Header, idempotent bool) (*Result, error) {
	req := &client.Request{
		Method:     http.MethodPost,
		API:        client.UploadAPI,
		Path:       c.path,
		Params:     c.vals, // the client copies what it sends and never changes it
		File:       f,
		Header:     h,
		Idempotent: idempotent,
		Unsigned:   c.unsigned,
	}
	res := new(Result)
	resp, err := c.s.b.Do(ctx, req, res)
	c.count(resp, err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// single sends the whole upload in one request.
func (c *call) single(ctx context.Context, f *client.File, size int64) (*Result, error) {
	res, err := c.post(ctx, f, nil, c.idem)
	if err != nil {
		return nil, err
	}
	if !res.finished() {
		return nil, ErrIncomplete
	}
	if c.set.progress != nil && size > 0 {
		c.set.progress(size, size)
	}
	return res, nil
}
