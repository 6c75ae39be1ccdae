package directupload

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cldrest/cldrest/cld"
)

// Policy decides what the signature service may sign. It is plain data (it
// decodes from JSON, see ParsePolicy) and is checked by NewHandler.
//
// The zero Policy signs nothing: a policy must allow or force at least one
// parameter before any request is signed. Everything a caller sends that the
// policy does not allow is refused with a 4xx answer naming the parameter.
type Policy struct {
	// Allow lists the parameters a caller may set, e.g. "tags", "context",
	// "public_id". SafeParams holds a list of harmless ones. Parameters with
	// side effects (overwrite, invalidate, notification_url, eval, backup,
	// upload_preset, …; see RiskyParams) are refused unless listed here.
	Allow []string `json:"allow,omitempty"`

	// Force sets parameters to values the caller cannot change, e.g.
	// {"folder": "uploads/{caller}", "tags": "browser", "type": "upload",
	// "access_mode": "public", "upload_preset": "signed_web"}. "{caller}" is
	// replaced by the caller's ID. A caller value that differs from a forced
	// one is refused, except for tags, where the forced tags are added to the
	// caller's (when tags are allowed).
	Force map[string]string `json:"force,omitempty"`

	// PublicIDs says how public IDs are chosen.
	PublicIDs PublicIDs `json:"public_ids,omitzero"`

	// NotificationHosts lists the hosts (optionally host:port) that an
	// allowed notification_url, eager_notification_url or callback may point
	// at. With none listed, every such URL is refused.
	NotificationHosts []string `json:"notification_hosts,omitempty"`

	// ResourceTypes lists the resource types a caller may ask for (the
	// request's resource_type, which picks the upload URL); the first is the
	// default. Empty means ["auto"]. Cloudinary's signature does not cover
	// the resource type, so a caller can still post elsewhere: to restrict
	// what may be uploaded, force allowed_formats.
	ResourceTypes []string `json:"resource_types,omitempty"`

	// RatePerMinute limits how many signatures one caller (by Caller.ID; all
	// anonymous callers share one limit) gets per minute; 0 means no limit.
	RatePerMinute int `json:"rate_per_minute,omitempty"`
}

// ParsePolicy reads a Policy from JSON, e.g.
//
//	{"allow": ["tags", "context"], "force": {"folder": "uploads/{caller}", "tags": "web"},
//	 "public_ids": {"generate": true}, "rate_per_minute": 30}
//
// Unknown fields are errors (a typo must not change what is signed), and the
// policy is checked as NewHandler checks it.
func ParsePolicy(r io.Reader) (Policy, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("directupload: reading the policy: %w", err)
	}
	if dec.More() {
		return Policy{}, errors.New("directupload: reading the policy: more than one JSON object")
	}
	if _, err := p.compile(2); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// PublicIDs is the public ID part of a Policy. Without any field set, a
// caller may not choose a public ID (unless "public_id" is allowed) and
// Cloudinary generates one.
type PublicIDs struct {
	// Prefix (a template: "{caller}" is replaced) that every public ID must
	// start with. A caller's public ID without it is refused; when the caller
	// sends none, the server generates Prefix + 20 random characters.
	Prefix string `json:"prefix,omitempty"`
	// Pattern is a regular expression the caller's public ID, after Prefix,
	// must match as a whole (it is anchored).
	Pattern string `json:"pattern,omitempty"`
	// Generate makes the server choose every public ID (Prefix + 20 random
	// lowercase letters and digits); caller public IDs are refused.
	Generate bool `json:"generate,omitempty"`
}

// SafeParams are upload parameters without side effects beyond the asset
// being uploaded: a sensible Policy.Allow for a browser.
var SafeParams = []string{
	"tags", "context", "display_name", "source",
	"use_filename", "unique_filename", "use_filename_as_display_name", "discard_original_filename",
	"face_coordinates", "custom_coordinates", "regions",
	"colors", "faces", "image_metadata", "media_metadata", "phash",
}

// RiskyParams are the parameters with effects beyond the uploaded asset,
// each with the reason it is refused unless Policy.Allow lists it (or the
// policy forces it).
var RiskyParams = map[string]string{
	"overwrite":                            "it lets a caller replace an existing asset",
	"invalidate":                           "it purges CDN caches",
	"notification_url":                     "Cloudinary would call a URL of the caller's choosing",
	"eager_notification_url":               "Cloudinary would call a URL of the caller's choosing",
	"callback":                             "Cloudinary would redirect to a URL of the caller's choosing",
	"eval":                                 "it runs the caller's JavaScript on Cloudinary",
	"on_success":                           "it runs the caller's JavaScript on Cloudinary",
	"backup":                               "it changes backup settings (and storage costs)",
	"upload_preset":                        "a preset can change every other setting",
	"type":                                 "it changes who may deliver the asset",
	"access_mode":                          "it changes who may deliver the asset",
	"access_control":                       "it changes who may deliver the asset",
	"public_id":                            "it lets a caller name (and so target) assets; see Policy.PublicIDs",
	"public_id_prefix":                     "it lets a caller choose where assets are named",
	"folder":                               "it lets a caller choose where assets go",
	"asset_folder":                         "it lets a caller choose where assets go",
	"use_asset_folder_as_public_id_prefix": "it lets a caller choose where assets are named",
	"proxy":                                "Cloudinary would fetch through a host of the caller's choosing",
	"headers":                              "it sets HTTP headers on delivered assets",
	"async":                                "results would only reach a notification URL",
	"eager":                                "it spends transformation quota",
	"eager_async":                          "it spends transformation quota",
	"transformation":                       "it changes the stored original",
	"format":                               "it changes the stored original",
	"moderation":                           "it starts (possibly paid) moderation",
	"raw_convert":                          "it starts a paid add-on",
	"categorization":                       "it starts a paid add-on",
	"auto_tagging":                         "it starts a paid add-on",
	"detection":                            "it starts a paid add-on",
	"ocr":                                  "it starts a paid add-on",
	"background_removal":                   "it starts a paid add-on",
	"return_delete_token":                  "it hands out a token that deletes the asset",
	"metadata":                             "it writes structured metadata the application may rely on",
}

// serverParams are set by the signature service itself.
var serverParams = map[string]string{
	"timestamp":     "the server sets it",
	"signature":     "the server computes it",
	"api_key":       "the server adds it",
	"cloud_name":    "it is part of the upload URL",
	"file":          "the file goes to Cloudinary, not to the signature service",
	"resource_type": "it picks the upload URL; allow values with Policy.ResourceTypes",
}

var (
	paramName     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	callerIDChars = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$`)
)

// Limits on what a caller may send.
const (
	maxParams     = 64
	maxValueBytes = 16 << 10
	maxPublicID   = 255
	generatedLen  = 20
	callerToken   = "{caller}"
)

// compiledPolicy is a checked Policy, ready to apply.
type compiledPolicy struct {
	allow         map[string]bool
	force         map[string]string
	idPrefix      string
	idPattern     *regexp.Regexp
	generate      bool
	hosts         map[string]bool
	resourceTypes []string
	ratePerMinute int
	signsNothing  bool
	version       int // signature version: 1 forbids & in values
}

// compile checks p and prepares it. Its errors say what is wrong and how to
// fix it.
func (p Policy) compile(version int) (*compiledPolicy, error) {
	c := &compiledPolicy{allow: map[string]bool{}, force: map[string]string{}, hosts: map[string]bool{}, version: version}
	checkName := func(field, name string) error {
		if reason, ok := serverParams[name]; ok {
			return fmt.Errorf("directupload: Policy.%s: %s cannot be set by a policy: %s", field, name, reason)
		}
		if !paramName.MatchString(name) {
			return fmt.Errorf("directupload: Policy.%s: %q is not an upload parameter name (lowercase letters, digits and _)", field, name)
		}
		return nil
	}
	for _, name := range p.Allow {
		if err := checkName("Allow", name); err != nil {
			return nil, err
		}
		c.allow[name] = true
	}
	for name, v := range p.Force {
		if err := checkName("Force", name); err != nil {
			return nil, err
		}
		if err := checkTemplate(v); err != nil {
			return nil, fmt.Errorf("directupload: Policy.Force[%q]: %w", name, err)
		}
		if v == "" {
			return nil, fmt.Errorf("directupload: Policy.Force[%q] is empty: remove it or give a value", name)
		}
		c.force[name] = v
	}
	if err := checkTemplate(p.PublicIDs.Prefix); err != nil {
		return nil, fmt.Errorf("directupload: Policy.PublicIDs.Prefix: %w", err)
	}
	c.idPrefix, c.generate = p.PublicIDs.Prefix, p.PublicIDs.Generate
	if p.PublicIDs.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + p.PublicIDs.Pattern + `)$`)
		if err != nil {
			return nil, fmt.Errorf("directupload: Policy.PublicIDs.Pattern: %w", err)
		}
		c.idPattern = re
	}
	if _, forced := c.force["public_id"]; forced && (c.generate || c.idPrefix != "") {
		return nil, fmt.Errorf("directupload: Policy.Force[\"public_id\"] and Policy.PublicIDs both choose public IDs: keep one")
	}
	for _, h := range p.NotificationHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/?#@ ") {
			return nil, fmt.Errorf("directupload: Policy.NotificationHosts: %q is not a host name: give hosts such as hooks.example.com or 127.0.0.1:8080, without scheme or path", h)
		}
		c.hosts[h] = true
	}
	for _, rt := range p.ResourceTypes {
		if allowed := cld.UploadResourceTypes(); !slices.Contains(allowed, cld.ResourceType(rt)) {
			return nil, fmt.Errorf("directupload: Policy.ResourceTypes: %q is not one of %s", rt, joinTypes(allowed))
		}
	}
	c.resourceTypes = p.ResourceTypes
	if len(c.resourceTypes) == 0 {
		c.resourceTypes = []string{"auto"}
	}
	if p.RatePerMinute < 0 {
		return nil, fmt.Errorf("directupload: Policy.RatePerMinute is %d: give 0 (no limit) or a positive number", p.RatePerMinute)
	}
	c.ratePerMinute = p.RatePerMinute
	c.signsNothing = len(c.allow) == 0 && len(c.force) == 0 && c.idPrefix == "" && !c.generate
	return c, nil
}

// checkTemplate accepts text whose only {…} placeholder is {caller}.
func checkTemplate(t string) error {
	rest := strings.ReplaceAll(t, callerToken, "")
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("%q has a placeholder other than %s", t, callerToken)
	}
	return nil
}

// expand replaces {caller} in t. The caller ID must be safe inside a public
// ID or folder.
func expand(t string, caller Caller, param string) (string, error) {
	if !strings.Contains(t, callerToken) {
		return t, nil
	}
	if caller.ID == "" {
		return "", refuse(403, param, "it depends on the caller, and the request is anonymous")
	}
	if !callerIDChars.MatchString(caller.ID) || strings.Contains(caller.ID, "..") {
		return "", refuse(403, param, "the caller's ID cannot be used in it (allowed: letters, digits, _ . @ -)")
	}
	return strings.ReplaceAll(t, callerToken, caller.ID), nil
}

// apply turns what a caller asked for into the parameters to sign (without
// timestamp), or refuses.
func (c *compiledPolicy) apply(caller Caller, req url.Values) (url.Values, error) {
	if c.signsNothing {
		return nil, refuse(403, "", "the signing policy allows nothing (the zero Policy signs nothing): set Policy.Allow or Policy.Force")
	}
	if len(req) > maxParams {
		return nil, refuse(400, "", fmt.Sprintf("too many parameters (%d, at most %d)", len(req), maxParams))
	}
	out := url.Values{}
	names := make([]string, 0, len(req))
	for k := range req {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		v := strings.Join(req[name], ",")
		if err := c.checkParam(caller, name, v); err != nil {
			return nil, err
		}
		if v != "" {
			out.Set(name, v)
		}
	}
	for name, t := range c.force {
		v, err := expand(t, caller, name)
		if err != nil {
			return nil, err
		}
		if name == "tags" && out.Get("tags") != "" {
			v = mergeTags(out.Get("tags"), v)
		}
		out.Set(name, v)
	}
	if _, forced := c.force["public_id"]; !forced {
		if err := c.publicID(caller, out); err != nil {
			return nil, err
		}
	}
	if out.Get("overwrite") == "" {
		// Signed uploads overwrite by default: never let a signature replace
		// an asset unless overwrite was allowed and asked for.
		out.Set("overwrite", "false")
	}
	return out, nil
}

// checkParam refuses one caller parameter the policy does not allow.
func (c *compiledPolicy) checkParam(caller Caller, name, v string) error {
	if !paramName.MatchString(name) {
		return refuse(400, name, "not an upload parameter name (lowercase letters, digits and _; send arrays as repeated keys, name[] or a comma string)")
	}
	if reason, ok := serverParams[name]; ok {
		return refuse(400, name, "not accepted here: "+reason)
	}
	if len(v) > maxValueBytes {
		return refuse(400, name, fmt.Sprintf("value too long (%d bytes, at most %d)", len(v), maxValueBytes))
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return refuse(400, name, "value is not valid UTF-8 text")
	}
	if c.version < 2 && strings.Contains(v, "&") {
		// With signature version 1, "a&b=c" inside a value signs the same as
		// a second parameter b=c: parameter smuggling (spec §12).
		return refuse(400, name, "contains & which signature version 1 cannot sign safely; use signature_version=2")
	}
	if forced, ok := c.force[name]; ok {
		if name == "tags" && c.allow["tags"] {
			return nil
		}
		want, err := expand(forced, caller, name)
		if err != nil {
			return err
		}
		if v != want {
			return refuse(403, name, "set by the server; leave it out")
		}
		return nil
	}
	if name == "public_id" && c.generate {
		return refuse(403, name, "the server generates public IDs; leave it out")
	}
	if !c.allow[name] {
		if reason, risky := RiskyParams[name]; risky {
			return refuse(403, name, "refused: "+reason+"; a policy must allow it explicitly")
		}
		return refuse(403, name, "not allowed by the signing policy")
	}
	switch name {
	case "notification_url", "eager_notification_url", "callback":
		return c.checkURL(name, v)
	}
	return nil
}

// checkURL accepts an http(s) URL whose host is in NotificationHosts.
func (c *compiledPolicy) checkURL(name, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return refuse(400, name, "not an http(s) URL")
	}
	host := strings.ToLower(u.Host)
	hostOnly := strings.ToLower(u.Hostname())
	if c.hosts[host] || (u.Port() == "" || u.Port() == defaultPort(u.Scheme)) && c.hosts[hostOnly] {
		return nil
	}
	if len(c.hosts) == 0 {
		return refuse(403, name, "host "+host+" is not allowed: the policy lists no notification hosts")
	}
	return refuse(403, name, "host "+host+" is not in the policy's notification hosts")
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// publicID checks the caller's public ID against the rules, or generates one.
func (c *compiledPolicy) publicID(caller Caller, out url.Values) error {
	prefix, err := expand(c.idPrefix, caller, "public_id")
	if err != nil {
		return err
	}
	id := out.Get("public_id")
	if id == "" {
		if c.generate || prefix != "" {
			out.Set("public_id", prefix+randomID())
		}
		return nil
	}
	if reason := publicIDProblem(id); reason != "" {
		return refuse(400, "public_id", reason)
	}
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return refuse(403, "public_id", "must start with "+prefix)
	}
	if c.idPattern != nil && !c.idPattern.MatchString(rest) {
		what := "the public ID"
		if prefix != "" {
			what = "the public ID after " + prefix
		}
		return refuse(403, "public_id", what+" does not match the policy's pattern "+c.idPattern.String())
	}
	return nil
}

// publicIDProblem says what makes id unusable as a caller-chosen public ID.
func publicIDProblem(id string) string {
	switch {
	case len(id) > maxPublicID:
		return fmt.Sprintf("too long (%d bytes, at most %d)", len(id), maxPublicID)
	case strings.ContainsAny(id, "?#%\\&\"<>") || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains a character that is not allowed in public IDs (? # % \\ & \" < > or a control character)"
	case strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") || strings.Contains(id, "//"):
		return "has an empty path segment"
	}
	for _, seg := range strings.Split(id, "/") {
		if seg == "." || seg == ".." || strings.TrimSpace(seg) != seg {
			return "has a . or .. segment or a segment with surrounding spaces"
		}
	}
	return ""
}

// mergeTags adds the forced tags to the caller's, without duplicates.
func mergeTags(callerTags, forced string) string {
	var tags []string
	for _, t := range strings.Split(callerTags+","+forced, ",") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return strings.Join(tags, ",")
}

// randomID returns 20 random lowercase letters and digits (100 bits), like
// the public IDs Cloudinary generates.
func randomID() string { return strings.ToLower(rand.Text())[:generatedLen] }

// joinTypes lists resource types as "image, video, raw, auto".
func joinTypes(types []cld.ResourceType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
