package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newUploadCmd) }

type uploadFlags struct {
	concurrency      int
	folder           string
	overwrite        bool
	verify           bool
	resourceType     string
	tags             []string
	context          []string
	preset           string
	chunkSize        string
	include, exclude []string
	hidden           bool
	keepExtension    bool
	followSymlinks   bool
	journal          string
	noJournal        bool
	skipExisting     string
	dryRun           bool
	json             bool
	shard            string
	quiet            bool
	progress         string
	progressInterval time.Duration
	retries          int
	retryWait        time.Duration
}

func newUploadCmd() *cobra.Command {
	var f uploadFlags
	var mf *mockFlags
	cmd := &cobra.Command{
		Use:   "upload [flags] PATH...",
		Short: "Upload files and directories (resumable, retried, parallel)",
		Long: `Upload files and directories to Cloudinary. Directories are walked recursively;
"-" reads more paths from stdin (one per line, or NUL-separated as from find -print0).

Each file's public ID is derived from its path relative to the directory argument
(photos/cats/tom.jpg under "photos" becomes cats/tom, prefixed by --folder), so a
rerun or a retry overwrites the same asset instead of creating a duplicate. The
extension is dropped for image, video and audio files and kept for raw files.
--keep-extension keeps it for every file. A file named directly on the command
line is known by its base name; a relative path read from stdin keeps its
directories, and a "/./" in it marks where the relative part starts
(photos/./cats/tom.jpg is cats/tom, as --failed writes them).

Messy trees: symbolic links to files are followed; links to directories are
reported (skipped, reason linked_dir) unless --follow-symlinks, which walks them
and reports a link back to a directory being walked (symlink_loop) instead of
looping. A dangling link, a loop, or a directory or file that cannot be read
fails that path only (reasons dangling_link, symlink_loop, unreadable): the rest
is uploaded and the exit code is 1. Excluded and hidden paths are skipped by name,
never stat'ed or opened. All public-ID collisions are named in one error.

Integrity: Cloudinary answers each upload with the etag (MD5) of what it stored;
a file whose etag differs from its local MD5 (corrupted on the way) is a failed,
retryable file (reason etag_mismatch), never a completed one. --verify=false turns
the check off, for presets with incoming transformations that rewrite the bytes.

--overwrite=false keeps assets that already exist: such files are reported as
"exists" (sent, but not stored; not counted as uploaded) with the kept asset's
etag, and a rerun with --overwrite=false skips them.

Resume: every finished file is appended to a journal (JSON lines, fsynced per
record). A rerun skips the files whose size and MD5 match a completed entry for
the same cloud, so an interrupted or partly failed job is finished by running the
same command again. The journal defaults to .cldrest-journal.jsonl in the first
directory argument (or the current directory); --journal moves it, --no-journal
disables it. With --mock (state discarded on exit) there is no journal unless
--journal is given.

--skip-existing=etag asks the search API for each file's asset and skips the file
when its MD5 equals the asset's etag (one search call per 100 files; an asset
uploaded seconds before may not be indexed yet and is then uploaded again).

Progress goes to stderr: a live bar on a terminal, a plain line every
--progress-interval otherwise. --json prints one object per file on stdout
(type, path, public_id, status, reason, bytes, md5, etag, secure_url, error,
attempts, retryable) and a final summary object; statuses are uploaded,
exists, skipped, failed, planned (--dry-run) and canceled. attempts counts
every HTTP request for the file, retries after connection resets included.

SIGINT/SIGTERM stops starting files, cancels the ones in flight, and exits 130
with a consistent journal. Exit codes: 0 all files done, 1 some files failed,
2 usage or configuration error, 130 interrupted.`,
		Example: `  # Upload a directory (public IDs from relative paths), 16 at a time
  cldrest upload --concurrency 16 --folder products ./images

  # Try it offline against an in-process mock
  cldrest upload --mock ./testdata/images

  # Only JPEGs and PNGs, skipping a directory; see what would happen first
  cldrest upload --include '*.jpg' --include '*.png' --exclude 'drafts/**' --dry-run ./site

  # Paths from another program; machine-readable results
  find . -name '*.mp4' -mtime -1 | cldrest upload --resource-type video --json - > results.jsonl

  # Split one job across three machines (each runs its own shard)
  cldrest upload --shard 0/3 ./archive    # and 1/3, 2/3 elsewhere

  # Skip files already in the cloud with identical bytes
  cldrest upload --skip-existing=etag --tags batch-2026 --context source=scanner ./scans`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpload(cmd, args, &f, mf)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&f.concurrency, "concurrency", "c", batch.DefaultConcurrency, "files uploaded at the same time")
	fl.StringVar(&f.folder, "folder", "", "prefix every public ID with this folder (e.g. shop/shoes)")
	fl.BoolVar(&f.overwrite, "overwrite", true, "replace existing assets with the same public ID (--overwrite=false keeps them: status exists)")
	fl.BoolVar(&f.verify, "verify", true, "fail a file whose stored etag differs from its MD5 (--verify=false for presets with incoming transformations)")
	fl.StringVar(&f.resourceType, "resource-type", "auto", "auto, image, video or raw")
	fl.StringSliceVar(&f.tags, "tags", nil, "tags to add to every asset (comma-separated or repeated)")
	fl.StringArrayVar(&f.context, "context", nil, "contextual metadata key=value for every asset (repeatable)")
	fl.StringVar(&f.preset, "preset", "", "upload preset to apply")
	fl.StringVar(&f.chunkSize, "chunk-size", "", "chunk size of large uploads, e.g. 20MB or 64MiB (at least 5MiB; default 20MB)")
	fl.StringArrayVar(&f.include, "include", nil, "upload only files matching this glob (repeatable; *, ?, [..], **; no / means base name)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip files and directories matching this glob (repeatable)")
	fl.BoolVar(&f.hidden, "hidden", false, "include files and directories whose names start with a dot")
	fl.BoolVar(&f.keepExtension, "keep-extension", false, "keep file extensions in public IDs (photo.jpg -> photo.jpg), e.g. when a.jpg and a.png sit side by side")
	fl.BoolVar(&f.followSymlinks, "follow-symlinks", false, "walk symbolic links to directories (loops are detected and reported); links to files are always followed")
	fl.StringVar(&f.journal, "journal", "", "resume journal path (default .cldrest-journal.jsonl in the first directory argument, or the current directory)")
	fl.BoolVar(&f.noJournal, "no-journal", false, "neither read nor write a resume journal")
	fl.StringVar(&f.skipExisting, "skip-existing", "", `"etag": skip files whose MD5 equals the existing asset's etag (one search call per 100 files)`)
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be uploaded; send no upload")
	fl.BoolVar(&f.json, "json", false, "one JSON object per file and a summary object on stdout")
	fl.StringVar(&f.shard, "shard", "", "process only shard i of n (i/n, by a hash of the relative path)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no per-file lines except failures")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto (bar on a terminal, plain lines otherwise), bar, plain or none")
	fl.DurationVar(&f.progressInterval, "progress-interval", 5*time.Second, "interval of plain progress lines")
	fl.IntVar(&f.retries, "retries", client.DefaultMaxAttempts, "HTTP attempts per request before a file's try fails (each file gets 3 tries)")
	fl.DurationVar(&f.retryWait, "retry-wait", client.DefaultMinWait, "first backoff between HTTP attempts (doubles up to 30s)")
	mf = addMockFlags(cmd)
	return cmd
}

// parseSize parses a byte count with an optional unit: B, KB/MB/GB
// (powers of 1000) or KiB/MiB/GiB (powers of 1024); K, M, G mean KiB, MiB, GiB.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q: use a number of bytes, optionally with KB, MB, GB, KiB, MiB or GiB", s)
	}
	mult := map[string]int64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "k": 1 << 10, "kib": 1 << 10,
		"m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use KB, MB, GB, KiB, MiB or GiB)", s, unit)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return n * mult, nil
}

func runUpload(cmd *cobra.Command, args []string, f *uploadFlags, mf *mockFlags) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	// Validate every flag before any I/O.
	if f.concurrency < 1 || f.concurrency > 1024 {
		return usageErr("--concurrency %d: use a number between 1 and 1024", f.concurrency)
	}
	var chunk int64
	if f.chunkSize != "" {
		n, err := parseSize(f.chunkSize)
		if err != nil {
			return usageErr("--chunk-size: %v", err)
		}
		if n < client.MinChunkSize {
			return usageErr("--chunk-size %s is below Cloudinary's minimum of %d bytes (5MiB)", f.chunkSize, client.MinChunkSize)
		}
		chunk = n
	}
	switch f.skipExisting {
	case "", "etag":
	default:
		return usageErr("--skip-existing=%s: the only supported check is etag", f.skipExisting)
	}
	switch f.progress {
	case "auto", "bar", "plain", "none":
	default:
		return usageErr("--progress=%s: use auto, bar, plain or none", f.progress)
	}
	if f.progressInterval <= 0 {
		return usageErr("--progress-interval must be positive, e.g. 5s")
	}
	if f.retries < 1 || f.retries > 100 {
		return usageErr("--retries %d: use a number between 1 and 100", f.retries)
	}
	if f.retryWait < 0 || f.retryWait > 30*time.Second {
		return usageErr("--retry-wait %s: use a duration between 0 and 30s", f.retryWait)
	}
	if f.journal != "" && f.noJournal {
		return usageErr("--journal and --no-journal contradict each other: pass one")
	}
	shard, err := batch.ParseShard(f.shard)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	ctxMap := upload.Context{}
	for _, kv := range f.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usageErr("--context %q: use key=value", kv)
		}
		ctxMap[k] = v
	}
	var tags []string
	for _, t := range f.tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	sel := batch.SelectOptions{Include: f.include, Exclude: f.exclude, Hidden: f.hidden, Folder: f.folder,
		ResourceType: f.resourceType, Shard: shard, KeepExtension: f.keepExtension, FollowSymlinks: f.followSymlinks}
	if err := sel.Validate(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}

	// Sources: the arguments, and "-" for paths on stdin.
	var sources []batch.Source
	readStdin := false
	for _, a := range args {
		if a == "-" {
			if readStdin {
				return usageErr(`"-" given twice: stdin can be read only once`)
			}
			readStdin = true
			list, err := batch.ReadList(cmd.InOrStdin())
			if err != nil {
				return usageErr("%v", err)
			}
			sources = append(sources, list...)
			continue
		}
		sources = append(sources, batch.Source{Path: a})
	}

	// The session decides whether a default journal makes sense.
	opts := []client.Option{client.WithRetry(f.retries, f.retryWait, max(f.retryWait, client.DefaultMaxWait))}
	sess, err := mf.open(cmd, opts...)
	if err != nil {
		return err
	}
	defer sess.close()

	journalPath := f.journal
	if journalPath == "" && !f.noJournal && !sess.ephemeral {
		journalPath = defaultJournalPath(sources)
	}
	if journalPath != "" {
		sel.Ignore = []string{journalPath}
	}
	scan, err := batch.Scan(sources, sel)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	files := scan.Files

	if len(files) == 0 && len(scan.Problems) == 0 {
		fmt.Fprintln(stderr, "cldrest: no files selected (check the paths, --include/--exclude, --hidden and --shard)")
	}
	var journal *batch.Journal
	if journalPath != "" {
		journal, err = batch.OpenJournal(journalPath, sess.target, f.dryRun)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer journal.Close()
		if n := journal.Torn(); n > 0 {
			fmt.Fprintf(stderr, "cldrest: warning: ignored %d unreadable line(s) of journal %s (a crash cut them short); their files are checked again\n", n, journalPath)
		}
	}

	up := &serviceUploader{svc: upload.New(sess.client), chunk: chunk, verify: f.verify, params: upload.Params{
		ResourceType: f.resourceType, Overwrite: upload.Bool(f.overwrite), Tags: tags, UploadPreset: f.preset,
	}}
	if len(ctxMap) > 0 {
		up.params.Context = ctxMap
	}
	run := batch.RunOptions{Problems: scan.Problems, Concurrency: f.concurrency, DryRun: f.dryRun, Journal: journal, KeepExisting: !f.overwrite,
		Retryable: retryable, Fatal: func(err error) bool { return errors.Is(err, client.ErrUnauthorized) }}
	if f.skipExisting == "etag" {
		run.Lookup = newSearchLookup(admin.New(sess.client), f.resourceType, files, f.concurrency)
	}

	// Outputs: per-file results on stdout, progress on stderr.
	var observers []batch.Observer
	out := stdout
	mode := f.progress
	if f.quiet {
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
			out = p.Printer(stdout)
		}
		observers = append(observers, p)
	case "plain":
		observers = append(observers, batch.PlainProgress(stderr, f.progressInterval))
	}
	// Progress displays come first so that they are erased (End) before the
	// summary is printed.
	if f.json {
		observers = append(observers, batch.JSONOutput(out))
	} else {
		observers = append(observers, batch.HumanOutput(out, f.quiet))
	}
	run.Observer = batch.Observers(observers...)

	sum, err := batch.Run(cmd.Context(), files, up, run)
	switch {
	case err != nil && sum.Interrupted:
		return &exitError{code: exitInterrupted, err: err}
	case errors.Is(err, batch.ErrStopped):
		return &exitError{code: exitUsage, err: err}
	case err != nil:
		return &exitError{code: exitFailed, err: err}
	case sum.Failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d files failed", sum.Failed, sum.Files)}
	}
	return nil
}

// defaultJournalPath is .cldrest-journal.jsonl in the first directory
// argument, or in the current directory when no argument is a directory.
func defaultJournalPath(sources []batch.Source) string {
	for _, s := range sources {
		if fi, err := os.Stat(s.Path); err == nil && fi.IsDir() {
			return filepath.Join(s.Path, batch.DefaultJournalName)
		}
	}
	return batch.DefaultJournalName
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// retryable tells the batch engine whether a failed try of a file is worth
// another: not for bad input, authentication or other 4xx answers (except
// rate limits and timeouts), nor after cancellation.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, upload.ErrInvalidInput) {
		return false
	}
	var ae *client.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == 408 || ae.StatusCode == 420 || ae.StatusCode == 429
	}
	return true
}

// serviceUploader adapts upload.Service to batch.Uploader: a fixed public ID
// with an explicit overwrite, so the client may retry even after an
// ambiguous failure, and (unless --verify=false) the library's integrity
// check, so a corrupt asset is a failure.
type serviceUploader struct {
	svc    *upload.Service
	params upload.Params
	chunk  int64
	verify bool
}

func (u *serviceUploader) Upload(ctx context.Context, f batch.File, progress batch.ProgressFunc) (batch.Result, error) {
	p := u.params
	p.PublicID = f.PublicID
	if dir := path.Dir(f.PublicID); dir != "." {
		p.AssetFolder = dir
	}
	opts := []upload.Option{upload.WithIdempotent()}
	if progress != nil {
		opts = append(opts, upload.WithProgress(upload.ProgressFunc(progress)))
	}
	if u.chunk > 0 {
		opts = append(opts, upload.WithChunkSize(u.chunk))
	}
	if u.verify {
		opts = append(opts, upload.WithIntegrityCheck())
	}
	res, err := u.svc.Upload(ctx, upload.FromPath(f.Path), &p, opts...)
	if err != nil {
		r := batch.Result{Attempts: attemptsOf(err)}
		if ie, ok := errors.AsType[*upload.IntegrityError](err); ok {
			r.Corrupt, r.MD5, r.Etag = true, ie.LocalMD5, ie.Etag
		}
		return r, err
	}
	return batch.Result{PublicID: res.PublicID, Etag: res.Etag, SecureURL: res.SecureURL, MD5: res.LocalMD5,
		Existing: res.Existing, Attempts: res.Attempts()}, nil
}

// attemptsOf reads the number of HTTP attempts behind err: every error of
// the client and upload packages that went through retries has an
// Attempts method. Failures before any request count as one.
func attemptsOf(err error) int {
	var a interface{ Attempts() int }
	if errors.As(err, &a) && a.Attempts() > 0 {
		return a.Attempts()
	}
	return 1
}
