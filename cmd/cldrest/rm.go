package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
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

Without --resource-type every resource type is covered (image, video and raw):
a named public ID is deleted as the first type that has it, and a bulk delete
lists and deletes the assets of every type. Before asking, a bulk delete prints
the first 10 assets it will delete and how many more there are.

When public IDs are named and some have no asset (of the types tried and
--type), the others are still deleted and the summary printed, then the missed
IDs are named with the types tried and the exit code is 1. A bulk delete that
finds fewer assets than it counted is no failure.`,
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
			typ := admin.DeliveryType(af.typ)
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				var what string
				var seq iter.Seq2[admin.Resource, error]
				switch {
				case prefix != "":
					what = fmt.Sprintf("with prefix %q, as %s", prefix, af.tried())
					seq = af.eachType(func(rt admin.ResourceType) iter.Seq2[admin.Resource, error] {
						return adm.ListResourcesAll(ctx, &admin.ListResourcesOptions{ResourceType: rt, Type: typ, Prefix: prefix, ListFlags: admin.ListFlags{ListOptions: admin.ListOptions{MaxResults: 500}}})
					})
				case tag != "":
					what = fmt.Sprintf("tagged %q, as %s of every delivery type", tag, strings.Split(af.tried(), " (")[0])
					seq = af.eachType(func(rt admin.ResourceType) iter.Seq2[admin.Resource, error] {
						return adm.ResourcesByTagAll(ctx, tag, &admin.ResourcesByTagOptions{ResourceType: rt, ListFlags: admin.ListFlags{ListOptions: admin.ListOptions{MaxResults: 500}}})
					})
				}
				// Count (and list) what a bulk delete touches.
				var listed []assetKey
				if seq != nil && (dryRun || !yes) {
					for r, err := range seq {
						if err != nil {
							return err
						}
						listed = append(listed, assetKey{r.ResourceType, r.Type, r.PublicID})
					}
				}
				if dryRun {
					if seq == nil {
						for _, id := range args {
							listed = append(listed, assetKey{publicID: id})
						}
					}
					ids := make([]string, len(listed))
					for i, k := range listed {
						ids[i] = k.publicID
					}
					if a.json {
						return printJSON(out, map[string]any{"dry_run": true, "would_delete": len(ids), "public_ids": nonNil(ids)}, nil)
					}
					for _, k := range listed {
						fmt.Fprintln(out, "would delete", k)
					}
					fmt.Fprintf(out, "%s would be deleted; nothing was deleted (dry run)\n", plural(len(ids), "asset", "assets"))
					return nil
				}
				if seq != nil && !yes {
					// The list is the command's output (stdout), the
					// question is not (stderr), as in sync --delete;
					// with --json, stdout is the JSON answer alone.
					listOut := out
					if a.json {
						listOut = errOut
					}
					if len(listed) == 0 {
						fmt.Fprintf(listOut, "no assets %s: nothing to delete\n", what)
						return nil
					}
					for _, k := range listed[:min(len(listed), maxListedIDs)] {
						fmt.Fprintln(listOut, "  "+k.String())
					}
					if n := len(listed) - maxListedIDs; n > 0 {
						fmt.Fprintf(listOut, "  ... and %d more (--dry-run lists them all)\n", n)
					}
					ok, err := confirm(cmd.InOrStdin(), errOut, fmt.Sprintf("Delete %s %s? Type yes to confirm: ", plural(len(listed), "asset", "assets"), what))
					if err != nil {
						return err
					}
					if !ok {
						return &exitError{code: exitFailed, err: errors.New("aborted: nothing was deleted")}
					}
				}
				var s admin.DeleteSummary
				var missed []string
				add := func(d *admin.DeleteSummary) {
					if d != nil {
						s.Calls += d.Calls
						s.Deleted += d.Deleted
						s.NotFound += d.NotFound
					}
				}
				switch {
				case seq != nil && yes:
					// Cloudinary deletes by prefix or tag, type by type.
					for _, rt := range af.types() {
						opts := &admin.DeleteOptions{ResourceType: rt, Type: typ, Invalidate: invalidate}
						var d *admin.DeleteSummary
						var err error
						if prefix != "" {
							d, err = adm.DeleteAllByPrefix(ctx, prefix, opts)
						} else {
							d, err = adm.DeleteAllByTag(ctx, tag, opts)
						}
						add(d)
						if err != nil {
							return err
						}
					}
				case seq != nil:
					// Exactly the assets listed and confirmed: one that gained
					// the prefix or tag since is left alone.
					for _, g := range groupKeys(listed) {
						d, err := adm.DeleteResourcesAll(ctx, g.ids, &admin.DeleteOptions{ResourceType: g.rt, Type: g.typ, Invalidate: invalidate})
						add(d)
						if err != nil {
							return err
						}
					}
					s.NotFound = 0 // gone since listed: no failure
				default:
					// Public IDs: each type in turn gets the ones not found yet.
					missed = without(args)
					for _, rt := range af.types() {
						if len(missed) == 0 {
							break
						}
						d, err := adm.DeleteResourcesAll(ctx, missed, &admin.DeleteOptions{ResourceType: rt, Type: typ, Invalidate: invalidate})
						if d != nil {
							s.Calls += d.Calls
							s.Deleted += d.Deleted
						}
						if err != nil {
							return err
						}
						missed = d.NotFoundIDs
					}
					s.NotFound = len(missed)
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
					fmt.Fprintf(out, "deleted %s", plural(deleted, "asset", "assets"))
					if notFound > 0 {
						fmt.Fprintf(out, " (%d not found)", notFound)
					}
					fmt.Fprintln(out)
				}
				if named && notFound > 0 {
					return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d public IDs not found as %s: %s; check the IDs, --resource-type and --type",
						notFound, len(without(args)), af.tried(), listIDs(missed))}
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

// assetKey names one asset: resource type, delivery type, public ID.
type assetKey struct {
	rt       admin.ResourceType
	typ      admin.DeliveryType
	publicID string
}

func (k assetKey) String() string {
	if k.rt == "" {
		return k.publicID
	}
	return fmt.Sprintf("%s (%s/%s)", k.publicID, k.rt, k.typ)
}

type keyGroup struct {
	rt  admin.ResourceType
	typ admin.DeliveryType
	ids []string
}

// groupKeys groups assets by resource and delivery type, in first-seen order.
func groupKeys(keys []assetKey) []keyGroup {
	var out []keyGroup
	at := map[[2]string]int{}
	for _, k := range keys {
		g := [2]string{string(k.rt), string(k.typ)}
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, keyGroup{rt: k.rt, typ: k.typ})
		}
		out[i].ids = append(out[i].ids, k.publicID)
	}
	return out
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
		Long: `Rename an asset (Upload API rename). --overwrite replaces an existing asset with
the new public ID. Without --resource-type the asset's type is looked up first
(image, video, then raw).`,
		Example: `  cldrest rename products/shoe-1 products/shoes/red
  cldrest rename draft/intro intro --resource-type video --overwrite --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := af.validate(); err != nil {
				return err
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, up *upload.Service) error {
				rt := af.resourceType
				if rt == allResourceTypes {
					d, err := af.findType(ctx, adm, args[0])
					if err != nil {
						return err
					}
					rt = string(d.ResourceType)
				}
				res, err := up.Rename(ctx, args[0], args[1], &upload.RenameParams{ResourceType: upload.ResourceType(rt), Type: af.typ,
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
