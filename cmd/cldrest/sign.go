package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/multipartbody"
	"github.com/cldrest/cldrest/signer"
)

func init() { register(newSignCmd) }

type signFlags struct {
	apiSecret, apiKey, cloud, algorithm, resourceType, uploadPrefix, curlFile string
	version                                                                   int
	timestamp                                                                 int64
	json                                                                      bool
}

func newSignCmd() *cobra.Command {
	var f signFlags
	cmd := &cobra.Command{
		Use:   "sign [flags] key=value...",
		Short: "Sign upload parameters (and print a ready cURL upload)",
		Long: `sign computes the Upload API signature of the given parameters, exactly as
Cloudinary checks it: file, cloud_name, resource_type, api_key and signature are
never signed, empty values are dropped, keys are sorted, and a timestamp is added.

Each argument is one key=value pair, signed as given; repeat a key (or use k[]=v)
for arrays. A name given in several forms joins its plain values first, then
k[], then k[N] by index, on every run. Credentials default to CLOUDINARY_URL or CLOUDINARY_* variables.
The API secret is never printed.`,
		Example: `  # Signature of a public_id upload, now:
  cldrest sign public_id=sample eager=w_400,h_300,c_pad

  # As JSON, with a fixed timestamp and SHA-256:
  cldrest sign --json --timestamp 1315060510 --algorithm sha256 public_id=sample

  # A cURL command that performs the signed upload of photo.jpg:
  cldrest sign --curl photo.jpg public_id=vacation/photo tags=beach,2026 | sh`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSign(cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.apiSecret, "api-secret", "", "API secret (default from CLOUDINARY_URL / CLOUDINARY_API_SECRET)")
	fl.StringVar(&f.apiKey, "api-key", "", "API key (default from CLOUDINARY_URL / CLOUDINARY_API_KEY)")
	fl.StringVar(&f.cloud, "cloud", "", "cloud name (default from CLOUDINARY_URL / CLOUDINARY_CLOUD_NAME)")
	fl.StringVar(&f.algorithm, "algorithm", "", "signature algorithm: sha1 or sha256 (default from CLOUDINARY_URL, else sha1)")
	fl.IntVar(&f.version, "signature-version", 0, "signature version: 1 or 2 (default from CLOUDINARY_URL, else 2)")
	fl.Int64Var(&f.timestamp, "timestamp", 0, "Unix timestamp to sign (default now)")
	fl.StringVar(&f.resourceType, "resource-type", "image", "resource type in the --curl upload URL: image, video, raw or auto")
	fl.StringVar(&f.uploadPrefix, "upload-prefix", "", "API base URL for --curl (default from CLOUDINARY_URL, else https://api.cloudinary.com)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object: signature, timestamp, string_to_sign, api_key")
	fl.StringVar(&f.curlFile, "curl", "", "print a cURL command that uploads `FILE` with the signed parameters")
	return cmd
}

// signOutput is the --json document.
type signOutput struct {
	Signature    string `json:"signature"`
	Timestamp    string `json:"timestamp"`
	StringToSign string `json:"string_to_sign"`
	APIKey       string `json:"api_key,omitempty"`
}

func runSign(cmd *cobra.Command, f signFlags, args []string) error {
	params, err := parseKeyValues(args)
	if err != nil {
		return err
	}
	cfg, err := envConfig(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if f.apiSecret != "" {
		cfg.APISecret = client.NewSecret(f.apiSecret)
	}
	if f.apiKey != "" {
		cfg.APIKey = f.apiKey
	}
	if f.cloud != "" {
		cfg.CloudName = f.cloud
	}
	if f.uploadPrefix != "" {
		cfg.UploadPrefix = strings.TrimRight(f.uploadPrefix, "/")
	}
	if f.algorithm != "" {
		alg, err := signer.ParseAlgorithm(f.algorithm)
		if err != nil {
			return usageErr("--algorithm %q is unknown; use sha1 or sha256", f.algorithm)
		}
		cfg.SignatureAlgorithm = alg
	}
	if f.version != 0 {
		cfg.SignatureVersion = f.version
	}
	cfg = cfg.WithDefaults()
	if cfg.SignatureVersion != 1 && cfg.SignatureVersion != 2 {
		return usageErr("--signature-version %d is unknown; use 1 or 2", cfg.SignatureVersion)
	}
	if cfg.APISecret.IsZero() {
		return usageErr("no API secret: pass --api-secret or set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
	}
	if err := resolveTimestamp(params, f.timestamp, cmd.Flags().Changed("timestamp")); err != nil {
		return err
	}
	sig, err := signer.Sign(params, cfg.APISecret.Reveal(), cfg.SignatureAlgorithm, cfg.SignatureVersion)
	if err != nil {
		return usageErr("%v", err)
	}
	out := signOutput{Signature: sig, Timestamp: params.Get("timestamp"), StringToSign: signer.StringToSign(params, cfg.SignatureVersion), APIKey: cfg.APIKey}
	w := cmd.OutOrStdout()
	switch {
	case f.curlFile != "":
		return printCurl(w, cmd.ErrOrStderr(), cfg, f, params, sig)
	case f.json:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	default:
		fmt.Fprintf(w, "signature: %s\ntimestamp: %s\nstring_to_sign: %s\n", out.Signature, out.Timestamp, out.StringToSign)
		if out.APIKey != "" {
			fmt.Fprintf(w, "api_key: %s\n", out.APIKey)
		}
		return nil
	}
}

// parseKeyValues turns key=value arguments into parameters, keeping
// repeated keys in order.
func parseKeyValues(args []string) (url.Values, error) {
	params := url.Values{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, usageErr("argument %q is not key=value; write each parameter as name=value, e.g. public_id=sample", a)
		}
		params.Add(k, v)
	}
	return params, nil
}

// resolveTimestamp makes sure params carry exactly one timestamp.
func resolveTimestamp(params url.Values, flagTS int64, flagSet bool) error {
	given := params.Get("timestamp")
	switch {
	case given != "" && flagSet && given != strconv.FormatInt(flagTS, 10):
		return usageErr("timestamp=%s and --timestamp %d disagree; give only one", given, flagTS)
	case given != "":
		if _, err := strconv.ParseInt(given, 10, 64); err != nil {
			return usageErr("timestamp=%s is not a Unix time in seconds", given)
		}
	case flagSet:
		if flagTS <= 0 {
			return usageErr("--timestamp %d must be a positive Unix time in seconds", flagTS)
		}
		params.Set("timestamp", strconv.FormatInt(flagTS, 10))
	default:
		params.Set("timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	}
	return nil
}

// printCurl writes a POSIX-shell command that performs the signed upload.
// Parameter values go through --form-string so curl never interprets a
// leading @ or <, and every word is single-quoted.
func printCurl(w, errW io.Writer, cfg client.Config, f signFlags, params url.Values, sig string) error {
	if !slices.Contains(cld.UploadResourceTypes(), cld.ResourceType(f.resourceType)) {
		return usageErr("--resource-type %q is unknown; use image, video, raw or auto", f.resourceType)
	}
	if cfg.CloudName == "" {
		return usageErr("--curl needs a cloud name: pass --cloud or set CLOUDINARY_URL")
	}
	if cfg.APIKey == "" {
		return usageErr("--curl needs an API key: pass --api-key or set CLOUDINARY_URL")
	}
	st, err := os.Stat(f.curlFile)
	if err != nil {
		return usageErr("--curl %s: %v", f.curlFile, shortPathError(err))
	}
	if !st.Mode().IsRegular() {
		return usageErr("--curl %s is not a regular file; give the file to upload", f.curlFile)
	}
	if st.Size() > client.MaxUploadSize {
		fmt.Fprintf(errW, "cldrest: warning: %s is %d bytes; Cloudinary refuses uploads above %d bytes without chunks, so use `cldrest upload` for it\n",
			f.curlFile, st.Size(), client.MaxUploadSize)
	}
	endpoint := cfg.UploadPrefix + "/v1_1/" + url.PathEscape(cfg.CloudName) + "/" + f.resourceType + "/upload"
	words := []string{"curl", "-sS", "--fail-with-body", "-X", "POST", shellQuote(endpoint),
		"-F", shellQuote("file=@" + curlQuoteFilename(f.curlFile))}
	fields := url.Values{"api_key": {cfg.APIKey}, "signature": {sig}}
	for k, v := range params {
		fields[k] = v
	}
	for k, v := range multipartbody.Fields(fields) {
		words = append(words, "--form-string", shellQuote(k+"="+v))
	}
	_, err = fmt.Fprintln(w, strings.Join(words, " "))
	return err
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// curlQuoteFilename double-quotes a file name for curl's -F syntax, where
// ; , and " would otherwise end or split the name.
func curlQuoteFilename(name string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(name) + `"`
}

func shortPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
