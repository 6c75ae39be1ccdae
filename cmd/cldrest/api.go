package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/account"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apiroute"
)

func init() { register(newAPICmd) }

func newAPICmd() *cobra.Command {
	var (
		mf     *mockFlags
		fields []string
		typed  []string
		raw    bool
		acct   bool
		show   bool
	)
	cmd := &cobra.Command{
		Use:   "api METHOD PATH [-f key=value ...]",
		Short: "Call any Upload or Admin API endpoint and print the JSON answer",
		Long: `Call any endpoint of Cloudinary's Upload or Admin API, authenticated the way
that API wants, and print the JSON answer: the escape hatch for everything that
has no command of its own (like "gh api").

PATH is relative to /v1_1/<cloud_name>/. Paths whose first segment is a resource
type (image/upload, video/destroy, raw/explicit, auto/upload, all/...), upload,
asset or download_backup belong to the Upload API: the fields are sent as a
form, signed with a fresh timestamp (api_key, timestamp, signature are added).
Every other path (resources/..., tags/..., folders/..., usage, ping, ...) is the
Admin API, sent with HTTP Basic auth: GET fields go in the query string, POST,
PUT and DELETE fields in a JSON body. A query string in PATH is read as fields.

-f key=value adds a string field; -F key=value a typed one for JSON bodies
(true, false, null, numbers, and JSON arrays or objects as written). A key
ending in [] (tags[]=a) or given more than once becomes an array.

--account calls the Provisioning API instead: PATH is relative to
/v1_1/provisioning/accounts/<account_id>/ (sub_accounts, users, user_groups,
...), authenticated with CLOUDINARY_ACCOUNT_URL's provisioning key and secret.

The answer is printed as indented JSON (--raw: exactly as received). A non-2xx
answer prints Cloudinary's error on stderr and exits 1 (2 for rejected
credentials). The API secret is never printed.`,
		Example: `  # List image assets (Admin API, Basic auth)
  cldrest api GET resources/image -f max_results=5

  # Search (Admin API, JSON body with a typed field)
  cldrest api POST resources/search -f expression='tags=cats' -F max_results=10

  # Destroy an asset (Upload API, signed)
  cldrest api POST image/destroy -f public_id=samples/old -f invalidate=true

  # List the sub-accounts (Provisioning API, CLOUDINARY_ACCOUNT_URL)
  cldrest api --account GET sub_accounts

  # Try it offline against an in-process mock
  cldrest api --mock GET ping`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := apiRequest(args[0], args[1], fields, typed)
			if err != nil {
				return err
			}
			if acct {
				if req.API == client.UploadAPI {
					return usageErr("PATH %q is an Upload API path; with --account give a Provisioning API path such as sub_accounts or users", args[1])
				}
				p := &provisioningCmd{mock: mf}
				return p.run(cmd, func(ctx context.Context, svc *account.Service) error {
					resp, err := svc.Do(ctx, req, nil)
					if err != nil {
						return err
					}
					body := []byte(resp.Raw)
					if !show {
						body = redactSecretFields(body)
					}
					return printAPIAnswer(cmd.OutOrStdout(), body, raw)
				})
			}
			sess, err := mf.open(cmd)
			if err != nil {
				return err
			}
			defer sess.close()
			resp, err := sess.client.Do(cmd.Context(), req, nil)
			if err != nil {
				return apiErr(err)
			}
			return printAPIAnswer(cmd.OutOrStdout(), resp.Raw, raw)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&fields, "field", "f", nil, "string field key=value (repeatable)")
	fl.StringArrayVarP(&typed, "typed-field", "F", nil, "typed field key=value: true, false, null, numbers and JSON values keep their type in JSON bodies (repeatable)")
	fl.BoolVar(&raw, "raw", false, "print the answer exactly as received (not indented)")
	fl.BoolVar(&show, "show-secret", false, "with --account, print the secrets of access keys in the answer (shown as [REDACTED] otherwise)")
	fl.BoolVar(&acct, "account", false, "call the Provisioning API (PATH below /v1_1/provisioning/accounts/<account_id>/, credentials from CLOUDINARY_ACCOUNT_URL)")
	mf = addMockFlags(cmd)
	return cmd
}

// printAPIAnswer writes an answer body: indented JSON, or exactly as received
// with raw, ending in a newline.
func printAPIAnswer(out io.Writer, body []byte, raw bool) error {
	if !raw {
		var buf bytes.Buffer
		if json.Indent(&buf, body, "", "  ") == nil {
			body = buf.Bytes()
		}
	}
	if len(body) > 0 && body[len(body)-1] != '\n' {
		body = append(body, '\n')
	}
	_, err := out.Write(body)
	return err
}

// redactSecretFields replaces the value of every "secret" or "api_secret"
// string field of a JSON answer with [REDACTED] (Provisioning API answers
// carry the secrets of access keys). A body that is not JSON is returned as
// it is.
func redactSecretFields(body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if _, ok := e.(string); ok && (k == "secret" || k == "api_secret") {
					x[k] = client.NewSecret("x").String()
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// apiRequest validates the command line and builds the request, before any
// I/O: the method, the path (a query string in it becomes fields) and the
// fields, routed to the Upload or Admin API by apiroute.IsUpload.
func apiRequest(method, rawPath string, fields, typed []string) (*client.Request, error) {
	method = strings.ToUpper(strings.TrimSpace(method))
	switch method {
	case "GET", "POST", "PUT", "DELETE":
	default:
		return nil, usageErr("method %q: use GET, POST, PUT or DELETE", method)
	}
	p, query, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(rawPath), "/"), "?")
	if p == "" {
		return nil, usageErr("empty PATH: give a path below /v1_1/<cloud_name>/, such as resources/image or image/upload")
	}
	if strings.HasPrefix(p, "v1_1/") {
		return nil, usageErr("PATH %q: leave out /v1_1/<cloud_name>/ (give e.g. resources/image)", p)
	}
	type field struct {
		key   string
		value any
	}
	var list []field
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, usageErr("the query string in PATH is malformed: %v", err)
	}
	for k, vs := range q {
		for _, v := range vs {
			list = append(list, field{k, v})
		}
	}
	parse := func(flag string, kvs []string, typedValues bool) error {
		for _, kv := range kvs {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return usageErr("%s %q: use key=value", flag, kv)
			}
			var val any = v
			if typedValues {
				val = typedValue(v)
			}
			list = append(list, field{k, val})
		}
		return nil
	}
	if err := parse("-f", fields, false); err != nil {
		return nil, err
	}
	if err := parse("-F", typed, true); err != nil {
		return nil, err
	}
	req := &client.Request{Method: method, Path: p, API: client.AdminAPI}
	if apiroute.IsUpload(p) {
		req.API = client.UploadAPI
	}
	if len(list) == 0 {
		return req, nil
	}
	if req.API == client.UploadAPI || method == "GET" {
		req.Params = url.Values{}
		for _, f := range list {
			s, ok := f.value.(string)
			if !ok {
				b, _ := json.Marshal(f.value)
				s = string(b)
			}
			req.Params.Add(f.key, s)
		}
		return req, nil
	}
	// A JSON body: a key ending in [] or given twice is an array.
	body := map[string]any{}
	count := map[string]int{}
	for _, f := range list {
		count[strings.TrimSuffix(f.key, "[]")]++
	}
	for _, f := range list {
		k := strings.TrimSuffix(f.key, "[]")
		if count[k] > 1 || strings.HasSuffix(f.key, "[]") {
			arr, _ := body[k].([]any)
			body[k] = append(arr, f.value)
			continue
		}
		body[k] = f.value
	}
	req.Body = body
	return req, nil
}

// typedValue reads a -F value: true, false, null, a number, or a JSON array
// or object; anything else stays a string.
func typedValue(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f
	}
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		var j any
		if json.Unmarshal([]byte(t), &j) == nil {
			return j
		}
	}
	return v
}
