// Package scenario holds the client-side work of every benchmark scenario,
// written once for cldrest and once for the official Go SDK
// (github.com/cloudinary/cloudinary-go/v2), so that the two do the same job
// against the same server. The child binary cmd/benchclient runs one
// scenario per process (so rusage measures exactly one client), and the
// tests in this package run the same functions under go test -cpuprofile.
package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	cld "github.com/cloudinary/cloudinary-go/v2"
	cldapi "github.com/cloudinary/cloudinary-go/v2/api"
	cldadmin "github.com/cloudinary/cloudinary-go/v2/api/admin"
	cldup "github.com/cloudinary/cloudinary-go/v2/api/uploader"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/upload"
)

// SDK names accepted by Run.
const (
	Cldrest  = "cldrest"
	Official = "official"
)

// Scenario names accepted by Run.
const (
	UploadFile   = "upload-file"   // one big file from a path
	UploadReader = "upload-reader" // an unknown-size io.Reader of Size bytes
	Batch        = "batch"         // many small files with Concurrency workers
	List         = "list"          // every resource under Prefix, paginated
	Seed         = "seed"          // N copies of File under Prefix (setup, cldrest only)
)

// Params describes one scenario run.
type Params struct {
	URL         string   // CLOUDINARY_URL with upload_prefix pointing at the mock
	File        string   // upload-file, seed: the file to upload
	Files       []string // batch: the files to upload
	Size        int64    // upload-reader: bytes the reader yields
	Concurrency int      // batch, seed: parallel uploads
	Prefix      string   // list, seed: public ID prefix
	N           int      // seed, load-small: how many uploads
	PageSize    int      // list: max_results per page
	NoHash      bool     // raw: ask the discard server not to hash (discard.NoHashHeader)
	Checksum    bool     // cldrest upload-file, upload-reader: keep the default local MD5 (no WithoutChecksum)
}

// Result is what a run did, checked by the caller.
type Result struct {
	Count int   `json:"count"` // files uploaded or resources listed
	Bytes int64 `json:"bytes"` // bytes the server reported for uploads
}

// Run executes scenario with sdk.
func Run(ctx context.Context, sdk, scenario string, p Params) (Result, error) {
	switch sdk {
	case Cldrest:
		c, err := newCldrest(p.URL, p.Checksum)
		if err != nil {
			return Result{}, err
		}
		switch scenario {
		case UploadFile:
			return c.uploadFile(ctx, p.File)
		case UploadReader:
			return c.uploadReader(ctx, p.Size)
		case Batch:
			return c.batch(ctx, p.Files, p.Concurrency)
		case List:
			return c.list(ctx, p.Prefix, p.PageSize)
		case Seed:
			return c.seed(ctx, p.File, p.Prefix, p.N, p.Concurrency)
		}
	case Official:
		o, err := newOfficial(p.URL)
		if err != nil {
			return Result{}, err
		}
		switch scenario {
		case UploadFile:
			return o.uploadFile(ctx, p.File)
		case UploadReader:
			return o.uploadReader(ctx, p.Size)
		case Batch:
			return o.batch(ctx, p.Files, p.Concurrency)
		case List:
			return o.list(ctx, p.Prefix, p.PageSize)
		}
	case Raw:
		g, err := newRaw(p.URL, p.Concurrency, p.NoHash)
		if err != nil {
			return Result{}, err
		}
		switch scenario {
		case LoadSmall:
			return g.loadSmall(ctx, p.N, int(p.Size), p.Concurrency)
		case LoadBody:
			return g.loadBody(ctx, p.Size)
		}
	default:
		return Result{}, fmt.Errorf("unknown sdk %q: use %s, %s or %s", sdk, Cldrest, Official, Raw)
	}
	return Result{}, fmt.Errorf("unknown scenario %q for sdk %s", scenario, sdk)
}

// ZeroReader yields n zero bytes and nothing else: it is neither an
// io.ReaderAt nor an io.Seeker, so both SDKs must treat it as a stream of
// unknown size.
type ZeroReader struct{ N int64 }

// Read fills p with zeros.
func (z *ZeroReader) Read(p []byte) (int, error) {
	if z.N <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.N {
		p = p[:z.N]
	}
	clear(p)
	z.N -= int64(len(p))
	return len(p), nil
}

// forEach runs fn for every item with n workers and returns the first error.
func forEach(ctx context.Context, items int, n int, fn func(ctx context.Context, i int) error) error {
	if n < 1 {
		n = 1
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= items || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// ---- cldrest ----

type cldrestSDK struct {
	up  *upload.Service
	ad  *admin.Service
	sum []upload.Option // WithoutChecksum unless the MD5 is wanted
}

func newCldrest(url string, checksum bool) (*cldrestSDK, error) {
	cfg, err := client.ParseURL(url)
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil, err
	}
	sdk := &cldrestSDK{up: upload.New(c), ad: admin.New(c)}
	if !checksum {
		sdk.sum = []upload.Option{upload.WithoutChecksum()}
	}
	return sdk, nil
}

func (c *cldrestSDK) uploadFile(ctx context.Context, path string) (Result, error) {
	res, err := c.up.Upload(ctx, upload.FromPath(path), &upload.Params{ResourceType: "raw"}, c.sum...)
	if err != nil {
		return Result{}, err
	}
	return Result{Count: 1, Bytes: res.Bytes}, nil
}

func (c *cldrestSDK) uploadReader(ctx context.Context, size int64) (Result, error) {
	res, err := c.up.Upload(ctx, upload.FromReader(&ZeroReader{N: size}).WithName("stream.bin"), &upload.Params{ResourceType: "raw"}, c.sum...)
	if err != nil {
		return Result{}, err
	}
	return Result{Count: 1, Bytes: res.Bytes}, nil
}

func (c *cldrestSDK) batch(ctx context.Context, files []string, n int) (Result, error) {
	var bytes atomic.Int64
	err := forEach(ctx, len(files), n, func(ctx context.Context, i int) error {
		res, err := c.up.Upload(ctx, upload.FromPath(files[i]), nil, c.sum...)
		if err != nil {
			return err
		}
		bytes.Add(res.Bytes)
		return nil
	})
	return Result{Count: len(files), Bytes: bytes.Load()}, err
}

func (c *cldrestSDK) list(ctx context.Context, prefix string, pageSize int) (Result, error) {
	opts := &admin.ListResourcesOptions{Type: admin.Upload, Prefix: prefix}
	opts.MaxResults = pageSize
	n := 0
	for r, err := range c.ad.ListResourcesAll(ctx, opts) {
		if err != nil {
			return Result{}, err
		}
		if r.PublicID == "" {
			return Result{}, errors.New("cldrest: listed a resource without public_id")
		}
		n++
	}
	return Result{Count: n}, nil
}

func (c *cldrestSDK) seed(ctx context.Context, file, prefix string, n, conc int) (Result, error) {
	var bytes atomic.Int64
	err := forEach(ctx, n, conc, func(ctx context.Context, i int) error {
		res, err := c.up.Upload(ctx, upload.FromPath(file), &upload.Params{ResourceType: "image", PublicID: prefix + strconv.Itoa(i)})
		if err != nil {
			return err
		}
		bytes.Add(res.Bytes)
		return nil
	})
	return Result{Count: n, Bytes: bytes.Load()}, err
}

// ---- official Go SDK ----

type officialSDK struct{ c *cld.Cloudinary }

func newOfficial(url string) (*officialSDK, error) {
	c, err := cld.NewFromURL(url)
	if err != nil {
		return nil, err
	}
	return &officialSDK{c: c}, nil
}

func checkUpload(res *cldup.UploadResult) (Result, error) {
	if res.Error.Message != "" {
		return Result{}, fmt.Errorf("official: %s", res.Error.Message)
	}
	if res.PublicID == "" {
		return Result{}, errors.New("official: upload result without public_id")
	}
	return Result{Count: 1, Bytes: int64(res.Bytes)}, nil
}

func (o *officialSDK) uploadFile(ctx context.Context, path string) (Result, error) {
	res, err := o.c.Upload.Upload(ctx, path, cldup.UploadParams{ResourceType: "raw"})
	if err != nil {
		return Result{}, err
	}
	return checkUpload(res)
}

func (o *officialSDK) uploadReader(ctx context.Context, size int64) (Result, error) {
	res, err := o.c.Upload.Upload(ctx, &ZeroReader{N: size}, cldup.UploadParams{ResourceType: "raw"})
	if err != nil {
		return Result{}, err
	}
	return checkUpload(res)
}

func (o *officialSDK) batch(ctx context.Context, files []string, n int) (Result, error) {
	var bytes atomic.Int64
	err := forEach(ctx, len(files), n, func(ctx context.Context, i int) error {
		res, err := o.c.Upload.Upload(ctx, files[i], cldup.UploadParams{})
		if err != nil {
			return err
		}
		r, err := checkUpload(res)
		bytes.Add(r.Bytes)
		return err
	})
	return Result{Count: len(files), Bytes: bytes.Load()}, err
}

func (o *officialSDK) list(ctx context.Context, prefix string, pageSize int) (Result, error) {
	n := 0
	cursor := ""
	for page := 0; ; page++ {
		if page > 1_000_000 {
			return Result{}, errors.New("official: too many pages")
		}
		res, err := o.c.Admin.Assets(ctx, cldadmin.AssetsParams{
			AssetType: cldapi.Image, DeliveryType: "upload", Prefix: prefix, MaxResults: pageSize, NextCursor: cursor,
		})
		if err != nil {
			return Result{}, err
		}
		if res.Error.Message != "" {
			return Result{}, fmt.Errorf("official: %s", res.Error.Message)
		}
		for _, a := range res.Assets {
			if a.PublicID == "" {
				return Result{}, errors.New("official: listed a resource without public_id")
			}
			n++
		}
		if res.NextCursor == "" {
			return Result{Count: n}, nil
		}
		cursor = res.NextCursor
	}
}

// FileSize returns the size of path (a helper for callers checking Bytes).
func FileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
