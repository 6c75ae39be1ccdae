package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
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
	*runFlags
	*selectFlags
	folder         string
	overwrite      bool
	verify         bool
	tags           []string
	context        []string
	preset         string
	unsignedPreset string
	failedFile     string
	wait           bool
	chunkSize      string
	keepExtension  bool
	followSymlinks bool
	journal        string
	noJournal      bool
	skipExisting   string
	dryRun         bool
	shard          string
	retries        int
	retryWait      time.Duration
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
the check off, for presets with incoming transformations that rewrite the bytes;
with --no-journal too, no MD5 is computed at all.

--overwrite=false keeps assets that already exist: such files are reported as
"exists" (sent, but not stored; not counted as uploaded) with the kept asset's
etag, and a rerun with --overwrite=false skips them.

Resume: every finished file is appended to a journal (JSON lines, fsynced in
groups; a file is reported only once its record is on disk). A rerun skips the files whose size and MD5 match a completed entry for
the same cloud and the same asset-shaping options (--resource-type, --tags,
--context, --preset, --unsigned-preset), so an interrupted or partly failed job is
finished by running the same command again; after a change of those options the
files are uploaded again so the new options apply (reason options_changed). The journal defaults to .cldrest-journal.jsonl in the first
directory argument (or the current directory); --journal moves it, --no-journal
disables it. With --mock (state discarded on exit) there is no journal unless
--journal is given. A run locks its journal: a second run on the same journal
refuses to start (exit 2), or with --wait waits for the first to finish.

--skip-existing=etag asks the search API for each file's asset and skips the file
when its MD5 equals the asset's etag (one search call per 100 files; an asset
uploaded seconds before may not be indexed yet and is then uploaded again).

Files are uploaded largest first, so the run does not end with one big file
uploading alone. Progress goes to stderr: a live bar on a terminal (fitted to its
width; the ETA is the larger of the estimates from the observed byte and file
rates), a plain line every --progress-interval otherwise; -q keeps only the bar. --json prints one object per file on stdout
(type, path, public_id, status, reason, bytes, md5, etag, secure_url, error,
attempts, retryable) and a final summary object; statuses are uploaded
(reason options_changed), exists, skipped (reasons journal, etag, exists,
linked_dir), failed (reasons etag_mismatch, unreadable, dangling_link,
symlink_loop), planned (--dry-run) and canceled. attempts counts every HTTP
request for the file, retries after connection resets included. The summary
ends with the failed files (the first 10); --failed FILE writes them all as a
list that "cldrest upload -" reads back.

Fail fast: before the first file the credentials are checked (or pass
--unsigned-preset NAME to upload through an unsigned preset without them) and
the API host must answer one ping; during the run, rejected credentials (401),
refused access (403), a stale clock, or 5 network failures in a row stop the job
with exit 2 and one line of advice. "Too many open files" is retried, with
advice to lower --concurrency.

SIGINT/SIGTERM stops starting files, cancels the ones in flight, and exits 130
with a consistent journal. Exit codes: 0 all files done, 1 some files failed,
2 usage or configuration error (or a setup no file can succeed with, or a
journal in use by another run), 130 interrupted.`,
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

  # Retry exactly the files that failed, under the same public IDs
  cldrest upload --failed failed.txt ./images; cldrest upload - < failed.txt

  # Skip files already in the cloud with identical bytes
  cldrest upload --skip-existing=etag --tags batch-2026 --context source=scanner ./scans`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpload(cmd, args, &f, mf)
		},
	}
	f.runFlags = addRunFlags(cmd, "files", "files uploaded", "one JSON object per file and a summary object on stdout")
	f.selectFlags = addSelectFlags(cmd, "upload", "")
	fl := cmd.Flags()
	fl.StringVar(&f.folder, "folder", "", "prefix every public ID with this folder (e.g. shop/shoes)")
	fl.BoolVar(&f.overwrite, "overwrite", true, "replace existing assets with the same public ID (--overwrite=false keeps them: status exists)")
	fl.BoolVar(&f.verify, "verify", true, "fail a file whose stored etag differs from its MD5 (--verify=false for presets with incoming transformations)")
	fl.StringSliceVar(&f.tags, "tags", nil, "tags to add to every asset (comma-separated or repeated)")
	fl.StringArrayVar(&f.context, "context", nil, "contextual metadata key=value for every asset (repeatable)")
	fl.StringVar(&f.preset, "preset", "", "upload preset to apply")
	fl.StringVar(&f.unsignedPreset, "unsigned-preset", "", "upload without an API key or secret through this unsigned upload preset (existing assets are kept: status exists)")
	fl.StringVar(&f.chunkSize, "chunk-size", "", "chunk size of large uploads, e.g. 20MB or 64MiB (at least 5MiB; default 20MB)")
	fl.BoolVar(&f.keepExtension, "keep-extension", false, "keep file extensions in public IDs (photo.jpg -> photo.jpg), e.g. when a.jpg and a.png sit side by side")
	fl.BoolVar(&f.followSymlinks, "follow-symlinks", false, "walk symbolic links to directories (loops are detected and reported); links to files are always followed")
	fl.StringVar(&f.journal, "journal", "", "resume journal path (default .cldrest-journal.jsonl in the first directory argument, or the current directory)")
	fl.BoolVar(&f.wait, "wait", false, "when another run is writing the journal, wait for it to finish instead of refusing")
	fl.BoolVar(&f.noJournal, "no-journal", false, "neither read nor write a resume journal")
	fl.StringVar(&f.skipExisting, "skip-existing", "", `"etag": skip files whose MD5 equals the existing asset's etag (one search call per 100 files)`)
	fl.StringVar(&f.failedFile, "failed", "", "write the paths of failed files to this file, as a list that 'cldrest upload -' reads back (same public IDs)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be uploaded; send no upload")
	fl.StringVar(&f.shard, "shard", "", "process only shard i of n (i/n, by a hash of the relative path)")
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

// uploadPlan is what the flags ask for, validated before any I/O.
type uploadPlan struct {
	sel    batch.SelectOptions
	chunk  int64
	params upload.Params
}

// validate checks every flag and turns them into a plan; any error is a
// usage error (exit 2).
func (f *uploadFlags) validate(cmd *cobra.Command) (*uploadPlan, error) {
	p := &uploadPlan{}
	if err := f.runFlags.validate(); err != nil {
		return nil, err
	}
	if f.chunkSize != "" {
		n, err := parseSize(f.chunkSize)
		if err != nil {
			return nil, usageErr("--chunk-size: %v", err)
		}
		if n < client.MinChunkSize {
			return nil, usageErr("--chunk-size %s is below Cloudinary's minimum of %d bytes (5MiB)", f.chunkSize, client.MinChunkSize)
		}
		p.chunk = n
	}
	switch f.skipExisting {
	case "", "etag":
	default:
		return nil, usageErr("--skip-existing=%s: the only supported check is etag", f.skipExisting)
	}
	if f.retries < 1 || f.retries > 100 {
		return nil, usageErr("--retries %d: use a number between 1 and 100", f.retries)
	}
	if f.retryWait < 0 || f.retryWait > 30*time.Second {
		return nil, usageErr("--retry-wait %s: use a duration between 0 and 30s", f.retryWait)
	}
	if f.journal != "" && f.noJournal {
		return nil, usageErr("--journal and --no-journal contradict each other: pass one")
	}
	if f.unsignedPreset != "" {
		if f.preset != "" {
			return nil, usageErr("--preset and --unsigned-preset contradict each other: an unsigned upload uses the --unsigned-preset preset")
		}
		if cmd.Flags().Changed("overwrite") && f.overwrite {
			return nil, usageErr("--overwrite: unsigned uploads cannot replace assets (Cloudinary refuses it); set overwrite in the preset or use a signed upload")
		}
		f.overwrite = false
	}
	shard, err := batch.ParseShard(f.shard)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	ctxMap := upload.Context{}
	for _, kv := range f.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErr("--context %q: use key=value", kv)
		}
		ctxMap[k] = v
	}
	var tags []string
	for _, t := range f.tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	p.sel = batch.SelectOptions{Include: f.include, Exclude: f.exclude, Hidden: f.hidden, Folder: f.folder,
		ResourceType: f.resourceType, Shard: shard, KeepExtension: f.keepExtension, FollowSymlinks: f.followSymlinks}
	if err := p.sel.Validate(); err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	p.params = upload.Params{ResourceType: upload.ResourceType(f.resourceType), Tags: tags, UploadPreset: f.preset}
	if f.unsignedPreset == "" {
		p.params.Overwrite = upload.Bool(f.overwrite)
	}
	if len(ctxMap) > 0 {
		p.params.Context = ctxMap
	}
	return p, nil
}

// readSources turns the arguments into sources; "-" reads paths from stdin.
func readSources(cmd *cobra.Command, args []string) ([]batch.Source, error) {
	var sources []batch.Source
	readStdin := false
	for _, a := range args {
		if a == "-" {
			if readStdin {
				return nil, usageErr(`"-" given twice: stdin can be read only once`)
			}
			readStdin = true
			list, err := batch.ReadList(cmd.InOrStdin())
			if err != nil {
				return nil, usageErr("%v", err)
			}
			sources = append(sources, list...)
			continue
		}
		sources = append(sources, batch.Source{Path: a})
	}
	return sources, nil
}

func runUpload(cmd *cobra.Command, args []string, f *uploadFlags, mf *mockFlags) error {
	stderr := cmd.ErrOrStderr()
	plan, err := f.validate(cmd)
	if err != nil {
		return err
	}
	sources, err := readSources(cmd, args)
	if err != nil {
		return err
	}

	// The session decides whether a default journal makes sense.
	opts := []client.Option{client.WithRetry(f.retries, f.retryWait, max(f.retryWait, client.DefaultMaxWait)), client.WithMaxIdleConnsPerHost(f.concurrency)}
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
		plan.sel.Ignore = []string{journalPath}
	}
	files, problems, err := batch.ScanList(sources, plan.sel)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	files.LargestFirst() // a short tail; the lookup below follows this order
	if files.Len() == 0 && len(problems) == 0 {
		fmt.Fprintln(stderr, "cldrest: no files selected (check the paths, --include/--exclude, --hidden and --shard)")
	}
	if files.Len() > 0 && !f.dryRun {
		if err := preflight(cmd.Context(), sess, f.unsignedPreset, "uploading"); err != nil {
			return err
		}
	}
	var journal *batch.Journal
	if journalPath != "" {
		// Run asks about each public ID once, before recording it: the
		// journal need not hold this run's new entries in memory.
		jopts := []batch.JournalOption{batch.ForgetNewRecords()}
		if f.wait {
			jopts = append(jopts, batch.WaitForLock(cmd.Context()))
		}
		journal, err = batch.OpenJournal(journalPath, sess.target, f.dryRun, jopts...)
		if errors.Is(err, context.Canceled) {
			return &exitError{code: exitInterrupted, err: err}
		}
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer journal.Close()
		if n := journal.Torn(); n > 0 {
			fmt.Fprintf(stderr, "cldrest: warning: ignored %s of journal %s (a crash cut them short); their files are checked again\n", plural(n, "unreadable line", "unreadable lines"), journalPath)
		}
	}

	// Without the check and without a journal nothing needs the MD5:
	// --verify=false then computes none.
	up := &serviceUploader{svc: upload.New(sess.client), chunk: plan.chunk, verify: f.verify, params: plan.params,
		unsignedPreset: f.unsignedPreset, noMD5: !f.verify && journal == nil}
	run := batch.RunOptions{Problems: problems, Concurrency: f.concurrency, DryRun: f.dryRun, Journal: journal,
		KeepExisting: !f.overwrite, Retryable: retryable, Stop: stopAdvice, OptionsKey: optionsKey(plan.params, f.unsignedPreset)}
	if f.skipExisting == "etag" {
		run.Lookup = newSearchLookup(admin.New(sess.client), f.resourceType, files, f.concurrency)
	}
	run.Observer = f.observer(cmd.OutOrStdout(), cmd.ErrOrStderr())
	if f.failedFile != "" {
		// Created before the first upload, so a bad path fails now.
		ff, err := os.Create(f.failedFile)
		if err != nil {
			return usageErr("--failed: %v", err)
		}
		defer ff.Close()
		run.Observer = batch.Observers(run.Observer, batch.FailedList(ff))
	}

	sum, err := batch.RunList(cmd.Context(), files, up, run)
	if err := uploadRunErr(sum, err); err != nil {
		return err
	}
	return nil
}

// uploadRunErr turns the end of an upload run (batch.Run) into the
// command's error and exit code: 130 interrupted, 2 stopped by a failure no
// file can escape (with the advice), 1 a journal failure or failed files.
func uploadRunErr(sum *batch.Summary, err error) *exitError {
	var se *batch.StoppedError
	switch {
	case err != nil && sum.Interrupted:
		return &exitError{code: exitInterrupted, err: err}
	case errors.As(err, &se):
		return stoppedErr(se, sum.NotStarted+sum.Canceled+sum.Failed, sum.Files, "files")
	case err != nil:
		return &exitError{code: exitFailed, err: err}
	case sum.Failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d files failed", sum.Failed, sum.Files)}
	}
	return nil
}

// optionsKey identifies the upload options that shape an asset besides its
// bytes, for the journal (batch.RunOptions.OptionsKey): "" when none is
// set, so journals written before options were recorded stay valid.
func optionsKey(p upload.Params, unsignedPreset string) string {
	var parts []string
	if p.ResourceType != "" && p.ResourceType != "auto" {
		parts = append(parts, "resource_type="+string(p.ResourceType))
	}
	if len(p.Tags) > 0 {
		parts = append(parts, "tags="+strings.Join(slices.Sorted(slices.Values(p.Tags)), ","))
	}
	for _, k := range slices.Sorted(maps.Keys(p.Context)) {
		parts = append(parts, "context:"+k+"="+p.Context[k])
	}
	if p.UploadPreset != "" {
		parts = append(parts, "preset="+p.UploadPreset)
	}
	if unsignedPreset != "" {
		parts = append(parts, "unsigned_preset="+unsignedPreset)
	}
	if len(parts) == 0 {
		return ""
	}
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// preflightRetryWait is the wait before the preflight's second ping (the
// tests shorten it).
var preflightRetryWait = 200 * time.Millisecond

// preflight checks what can be checked before the first file: credentials
// present and well-formed for the auth mode, and (for signed uploads) that
// the API host answers one cheap authenticated call (ping), so a bad setup
// fails in seconds with exit 2 instead of file by file. before names the
// job in the error ("uploading", "downloading", "syncing").
func preflight(ctx context.Context, sess *session, unsignedPreset, before string) error {
	cfg := sess.cfg
	if unsignedPreset != "" {
		return nil // no credentials needed; the circuit breaker catches an unreachable host
	}
	if cfg.OAuthToken.IsZero() {
		switch {
		case cfg.APIKey == "" || cfg.APISecret.IsZero():
			return usageErr("no API key and secret for cloud %q: set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@%s (or CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET), or pass --unsigned-preset NAME for unsigned uploads", cfg.CloudName, cfg.CloudName)
		case strings.ContainsAny(cfg.APIKey, " \t\"'<>"):
			return usageErr("the API key contains spaces, quotes or brackets: copy it again from the Cloudinary console (API Keys)")
		}
	}
	c, err := client.New(cfg, client.WithRetry(2, preflightRetryWait, time.Second))
	if err != nil {
		return usageErr("%v", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = admin.New(c).Ping(pctx)
	if err == nil || ctx.Err() != nil {
		return nil
	}
	// Only a rejected key (401) or no answer at all stops the job here: a
	// 403 may mean a key that may upload but not call the Admin API, and a
	// 5xx or a rate limit is retried per file.
	if ae, ok := errors.AsType[*client.APIError](err); ok && ae.StatusCode != 401 {
		return nil
	}
	if advice, _ := stopAdvice(err); advice != "" {
		return &exitError{code: exitUsage, err: fmt.Errorf("checking %s before %s: %s (%v)", cfg.UploadPrefix, before, advice, err)}
	}
	return nil
}

// stopAdvice is the circuit breaker's rule (batch.RunOptions.Stop): one
// line of advice for failures that no other file can escape. Rejected
// credentials and a stale clock stop the run at once; network failures
// after a few in a row.
func stopAdvice(err error) (advice string, immediate bool) {
	if ae, ok := errors.AsType[*client.APIError](err); ok {
		switch {
		case ae.StatusCode == 401:
			return "Cloudinary rejected the credentials (401): check the API key and secret in CLOUDINARY_URL", true
		case ae.StatusCode == 403:
			return "Cloudinary refused access (403): check that the API key may upload to this cloud, and the account's status", true
		case ae.StatusCode == 400 && strings.Contains(ae.Message, "Stale request"):
			return "Cloudinary says the request time is stale: this machine's clock is off by more than an hour; set it right (e.g. enable NTP) and run again", true
		}
		return "", false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, upload.ErrInvalidInput) || tooManyOpenFiles(err) {
		return "", false
	}
	if _, ok := errors.AsType[net.Error](err); ok || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return "cannot reach the API host: check the network, proxy settings and upload_prefix in CLOUDINARY_URL", false
	}
	return "", false
}

// withFDAdvice adds to EMFILE/ENFILE what to do about them.
func withFDAdvice(err error) error {
	if tooManyOpenFiles(err) {
		return fmt.Errorf("%w (too many open files: lower --concurrency or raise the limit with ulimit -n, then run again)", err)
	}
	return err
}

// tooManyOpenFiles reports EMFILE/ENFILE: the process or system ran out of
// file descriptors, which fewer parallel uploads fix.
func tooManyOpenFiles(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
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
// another: the client's one retry classification, plus ambiguous failures,
// which the CLI may repeat because every file has a fixed public ID.
func retryable(err error) bool { return client.IsRetryable(err) || errors.Is(err, client.ErrAmbiguous) }

// serviceUploader adapts upload.Service to batch.Uploader: a fixed public ID
// with an explicit overwrite, so the client may retry even after an
// ambiguous failure, and (unless --verify=false) the library's integrity
// check, so a corrupt asset is a failure. noMD5 skips the local MD5 too
// (upload.WithoutChecksum), for a run that neither checks nor journals it.
type serviceUploader struct {
	svc            *upload.Service
	params         upload.Params
	chunk          int64
	verify         bool
	noMD5          bool
	unsignedPreset string
}

func (u *serviceUploader) Upload(ctx context.Context, f batch.File, progress batch.ProgressFunc) (batch.Result, error) {
	p := u.params
	p.PublicID = f.PublicID
	if dir := path.Dir(f.PublicID); dir != "." && u.unsignedPreset == "" {
		p.AssetFolder = dir
	}
	opts := []upload.Option{upload.WithIdempotent()}
	if progress != nil {
		opts = append(opts, upload.WithProgress(upload.ProgressFunc(progress)))
	}
	if u.chunk > 0 {
		opts = append(opts, upload.WithChunkSize(u.chunk))
	}
	switch {
	case u.verify:
		opts = append(opts, upload.WithIntegrityCheck())
	case u.noMD5:
		opts = append(opts, upload.WithoutChecksum())
	}
	var res *upload.Result
	var err error
	if u.unsignedPreset != "" {
		res, err = u.svc.UploadUnsigned(ctx, upload.FromPath(f.Path), u.unsignedPreset, &p, opts...)
	} else {
		res, err = u.svc.Upload(ctx, upload.FromPath(f.Path), &p, opts...)
	}
	err = withFDAdvice(err)
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
