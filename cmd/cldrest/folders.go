package main

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newFoldersCmd) }

func newFoldersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "folders ls|mk|rm",
		Short: "List, create and delete folders",
		Example: `  cldrest folders ls
  cldrest folders ls products --json
  cldrest folders mk products/shoes
  cldrest folders rm products/old`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("missing subcommand: use folders ls, folders mk or folders rm")
		},
	}
	a := addAPIFlags(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "ls [PATH]",
		Short: "List the root folders, or the subfolders of PATH (all pages)",
		Example: `  cldrest folders ls
  cldrest folders ls products/shoes --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				var seq iter.Seq2[admin.Folder, error]
				if len(args) == 1 && strings.Trim(args[0], "/") != "" {
					seq = adm.SubFoldersAll(ctx, strings.Trim(args[0], "/"), &admin.FoldersOptions{MaxResults: 500})
				} else {
					seq = adm.RootFoldersAll(ctx, &admin.FoldersOptions{MaxResults: 500})
				}
				n := 0
				for f, err := range seq {
					if err != nil {
						return err
					}
					n++
					if a.json {
						if err := printJSON(cmd.OutOrStdout(), f, nil); err != nil {
							return err
						}
						continue
					}
					fmt.Fprintln(cmd.OutOrStdout(), f.Path)
				}
				if !a.json {
					fmt.Fprintf(cmd.OutOrStdout(), "%d folders\n", n)
				}
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "mk PATH",
		Short:   "Create a folder (and its parents)",
		Example: "  cldrest folders mk products/shoes",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := strings.Trim(args[0], "/")
			if path == "" {
				return usageErr("empty folder path: pass a path such as products/shoes")
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				res, err := adm.CreateFolder(ctx, path)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), res, &res.Meta)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created folder %s\n", res.Path)
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "rm PATH",
		Short:   "Delete an empty folder",
		Example: "  cldrest folders rm products/old",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := strings.Trim(args[0], "/")
			if path == "" {
				return usageErr("empty folder path: pass a path such as products/old")
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				res, err := adm.DeleteFolder(ctx, path)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), res, &res.Meta)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", strings.Join(res.Deleted, ", "))
				return nil
			})
		},
	})
	return cmd
}
