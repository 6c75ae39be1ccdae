package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/upload"
)

func init() {
	register(newPingCmd)
	register(newUsageCmd)
}

func newPingCmd() *cobra.Command {
	var a *apiCmd
	cmd := &cobra.Command{
		Use:   "ping",
		Short: "Check that the Admin API answers and the credentials work",
		Long:  "Call the Admin API's ping endpoint. Exit 0 when Cloudinary answers \"ok\".",
		Example: `  cldrest ping
  cldrest ping --json
  cldrest ping --mock`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				start := time.Now()
				res, err := adm.Ping(ctx)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), res, &res.Meta)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%s)\n", res.Status, time.Since(start).Round(time.Millisecond))
				return nil
			})
		},
	}
	a = addAPIFlags(cmd)
	return cmd
}

func newUsageCmd() *cobra.Command {
	var (
		a    *apiCmd
		date string
	)
	cmd := &cobra.Command{
		Use:   "usage",
		Short: "Show the account's usage and limits",
		Long:  "Show the product environment's plan, storage, bandwidth, objects, transformations and credits.",
		Example: `  cldrest usage
  cldrest usage --date 2026-03-01 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts *admin.UsageOptions
			if date != "" {
				d, err := time.Parse(time.DateOnly, date)
				if err != nil {
					return usageErr("--date %q: use YYYY-MM-DD", date)
				}
				opts = &admin.UsageOptions{Date: d}
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				res, err := adm.Usage(ctx, opts)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), res, &res.Meta)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "plan\t%s\n", res.Plan)
				if res.LastUpdated != "" {
					fmt.Fprintf(tw, "last updated\t%s\n", res.LastUpdated)
				}
				item := func(name string, it admin.UsageItem, bytes bool) {
					v := fmt.Sprintf("%g", it.Usage)
					if bytes {
						v = batch.HumanBytes(int64(it.Usage))
					}
					if it.Limit > 0 {
						lim := fmt.Sprintf("%g", it.Limit)
						if bytes {
							lim = batch.HumanBytes(int64(it.Limit))
						}
						v += fmt.Sprintf(" of %s (%.1f%%)", lim, it.UsedPercent)
					}
					fmt.Fprintf(tw, "%s\t%s\n", name, v)
				}
				item("storage", res.Storage, true)
				item("bandwidth", res.Bandwidth, true)
				item("objects", res.Objects, false)
				item("transformations", res.Transformations, false)
				item("credits", res.Credits, false)
				fmt.Fprintf(tw, "requests\t%d\n", res.Requests)
				fmt.Fprintf(tw, "resources\t%d\n", res.Resources)
				fmt.Fprintf(tw, "derived resources\t%d\n", res.DerivedResources)
				return tw.Flush()
			})
		},
	}
	a = addAPIFlags(cmd)
	cmd.Flags().StringVar(&date, "date", "", "usage of this day (YYYY-MM-DD) instead of the current report")
	return cmd
}
