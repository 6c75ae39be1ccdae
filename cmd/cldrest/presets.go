package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/upload"
)

func init() { register(newPresetsCmd) }

func newPresetsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "presets ls|show",
		Short: "List upload presets or show one",
		Example: `  cldrest presets ls
  cldrest presets show product_images --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("missing subcommand: use presets ls or presets show NAME")
		},
	}
	a := addAPIFlags(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:     "ls",
		Short:   "List upload presets (all pages)",
		Example: "  cldrest presets ls --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				if !a.json {
					fmt.Fprintln(tw, "NAME\tSIGNING\tSETTINGS")
				}
				n := 0
				for p, err := range adm.UploadPresetsAll(ctx, &admin.ListOptions{MaxResults: 500}) {
					if err != nil {
						return err
					}
					n++
					if a.json {
						if err := printJSON(cmd.OutOrStdout(), p, nil); err != nil {
							return err
						}
						continue
					}
					signing := "signed"
					if p.Unsigned {
						signing = "unsigned"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\n", p.Name, signing, len(p.Settings))
				}
				if a.json {
					return nil
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d presets\n", n)
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "show NAME",
		Short:   "Show an upload preset's settings",
		Example: "  cldrest presets show product_images",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				p, err := adm.UploadPreset(ctx, args[0])
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), p, &p.Meta)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "name\t%s\n", p.Name)
				fmt.Fprintf(tw, "unsigned\t%v\n", p.Unsigned)
				keys := make([]string, 0, len(p.Settings))
				for k := range p.Settings {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					v := p.Settings[k]
					s, ok := v.(string)
					if !ok {
						b, _ := json.Marshal(v)
						s = string(b)
					}
					fmt.Fprintf(tw, "%s\t%s\n", k, s)
				}
				return tw.Flush()
			})
		},
	})
	return cmd
}
