package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/upload"
)

// apiCmd carries the flags every management command shares: --json and
// the mock flags. Group commands (tag, folders, presets) register them once
// as persistent flags.
type apiCmd struct {
	json bool
	mock *mockFlags
}

func addAPIFlags(cmd *cobra.Command) *apiCmd {
	a := &apiCmd{mock: addMockFlags(cmd)}
	cmd.PersistentFlags().BoolVar(&a.json, "json", false, "print JSON instead of text")
	return a
}

// run opens a session and calls fn with the Admin and Upload services,
// mapping errors to exit codes.
func (a *apiCmd) run(cmd *cobra.Command, fn func(ctx context.Context, adm *admin.Service, up *upload.Service) error) error {
	sess, err := a.mock.open(cmd)
	if err != nil {
		return err
	}
	defer sess.close()
	return apiErr(fn(cmd.Context(), admin.New(sess.client), upload.New(sess.client)))
}

// apiErr maps library errors to exit codes: bad input is a usage error (2),
// cancellation is left for main (130), anything else is a failure (1).
func apiErr(err error) error {
	var ee *exitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, admin.ErrInvalidInput), errors.Is(err, upload.ErrInvalidInput), errors.Is(err, client.ErrInvalidConfig):
		return &exitError{code: exitUsage, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// printJSON writes v as one line of JSON. For results carrying the raw
// response body (client.Meta), the raw body is printed so no field the typed
// result does not model is lost.
func printJSON(w io.Writer, v any, meta *client.Meta) error {
	var buf bytes.Buffer
	if meta != nil && meta.Response != nil && len(meta.Response.Raw) > 0 && json.Compact(&buf, meta.Response.Raw) == nil {
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// assetFlags select the resource type and delivery type of an asset.
type assetFlags struct {
	resourceType string
	typ          string
	single       bool // one resource type only (a URL names one)
}

// allResourceTypes is the --resource-type value (the default) that makes a
// command work across resource types, like upload does.
const allResourceTypes = "all"

func addAssetFlags(cmd *cobra.Command) *assetFlags {
	f := &assetFlags{}
	cmd.Flags().StringVar(&f.resourceType, "resource-type", allResourceTypes, "image, video, raw, or all (every type, in this order)")
	cmd.Flags().StringVar(&f.typ, "type", "upload", "delivery type: "+strings.Join(deliveryTypes, ", "))
	return f
}

// addSingleAssetFlags is addAssetFlags for commands that need exactly one
// resource type (default image), such as url.
func addSingleAssetFlags(cmd *cobra.Command) *assetFlags {
	f := &assetFlags{single: true}
	cmd.Flags().StringVar(&f.resourceType, "resource-type", "image", "image, video or raw")
	cmd.Flags().StringVar(&f.typ, "type", "upload", "delivery type: "+strings.Join(deliveryTypes, ", "))
	return f
}

func (f *assetFlags) validate() error {
	if f.single && f.resourceType == allResourceTypes {
		return usageErr("--resource-type all: this command needs one type; use image, video or raw")
	}
	if f.resourceType != allResourceTypes && !slices.Contains(cld.AssetResourceTypes(), cld.ResourceType(f.resourceType)) {
		return usageErr("--resource-type %q: use image, video, raw or all", f.resourceType)
	}
	if !slices.Contains(deliveryTypes, f.typ) {
		return usageErr("--type %q is not a delivery type: use upload, private, authenticated, fetch, list, ... (see --help)", f.typ)
	}
	return nil
}

// types are the resource types a command tries, in order: the one given,
// or image, video and raw for "all". This is the one resource-type rule of
// every management command.
func (f *assetFlags) types() []admin.ResourceType {
	if f.resourceType == allResourceTypes {
		return cld.AssetResourceTypes()
	}
	return []admin.ResourceType{admin.ResourceType(f.resourceType)}
}

// tried names the types tried, for "not found" messages: "image, video or
// raw" (or the one type), with the delivery type.
func (f *assetFlags) tried() string {
	ts := f.types()
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	s := names[len(names)-1]
	if len(names) > 1 {
		s = strings.Join(names[:len(names)-1], ", ") + " or " + s
	}
	return s + " (delivery type " + f.typ + ")"
}

// eachType concatenates the listings of every type of f.
func (f *assetFlags) eachType(list func(admin.ResourceType) iter.Seq2[admin.Resource, error]) iter.Seq2[admin.Resource, error] {
	return func(yield func(admin.Resource, error) bool) {
		for _, rt := range f.types() {
			for r, err := range list(rt) {
				if !yield(r, err) || err != nil {
					return
				}
			}
		}
	}
}

// findType returns the first resource type of f that has an asset with
// publicID, or a not-found error naming the types tried.
func (f *assetFlags) findType(ctx context.Context, adm *admin.Service, publicID string) (*admin.ResourceDetails, error) {
	for _, rt := range f.types() {
		d, err := adm.Resource(ctx, publicID, &admin.ResourceOptions{ResourceType: rt, Type: admin.DeliveryType(f.typ)})
		if errors.Is(err, client.ErrNotFound) {
			continue
		}
		return d, err
	}
	return nil, &exitError{code: exitFailed, err: fmt.Errorf("%s not found as %s: check the public ID, --resource-type and --type", publicID, f.tried())}
}

// plural formats n with the singular or plural noun.
func plural(n int, one, many string) string { return batch.Plural(n, one, many) }

// deliveryTypes are Cloudinary's delivery types (the "type" of an asset).
var deliveryTypes = []string{"upload", "private", "authenticated", "fetch", "facebook", "twitter", "twitter_name", "gravatar",
	"youtube", "hulu", "vimeo", "animoto", "worldstarhiphop", "dailymotion", "list", "multi", "text", "asset", "sprite"}

// splitList splits comma-separated values and drops empty ones.
func splitList(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
