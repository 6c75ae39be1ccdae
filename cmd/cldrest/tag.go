package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newTagCmd) }

func newTagCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tag add|remove|replace TAGS PUBLIC_ID...",
		Short: "Add, remove or replace tags of assets",
		Long: `Change the tags of assets. TAGS is one tag or several separated by commas.
"replace" sets exactly these tags, dropping the others.

An asset that already has (add) or lacks (remove) the tags is left as it is, and
that is no failure. Without --resource-type each public ID is changed as the first
type that has it (image, video, then raw). When a named public ID has no asset of
the types tried and --type (or the account may not change it), the command still changes the
others and prints its summary, then names the missed IDs and exits 1.`,
		Example: `  cldrest tag add sale,summer products/shoe-1 products/shoe-2
  cldrest tag remove sale products/shoe-1
  cldrest tag replace archived old/a old/b --resource-type raw --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("missing subcommand: use tag add, tag remove or tag replace")
		},
	}
	a := addAPIFlags(cmd)
	for _, sub := range []struct {
		name  string
		tc    upload.TagCommand
		short string
		verb  string
	}{
		{"add", upload.TagAdd, "Add tags to assets", "added"},
		{"remove", upload.TagRemove, "Remove tags from assets", "removed"},
		{"replace", upload.TagReplace, "Replace all tags of assets", "set"},
	} {
		var af *assetFlags
		c := &cobra.Command{
			Use:     sub.name + " TAGS PUBLIC_ID...",
			Short:   sub.short,
			Example: fmt.Sprintf("  cldrest tag %s sale,summer products/shoe-1 products/shoe-2", sub.name),
			Args:    cobra.MinimumNArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := af.validate(); err != nil {
					return err
				}
				tags := splitList(args[0])
				if len(tags) == 0 {
					return usageErr("no tags given: pass TAGS as one tag or a comma-separated list")
				}
				ids := without(args[1:]) // each public ID once
				return a.run(cmd, func(ctx context.Context, adm *admin.Service, up *upload.Service) error {
					// Each resource type in turn gets the IDs not found yet.
					var changed, unauthorized []string
					notFound := ids
					var lookupErr error
					for _, rt := range af.types() {
						if len(notFound) == 0 {
							break
						}
						res, err := up.TagsAll(ctx, sub.tc, tags, notFound, &upload.TagParams{ResourceType: rt, Type: af.typ})
						if err != nil {
							return err
						}
						changed = append(changed, res.PublicIDs...)
						unauthorized = append(unauthorized, res.Unauthorized...)
						// The API answers only the IDs it changed: an asset that
						// already had (or lacked) the tags is not among them, nor
						// is a missing one. Look the others up to tell them apart.
						unchanged := without(notFound, res.PublicIDs, res.Unauthorized)
						if notFound, lookupErr = missingIDs(ctx, adm, rt, af.typ, unchanged); lookupErr != nil {
							notFound = unchanged
							break
						}
					}
					unchanged := notFound
					out := cmd.OutOrStdout()
					if a.json {
						v := map[string]any{"command": sub.name, "tags": tags, "public_ids": nonNil(changed)}
						if lookupErr == nil {
							v["not_found"] = nonNil(notFound)
						}
						if len(unauthorized) > 0 {
							v["unauthorized"] = unauthorized
						}
						if err := printJSON(out, v, nil); err != nil {
							return err
						}
					} else {
						fmt.Fprintf(out, "%s %s on %d of %s\n", sub.verb, strings.Join(tags, ", "), len(changed), plural(len(ids), "asset", "assets"))
					}
					if lookupErr != nil {
						return &exitError{code: exitFailed, err: fmt.Errorf("%d public IDs were not changed, and checking whether they exist failed: %w", len(unchanged), lookupErr)}
					}
					var problems []string
					if len(notFound) > 0 {
						problems = append(problems, fmt.Sprintf("%d public IDs not found as %s: %s (check the IDs, --resource-type and --type)",
							len(notFound), af.tried(), listIDs(notFound)))
					}
					if len(unauthorized) > 0 {
						problems = append(problems, fmt.Sprintf("not allowed to change the tags of %d assets: %s (check the API key's permissions)",
							len(unauthorized), listIDs(unauthorized)))
					}
					if len(problems) > 0 {
						return &exitError{code: exitFailed, err: errors.New(strings.Join(problems, "; "))}
					}
					return nil
				})
			},
		}
		af = addAssetFlags(c)
		cmd.AddCommand(c)
	}
	return cmd
}

// without returns the IDs of ids that are in none of the drop lists, each
// once, in order.
func without(ids []string, drop ...[]string) []string {
	seen := map[string]bool{}
	for _, d := range drop {
		for _, id := range d {
			seen[id] = true
		}
	}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// missingIDs returns the IDs of ids that have no asset of resource type rt
// and delivery type typ, asking admin.MaxIDsPerCall at a time.
func missingIDs(ctx context.Context, adm *admin.Service, rt admin.ResourceType, typ string, ids []string) ([]string, error) {
	var found []string
	for batch := range slices.Chunk(ids, admin.MaxIDsPerCall) {
		res, err := adm.ResourcesByPublicIDs(ctx, batch, &admin.ResourcesByIDsOptions{
			ResourceType: rt, Type: admin.DeliveryType(typ), Fields: []string{"public_id"}})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Resources {
			found = append(found, r.PublicID)
		}
	}
	return without(ids, found), nil
}
