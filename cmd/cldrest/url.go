package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/delivery"
	"github.com/cldrest/cldrest/signer"
)

func init() { register(newURLCmd) }

type urlFlags struct {
	asset                                          *assetFlags
	transformations, tokenACL                      []string
	format, suffix, cloud, cname, distribution, ip string
	tokenKey                                       string
	version, tokenStart, tokenExpiration           int64
	tokenDuration                                  time.Duration
	sign, long, secure, privateCDN, cdnSubdomain   bool
	shorten, rootPath, forceVersion                bool
}

func newURLCmd() *cobra.Command {
	f := &urlFlags{}
	cmd := &cobra.Command{
		Use:   "url [flags] PUBLIC_ID",
		Short: "Print the delivery URL of an asset (transformed, signed or tokened)",
		Long: `url prints the delivery URL of PUBLIC_ID, exactly as the official SDKs build it:
the public ID is escaped, a public ID in a folder gets v1 unless --version is
given, --transformation components are chained in order.

--sign adds an s--XXXXXXXX-- signature (authenticated assets and strict
transformations need one; --long-signature for the 32-character SHA-256 form).
--token-key with --token-duration or --token-expiration appends a
__cld_token__ auth token instead (token-based access control). The cloud name,
API secret, signature algorithm and private CDN come from CLOUDINARY_URL (or
CLOUDINARY_* variables). No request is made; nothing secret is printed.`,
		Example: `  # A 300x200 thumbnail, sepia, as WebP:
  cldrest url folder/sample -t c_fill,g_auto,h_200,w_300 -t e_sepia --format webp

  # A signed URL of an authenticated asset:
  cldrest url --type authenticated --sign --version 1700000000 invoices/2026-01.pdf --resource-type raw

  # A URL token valid for an hour:
  cldrest url --type authenticated --token-key 00112233FF99 --token-duration 1h sample.jpg

  # A fetch URL of a remote image, through a custom domain over http:
  cldrest url --type fetch -t w_400 --secure=false --cname media.example.com https://example.com/cat.png`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("give exactly one PUBLIC_ID (got %d arguments); quote a public ID with spaces", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runURL(cmd, f, args[0]) },
	}
	f.asset = addSingleAssetFlags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.transformations, "transformation", "t", nil, "transformation `COMPONENTS` as in a URL (c_fill,w_300 or c_fill,w_300/e_sepia); repeat to chain")
	fl.StringVarP(&f.format, "format", "f", "", "extension: the format to deliver (jpg, webp, mp4, ...)")
	fl.Int64Var(&f.version, "version", 0, "version component v`N` (the asset's version from its upload result)")
	fl.BoolVar(&f.forceVersion, "force-version", true, "add v1 to public IDs in folders when --version is not given")
	fl.BoolVar(&f.sign, "sign", false, "sign the URL with the API secret (s--XXXXXXXX--)")
	fl.BoolVar(&f.long, "long-signature", false, "sign with the 32-character SHA-256 signature (implies --sign)")
	fl.StringVar(&f.tokenKey, "token-key", "", "hex token key (console security settings): append a __cld_token__ auth token")
	fl.DurationVar(&f.tokenDuration, "token-duration", 0, "how long the token is valid, from --token-start or now (e.g. 1h)")
	fl.Int64Var(&f.tokenStart, "token-start", 0, "Unix time the token becomes valid (default: now, not written into the token)")
	fl.Int64Var(&f.tokenExpiration, "token-expiration", 0, "Unix time the token expires (instead of --token-duration)")
	fl.StringArrayVar(&f.tokenACL, "token-acl", nil, "path `PATTERN` the token grants instead of this URL, e.g. '/image/authenticated/*'; repeatable")
	fl.StringVar(&f.ip, "token-ip", "", "client IP address the token is restricted to")
	fl.BoolVar(&f.secure, "secure", true, "https URL; --secure=false for http")
	fl.StringVar(&f.suffix, "url-suffix", "", "SEO suffix after the public ID (image, video and raw upload; image private and authenticated)")
	fl.StringVar(&f.cloud, "cloud", "", "cloud name (default from CLOUDINARY_URL / CLOUDINARY_CLOUD_NAME)")
	fl.StringVar(&f.distribution, "secure-distribution", "", "host of https URLs: a private CDN distribution or custom domain (default from CLOUDINARY_URL)")
	fl.BoolVar(&f.privateCDN, "private-cdn", false, "deliver from <cloud>-res.cloudinary.com (default from CLOUDINARY_URL)")
	fl.StringVar(&f.cname, "cname", "", "custom domain of http URLs (with --secure=false)")
	fl.BoolVar(&f.cdnSubdomain, "cdn-subdomain", false, "spread URLs over the res-1 to res-5 hosts by public ID")
	fl.BoolVar(&f.shorten, "shorten", false, "write image/upload as iu")
	fl.BoolVar(&f.rootPath, "use-root-path", false, "leave out image/upload (image upload assets only)")
	return cmd
}

func runURL(cmd *cobra.Command, f *urlFlags, publicID string) error {
	if err := f.asset.validate(); err != nil {
		return err
	}
	cfg, err := envConfig(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if f.cloud != "" {
		cfg.CloudName = f.cloud
	}
	if cfg.CloudName == "" {
		return usageErr("no cloud name: set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME or pass --cloud")
	}
	if (f.sign || f.long) && cfg.APISecret.IsZero() {
		return usageErr("--sign needs the API secret: set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
	}
	changed := cmd.Flags().Changed
	opts := []delivery.Option{
		delivery.WithResourceType(admin.ResourceType(f.asset.resourceType)),
		delivery.WithFormat(f.format),
		delivery.WithForceVersion(f.forceVersion),
		delivery.WithSignature(f.sign),
		delivery.WithLongSignature(f.long),
		delivery.WithSecure(f.secure),
		delivery.WithURLSuffix(f.suffix),
		delivery.WithCNAME(f.cname),
		delivery.WithCDNSubdomain(f.cdnSubdomain),
		delivery.WithShorten(f.shorten),
		delivery.WithUseRootPath(f.rootPath),
	}
	if changed("type") {
		// Without --type, an http(s) URL is printed as is, as the SDKs do.
		opts = append(opts, delivery.WithType(admin.DeliveryType(f.asset.typ)))
	}
	if changed("version") {
		opts = append(opts, delivery.WithVersion(f.version))
	}
	if changed("secure-distribution") {
		opts = append(opts, delivery.WithSecureDistribution(f.distribution))
	}
	if changed("private-cdn") {
		opts = append(opts, delivery.WithPrivateCDN(f.privateCDN))
	}
	if len(f.transformations) > 0 {
		tr := delivery.NewTransformation()
		for _, t := range f.transformations {
			if t = strings.Trim(t, "/"); t == "" {
				return usageErr("--transformation is empty; give components such as c_fill,w_300")
			}
			tr = tr.Append(delivery.RawTransformation(t))
		}
		opts = append(opts, delivery.WithTransformation(tr))
	}
	tok, err := f.token(changed)
	if err != nil {
		return err
	}
	if tok != nil {
		opts = append(opts, delivery.WithAuthToken(*tok))
	}
	b, err := delivery.New(cfg)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	u, err := b.URL(publicID, opts...)
	if err != nil {
		if errors.Is(err, delivery.ErrInvalidInput) || errors.Is(err, client.ErrInvalidConfig) {
			return &exitError{code: exitUsage, err: err}
		}
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), u)
	return err
}

// token returns the auth token the --token-* flags describe, or nil.
func (f *urlFlags) token(changed func(string) bool) (*signer.Token, error) {
	given := false
	for _, name := range []string{"token-duration", "token-start", "token-expiration", "token-acl", "token-ip"} {
		given = given || changed(name)
	}
	if f.tokenKey == "" {
		if given {
			return nil, usageErr("the --token-* flags need --token-key (the hex token key from the console's security settings)")
		}
		return nil, nil
	}
	if f.tokenDuration <= 0 && f.tokenExpiration <= 0 {
		return nil, usageErr("a token needs --token-duration (e.g. 1h) or --token-expiration (Unix time)")
	}
	if f.sign || f.long {
		return nil, usageErr("--sign and --token-key exclude each other: a tokened URL carries no signature")
	}
	t := &signer.Token{Key: f.tokenKey, Duration: f.tokenDuration, ACL: f.tokenACL, IP: f.ip}
	if f.tokenStart > 0 {
		t.Start = time.Unix(f.tokenStart, 0)
	}
	if f.tokenExpiration > 0 {
		t.Expiration = time.Unix(f.tokenExpiration, 0)
	}
	return t, nil
}
