package delivery

import (
	"fmt"
	"hash/crc32"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apicall"
	"github.com/cldrest/cldrest/signer"
)

// ErrInvalidInput is matched (errors.Is) by every error the package
// returns for input it cannot turn into a URL (a *client.InputError). It is
// client.ErrInvalidInput, shared by every package of the module.
var ErrInvalidInput = client.ErrInvalidInput

// invalid builds the one-line input error of the package.
func invalid(format string, args ...any) error {
	return &client.InputError{Op: "delivery", Reason: fmt.Sprintf(format, args...)}
}

// Hosts of Cloudinary's shared delivery network.
const (
	SharedHost    = "res.cloudinary.com"
	oldAkamaiHost = "cloudinary-a.akamaihd.net"
)

// Builder builds delivery URLs for one product environment. It is safe for
// concurrent use.
type Builder struct {
	cloud  string
	secret client.Secret
	base   settings
}

// settings are the URL options; Options change them.
type settings struct {
	resourceType       cld.ResourceType
	typ                cld.DeliveryType
	typeSet            bool
	transformation     Transformation
	version            int64
	hasVersion         bool
	noForceVersion     bool
	format             string
	urlSuffix          string
	insecure           bool
	secureDistribution string
	privateCDN         bool
	cname              string
	cdnSubdomain       bool
	secureCDNSubdomain *bool
	useRootPath        bool
	shorten            bool
	sign               bool
	long               bool
	alg                signer.Algorithm
	token              *signer.Token
	now                func() time.Time
}

// Option changes how a URL is built. Options given to New apply to every
// URL of the Builder; options given to URL apply to that URL and win.
type Option func(*settings)

// WithResourceType sets the resource type: image (the default), video or
// raw.
func WithResourceType(rt cld.ResourceType) Option {
	return func(s *settings) { s.resourceType = rt }
}

// WithType sets the delivery type: upload (the default), private,
// authenticated, fetch (the public ID is a remote URL), list, or a social
// type such as facebook or youtube.
func WithType(t cld.DeliveryType) Option {
	return func(s *settings) { s.typ, s.typeSet = t, t != "" }
}

// WithTransformation sets the transformation (replacing one set before).
func WithTransformation(t Transformation) Option {
	return func(s *settings) { s.transformation = t }
}

// WithVersion sets the version component v<version>, the asset's version
// from its upload result; a new version gets past cached copies. Without
// it, public IDs in folders get v1, as the SDKs do.
func WithVersion(version int64) Option {
	return func(s *settings) { s.version, s.hasVersion = version, true }
}

// WithForceVersion(false) leaves out the v1 that public IDs in folders get
// when no version is given (force_version).
func WithForceVersion(force bool) Option {
	return func(s *settings) { s.noForceVersion = !force }
}

// WithFormat sets the extension: the format to deliver the asset in
// ("jpg", "webp", "mp4"). For fetch URLs it becomes the f_ parameter.
func WithFormat(format string) Option {
	return func(s *settings) { s.format = strings.TrimPrefix(format, ".") }
}

// WithURLSuffix adds a descriptive suffix for search engines (an SEO
// suffix) after the public ID: /images/<public ID>/<suffix>.jpg. It is
// accepted for image upload, private and authenticated, video upload and
// raw upload assets, and must not contain "." or "/".
func WithURLSuffix(suffix string) Option {
	return func(s *settings) { s.urlSuffix = suffix }
}

// WithSecure(false) builds http:// URLs; the default is https://.
func WithSecure(secure bool) Option {
	return func(s *settings) { s.insecure = !secure }
}

// WithSecureDistribution sets the host of https URLs: a private CDN
// distribution or a custom domain (CNAME) with a certificate. It defaults
// to Config.SecureDistribution.
func WithSecureDistribution(host string) Option {
	return func(s *settings) { s.secureDistribution = host }
}

// WithPrivateCDN delivers from the environment's own distribution,
// <cloud>-res.cloudinary.com, without the cloud name in the path. It
// defaults to Config.PrivateCDN.
func WithPrivateCDN(private bool) Option {
	return func(s *settings) { s.privateCDN = private }
}

// WithCNAME sets the custom domain of http URLs (WithSecure(false)); https
// URLs use WithSecureDistribution.
func WithCNAME(host string) Option {
	return func(s *settings) { s.cname = host }
}

// WithCDNSubdomain spreads URLs over the hosts res-1 to res-5 (a1 to a5 of
// a CNAME), chosen by a checksum of the public ID so each asset keeps its
// host.
func WithCDNSubdomain(on bool) Option {
	return func(s *settings) { s.cdnSubdomain = on }
}

// WithSecureCDNSubdomain does what WithCDNSubdomain does for https URLs;
// on the shared host it follows WithCDNSubdomain unless set.
func WithSecureCDNSubdomain(on bool) Option {
	return func(s *settings) { s.secureCDNSubdomain = &on }
}

// WithUseRootPath leaves out image/upload (/<cloud>/<public ID>); only for
// image upload assets.
func WithUseRootPath(on bool) Option {
	return func(s *settings) { s.useRootPath = on }
}

// WithShorten writes image/upload as iu.
func WithShorten(on bool) Option {
	return func(s *settings) { s.shorten = on }
}

// WithSignature signs the URL with the API secret: an s--XXXXXXXX--
// component covering the transformation and the public ID. Authenticated
// assets and strict transformations need it.
func WithSignature(on bool) Option {
	return func(s *settings) { s.sign = on }
}

// WithLongSignature signs the URL with a 32-character SHA-256 signature
// instead of the 8-character one.
func WithLongSignature(on bool) Option {
	return func(s *settings) { s.long = on; s.sign = s.sign || on }
}

// WithSignatureAlgorithm sets the digest of short signatures; it defaults
// to Config.SignatureAlgorithm.
func WithSignatureAlgorithm(alg signer.Algorithm) Option {
	return func(s *settings) { s.alg = alg }
}

// WithAuthToken appends a __cld_token__ auth token for token-based access
// control, instead of a signature. The token's URL is the URL's path, set
// here; give the Key and an Expiration or a Duration, and optionally an
// ACL, a Start or an IP.
func WithAuthToken(t signer.Token) Option {
	return func(s *settings) { s.token = &t }
}

// WithClock replaces time.Now for auth tokens given a Duration.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// New returns a Builder for the product environment of cfg: its cloud
// name, API secret (for signed URLs), signature algorithm, and delivery
// settings (SecureDistribution, PrivateCDN). opts apply to every URL.
func New(cfg client.Config, opts ...Option) (*Builder, error) {
	if cfg.CloudName == "" {
		return nil, &client.ConfigError{Field: "cloud_name", Reason: "missing", Fix: "set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME or Config.CloudName"}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	b := &Builder{cloud: cfg.CloudName, secret: cfg.APISecret, base: settings{
		secureDistribution: cfg.SecureDistribution,
		privateCDN:         cfg.PrivateCDN,
		alg:                cfg.SignatureAlgorithm,
		now:                time.Now,
	}}
	for _, o := range opts {
		o(&b.base)
	}
	return b, nil
}

// URL returns the delivery URL of publicID, as cfg and opts set it. See
// Builder.URL.
func URL(cfg client.Config, publicID string, opts ...Option) (string, error) {
	b, err := New(cfg)
	if err != nil {
		return "", err
	}
	return b.URL(publicID, opts...)
}

var (
	preloadedID = regexp.MustCompile(`^(image|raw)/([a-z0-9_]+)/v(\d+)/([^#]+)$`)
	remoteURL   = regexp.MustCompile(`(?i)^https?:/`)
	doubleSlash = regexp.MustCompile(`([^:])//`)
	versionLike = regexp.MustCompile(`^v[0-9]+`)
)

// URL returns the delivery URL of the asset publicID:
//
//	https://res.cloudinary.com/<cloud>/<resource type>/<type>/[s--SIG--/][<transformation>/][v<version>/]<public ID>[.<format>]
//
// byte for byte as the official SDKs build it (cloudinary.url of the
// Node.js SDK, without its analytics parameter): the public ID is
// percent-escaped (an escape already in it is kept, "/" and ":" stay),
// a remote URL of a fetch or social type is escaped as the SDKs escape it,
// a public ID in a folder gets v1 unless a version is given, and "//"
// is collapsed. Like the SDKs, a public ID of the form
// "image/upload/v123/sample.jpg" (a preloaded-file string) sets the
// resource type, type and version, and an http(s) URL given without
// WithType is returned unchanged.
//
// Errors match ErrInvalidInput and say what to change; they never contain
// the API secret.
func (b *Builder) URL(publicID string, opts ...Option) (string, error) {
	s := b.base
	for _, o := range opts {
		o(&s)
	}
	if publicID == "" {
		return "", invalid("empty public ID")
	}
	if !utf8.ValidString(publicID) {
		return "", invalid("public ID %q is not UTF-8 text", publicID)
	}
	if err := s.transformation.Err(); err != nil {
		return "", err
	}
	rt := s.resourceType
	if rt == "" {
		rt = cld.Image
	}
	typ := s.typ
	if m := preloadedID.FindStringSubmatch(publicID); m != nil {
		rt, typ, s.typeSet = cld.ResourceType(m[1]), cld.DeliveryType(m[2]), true
		v, err := strconv.ParseInt(m[3], 10, 64)
		if err != nil {
			return "", invalid("version in %q is out of range", publicID)
		}
		s.version, s.hasVersion, publicID = v, true, m[4]
	}
	if !s.typeSet && remoteURL.MatchString(publicID) {
		return publicID, nil
	}
	if typ == "" {
		typ = cld.Upload
	}
	if !apicall.ValidSegment(string(rt)) {
		return "", invalid("resource type %q is not valid; use image, video or raw", rt)
	}
	if !apicall.ValidSegment(string(typ)) {
		return "", invalid("delivery type %q is not valid; use upload, private, authenticated, fetch, list, ...", typ)
	}
	tr := s.transformation
	format := s.format
	if typ == cld.Fetch && format != "" && !tr.hasLast("f") {
		tr, format = tr.setIn("f", format, true), ""
	}
	rtSeg, typeSeg, err := resourcePath(string(rt), string(typ), s.urlSuffix, s.useRootPath, s.shorten)
	if err != nil {
		return "", err
	}
	source, toSign, err := finalizeSource(publicID, format, s.urlSuffix)
	if err != nil {
		return "", err
	}
	version := ""
	switch {
	case s.hasVersion:
		version = "v" + strconv.FormatInt(s.version, 10)
	case !s.noForceVersion && strings.Contains(toSign, "/") && !versionLike.MatchString(toSign) &&
		!strings.HasPrefix(toSign, "http:/") && !strings.HasPrefix(toSign, "https:/"):
		version = "v1"
	}
	trans := doubleSlash.ReplaceAllString(tr.String(), "$1/")
	sig := ""
	if s.sign && s.token == nil {
		if b.secret.IsZero() {
			return "", invalid("a signed URL needs the API secret; set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
		}
		if !s.alg.Valid() {
			return "", invalid("signature algorithm %q is unknown; use sha1 or sha256", s.alg)
		}
		length := signer.ShortURLSignature
		if s.long {
			length = signer.LongURLSignature
		}
		sig = signer.URLSignature(joinNonEmpty(trans, toSign), b.secret.Reveal(), s.alg, length)
	}
	u := joinNonEmpty(b.host(&s, source), rtSeg, typeSeg, sig, trans, version, source)
	u = strings.ReplaceAll(u, " ", "%20")
	if s.token != nil {
		tok := *s.token
		tok.URL = tokenPath(u)
		now := time.Now
		if s.now != nil {
			now = s.now
		}
		v, err := signer.AuthToken(tok, now())
		if err != nil {
			return "", &client.InputError{Op: "delivery", Reason: err.Error(), Err: err}
		}
		u += "?" + signer.TokenParam + "=" + v
	}
	return u, nil
}

// hasLast reports whether the last component of t sets the parameter key.
func (t Transformation) hasLast(key string) bool {
	if len(t.comps) == 0 {
		return false
	}
	_, ok := t.comps[len(t.comps)-1].params[key]
	return ok
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p)
	}
	return b.String()
}

// resourcePath returns the resource type and delivery type segments after
// the host: image/upload, or images (url_suffix), iu (shorten), or
// nothing (use_root_path).
func resourcePath(rt, typ, suffix string, rootPath, shorten bool) (string, string, error) {
	if suffix != "" {
		seo := map[[2]string]string{
			{"image", "upload"}: "images", {"image", "private"}: "private_images", {"image", "authenticated"}: "authenticated_images",
			{"raw", "upload"}: "files", {"video", "upload"}: "videos",
		}[[2]string{rt, typ}]
		if seo == "" {
			return "", "", invalid("a URL suffix is supported only for image/upload, image/private, image/authenticated, video/upload and raw/upload, not %s/%s", rt, typ)
		}
		rt, typ = seo, ""
	}
	if rootPath {
		if !(rt == "image" && typ == "upload" || rt == "images" && typ == "") {
			return "", "", invalid("the root path is supported only for image/upload, not %s", joinNonEmpty(rt, typ))
		}
		return "", "", nil
	}
	if shorten && rt == "image" && typ == "upload" {
		return "iu", "", nil
	}
	return rt, typ, nil
}

// finalizeSource returns the public ID as written in the URL (with the
// suffix and extension) and as signed (without the suffix).
func finalizeSource(id, format, suffix string) (string, string, error) {
	id = doubleSlash.ReplaceAllString(id, "$1/")
	if remoteURL.MatchString(id) {
		id = smartEscape(id, urlUnsafe)
		return id, id, nil
	}
	decoded, err := decodeComponent(id)
	if err != nil {
		return "", "", invalid("public ID %v", err)
	}
	id = percentEncode(decoded, func(c byte) bool { return componentSafe(c) || c == '/' || c == ':' })
	toSign := id
	if suffix != "" {
		if strings.ContainsAny(suffix, "./") {
			return "", "", invalid("URL suffix %q must not contain . or /", suffix)
		}
		id += "/" + suffix
	}
	if format != "" {
		id += "." + format
		toSign += "." + format
	}
	return id, toSign, nil
}

// host returns the scheme, host and (on the shared host) cloud name. With
// CDN subdomains, source picks the host.
func (b *Builder) host(s *settings, source string) string {
	shared := !s.privateCDN
	sub := func() string { return strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(source))%5+1), 10) }
	var prefix string
	switch {
	case !s.insecure:
		dist := s.secureDistribution
		if dist == "" || dist == oldAkamaiHost {
			dist = SharedHost
			if s.privateCDN {
				dist = b.cloud + "-" + SharedHost
			}
		}
		secureSub := s.secureCDNSubdomain
		if secureSub == nil && shared {
			secureSub = &s.cdnSubdomain
		}
		if secureSub != nil && *secureSub {
			dist = strings.Replace(dist, SharedHost, "res-"+sub()+".cloudinary.com", 1)
		}
		prefix = "https://" + dist
	case s.cname != "":
		p := ""
		if s.cdnSubdomain {
			p = "a" + sub() + "."
		}
		prefix = "http://" + p + s.cname
	default:
		host := "res"
		if s.privateCDN {
			host = b.cloud + "-res"
		}
		if s.cdnSubdomain {
			host += "-" + sub()
		}
		prefix = "http://" + host + ".cloudinary.com"
	}
	if shared {
		prefix += "/" + b.cloud
	}
	return prefix
}

// tokenPath returns the path and query of u as a browser (and Node.js's
// URL class) reads them, which is what the SDKs sign into a URL token:
// tabs and newlines dropped, "\" read as "/", dot segments resolved, and
// the characters a URL parser escapes escaped.
func tokenPath(u string) string {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	i := strings.IndexAny(u, "/\\?#")
	if i < 0 {
		return "/"
	}
	u, _, _ = strings.Cut(u[i:], "#")
	p, query, hasQuery := strings.Cut(u, "?")
	p = strings.ReplaceAll(p, "\\", "/")
	var out []string
	if p != "" {
		segs := strings.Split(p[1:], "/")
		for i, seg := range segs {
			last := i == len(segs)-1
			switch strings.ToLower(seg) {
			case "..", ".%2e", "%2e.", "%2e%2e":
				if len(out) > 0 {
					out = out[:len(out)-1]
				}
				if last {
					out = append(out, "")
				}
			case ".", "%2e":
				if last {
					out = append(out, "")
				}
			default:
				out = append(out, percentEncode(seg, func(c byte) bool {
					return c > ' ' && c < 0x7f && strings.IndexByte("\"<>`{}", c) < 0
				}))
			}
		}
	}
	path := "/" + strings.Join(out, "/")
	if hasQuery {
		path += "?" + percentEncode(query, func(c byte) bool {
			return c > ' ' && c < 0x7f && strings.IndexByte("\"<>'", c) < 0
		})
	}
	return path
}
