package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/internal/pull"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newPullCmd) }

type pullFlags struct {
	*runFlags
	tag, folder    string
	resourceType   string
	typ            string
	transformation string
	dryRun         bool
	shard          string
}

func newPullCmd() *cobra.Command {
	var f pullFlags
	var mf *mockFlags
	cmd := &cobra.Command{
		Use:   "pull [PREFIX] [--tag T] [--folder F] DIR",
		Short: "Download assets into a directory (parallel, resumable, verified)",
		Long: `Download the original of every asset whose public ID starts with PREFIX (or
with --tag, or in --folder; several of them combine; none means every asset) into
DIR, as DIR/<public ID>.<format> (raw assets keep the extension in their public
ID), across resource types (image, video, raw) and delivery types (upload,
private, authenticated) unless --resource-type or --type narrows them. The assets
are found with the Search API (one call per 500 assets).

Every download is streamed to a temporary file next to its target while it is
hashed, and renamed into place only when its MD5 equals the asset's etag; a
mismatch is a failed try (reason etag_mismatch), retried, and never leaves a
complete file with the wrong bytes. Memory stays flat whatever the sizes.
Private and authenticated originals come through signed download URLs.
Each try follows the client's timeouts (timeout and upload_timeout in
CLOUDINARY_URL): the answer must start, and its body must not pause, for longer
than timeout (default 60s); with upload_timeout the whole transfer must end
within it. Both failures are retried.

Resume: a file that already exists with the MD5 of the asset's etag is skipped
(unchanged), so running the same command again finishes an interrupted or partly
failed pull and downloads nothing that is already there.

--transformation downloads a derived version instead (e.g. c_fill,w_300); its
bytes are not the original's, so they are not checked against the etag and an
existing file is skipped (reason exists).

--json prints one object per asset on stdout (type, public_id, resource_type,
delivery_type, path, status, reason, bytes, md5, etag, error, attempts,
retryable) and a summary object; statuses are downloaded, skipped, failed,
planned (--dry-run) and canceled. Progress goes to stderr (as upload's:
--progress, --progress-interval; -q keeps only the bar and the failures); the
human summary names the first 10 failures. Exit codes: 0 every
asset is there, 1 some failed, 2 usage or configuration error (or a network
failure that stopped the run: 5 tries in a row without an answer), 130
interrupted.`,
		Example: `  # Every asset under products/ into ./backup
  cldrest pull products/ ./backup

  # Everything tagged "launch", 16 at a time, machine-readable
  cldrest pull --tag launch --concurrency 16 --json ./launch > pulled.jsonl

  # What would be downloaded (nothing is written)
  cldrest pull --folder shop/shoes --dry-run ./shoes

  # 300px thumbnails instead of originals
  cldrest pull --resource-type image --transformation c_fill,w_300,h_300 products/ ./thumbs

  # Split a big pull across three machines
  cldrest pull --shard 0/3 archive/ /mnt/archive   # and 1/3, 2/3 elsewhere

  # Offline, against a mock kept in a directory
  cldrest pull --mock-dir ./mockstate '' ./out`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPull(cmd, args, &f, mf)
		},
	}
	f.runFlags = addRunFlags(cmd, "assets", "downloads", "one JSON object per asset and a summary object on stdout")
	fl := cmd.Flags()
	fl.StringVar(&f.tag, "tag", "", "only assets with this tag")
	fl.StringVar(&f.folder, "folder", "", "only assets in this folder")
	fl.StringVar(&f.resourceType, "resource-type", "all", "all, image, video or raw")
	fl.StringVar(&f.typ, "type", "all", "delivery type: all, upload, private or authenticated")
	fl.StringVar(&f.transformation, "transformation", "", "download this transformation (e.g. c_fill,w_300) instead of the original")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be downloaded; write nothing")
	fl.StringVar(&f.shard, "shard", "", "pull only shard i of n (i/n, by a hash of the local path, as upload's --shard)")
	mf = addMockFlags(cmd)
	return cmd
}

func runPull(cmd *cobra.Command, args []string, f *pullFlags, mf *mockFlags) error {
	prefix, dir := "", args[len(args)-1]
	if len(args) == 2 {
		prefix = args[0]
	}
	if strings.TrimSpace(dir) == "" {
		return usageErr("DIR is empty: give the directory to download into")
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return usageErr("%s is not a directory: give the directory to download into (it is created when missing)", dir)
	}
	if err := f.runFlags.validate(); err != nil {
		return err
	}
	if f.resourceType != "all" && !slices.Contains(cld.AssetResourceTypes(), cld.ResourceType(f.resourceType)) {
		return usageErr("--resource-type %q: use all, image, video or raw", f.resourceType)
	}
	if !slices.Contains([]string{"all", "upload", "private", "authenticated"}, f.typ) {
		return usageErr("--type %q: use all, upload, private or authenticated", f.typ)
	}
	if strings.Trim(f.transformation, "/ ") == "" && f.transformation != "" {
		return usageErr("--transformation is empty; give components such as c_fill,w_300")
	}

	shard, err := batch.ParseShard(f.shard)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}

	sess, err := mf.open(cmd, client.WithMaxIdleConnsPerHost(f.concurrency))
	if err != nil {
		return err
	}
	defer sess.close()
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	// Credentials and the API host first, as upload does: a setup no
	// download can succeed with exits 2 with one line of advice.
	if err := preflight(ctx, sess, "", "downloading"); err != nil {
		return err
	}

	assets, err := listPull(ctx, admin.New(sess.client), prefix, f)
	if err != nil {
		return apiErr(err)
	}
	if f.shard != "" {
		assets = slices.DeleteFunc(assets, func(a pull.Asset) bool { return !shard.Contains(a.Path) })
	}
	if len(assets) == 0 {
		fmt.Fprintln(stderr, "cldrest: no assets matched (check PREFIX, --tag, --folder, --resource-type and --type)")
	}
	fetch, err := newFetcher(sess, f.transformation, f.concurrency)
	if err != nil {
		return err
	}

	progress, w := f.display(cmd.OutOrStdout(), stderr)
	out := pull.NewOutput(w, f.json, f.quiet)
	opts := pull.Options{Concurrency: f.concurrency, DryRun: f.dryRun, Retryable: retryable, Done: out.Done, Observer: progress,
		Stop: downloadStopAdvice}
	sum, err := pull.Run(ctx, dir, assets, fetch, opts)
	out.End(sum)
	var se *batch.StoppedError
	switch {
	case err != nil && sum.Interrupted:
		return &exitError{code: exitInterrupted, err: err}
	case errors.As(err, &se):
		return stoppedErr(se, sum.NotStarted+sum.Canceled+sum.Failed, sum.Assets, "assets")
	case err != nil:
		return &exitError{code: exitFailed, err: err}
	case sum.Failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d assets failed", sum.Failed, sum.Assets)}
	}
	return nil
}

// downloadStopAdvice is pull's circuit-breaker rule (pull.Options.Stop):
// upload's network rule (stopAdvice), for the download host. An answer,
// whatever its status, is about its asset only: a 403 for one asset must
// not stop the others.
func downloadStopAdvice(err error) (string, bool) {
	if _, ok := errors.AsType[*client.APIError](err); ok {
		return "", false
	}
	if advice, _ := stopAdvice(err); advice == "" {
		return "", false
	}
	return "cannot reach the download host: check the network and proxy settings (and upload_prefix or secure_distribution in CLOUDINARY_URL)", false
}

// listPull finds the assets to pull with the Search API, largest first (so
// the tail of the run is short), and maps each to its local path. An asset
// whose public ID cannot be a path below DIR fails the listing.
func listPull(ctx context.Context, adm *admin.Service, prefix string, f *pullFlags) ([]pull.Asset, error) {
	var terms []admin.Expr
	if prefix != "" {
		terms = append(terms, admin.Field("public_id").Prefix(prefix))
	}
	if f.tag != "" {
		terms = append(terms, admin.Field("tags").Eq(f.tag))
	}
	if f.folder != "" {
		// folder in fixed folder mode, asset_folder in dynamic folder mode.
		dir := strings.Trim(f.folder, "/")
		terms = append(terms, admin.Or(admin.Field("folder").Eq(dir), admin.Field("asset_folder").Eq(dir)))
	}
	if f.resourceType != "all" {
		terms = append(terms, admin.Field("resource_type").Eq(f.resourceType))
	}
	if f.typ != "all" {
		terms = append(terms, admin.Field("type").Eq(f.typ))
	} else {
		terms = append(terms, admin.Or(admin.Field("type").Eq("upload"), admin.Field("type").Eq("private"), admin.Field("type").Eq("authenticated")))
	}
	q := &admin.SearchQuery{Expression: admin.And(terms...).String(), MaxResults: admin.MaxSearchResults,
		SortBy: []admin.SortBy{{Field: "public_id", Direction: admin.Asc}}}
	var assets []pull.Asset
	var bad []string
	for r, err := range adm.SearchAll(ctx, q) {
		if err != nil {
			return nil, err
		}
		format := r.Format
		if r.ResourceType == admin.Raw {
			format = ""
		}
		p, err := pull.LocalPath(r.PublicID, format)
		if err != nil {
			bad = append(bad, r.PublicID)
			continue
		}
		a := pull.Asset{PublicID: r.PublicID, ResourceType: string(r.ResourceType), Type: string(r.Type), Format: r.Format,
			Version: r.Version, Bytes: r.Bytes, Etag: r.Etag, Path: p}
		if f.transformation != "" {
			a.Etag, a.Bytes = "", 0
		}
		assets = append(assets, a)
	}
	if len(bad) > 0 {
		return nil, usageErr("%s cannot be file names below DIR (empty, '.' or '..' segments): %s; narrow PREFIX, --tag or --folder to leave them out", plural(len(bad), "public ID", "public IDs"), listIDs(bad))
	}
	slices.SortStableFunc(assets, func(a, b pull.Asset) int { return cmp.Compare(b.Bytes, a.Bytes) })
	return assets, nil
}

// newFetcher opens assets' bytes: delivery URLs (built by the delivery
// package) for upload assets and transformations, signed download URLs of
// the Upload API for private and authenticated originals.
func newFetcher(sess *session, transformation string, concurrency int) (pull.Fetcher, error) {
	var bopts []delivery.Option
	if host, ok := loopbackHost(sess.cfg.UploadPrefix); ok {
		// A mock on this machine serves delivery URLs from its API host.
		bopts = append(bopts, delivery.WithSecure(false), delivery.WithCNAME(host))
	}
	b, err := delivery.New(sess.cfg, bopts...)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	up := upload.New(sess.client)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = concurrency
	hc := &http.Client{Transport: tr}
	limits := limitsOf(sess.cfg)
	return func(ctx context.Context, a pull.Asset) (io.ReadCloser, int64, error) {
		var u string
		var err error
		switch {
		case transformation == "" && (a.Type == "private" || a.Type == "authenticated"):
			u, err = up.PrivateDownloadURL(a.PublicID, a.Format, &upload.DownloadParams{ResourceType: upload.ResourceType(a.ResourceType), Type: a.Type})
		default:
			opts := []delivery.Option{delivery.WithResourceType(admin.ResourceType(a.ResourceType)), delivery.WithType(admin.DeliveryType(a.Type))}
			if a.Version > 0 {
				opts = append(opts, delivery.WithVersion(a.Version))
			}
			if a.ResourceType != "raw" && a.Format != "" {
				opts = append(opts, delivery.WithFormat(a.Format))
			}
			if transformation != "" {
				opts = append(opts, delivery.WithTransformation(delivery.NewTransformation().Append(delivery.RawTransformation(strings.Trim(transformation, "/")))))
			}
			if a.Type != "upload" {
				opts = append(opts, delivery.WithSignature(true))
			}
			u, err = b.URL(a.PublicID, opts...)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("building the URL of %s: %w", a.Key(), err)
		}
		return get(ctx, hc, u, a.Key(), limits)
	}, nil
}

// downloadLimits bound one try of a download by the client's timeout rule
// (client.Config): Timeout, the bound of an attempt without a file, is
// how long the answer may take to start and how long its body may stop
// flowing (client.ErrStalled); UploadTimeout, the bound of an attempt
// that carries a file, bounds the whole transfer when set
// (client.ErrAttemptTimeout). Both are retryable (client.IsRetryable).
type downloadLimits struct{ stall, whole time.Duration }

func limitsOf(cfg client.Config) downloadLimits {
	cfg = cfg.WithDefaults()
	return downloadLimits{stall: cfg.Timeout, whole: cfg.UploadTimeout}
}

// get starts the download of one asset: the body it returns aborts a read
// with client.ErrStalled or client.ErrAttemptTimeout past the limits, and
// a non-200 answer is the client's *APIError (client.NewAPIError) naming
// the asset, never the URL (it may carry a signature).
func get(ctx context.Context, hc *http.Client, u, key string, lim downloadLimits) (io.ReadCloser, int64, error) {
	actx, cancel := context.WithCancelCause(ctx)
	var stall, whole *time.Timer
	if lim.stall > 0 {
		stall = time.AfterFunc(lim.stall, func() { cancel(client.ErrStalled) })
	}
	if lim.whole > 0 {
		whole = time.AfterFunc(lim.whole, func() { cancel(client.ErrAttemptTimeout) })
	}
	stop := func() {
		if stall != nil {
			stall.Stop()
		}
		if whole != nil {
			whole.Stop()
		}
		cancel(nil)
	}
	fail := func(err error) error {
		if cause := context.Cause(actx); ctx.Err() == nil && cause != nil && !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
		return fmt.Errorf("downloading %s: %w", key, err)
	}
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		stop()
		return nil, 0, fmt.Errorf("building the request of %s: %w", key, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		err = fail(stripURL(err))
		stop()
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		stop()
		// Typed like every API error, so that retryable classifies it.
		ae := client.NewAPIError(resp.StatusCode, resp.Header, body)
		ae.Method, ae.Path = http.MethodGet, "download of "+key
		if ae.Message == "" {
			ae.Message = resp.Header.Get("X-Cld-Error") // delivery errors say it in a header
		}
		return nil, 0, ae
	}
	return &stallBody{rc: resp.Body, stall: stall, d: lim.stall, stop: stop, fail: fail}, resp.ContentLength, nil
}

// stallBody restarts the stall timer on every byte and names the limit
// that cut a read short.
type stallBody struct {
	rc    io.ReadCloser
	stall *time.Timer
	d     time.Duration
	stop  func()
	fail  func(error) error
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && b.stall != nil {
		b.stall.Reset(b.d)
	}
	if err != nil && err != io.EOF {
		err = b.fail(stripURL(err))
	}
	return n, err
}

func (b *stallBody) Close() error {
	err := b.rc.Close()
	b.stop()
	return err
}

// stripURL drops the URL from a *url.Error: it may carry a signature.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// loopbackHost returns the host:port of an upload prefix on a loopback
// address (a local mock), which also serves delivery URLs.
func loopbackHost(prefix string) (string, bool) {
	u, err := url.Parse(prefix)
	if err != nil || u.Host == "" {
		return "", false
	}
	h := u.Hostname()
	if h == "localhost" {
		return u.Host, true
	}
	ip := net.ParseIP(h)
	return u.Host, ip != nil && ip.IsLoopback()
}
