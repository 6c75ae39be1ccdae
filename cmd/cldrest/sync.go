package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newSyncCmd) }

type syncFlags struct {
	*runFlags
	*selectFlags
	del, yes bool
	dryRun   bool
}

func newSyncCmd() *cobra.Command {
	var f syncFlags
	var mf *mockFlags
	cmd := &cobra.Command{
		Use:   "sync DIR [PREFIX]",
		Short: "Make the assets under PREFIX match a directory (upload what changed; --delete extras)",
		Long: `Push DIR to Cloudinary under PREFIX (like "cld sync --push" or "rclone sync"):
every file becomes the asset PREFIX/<relative path> (extension dropped for images,
videos and audio, as "cldrest upload --folder PREFIX DIR" names them), and only
the files whose MD5 differs from the remote asset's etag, or that have no asset
yet, are uploaded. The remote side is read first with the Search API (type
upload, every resource type, one call per 500 assets); uploads go through the
same engine as "cldrest upload" (parallel, retried, each checked against its
etag), so the output, --json objects and statuses are upload's.

--delete also removes the remote assets under PREFIX/ that no longer have a
local file (of the same public ID and resource type). They are listed first
on stdout (the first 10 and a count; the question goes to stderr) and deleted
only after a yes on stdin, or with --yes
(for jobs); nothing is deleted when an upload failed. --delete needs a PREFIX,
so a sync never deletes outside one folder. --dry-run lists what would be
uploaded and deleted, and changes nothing.

With --json the upload's objects are followed by one {"type":"delete",...}
object (deleted or would_delete, public_ids). Exit codes: 0 in sync, 1 some
files failed or the deletion was declined, 2 usage or configuration error,
130 interrupted.`,
		Example: `  # Upload what changed in ./site/img to site/img/...
  cldrest sync ./site/img site/img

  # Also delete remote assets that were removed locally; see first, then do it
  cldrest sync --delete --dry-run ./catalog shop/catalog
  cldrest sync --delete --yes ./catalog shop/catalog

  # Offline, against a mock kept in a directory
  cldrest sync --mock-dir ./mockstate ./images demo`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd, args, &f, mf)
		},
	}
	f.runFlags = addRunFlags(cmd, "files", "files uploaded", "one JSON object per file, a summary and a delete object on stdout")
	f.selectFlags = addSelectFlags(cmd, "sync", "; an excluded file's asset counts as an extra for --delete")
	fl := cmd.Flags()
	fl.BoolVar(&f.del, "delete", false, "delete remote assets under PREFIX/ that have no local file (asks first)")
	fl.BoolVarP(&f.yes, "yes", "y", false, "delete without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be uploaded and deleted; change nothing")
	mf = addMockFlags(cmd)
	return cmd
}

func runSync(cmd *cobra.Command, args []string, f *syncFlags, mf *mockFlags) error {
	dir, prefix := args[0], ""
	if len(args) == 2 {
		prefix = strings.Trim(args[1], "/")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErr("%s is not a directory: sync pushes a directory (give its path first, then the PREFIX)", dir)
	}
	if err := f.runFlags.validate(); err != nil {
		return err
	}
	if f.del && prefix == "" {
		return usageErr("--delete needs a PREFIX: without one it would delete every asset of the cloud that is not in %s", dir)
	}
	if f.yes && !f.del {
		return usageErr("--yes only answers the question of --delete; pass --delete too, or leave --yes out")
	}
	sel := batch.SelectOptions{Include: f.include, Exclude: f.exclude, Hidden: f.hidden, Folder: prefix, ResourceType: f.resourceType,
		Ignore: []string{filepath.Join(dir, batch.DefaultJournalName)}}
	if err := sel.Validate(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	files, err := batch.SelectList([]batch.Source{{Path: dir}}, sel)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}

	sess, err := mf.open(cmd, client.WithMaxIdleConnsPerHost(f.concurrency))
	if err != nil {
		return err
	}
	defer sess.close()
	ctx, stdout, stderr := cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	if err := preflight(ctx, sess, "", "syncing"); err != nil { // as upload: exit 2 with advice
		return err
	}
	adm := admin.New(sess.client)

	remote, err := remoteEtags(ctx, adm, prefix)
	if err != nil {
		return apiErr(err)
	}
	rtOf := func(file batch.File) string {
		if f.resourceType == "auto" {
			return batch.GuessResourceType(file.Rel)
		}
		return f.resourceType
	}

	// Upload what changed, with the engine and uploader of "cldrest upload".
	up := &serviceUploader{svc: upload.New(sess.client), verify: true,
		params: upload.Params{ResourceType: upload.ResourceType(f.resourceType), Overwrite: upload.Bool(true)}}
	run := batch.RunOptions{Concurrency: f.concurrency, DryRun: f.dryRun, Retryable: retryable,
		Lookup:   remoteLookup{etags: remote, rt: rtOf},
		Stop:     stopAdvice,
		Observer: f.observer(stdout, stderr)}
	sum, err := batch.RunList(ctx, files, up, run)
	if err := uploadRunErr(sum, err); err != nil {
		if f.del && sum.Failed > 0 && !sum.Interrupted {
			err.err = fmt.Errorf("%w; nothing was deleted (a failed upload must not cost the remote copy)", err.err)
		}
		return err
	}
	if !f.del {
		return nil
	}

	// The extras: remote assets under PREFIX/ without a local file.
	local := map[assetRef]bool{}
	for i := range files.Len() {
		file := files.At(i)
		local[assetRef{rtOf(file), file.PublicID}] = true
	}
	var extras []assetRef
	for ref := range remote {
		if !local[ref] {
			extras = append(extras, ref)
		}
	}
	slices.SortFunc(extras, func(a, b assetRef) int {
		return strings.Compare(a.publicID+"\x00"+a.resourceType, b.publicID+"\x00"+b.resourceType)
	})
	names := make([]string, len(extras))
	for i, e := range extras {
		names[i] = e.publicID
		if e.resourceType != "image" {
			names[i] += " (" + e.resourceType + ")"
		}
	}
	report := func(key string, n int) error {
		if !f.json {
			return nil
		}
		return json.NewEncoder(stdout).Encode(map[string]any{"type": "delete", key: n, "public_ids": nonNil(names)})
	}
	// The extras are the command's output (stdout, as text or --json); the
	// question is not (stderr). --dry-run stops after the list.
	list := func() error {
		if f.json {
			return report("would_delete", len(extras))
		}
		_, err := fmt.Fprintf(stdout, "%s under %s/ %s no local file and would be deleted: %s\n", remoteAssets(len(extras)), prefix, have(len(extras)), listIDs(names))
		return err
	}
	switch {
	case len(extras) == 0:
		if !f.json {
			fmt.Fprintf(stdout, "no remote assets under %s/ without a local file: nothing to delete\n", prefix)
		}
		return report("deleted", 0)
	case f.dryRun:
		return list()
	case !f.yes:
		if err := list(); err != nil {
			return err
		}
		ok, err := confirm(cmd.InOrStdin(), stderr, fmt.Sprintf("Delete %s? Type yes to confirm: ", map[bool]string{true: "it", false: "them"}[len(extras) == 1]))
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{code: exitFailed, err: errors.New("deletion declined: nothing was deleted")}
		}
	}
	byRT := map[string][]string{}
	for _, e := range extras {
		byRT[e.resourceType] = append(byRT[e.resourceType], e.publicID)
	}
	deleted := 0
	for _, rt := range slices.Sorted(maps.Keys(byRT)) {
		s, err := adm.DeleteResourcesAll(ctx, byRT[rt], &admin.DeleteOptions{ResourceType: admin.ResourceType(rt), Type: admin.Upload})
		if s != nil {
			deleted += s.Deleted
		}
		if err != nil {
			return apiErr(fmt.Errorf("deleted %d of %d extras, then: %w", deleted, len(extras), err))
		}
	}
	if !f.json {
		fmt.Fprintf(stdout, "deleted %s under %s/ that had no local file\n", remoteAssets(deleted), prefix)
	}
	return report("deleted", deleted)
}

// remoteEtags lists the upload-type assets under prefix/ (every asset when
// prefix is empty), of every resource type, with their etags.
func remoteEtags(ctx context.Context, adm *admin.Service, prefix string) (map[assetRef]string, error) {
	terms := []admin.Expr{admin.Field("type").Eq("upload")}
	if prefix != "" {
		terms = append(terms, admin.Field("public_id").Prefix(prefix+"/"))
	}
	q := &admin.SearchQuery{Expression: admin.And(terms...).String(), MaxResults: admin.MaxSearchResults}
	out := map[assetRef]string{}
	for r, err := range adm.SearchAll(ctx, q) {
		if err != nil {
			return nil, fmt.Errorf("listing the remote assets: %w", err)
		}
		if prefix == "" || strings.HasPrefix(r.PublicID, prefix+"/") {
			out[assetRef{string(r.ResourceType), r.PublicID}] = r.Etag
		}
	}
	return out, nil
}

// remoteLookup answers batch.Lookup from the listing read before the run.
type remoteLookup struct {
	etags map[assetRef]string
	rt    func(batch.File) string
}

func (l remoteLookup) Etag(_ context.Context, f batch.File) (string, bool, error) {
	etag, ok := l.etags[assetRef{l.rt(f), f.PublicID}]
	return etag, ok, nil
}

// remoteAssets is "1 remote asset" or "N remote assets".
func remoteAssets(n int) string { return plural(n, "remote asset", "remote assets") }

func have(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
