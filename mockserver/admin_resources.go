package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/internal/cldvalue"
)

// This file answers /resources: listing, details, updates, deletes and
// restores of assets.

func assetCursorKey(a *asset) string { return a.ResourceType + "/" + a.Type + "/" + a.PublicID }

// resourceJSON is one asset of a list answer.
type resourceJSON struct {
	AssetID          string         `json:"asset_id"`
	PublicID         string         `json:"public_id"`
	Format           string         `json:"format,omitempty"`
	Version          int64          `json:"version"`
	ResourceType     string         `json:"resource_type"`
	Type             string         `json:"type"`
	CreatedAt        string         `json:"created_at"`
	Bytes            int64          `json:"bytes"`
	Width            int            `json:"width,omitempty"`
	Height           int            `json:"height,omitempty"`
	Folder           string         `json:"folder,omitempty"`
	AssetFolder      string         `json:"asset_folder"`
	DisplayName      string         `json:"display_name"`
	AccessMode       string         `json:"access_mode"`
	Backup           bool           `json:"backup"`
	URL              string         `json:"url"`
	SecureURL        string         `json:"secure_url"`
	Tags             *[]string      `json:"tags,omitempty"`
	Context          *contextJSON   `json:"context,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
	Moderation       []moderation   `json:"moderation,omitempty"`
	ModerationKind   string         `json:"moderation_kind,omitempty"`
	ModerationStatus string         `json:"moderation_status,omitempty"`
}

type contextJSON struct {
	Custom map[string]string `json:"custom"`
}

// briefResource renders a list item; p (may be nil) adds tags, context,
// metadata and moderations when asked for with tags=true etc.
func (s *Server) briefResource(rc *reqCtx, a *asset, p *params) resourceJSON {
	u := s.deliveryURL(rc, a)
	r := resourceJSON{
		AssetID: a.AssetID, PublicID: a.PublicID, Format: a.Format, Version: a.Version, ResourceType: a.ResourceType,
		Type: a.Type, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339), Bytes: a.Bytes, Folder: a.Folder,
		AssetFolder: a.AssetFolder, DisplayName: a.DisplayName, AccessMode: a.AccessMode, URL: u, SecureURL: u,
	}
	if a.Width > 0 || a.Height > 0 {
		r.Width, r.Height = a.Width, a.Height
	}
	if p == nil {
		return r
	}
	if ok, _ := p.boolean("tags", false); ok {
		tags := nonNil(a.Tags)
		r.Tags = &tags
	}
	if ok, _ := p.boolean("context", false); ok && len(a.Context) > 0 {
		r.Context = &contextJSON{Custom: a.Context}
	}
	if ok, _ := p.boolean("metadata", false); ok && len(a.Metadata) > 0 {
		r.Metadata = a.Metadata
	}
	if ok, _ := p.boolean("moderations", false); ok && len(a.Moderation) > 0 {
		r.Moderation = a.Moderation
		r.ModerationKind, r.ModerationStatus = a.Moderation[0].Kind, a.Moderation[0].Status
	}
	return r
}

// alwaysFields are the keys an answer keeps whatever fields= asks for.
var alwaysFields = []string{"public_id", "asset_id", "resource_type", "type"}

// selectFields keeps only the keys fields names (plus alwaysFields) of
// the JSON object v; no fields keeps v whole.
func selectFields(v any, fields []string) any {
	if len(fields) == 0 {
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var all map[string]json.RawMessage
	if json.Unmarshal(b, &all) != nil {
		return v
	}
	out := map[string]json.RawMessage{}
	for _, f := range append(fields, alwaysFields...) {
		if x, ok := all[strings.TrimSpace(f)]; ok {
			out[strings.TrimSpace(f)] = x
		}
	}
	return out
}

// fieldsParam reads fields= (a comma string or an array).
func fieldsParam(p *params) []string {
	var out []string
	for _, f := range p.list("fields") {
		for _, x := range strings.Split(f, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// resourceDetails is GET /resources/<rt>/<type>/<public_id> (and by asset
// ID): the asset, its derived versions (eager and rendered ones, kept by media.go
// versions) and what the request's flags asked for.
type resourceDetails struct {
	AssetID          string              `json:"asset_id"`
	PublicID         string              `json:"public_id"`
	Format           string              `json:"format,omitempty"`
	Version          int64               `json:"version"`
	VersionID        string              `json:"version_id"`
	ResourceType     string              `json:"resource_type"`
	Type             string              `json:"type"`
	CreatedAt        string              `json:"created_at"`
	Bytes            int64               `json:"bytes"`
	Width            int                 `json:"width,omitempty"`
	Height           int                 `json:"height,omitempty"`
	Pages            int                 `json:"pages,omitempty"`
	Folder           string              `json:"folder,omitempty"`
	AssetFolder      string              `json:"asset_folder"`
	DisplayName      string              `json:"display_name"`
	OriginalFilename string              `json:"original_filename,omitempty"`
	Tags             []string            `json:"tags"`
	Context          *contextJSON        `json:"context,omitempty"`
	Metadata         map[string]any      `json:"metadata,omitempty"`
	Moderation       []moderation        `json:"moderation,omitempty"`
	ModerationKind   string              `json:"moderation_kind,omitempty"`
	ModerationStatus string              `json:"moderation_status,omitempty"`
	ETag             string              `json:"etag"`
	Placeholder      bool                `json:"placeholder"`
	AccessMode       string              `json:"access_mode"`
	AccessControl    json.RawMessage     `json:"access_control,omitempty"`
	QualityOverride  string              `json:"quality_override,omitempty"`
	URL              string              `json:"url"`
	SecureURL        string              `json:"secure_url"`
	Derived          []any               `json:"derived"`
	NextCursor       *string             `json:"next_cursor"` // of derived; always null
	LastUpdated      lastUpdatedJSON     `json:"last_updated"`
	Coordinates      *coordinatesJSON    `json:"coordinates,omitempty"`
	Faces            *[][4]int           `json:"faces,omitempty"`
	RelatedAssets    *[]relatedAssetJSON `json:"related_assets,omitempty"`
	Versions         []versionJSON       `json:"versions,omitempty"`
	// Media holds the analysis fields media.go adds (colors=true, phash,
	// image_metadata, ...), merged into the object by MarshalJSON.
	Media map[string]any `json:"-"`
}

// MarshalJSON writes the details with the Media fields merged in.
func (d resourceDetails) MarshalJSON() ([]byte, error) {
	type plain resourceDetails
	b, err := json.Marshal(plain(d))
	if err != nil || len(d.Media) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range d.Media {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

type lastUpdatedJSON struct {
	AccessControlUpdatedAt string `json:"access_control_updated_at,omitempty"`
	ContextUpdatedAt       string `json:"context_updated_at,omitempty"`
	MetadataUpdatedAt      string `json:"metadata_updated_at,omitempty"`
	PublicIDUpdatedAt      string `json:"public_id_updated_at,omitempty"`
	TagsUpdatedAt          string `json:"tags_updated_at,omitempty"`
	UpdatedAt              string `json:"updated_at"`
}

// lastUpdated renders an asset's change times; an attribute never changed
// after the upload is left out, as Cloudinary does.
func lastUpdated(a *asset) lastUpdatedJSON {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return rfc3339(t)
	}
	return lastUpdatedJSON{AccessControlUpdatedAt: at(a.AccessControlUpdatedAt), ContextUpdatedAt: at(a.ContextUpdatedAt),
		MetadataUpdatedAt: at(a.MetadataUpdatedAt), PublicIDUpdatedAt: at(a.PublicIDUpdatedAt),
		TagsUpdatedAt: at(a.TagsUpdatedAt), UpdatedAt: rfc3339(a.UpdatedAt)}
}

type versionJSON struct {
	VersionID  string `json:"version_id"`
	Version    string `json:"version"`
	Format     string `json:"format"`
	Size       int64  `json:"size"`
	Time       string `json:"time"`
	Restorable bool   `json:"restorable"`
}

// detailResource renders the full details of one asset. Caller holds s.mu.
func (s *Server) detailResource(rc *reqCtx, a *asset) resourceDetails {
	u := s.deliveryURL(rc, a)
	d := resourceDetails{
		AssetID: a.AssetID, PublicID: a.PublicID, Format: a.Format, Version: a.Version, VersionID: a.VersionID,
		ResourceType: a.ResourceType, Type: a.Type, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339), Bytes: a.Bytes,
		Pages: a.Pages, Folder: a.Folder, AssetFolder: a.AssetFolder, DisplayName: a.DisplayName,
		OriginalFilename: a.OriginalFilename, Tags: nonNil(a.Tags), Metadata: a.Metadata, Moderation: a.Moderation,
		ETag: a.ETag, Placeholder: a.Placeholder, AccessMode: a.AccessMode, AccessControl: a.AccessControl,
		QualityOverride: a.QualityOverride, URL: u, SecureURL: u,
		LastUpdated: lastUpdated(a),
	}
	if a.Width > 0 || a.Height > 0 {
		d.Width, d.Height = a.Width, a.Height
	}
	d.Derived, d.Media = s.mediaDetails(rc, a) // media.go: derived, colors=true, ...
	if len(a.Context) > 0 {
		d.Context = &contextJSON{Custom: a.Context}
	}
	if len(a.Moderation) > 0 {
		d.ModerationKind, d.ModerationStatus = a.Moderation[0].Kind, a.Moderation[0].Status
	}
	flag := func(name string) bool { ok, _ := rc.p.boolean(name, false); return ok }
	if flag("coordinates") {
		d.Coordinates = &coordinatesJSON{Faces: nonNilRects(a.FaceCoords), Custom: a.CustomCoords}
	}
	if flag("faces") {
		faces := nonNilRects(a.FaceCoords)
		d.Faces = &faces
	}
	if flag("related") {
		rel := s.relatedJSON(rc, a)
		d.RelatedAssets = &rel
	}
	if flag("versions") {
		d.Versions = []versionJSON{{VersionID: a.VersionID, Version: strconv.FormatInt(a.Version, 10), Format: a.Format,
			Size: a.Bytes, Time: a.CreatedAt.UTC().Format(time.RFC3339)}}
	}
	return d
}

// startAtLayouts are the date forms the SDKs send as start_at: RFC 3339
// (Go, Python isoformat), HTTP dates (Ruby httpdate), JavaScript's
// Date.toString and toUTCString, and plain dates.
var startAtLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00",
	time.RFC1123, time.RFC1123Z, "Mon Jan 02 2006 15:04:05 GMT-0700", "2006-01-02"}

// parseStartAt reads start_at in any of startAtLayouts or as Unix seconds.
func parseStartAt(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, " ("); i > 0 { // JavaScript appends " (Coordinated Universal Time)"
		v = v[:i]
	}
	for _, l := range startAtLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, badRequest("Invalid start_at %s: use a date like 2026-03-01T12:00:00Z", v)
}

// resourceList is the answer of the asset list endpoints.
type resourceList struct {
	Resources  []any  `json:"resources"`
	NextCursor string `json:"next_cursor,omitempty"`
	TotalCount *int   `json:"total_count,omitempty"` // by_asset_folder only
}

// listAssets filters, sorts and pages assets for the list endpoints.
func (s *Server) listAssets(rc *reqCtx, match func(*asset) bool) (any, error) {
	return s.listAssetsOrdered(rc, match, nil)
}

// listAssetsOrdered is listAssets with an ordering applied (stably) after
// the created_at order; nil keeps created_at.
func (s *Server) listAssetsOrdered(rc *reqCtx, match func(*asset) bool, cmp func(a, b *asset) int) (*resourceList, error) {
	p := rc.p
	max, err := maxResults(p, 10, 500)
	if err != nil {
		return nil, err
	}
	desc := p.get("direction") != "asc" && p.get("direction") != "1"
	s.mu.RLock()
	defer s.mu.RUnlock()
	var sel []*asset
	for _, a := range s.st.assets {
		if match(a) {
			sel = append(sel, a)
		}
	}
	if ids := p.list("public_ids"); len(ids) > 0 {
		if len(ids) > 100 {
			return nil, badRequest("Too many public_ids: at most 100 per call")
		}
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		sel = filter(sel, func(a *asset) bool { return want[a.PublicID] })
	}
	if pre := p.get("prefix"); pre != "" {
		sel = filter(sel, func(a *asset) bool { return strings.HasPrefix(a.PublicID, pre) })
	}
	if st := p.get("start_at"); st != "" {
		t, err := parseStartAt(st)
		if err != nil {
			return nil, err
		}
		sel = filter(sel, func(a *asset) bool {
			if desc {
				return !a.CreatedAt.After(t)
			}
			return !a.CreatedAt.Before(t)
		})
	}
	sortAssets(sel, "created_at", desc)
	if cmp != nil {
		slices.SortStableFunc(sel, cmp)
	}
	pg, next, err := page(sel, max, p.get("next_cursor"), assetCursorKey)
	if err != nil {
		return nil, err
	}
	res := &resourceList{Resources: make([]any, 0, len(pg)), NextCursor: next}
	fields := fieldsParam(p)
	for _, a := range pg {
		res.Resources = append(res.Resources, selectFields(s.briefResource(rc, a, p), fields))
	}
	if rc.segs[len(rc.segs)-1] == "by_asset_folder" {
		n := len(sel)
		res.TotalCount = &n
	}
	return res, nil
}

// resourceTypesList answers GET /resources: the resource types in use.
func (s *Server) resourceTypesList(rc *reqCtx) (any, error) {
	s.mu.RLock()
	seen := map[string]bool{}
	for _, a := range s.st.assets {
		seen[a.ResourceType] = true
	}
	s.mu.RUnlock()
	res := resourceTypesResponse{ResourceTypes: []string{}}
	for _, t := range []string{"image", "raw", "video"} {
		if seen[t] {
			res.ResourceTypes = append(res.ResourceTypes, t)
		}
	}
	return res, nil
}

func (s *Server) listByAssetFolder(rc *reqCtx) (any, error) {
	f := cleanFolder(rc.p.get("asset_folder"))
	if f == "" {
		return nil, missingParam("asset_folder")
	}
	return s.listAssets(rc, func(a *asset) bool { return a.AssetFolder == f })
}

func (s *Server) listByAssetIDs(rc *reqCtx) (any, error) {
	ids := rc.p.list("asset_ids")
	if len(ids) == 0 {
		return nil, missingParam("asset_ids")
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	return s.listAssets(rc, func(a *asset) bool { return want[a.AssetID] })
}

// resourceByAssetID serves GET (details) and PUT/POST (update) of
// /resources/<asset_id>.
func (s *Server) resourceByAssetID(rc *reqCtx) (any, error) {
	id := rc.pv("asset_id")
	if !isHex(id) || len(id) != 32 {
		return nil, notFound("Unknown API route %s", rc.r.URL.Path)
	}
	s.mu.RLock()
	a := s.st.byID[id]
	s.mu.RUnlock()
	if a == nil {
		return nil, resourceNotFound(id)
	}
	if rc.method() == http.MethodGet {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return s.detailResource(rc, a), nil
	}
	return s.updateAsset(rc, a.key())
}

// resourceByPublicID serves GET (details) and PUT/POST (update) of
// /resources/<rt>/<type>/<public_id>.
func (s *Server) resourceByPublicID(rc *reqCtx) (any, error) {
	key := assetKey{rc.rt(), rc.pv("type"), rc.pv("public_id")}
	if rc.method() != http.MethodGet {
		return s.updateAsset(rc, key)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.st.assets[key]
	if a == nil {
		return nil, resourceNotFound(key.publicID)
	}
	return s.detailResource(rc, a), nil
}

func (s *Server) listByResourceType(rc *reqCtx) (any, error) {
	rt := rc.rt()
	return s.listAssets(rc, func(a *asset) bool { return a.ResourceType == rt })
}

func (s *Server) listByType(rc *reqCtx) (any, error) {
	rt, typ := rc.rt(), rc.pv("type")
	return s.listAssets(rc, func(a *asset) bool { return a.ResourceType == rt && a.Type == typ })
}

func (s *Server) tagMatch(rc *reqCtx) (func(*asset) bool, error) {
	rt, tag := rc.rt(), rc.pv("tag")
	if tag == "" {
		return nil, missingParam("tag")
	}
	return func(a *asset) bool { return a.ResourceType == rt && a.hasTag(tag) }, nil
}

func (s *Server) listByTag(rc *reqCtx) (any, error) {
	match, err := s.tagMatch(rc)
	if err != nil {
		return nil, err
	}
	return s.listAssets(rc, match)
}

func (s *Server) deleteByTag(rc *reqCtx) (any, error) {
	match, err := s.tagMatch(rc)
	if err != nil {
		return nil, err
	}
	return s.deleteMatching(rc, match)
}

func (s *Server) listByContext(rc *reqCtx) (any, error) {
	rt, key, value := rc.rt(), rc.p.get("key"), rc.p.get("value")
	if key == "" {
		return nil, missingParam("key")
	}
	return s.listAssets(rc, func(a *asset) bool {
		v, ok := a.Context[key]
		return a.ResourceType == rt && ok && (value == "" || v == value)
	})
}

func (s *Server) listByModeration(rc *reqCtx) (any, error) {
	rt, kind, status := rc.rt(), rc.pv("kind"), rc.pv("status")
	return s.listAssets(rc, func(a *asset) bool { return a.ResourceType == rt && a.moderationStatus(kind) == status })
}

// unsupportedUpdateParams are the add-ons an update can start; the mock
// runs none of them.
var unsupportedUpdateParams = []string{"auto_tagging", "detection", "ocr", "raw_convert", "categorization",
	"visual_search", "background_removal"}

// parseCoordinates reads face_coordinates or custom_coordinates as the
// client's codec writes them ("x,y,w,h|x,y,w,h") or as a JSON array of
// rectangles; "" is none.
func parseCoordinates(name, v string) ([][4]int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	var out [][4]int
	if strings.HasPrefix(v, "[") {
		if err := json.Unmarshal([]byte(v), &out); err != nil {
			return nil, badRequest("Invalid %s %s: use x,y,w,h|x,y,w,h", name, v)
		}
		return out, nil
	}
	out, err := cldvalue.DecodeRects(v)
	if err != nil {
		return nil, badRequest("Invalid %s %s: use x,y,w,h|x,y,w,h (%v)", name, v, err)
	}
	for _, r := range out {
		if r[0] < 0 || r[1] < 0 {
			return nil, badRequest("Invalid %s %s: use x,y,w,h|x,y,w,h with non-negative numbers", name, v)
		}
	}
	return out, nil
}

type coordinatesJSON struct {
	Faces  [][4]int `json:"faces"`
	Custom [][4]int `json:"custom,omitempty"`
}

func (s *Server) updateAsset(rc *reqCtx, key assetKey) (any, error) {
	p := rc.p
	for _, n := range unsupportedUpdateParams {
		if p.has(n) {
			return nil, unsupported("updating " + n)
		}
	}
	meta, err := s.parseMetadata(p.pipeMap("metadata"))
	if err != nil {
		return nil, err
	}
	folder := cleanFolder(p.get("asset_folder"))
	if err := publicIDError("asset_folder", folder); err != nil {
		return nil, err
	}
	ms := p.get("moderation_status")
	if ms != "" && ms != "approved" && ms != "rejected" {
		return nil, badRequest("Invalid moderation_status %s: use approved or rejected", ms)
	}
	faces, err := parseCoordinates("face_coordinates", p.get("face_coordinates"))
	if err != nil {
		return nil, err
	}
	custom, err := parseCoordinates("custom_coordinates", p.get("custom_coordinates"))
	if err != nil {
		return nil, err
	}
	var access json.RawMessage
	if v := p.get("access_control"); v != "" {
		var rules []struct {
			AccessType string `json:"access_type"`
		}
		if err := json.Unmarshal([]byte(v), &rules); err != nil {
			var one struct {
				AccessType string `json:"access_type"`
			}
			if json.Unmarshal([]byte(v), &one) != nil {
				return nil, badRequest("Invalid access_control: use a JSON array of {\"access_type\":\"anonymous\"|\"token\",...}")
			}
			v = "[" + v + "]"
			rules = append(rules, one)
		}
		for _, r := range rules {
			if r.AccessType != "anonymous" && r.AccessType != "token" {
				return nil, badRequest("Invalid access_control access_type %q: use anonymous or token", r.AccessType)
			}
		}
		access = json.RawMessage(v)
	}
	var regions json.RawMessage
	if v := p.get("regions"); v != "" {
		var m map[string][][2]int
		if json.Unmarshal([]byte(v), &m) != nil {
			return nil, badRequest("Invalid regions: use {\"name\":[[x,y],[x,y],...]}")
		}
		regions = json.RawMessage(v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.assets[key]
	if a == nil {
		return nil, resourceNotFound(key.publicID)
	}
	if v := p.get("display_name"); v != "" {
		a.DisplayName = v
	}
	if p.has("asset_folder") {
		a.AssetFolder = folder
		if err := s.ensureFolderLocked(folder); err != nil {
			return nil, err
		}
	}
	var attrs attr
	if p.has("tags") {
		a.Tags, attrs = p.list("tags"), attrs|attrTags
	}
	if p.has("context") {
		a.Context, attrs = p.pipeMap("context"), attrs|attrContext
	}
	if meta != nil {
		attrs |= attrMetadata
		if a.Metadata == nil {
			a.Metadata = map[string]any{}
		}
		for k, v := range meta {
			if v == "" {
				delete(a.Metadata, k)
			} else {
				a.Metadata[k] = v
			}
		}
	}
	if p.has("face_coordinates") {
		a.FaceCoords = faces
	}
	if p.has("custom_coordinates") {
		a.CustomCoords = custom
	}
	if access != nil {
		a.AccessControl, attrs = access, attrs|attrAccessControl
	}
	if regions != nil {
		a.Regions = regions
	}
	if p.has("quality_override") {
		a.QualityOverride = p.get("quality_override")
	}
	if ms != "" {
		set := false
		for i := range a.Moderation {
			if a.Moderation[i].Kind == "manual" {
				a.Moderation[i].Status, a.Moderation[i].UpdatedAt, set = ms, s.Now().UTC(), true
			}
		}
		if !set {
			a.Moderation = append(a.Moderation, moderation{Kind: "manual", Status: ms, UpdatedAt: s.Now().UTC()})
		}
	}
	a.touch(s.Now().UTC(), attrs)
	if err := s.persist.saveAsset(a); err != nil {
		return nil, err
	}
	rc.applied = true
	return s.detailResource(rc, a), nil
}

func nonNilRects(r [][4]int) [][4]int {
	if r == nil {
		return [][4]int{}
	}
	return r
}

// maxDeletePerCall is how many originals one delete call removes.
const maxDeletePerCall = 1000

func (s *Server) deleteByType(rc *reqCtx) (any, error) {
	rt, typ := rc.rt(), rc.pv("type")
	p := rc.p
	ids := p.list("public_ids")
	prefix := p.get("prefix")
	all, err := p.boolean("all", false)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, b := range []bool{len(ids) > 0, prefix != "", all} {
		if b {
			n++
		}
	}
	if n != 1 {
		return nil, badRequest("Must supply exactly one of public_ids, prefix or all")
	}
	if len(ids) > 0 {
		if len(ids) > 100 {
			return nil, badRequest("Too many public_ids: at most 100 per call")
		}
		keepOriginal, _ := p.boolean("keep_original", false)
		only := s.derivedTransformations(p)
		s.mu.Lock()
		defer s.mu.Unlock()
		deleted := map[string]string{}
		counts := map[string]deleteCounts{}
		for _, id := range ids {
			a := s.st.assets[assetKey{rt, typ, id}]
			if a == nil {
				deleted[id] = "not_found"
				continue
			}
			c, err := s.deleteAssetLocked(rc, a, keepOriginal, only)
			if err != nil {
				return nil, err
			}
			deleted[id], counts[id] = "deleted", c
		}
		return deleteResult{Deleted: deleted, DeletedCounts: counts}, nil
	}
	return s.deleteMatching(rc, func(a *asset) bool {
		return a.ResourceType == rt && a.Type == typ && (all || strings.HasPrefix(a.PublicID, prefix))
	})
}

// deleteAssetLocked deletes one asset for a delete call: its derived
// assets only (those of the only transformations, all without) with
// keepOriginal or only, else the asset itself into the trash with its
// derived assets. Caller holds s.mu.
func (s *Server) deleteAssetLocked(rc *reqCtx, a *asset, keepOriginal bool, only map[string]bool) (deleteCounts, error) {
	if keepOriginal || only != nil {
		n := s.media.dropDerived(a, only)
		rc.applied = rc.applied || n > 0
		return deleteCounts{Derived: n}, nil
	}
	derived, err := s.trashLocked(a)
	if err != nil {
		return deleteCounts{}, err
	}
	rc.applied = true
	return deleteCounts{Original: 1, Derived: derived}, nil
}

type deleteCounts struct {
	Original int `json:"original"`
	Derived  int `json:"derived"`
}

// deleteResult is the answer of every delete of assets.
type deleteResult struct {
	Deleted       map[string]string       `json:"deleted"`
	DeletedCounts map[string]deleteCounts `json:"deleted_counts"`
	Partial       bool                    `json:"partial"`
	NextCursor    string                  `json:"next_cursor,omitempty"`
}

// deleteMatching deletes up to maxDeletePerCall matching assets (oldest
// first) and reports partial with a next_cursor when more remain.
func (s *Server) deleteMatching(rc *reqCtx, match func(*asset) bool) (any, error) {
	keepOriginal, _ := rc.p.boolean("keep_original", false)
	only := s.derivedTransformations(rc.p)
	s.mu.Lock()
	defer s.mu.Unlock()
	cursor := rc.p.get("next_cursor")
	if cursor != "" {
		// A cursor the mock never issued (or already used) could make a
		// client believe it is continuing a delete; refuse it, never widen it.
		if !s.st.parity.deleteCursors[cursor] {
			return nil, badRequest("Invalid next_cursor %s", cursor)
		}
		delete(s.st.parity.deleteCursors, cursor)
	}
	var sel []*asset
	for _, a := range s.st.assets {
		if match(a) {
			sel = append(sel, a)
		}
	}
	sortAssets(sel, "created_at", false)
	partial := len(sel) > maxDeletePerCall
	if partial {
		sel = sel[:maxDeletePerCall]
	}
	deleted := map[string]string{}
	counts := map[string]deleteCounts{}
	for _, a := range sel {
		c, err := s.deleteAssetLocked(rc, a, keepOriginal, only)
		if err != nil {
			return nil, err
		}
		deleted[a.PublicID], counts[a.PublicID] = "deleted", c
	}
	res := deleteResult{Deleted: deleted, DeletedCounts: counts, Partial: partial}
	if partial {
		next := s.newHexID()
		if s.st.parity.deleteCursors == nil {
			s.st.parity.deleteCursors = map[string]bool{}
		}
		s.st.parity.deleteCursors[next] = true
		res.NextCursor = next
	}
	return res, nil
}

func (s *Server) deleteByAssetIDs(rc *reqCtx) (any, error) {
	ids := rc.p.list("asset_ids")
	if len(ids) == 0 {
		return nil, missingParam("asset_ids")
	}
	if len(ids) > 100 {
		return nil, badRequest("Too many asset_ids: at most 100 per call")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deleted := map[string]string{}
	counts := map[string]deleteCounts{}
	for _, id := range ids {
		a := s.st.byID[id]
		if a == nil {
			deleted[id] = "not_found"
			continue
		}
		c, err := s.deleteAssetLocked(rc, a, false, nil)
		if err != nil {
			return nil, err
		}
		deleted[id], counts[id] = "deleted", c
	}
	return deleteResult{Deleted: deleted, DeletedCounts: counts}, nil
}

type restoreFailure struct {
	Error string `json:"error"`
}

// restore brings back deleted assets from the trash.
func (s *Server) restore(rc *reqCtx, idOf func(*asset) string, param string, scope func(*asset) bool) (any, error) {
	ids := rc.p.list(param)
	if len(ids) == 0 {
		return nil, missingParam(param)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := map[string]any{}
	for _, id := range ids {
		var hit *asset
		for _, a := range s.st.trash {
			if idOf(a) == id && (scope == nil || scope(a)) {
				hit = a
				break
			}
		}
		if hit == nil {
			live := false
			for _, a := range s.st.assets {
				if idOf(a) == id && (scope == nil || scope(a)) {
					res[id] = s.detailResource(rc, a)
					live = true
					break
				}
			}
			if !live {
				res[id] = restoreFailure{Error: "no_backup"}
			}
			continue
		}
		hit.Deleted, hit.DeletedAt = false, time.Time{}
		hit.UpdatedAt = s.Now().UTC()
		delete(s.st.trash, hit.key())
		s.st.put(hit)
		if err := s.persist.saveAsset(hit); err != nil {
			return nil, err
		}
		rc.applied = true
		res[id] = s.detailResource(rc, hit)
	}
	return res, nil
}
