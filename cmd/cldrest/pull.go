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
	"golang.org/x/term"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/internal/pull"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newPullCmd) }

type pullFlags struct {
	tag, folder      string
	resourceType     string
	typ              string
	transformation   string
	concurrency      int
	dryRun, json     bool
	quiet            bool
	progress         string
	progressInterval time.Duration
	shard            string
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

Resume: a file that already exists with the MD5 of the asset's etag is skipped
(unchanged), so running the same command again finishes an interrupted or partly
failed pull and downloads nothing that is already there.

--transformation downloads a derived version instead (e.g. c_fill,w_300); its
bytes are not the original's, so they are not checked against the etag and an
existing file is skipped (reason exists).

--json prints one object per asset on stdout (type, public_id, resource_type,
delivery_type, path, status, reason, bytes, md5, etag, error, attempts,
retryable) and a summary object; statuses are downloaded, skipped, failed,
planned (--dry-run) and canceled. Progress goes to stderr. Exit codes: 0 every
asset is there, 1 some failed, 2 usage or configuration error, 130 interrupted.`,
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
	fl := cmd.Flags()
	fl.StringVar(&f.tag, "tag", "", "only assets with this tag")
	fl.StringVar(&f.folder, "folder", "", "only assets in this folder")
	fl.StringVar(&f.resourceType, "resource-type", "all", "all, image, video or raw")
	fl.StringVar(&f.typ, "type", "all", "delivery type: all, upload, private or authenticated")
	fl.StringVar(&f.transformation, "transformation", "", "download this transformation (e.g. c_fill,w_300) instead of the original")
	fl.IntVarP(&f.concurrency, "concurrency", "c", batch.DefaultConcurrency, "downloads at the same time")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be downloaded; write nothing")
	fl.BoolVar(&f.json, "json", false, "one JSON object per asset and a summary object on stdout")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no per-asset lines except failures")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto (bar on a terminal, plain lines otherwise), bar, plain or none")
	fl.DurationVar(&f.progressInterval, "progress-interval", 5*time.Second, "interval of plain progress lines")
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
	if f.concurrency < 1 || f.concurrency > 1024 {
		return usageErr("--concurrency %d: use a number between 1 and 1024", f.concurrency)
	}
	if !slices.Contains([]string{"all", "image", "video", "raw"}, f.resourceType) {
		return usageErr("--resource-type %q: use all, image, video or raw", f.resourceType)
	}
	if !slices.Contains([]string{"all", "upload", "private", "authenticated"}, f.typ) {
		return usageErr("--type %q: use all, upload, private or authenticated", f.typ)
	}
	if strings.Trim(f.transformation, "/ ") == "" && f.transformation != "" {
		return usageErr("--transformation is empty; give components such as c_fill,w_300")
	}
	switch f.progress {
	case "auto", "bar", "plain", "none":
	default:
		return usageErr("--progress=%s: use auto, bar, plain or none", f.progress)
	}
	if f.progressInterval <= 0 {
		return usageErr("--progress-interval must be positive, e.g. 5s")
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
	if err := preflight(ctx, sess, ""); err != nil {
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

	progress, w := progressDisplay(stderr, cmd.OutOrStdout(), f.progress, f.quiet, f.progressInterval)
	out := pull.NewOutput(w, f.json, f.quiet)
	opts := pull.Options{Concurrency: f.concurrency, DryRun: f.dryRun, Retryable: retryable, Done: out.Done, Observer: progress}
	sum, err := pull.Run(ctx, dir, assets, fetch, opts)
	out.End(sum)
	switch {
	case err != nil && sum.Interrupted:
		return &exitError{code: exitInterrupted, err: err}
	case err != nil:
		return &exitError{code: exitFailed, err: err}
	case sum.Failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d assets failed", sum.Failed, sum.Assets)}
	}
	return nil
}

// progressDisplay returns the progress display --progress asks for (nil
// for none: a bar on a terminal, plain lines otherwise) and the writer for
// per-item lines, which goes through the bar when both are on a terminal.
func progressDisplay(stderr, stdout io.Writer, mode string, quiet bool, interval time.Duration) (batch.Observer, io.Writer) {
	if quiet {
		mode = "none"
	}
	if mode == "auto" {
		mode = "plain"
		if isTerminal(stderr) {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		width := 80
		if fd, ok := stderr.(*os.File); ok {
			if w, _, err := term.GetSize(int(fd.Fd())); err == nil && w > 20 {
				width = w
			}
		}
		p := batch.NewTTYProgress(stderr, width, 0)
		if isTerminal(stdout) {
			return p, p.Printer(stdout)
		}
		return p, stdout
	case "plain":
		return batch.PlainProgress(stderr, interval), stdout
	}
	return nil, stdout
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
		return nil, usageErr("%d public ID(s) cannot be file names below DIR (empty, '.' or '..' segments): %s; narrow PREFIX, --tag or --folder to leave them out", len(bad), listIDs(bad))
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
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, 0, fmt.Errorf("building the request of %s: %w", a.Key(), err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			// The URL may carry a signature; name the asset, not the URL.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, 0, fmt.Errorf("downloading %s: %w", a.Key(), err)
		}
		if resp.StatusCode != http.StatusOK {
			_ = resp.Body.Close()
			// Typed like every API error, so that retryable classifies it.
			return nil, 0, &client.APIError{Method: http.MethodGet, Path: "download of " + a.Key(), StatusCode: resp.StatusCode,
				Message: resp.Header.Get("X-Cld-Error"), Header: resp.Header}
		}
		return resp.Body, resp.ContentLength, nil
	}, nil
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
