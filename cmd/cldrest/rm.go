package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/upload"
)

func init() {
	register(newRmCmd)
	register(newRenameCmd)
}

func newRmCmd() *cobra.Command {
	var (
		a           *apiCmd
		af          *assetFlags
		prefix, tag string
		yes, dryRun bool
		invalidate  bool
	)
	cmd := &cobra.Command{
		Use:   "rm PUBLIC_ID... | --prefix PREFIX | --tag TAG",
		Short: "Delete assets by public ID, prefix or tag",
		Long: `Delete assets by public ID, or every asset whose public ID starts with a prefix,
or every asset with a tag (of every delivery type). Bulk deletes (--prefix, --tag)
first list the assets and ask for confirmation, then delete exactly the assets
listed, 100 per call, so an asset that gains the prefix or tag meanwhile is kept.
--yes skips the question and lets Cloudinary delete by prefix or tag, 1,000 per
call. --dry-run lists what would be deleted and deletes nothing.

When public IDs are named and some have no asset (of this --resource-type and
--type), the others are still deleted and the summary printed, then the missed
IDs are named and the exit code is 1. A bulk delete that finds fewer assets
than it counted is no failure.`,
		Example: `  cldrest rm products/old-1 products/old-2
  cldrest rm --prefix tmp/ --dry-run
  cldrest rm --tag obsolete --resource-type video --yes
  cldrest rm --prefix tmp/ --yes --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := af.validate(); err != nil {
				return err
			}
			modes := 0
			if len(args) > 0 {
				modes++
			}
			if cmd.Flags().Changed("prefix") {
				modes++
				if strings.TrimSpace(prefix) == "" {
					return usageErr("--prefix must not be empty (that would delete everything)")
				}
			}
			if cmd.Flags().Changed("tag") {
				modes++
				if strings.TrimSpace(tag) == "" {
					return usageErr("--tag must not be empty")
				}
				if cmd.Flags().Changed("type") {
					return usageErr("--type does not apply to --tag (a delete by tag covers every delivery type); select by --prefix or public IDs to limit it to one type")
				}
			}
			if modes != 1 {
				return usageErr("give public IDs, or --prefix, or --tag (exactly one of them)")
			}
			rt, typ := admin.ResourceType(af.resourceType), admin.DeliveryType(af.typ)
			opts := &admin.DeleteOptions{ResourceType: rt, Type: typ, Invalidate: invalidate}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				var what string
				var seq iter.Seq2[admin.Resource, error]
				switch {
				case prefix != "":
					what = fmt.Sprintf("with prefix %q (%s/%s)", prefix, rt, typ)
					seq = adm.ListResourcesAll(ctx, &admin.ListResourcesOptions{ResourceType: rt, Type: typ, Prefix: prefix, ListFlags: admin.ListFlags{ListOptions: admin.ListOptions{MaxResults: 500}}})
				case tag != "":
					what = fmt.Sprintf("tagged %q (%s, every delivery type)", tag, rt)
					seq = adm.ResourcesByTagAll(ctx, tag, &admin.ResourcesByTagOptions{ResourceType: rt, ListFlags: admin.ListFlags{ListOptions: admin.ListOptions{MaxResults: 500}}})
				}
				// Count (and, for a dry run, list) what a bulk delete touches.
				byType := map[admin.DeliveryType][]string{typ: args}
				ids := args
				if seq != nil && (dryRun || !yes) {
					byType, ids = map[admin.DeliveryType][]string{}, nil
					for r, err := range seq {
						if err != nil {
							return err
						}
						byType[r.Type] = append(byType[r.Type], r.PublicID)
						ids = append(ids, r.PublicID)
					}
				}
				if dryRun {
					if a.json {
						return printJSON(out, map[string]any{"dry_run": true, "would_delete": len(ids), "public_ids": nonNil(ids)}, nil)
					}
					for _, id := range ids {
						fmt.Fprintln(out, "would delete", id)
					}
					fmt.Fprintf(out, "%d assets would be deleted; nothing was deleted (dry run)\n", len(ids))
					return nil
				}
				if seq != nil && !yes {
					if len(ids) == 0 {
						fmt.Fprintf(errOut, "no assets %s: nothing to delete\n", what)
						return nil
					}
					ok, err := confirm(cmd.InOrStdin(), errOut, fmt.Sprintf("Delete %d assets %s? Type yes to confirm: ", len(ids), what))
					if err != nil {
						return err
					}
					if !ok {
						return &exitError{code: exitFailed, err: errors.New("aborted: nothing was deleted")}
					}
				}
				var s *admin.DeleteSummary
				var missed []string
				var err error
				switch {
				case seq != nil && yes && prefix != "":
					s, err = adm.DeleteAllByPrefix(ctx, prefix, opts)
				case seq != nil && yes:
					s, err = adm.DeleteAllByTag(ctx, tag, opts)
				default:
					// Public IDs, or exactly the assets counted and confirmed:
					// one that gained the prefix or tag since is left alone.
					s, missed, err = deleteByID(ctx, adm, byType, *opts)
				}
				if err != nil {
					return err
				}
				deleted, notFound, calls := s.Deleted, s.NotFound, s.Calls
				named := seq == nil // public IDs given: each one missed is a failure
				if a.json {
					v := map[string]any{"deleted": deleted, "not_found": notFound, "calls": calls}
					if named {
						v["not_found_ids"] = nonNil(missed)
					}
					if err := printJSON(out, v, nil); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(out, "deleted %d assets", deleted)
					if notFound > 0 {
						fmt.Fprintf(out, " (%d not found)", notFound)
					}
					fmt.Fprintln(out)
				}
				if named && notFound > 0 {
					which := ""
					if len(missed) > 0 {
						which = ": " + listIDs(missed)
					}
					return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d public IDs not found as %s/%s assets%s; check the IDs, --resource-type and --type",
						notFound, len(args), rt, typ, which)}
				}
				return nil
			})
		},
	}
	a = addAPIFlags(cmd)
	af = addAssetFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&prefix, "prefix", "", "delete every asset whose public ID starts with this")
	f.StringVar(&tag, "tag", "", "delete every asset with this tag")
	f.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation of bulk deletes")
	f.BoolVar(&dryRun, "dry-run", false, "list what would be deleted; delete nothing")
	f.BoolVar(&invalidate, "invalidate", false, "also purge the deleted assets from the CDN cache")
	return cmd
}

// deleteByID deletes the public IDs of each delivery type in calls of
// admin.MaxIDsPerCall, types in name order. It also returns the IDs the API
// reported as not deleted (not found), in the order given.
func deleteByID(ctx context.Context, adm *admin.Service, byType map[admin.DeliveryType][]string, opts admin.DeleteOptions) (*admin.DeleteSummary, []string, error) {
	var s admin.DeleteSummary
	var missed []string
	seen := map[string]bool{}
	for _, typ := range slices.Sorted(maps.Keys(byType)) {
		ids := byType[typ]
		opts.Type = typ
		for batch := range slices.Chunk(ids, admin.MaxIDsPerCall) {
			res, err := adm.DeleteResources(ctx, batch, &opts)
			if err != nil {
				return &s, missed, err
			}
			s.Calls++
			for _, st := range res.Deleted {
				if st == "deleted" {
					s.Deleted++
				} else {
					s.NotFound++
				}
			}
			for _, id := range batch {
				if st, ok := res.Deleted[id]; ok && st != "deleted" && !seen[id] {
					seen[id] = true
					missed = append(missed, id)
				}
			}
		}
	}
	return &s, missed, nil
}

// maxListedIDs is the most public IDs an error message names.
const maxListedIDs = 10

// listIDs joins ids for an error message: the first maxListedIDs, then how
// many more there are.
func listIDs(ids []string) string {
	if len(ids) <= maxListedIDs {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:maxListedIDs], ", "), len(ids)-maxListedIDs)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// confirm asks question on w and reads one line from r: "y" or "yes"
// confirms. End of input without an answer is a usage error.
func confirm(r io.Reader, w io.Writer, question string) (bool, error) {
	fmt.Fprint(w, question)
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		fmt.Fprintln(w)
		return false, usageErr("no confirmation received: answer yes, or pass --yes to delete without asking")
	}
	if f, ok := r.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(w) // the answer was not echoed
	}
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes", nil
}

func newRenameCmd() *cobra.Command {
	var (
		a                     *apiCmd
		af                    *assetFlags
		toType                string
		overwrite, invalidate bool
	)
	cmd := &cobra.Command{
		Use:   "rename FROM_PUBLIC_ID TO_PUBLIC_ID",
		Short: "Change an asset's public ID",
		Long:  "Rename an asset (Upload API rename). --overwrite replaces an existing asset with the new public ID.",
		Example: `  cldrest rename products/shoe-1 products/shoes/red
  cldrest rename draft/intro intro --resource-type video --overwrite --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := af.validate(); err != nil {
				return err
			}
			return a.run(cmd, func(ctx context.Context, _ *admin.Service, up *upload.Service) error {
				res, err := up.Rename(ctx, args[0], args[1], &upload.RenameParams{ResourceType: af.resourceType, Type: af.typ,
					ToType: toType, Overwrite: overwrite, Invalidate: invalidate})
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), res, &res.Meta)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "renamed %s -> %s\n", args[0], res.PublicID)
				return nil
			})
		},
	}
	a = addAPIFlags(cmd)
	af = addAssetFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&toType, "to-type", "", "also change the delivery type")
	f.BoolVar(&overwrite, "overwrite", false, "replace an existing asset with the target public ID")
	f.BoolVar(&invalidate, "invalidate", false, "purge the old URL from the CDN cache")
	return cmd
}
