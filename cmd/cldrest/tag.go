package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newTagCmd) }

// maxTagIDs is the most public IDs the tags action takes per call.
const maxTagIDs = 1000

func newTagCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tag add|remove|replace TAGS PUBLIC_ID...",
		Short: "Add, remove or replace tags of assets",
		Long: `Change the tags of assets. TAGS is one tag or several separated by commas.
"replace" sets exactly these tags, dropping the others.`,
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
				ids := args[1:]
				return a.run(cmd, func(ctx context.Context, _ *admin.Service, up *upload.Service) error {
					var changed []string
					for i := 0; i < len(ids); i += maxTagIDs {
						res, err := up.Tags(ctx, sub.tc, tags, ids[i:min(i+maxTagIDs, len(ids))], &upload.TagParams{ResourceType: af.resourceType, Type: af.typ})
						if err != nil {
							return err
						}
						changed = append(changed, res.PublicIDs...)
					}
					if a.json {
						return printJSON(cmd.OutOrStdout(), map[string]any{"command": sub.name, "tags": tags, "public_ids": nonNil(changed)}, nil)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s %s on %d of %d assets\n", sub.verb, strings.Join(tags, ", "), len(changed), len(ids))
					return nil
				})
			},
		}
		af = addAssetFlags(c)
		cmd.AddCommand(c)
	}
	return cmd
}
