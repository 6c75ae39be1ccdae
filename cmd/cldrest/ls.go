package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/upload"
)

func init() {
	register(newLsCmd)
	register(newSearchCmd)
	register(newShowCmd)
}

// resourcePrinter prints assets as a table or as JSON lines.
type resourcePrinter struct {
	json bool
	w    io.Writer
	tw   *tabwriter.Writer
	n    int
}

func newResourcePrinter(w io.Writer, asJSON bool) *resourcePrinter {
	p := &resourcePrinter{json: asJSON, w: w}
	if !asJSON {
		p.tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(p.tw, "PUBLIC_ID\tTYPE\tFORMAT\tBYTES\tCREATED")
	}
	return p
}

func (p *resourcePrinter) print(r admin.Resource) error {
	p.n++
	if p.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(p.w, string(b))
		return err
	}
	created := ""
	if !r.CreatedAt.IsZero() {
		created = r.CreatedAt.UTC().Format(time.RFC3339)
	}
	_, err := fmt.Fprintf(p.tw, "%s\t%s/%s\t%s\t%s\t%s\n", r.PublicID, r.ResourceType, r.Type, r.Format, batch.HumanBytes(r.Bytes), created)
	return err
}

func (p *resourcePrinter) finish(what string) error {
	if p.json {
		return nil
	}
	if err := p.tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(p.w, plural(p.n, strings.TrimSuffix(what, "s"), what))
	return err
}

// drain prints every resource of seq, up to limit (0: all).
func (p *resourcePrinter) drain(seq iter.Seq2[admin.Resource, error], limit int) error {
	for r, err := range seq {
		if err != nil {
			return err
		}
		if err := p.print(r); err != nil {
			return err
		}
		if limit > 0 && p.n >= limit {
			break
		}
	}
	return nil
}

func newLsCmd() *cobra.Command {
	var (
		a                   *apiCmd
		af                  *assetFlags
		prefix, tag, folder string
		limit, pageSize     int
		withTags            bool
	)
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List assets (all pages), by prefix, tag or asset folder",
		Long: `List assets of one delivery type, following every page: of every resource type
(image, then video, then raw) unless --resource-type names one.
At most one of --prefix, --tag and --folder may be given; use "cldrest search" for
richer queries. --json prints one JSON object per asset (JSON lines).`,
		Example: `  cldrest ls
  cldrest ls --prefix products/shoes/ --json
  cldrest ls --tag sale --resource-type video
  cldrest ls --folder products --limit 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := af.validate(); err != nil {
				return err
			}
			n := 0
			for _, s := range []string{prefix, tag, folder} {
				if s != "" {
					n++
				}
			}
			if n > 1 {
				return usageErr("--prefix, --tag and --folder cannot be combined: pick one, or use cldrest search")
			}
			if limit < 0 {
				return usageErr("--limit must not be negative")
			}
			if pageSize < 1 || pageSize > 500 {
				return usageErr("--page-size %d: use 1 to 500", pageSize)
			}
			typ := admin.DeliveryType(af.typ)
			flags := admin.ListFlags{ListOptions: admin.ListOptions{MaxResults: pageSize}, Tags: withTags}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				p := newResourcePrinter(cmd.OutOrStdout(), a.json)
				var seq iter.Seq2[admin.Resource, error]
				switch {
				case tag != "":
					seq = af.eachType(func(rt admin.ResourceType) iter.Seq2[admin.Resource, error] {
						return adm.ResourcesByTagAll(ctx, tag, &admin.ResourcesByTagOptions{ResourceType: rt, ListFlags: flags})
					})
				case folder != "":
					seq = adm.ResourcesByAssetFolderAll(ctx, strings.Trim(folder, "/"), &admin.ResourcesByAssetFolderOptions{ListFlags: flags})
				default:
					seq = af.eachType(func(rt admin.ResourceType) iter.Seq2[admin.Resource, error] {
						return adm.ListResourcesAll(ctx, &admin.ListResourcesOptions{ResourceType: rt, Type: typ, Prefix: prefix, ListFlags: flags})
					})
				}
				if err := p.drain(seq, limit); err != nil {
					return err
				}
				return p.finish("assets")
			})
		},
	}
	a = addAPIFlags(cmd)
	af = addAssetFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&prefix, "prefix", "", "only public IDs starting with this")
	f.StringVar(&tag, "tag", "", "only assets with this tag")
	f.StringVar(&folder, "folder", "", "only assets in this asset folder (dynamic folders)")
	f.IntVar(&limit, "limit", 0, "stop after this many assets (0: all)")
	f.BoolVar(&withTags, "tags", false, "include each asset's tags (in --json output)")
	f.IntVar(&pageSize, "page-size", 500, "assets per Admin API call")
	return cmd
}

func newSearchCmd() *cobra.Command {
	var (
		a         *apiCmd
		limit     int
		sortBy    []string
		withField []string
	)
	cmd := &cobra.Command{
		Use:   "search EXPRESSION",
		Short: "Search assets with a Search API expression (all pages)",
		Long: `Search assets with Cloudinary's search expression language, following every page.
--json prints one JSON object per asset (JSON lines).`,
		Example: `  cldrest search 'resource_type:image AND tags=sale'
  cldrest search 'folder:products/* AND bytes>1000000' --sort-by created_at:desc --limit 10
  cldrest search 'public_id:shoes/*' --with-field tags --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usageErr("--limit must not be negative")
			}
			q := &admin.SearchQuery{Expression: args[0], MaxResults: 500, WithField: splitList(withField...)}
			if limit > 0 && limit < 500 {
				q.MaxResults = limit
			}
			for _, s := range splitList(sortBy...) {
				field, dir, _ := strings.Cut(s, ":")
				if dir == "" {
					dir = "desc"
				}
				if dir != "asc" && dir != "desc" {
					return usageErr("--sort-by %q: use field:asc or field:desc", s)
				}
				q.SortBy = append(q.SortBy, admin.SortBy{Field: field, Direction: admin.Direction(dir)})
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				p := newResourcePrinter(cmd.OutOrStdout(), a.json)
				if err := p.drain(adm.SearchAll(ctx, q), limit); err != nil {
					return err
				}
				return p.finish("assets")
			})
		},
	}
	a = addAPIFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&limit, "limit", 0, "stop after this many assets (0: all)")
	f.StringSliceVar(&sortBy, "sort-by", nil, "sort by field:asc|desc (repeatable)")
	f.StringSliceVar(&withField, "with-field", nil, "add these attributes to each asset (tags, context, metadata, ...)")
	return cmd
}

func newShowCmd() *cobra.Command {
	var (
		a  *apiCmd
		af *assetFlags
	)
	cmd := &cobra.Command{
		Use:   "show PUBLIC_ID",
		Short: "Show one asset's details",
		Long: `Show the details of one asset (Admin API resource details). --json prints the full
answer. Without --resource-type the asset is looked up as image, video and raw, in
this order; "not found" names the types tried.`,
		Example: `  cldrest show products/shoes/red
  cldrest show intro --resource-type video --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := af.validate(); err != nil {
				return err
			}
			return a.run(cmd, func(ctx context.Context, adm *admin.Service, _ *upload.Service) error {
				d, err := af.findType(ctx, adm, args[0])
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), d, &d.Meta)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				row := func(k string, v any) {
					if s := fmt.Sprint(v); s != "" && s != "0" {
						fmt.Fprintf(tw, "%s\t%s\n", k, s)
					}
				}
				row("public_id", d.PublicID)
				row("asset_id", d.AssetID)
				row("type", string(d.ResourceType)+"/"+string(d.Type))
				row("format", d.Format)
				row("version", d.Version)
				row("bytes", fmt.Sprintf("%d (%s)", d.Bytes, batch.HumanBytes(d.Bytes)))
				if d.Width > 0 {
					row("dimensions", fmt.Sprintf("%dx%d", d.Width, d.Height))
				}
				row("etag", d.Etag)
				row("asset_folder", d.AssetFolder)
				row("display_name", d.DisplayName)
				row("original_filename", d.OriginalFilename)
				if len(d.Tags) > 0 {
					row("tags", strings.Join(d.Tags, ", "))
				}
				if !d.CreatedAt.IsZero() {
					row("created_at", d.CreatedAt.UTC().Format(time.RFC3339))
				}
				row("secure_url", d.SecureURL)
				return tw.Flush()
			})
		},
	}
	a = addAPIFlags(cmd)
	af = addAssetFlags(cmd)
	return cmd
}
