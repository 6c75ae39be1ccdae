package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
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
}

func addAssetFlags(cmd *cobra.Command) *assetFlags {
	f := &assetFlags{}
	cmd.Flags().StringVar(&f.resourceType, "resource-type", "image", "image, video or raw")
	cmd.Flags().StringVar(&f.typ, "type", "upload", "delivery type: "+strings.Join(deliveryTypes, ", "))
	return f
}

func (f *assetFlags) validate() error {
	switch f.resourceType {
	case "image", "video", "raw":
	default:
		return usageErr("--resource-type %q: use image, video or raw", f.resourceType)
	}
	if !slices.Contains(deliveryTypes, f.typ) {
		return usageErr("--type %q is not a delivery type: use upload, private, authenticated, fetch, list, ... (see --help)", f.typ)
	}
	return nil
}

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
