package mockserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// budget is the hourly Admin API allowance.
type budget struct {
	mu     sync.Mutex
	limit  int
	window time.Time
	used   int
}

func (b *budget) reset() {
	b.mu.Lock()
	b.used = 0
	b.window = time.Time{}
	b.mu.Unlock()
}

// take counts one call; ok is false when the budget is used up.
func (b *budget) take(now time.Time) (limit, remaining int, reset time.Time, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := now.UTC().Truncate(time.Hour)
	if !w.Equal(b.window) {
		b.window, b.used = w, 0
	}
	limit = b.limit
	if limit <= 0 {
		limit = 1_000_000
		b.used = 0
	}
	reset = b.window.Add(time.Hour)
	if b.used >= limit {
		return limit, 0, reset, false
	}
	b.used++
	return limit, limit - b.used, reset, true
}

// adminEntry authenticates, charges the hourly budget and dispatches an
// Admin API call.
func (s *Server) adminEntry(rc *reqCtx) (any, error) {
	if err := rc.authAdmin(); err != nil {
		return nil, err
	}
	if err := s.charge(rc, s.budget); err != nil {
		return nil, err
	}
	if err := rc.parse(nil); err != nil {
		return nil, err
	}
	h, err := s.admin.match(rc)
	if err != nil {
		return nil, err
	}
	return h(rc)
}

// charge counts one call against b, sets the X-FeatureRateLimit-* headers
// and answers 420 with Retry-After when the hour's budget is used up.
func (s *Server) charge(rc *reqCtx, b *budget) error {
	now := s.Now()
	limit, remaining, reset, ok := b.take(now)
	h := rc.w.Header()
	h.Set("X-FeatureRateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-FeatureRateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-FeatureRateLimit-Reset", reset.UTC().Format(http.TimeFormat))
	if !ok {
		wait := int(reset.Sub(now).Seconds()) + 1
		return &apiError{status: 420, message: "Rate Limit Exceeded",
			header: http.Header{"Retry-After": {strconv.Itoa(wait)}}}
	}
	return nil
}

func (s *Server) adminUsage(rc *reqCtx) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var n, bytes int64
	for _, a := range s.st.assets {
		n++
		bytes += a.Bytes
	}
	now := s.Now().UTC()
	return map[string]any{
		"plan":              "Mock",
		"last_updated":      now.Format("2006-01-02"),
		"transformations":   map[string]any{"usage": 0, "credits_usage": 0},
		"objects":           map[string]any{"usage": n},
		"bandwidth":         map[string]any{"usage": 0, "credits_usage": 0},
		"storage":           map[string]any{"usage": bytes, "credits_usage": 0},
		"credits":           map[string]any{"usage": 0},
		"requests":          len(s.journal.list(0)),
		"resources":         n,
		"derived_resources": 0,
		"media_limits": map[string]any{
			"image_max_size_bytes": 10485760, "video_max_size_bytes": 104857600, "raw_max_size_bytes": 10485760,
			"image_max_px": 25000000, "asset_max_total_px": 50000000,
		},
	}, nil
}

func (s *Server) adminConfig(rc *reqCtx) (any, error) {
	res := map[string]any{"cloud_name": s.cfg.cloud, "created_at": "2020-01-01T00:00:00Z"}
	if ok, _ := rc.p.boolean("settings", false); ok {
		res["settings"] = map[string]any{"folder_mode": s.cfg.folderMode}
	}
	return res, nil
}

// maxResults reads max_results with a default and an upper bound.
func maxResults(p *params, def, max int) (int, error) {
	n, err := p.integer("max_results", int64(def))
	if err != nil {
		return 0, err
	}
	if n < 0 || n > int64(max) {
		return 0, badRequest("max_results must be between 0 and %d", max)
	}
	return int(n), nil
}

// page cuts one page from items; cursor encodes the offset and the key of
// the last item returned, so a page survives deletions before it.
func page[T any](items []T, max int, cursor string, keyOf func(T) string) ([]T, string, error) {
	start := 0
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil {
			return nil, "", badRequest("Invalid next_cursor")
		}
		offStr, last, ok := strings.Cut(string(raw), "|")
		off, err := strconv.Atoi(offStr)
		if !ok || err != nil || off < 0 {
			return nil, "", badRequest("Invalid next_cursor")
		}
		start = off
		if off > 0 && (off > len(items) || keyOf(items[off-1]) != last) {
			for i, it := range items {
				if keyOf(it) == last {
					start = i + 1
					break
				}
			}
			if start > len(items) {
				start = len(items)
			}
		}
	}
	end := start + max
	if end > len(items) {
		end = len(items)
	}
	out := items[start:end]
	next := ""
	if end < len(items) && end > start {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end) + "|" + keyOf(items[end-1])))
	}
	return out, next, nil
}

func assetCursorKey(a *asset) string { return a.ResourceType + "/" + a.Type + "/" + a.PublicID }

// briefResource renders a list item.
func (s *Server) briefResource(rc *reqCtx, a *asset, p *params) map[string]any {
	u := s.deliveryURL(rc, a)
	m := map[string]any{
		"asset_id": a.AssetID, "public_id": a.PublicID, "version": a.Version, "resource_type": a.ResourceType,
		"type": a.Type, "created_at": a.CreatedAt.UTC().Format(time.RFC3339), "bytes": a.Bytes,
		"asset_folder": a.AssetFolder, "display_name": a.DisplayName, "access_mode": a.AccessMode,
		"url": u, "secure_url": u, "backup": false,
	}
	if a.Format != "" {
		m["format"] = a.Format
	}
	if a.Width > 0 || a.Height > 0 {
		m["width"], m["height"] = a.Width, a.Height
	}
	if a.Folder != "" {
		m["folder"] = a.Folder
	}
	if p != nil {
		if ok, _ := p.boolean("tags", false); ok {
			m["tags"] = nonNil(a.Tags)
		}
		if ok, _ := p.boolean("context", false); ok && len(a.Context) > 0 {
			m["context"] = map[string]any{"custom": a.Context}
		}
		if ok, _ := p.boolean("metadata", false); ok && len(a.Metadata) > 0 {
			m["metadata"] = a.Metadata
		}
		if ok, _ := p.boolean("moderations", false); ok && len(a.Moderation) > 0 {
			m["moderation"] = a.Moderation
			m["moderation_kind"] = a.Moderation[0].Kind
			m["moderation_status"] = a.Moderation[0].Status
		}
	}
	return m
}

// detailResource renders the full details of one asset.
func (s *Server) detailResource(rc *reqCtx, a *asset) map[string]any {
	m := s.assetResponse(rc, a, false)
	delete(m, "api_key")
	m["derived"] = []any{}
	m["next_cursor"] = nil
	if len(a.Moderation) > 0 {
		m["moderation_kind"] = a.Moderation[0].Kind
		m["moderation_status"] = a.Moderation[0].Status
	}
	m["last_updated"] = map[string]any{"updated_at": a.UpdatedAt.UTC().Format(time.RFC3339)}
	if ok, _ := rc.p.boolean("related", false); ok {
		m["related_assets"] = s.relatedJSON(rc, a)
	}
	if ok, _ := rc.p.boolean("versions", false); ok {
		m["versions"] = []map[string]any{{"version_id": a.VersionID, "version": strconv.FormatInt(a.Version, 10), "format": a.Format,
			"size": a.Bytes, "time": a.CreatedAt.UTC().Format(time.RFC3339), "restorable": false}}
	}
	return m
}

// resourceList is the answer of the asset list endpoints.
type resourceList struct {
	Resources  []map[string]any `json:"resources"`
	NextCursor string           `json:"next_cursor,omitempty"`
	TotalCount *int             `json:"total_count,omitempty"` // by_asset_folder only
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
		t, err := time.Parse(time.RFC3339, st)
		if err != nil {
			return nil, badRequest("Invalid start_at %q: use RFC 3339", st)
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
	res := &resourceList{Resources: make([]map[string]any, 0, len(pg)), NextCursor: next}
	for _, a := range pg {
		res.Resources = append(res.Resources, s.briefResource(rc, a, p))
	}
	if rc.segs[len(rc.segs)-1] == "by_asset_folder" {
		n := len(sel)
		res.TotalCount = &n
	}
	return res, nil
}

func filter(as []*asset, keep func(*asset) bool) []*asset {
	out := as[:0:0]
	for _, a := range as {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
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

func methodNotAllowed(m string) error {
	return notFound("Unsupported method %s for this Admin API endpoint", m)
}

var unsupportedUpdateParams = []string{"auto_tagging", "detection", "ocr", "raw_convert", "categorization",
	"visual_search", "background_removal", "access_control", "quality_override", "face_coordinates",
	"custom_coordinates", "regions"}

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
	if p.has("tags") {
		a.Tags = p.list("tags")
	}
	if p.has("context") {
		a.Context = p.pipeMap("context")
	}
	if meta != nil {
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
	a.UpdatedAt = s.Now().UTC()
	if err := s.persist.saveAsset(a); err != nil {
		return nil, err
	}
	rc.applied = true
	return s.detailResource(rc, a), nil
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
		s.mu.Lock()
		defer s.mu.Unlock()
		deleted := map[string]string{}
		counts := map[string]any{}
		for _, id := range ids {
			a := s.st.assets[assetKey{rt, typ, id}]
			if a == nil {
				deleted[id] = "not_found"
				continue
			}
			deleted[id] = "deleted"
			if keepOriginal || p.has("transformations") {
				counts[id] = map[string]int{"original": 0, "derived": 0}
				continue
			}
			if err := s.trashLocked(a); err != nil {
				return nil, err
			}
			rc.applied = true
			counts[id] = map[string]int{"original": 1, "derived": 0}
		}
		return map[string]any{"deleted": deleted, "deleted_counts": counts, "partial": false}, nil
	}
	return s.deleteMatching(rc, func(a *asset) bool {
		return a.ResourceType == rt && a.Type == typ && (all || strings.HasPrefix(a.PublicID, prefix))
	})
}

// deleteMatching deletes up to maxDeletePerCall matching assets (oldest
// first) and reports partial with a next_cursor when more remain.
func (s *Server) deleteMatching(rc *reqCtx, match func(*asset) bool) (any, error) {
	keepOriginal, _ := rc.p.boolean("keep_original", false)
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
	counts := map[string]any{}
	for _, a := range sel {
		deleted[a.PublicID] = "deleted"
		if keepOriginal {
			counts[a.PublicID] = map[string]int{"original": 0, "derived": 0}
			continue
		}
		if err := s.trashLocked(a); err != nil {
			return nil, err
		}
		rc.applied = true
		counts[a.PublicID] = map[string]int{"original": 1, "derived": 0}
	}
	res := map[string]any{"deleted": deleted, "deleted_counts": counts, "partial": partial}
	if partial {
		next := s.newHexID()
		if s.st.parity.deleteCursors == nil {
			s.st.parity.deleteCursors = map[string]bool{}
		}
		s.st.parity.deleteCursors[next] = true
		res["next_cursor"] = next
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
	counts := map[string]any{}
	for _, id := range ids {
		a := s.st.byID[id]
		if a == nil {
			deleted[id] = "not_found"
			continue
		}
		if err := s.trashLocked(a); err != nil {
			return nil, err
		}
		rc.applied = true
		deleted[id] = "deleted"
		counts[id] = map[string]int{"original": 1, "derived": 0}
	}
	return map[string]any{"deleted": deleted, "deleted_counts": counts, "partial": false}, nil
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
				res[id] = map[string]string{"error": "no_backup"}
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

func (s *Server) adminTags(rc *reqCtx) (any, error) {
	rt := rc.rt()
	p := rc.p
	max, err := maxResults(p, 10, 500)
	if err != nil {
		return nil, err
	}
	prefix := p.get("prefix")
	s.mu.RLock()
	set := map[string]bool{}
	for _, a := range s.st.assets {
		if a.ResourceType != rt {
			continue
		}
		for _, t := range a.Tags {
			if strings.HasPrefix(t, prefix) {
				set[t] = true
			}
		}
	}
	s.mu.RUnlock()
	tags := make([]string, 0, len(set))
	for t := range set {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	pg, next, err := page(tags, max, p.get("next_cursor"), func(t string) string { return t })
	if err != nil {
		return nil, err
	}
	res := map[string]any{"tags": nonNil(pg)}
	if next != "" {
		res["next_cursor"] = next
	}
	return res, nil
}

// folderSet returns every folder path: created ones, their parents, and the
// folders assets live in. Caller holds s.mu.
func (s *Server) folderSet() map[string]bool {
	out := map[string]bool{}
	addWithParents := func(f string) {
		for f != "" && f != "." {
			out[f] = true
			f = path.Dir(f)
			if f == "." {
				return
			}
		}
	}
	for f := range s.st.cfg.Folders {
		addWithParents(f)
	}
	for _, a := range s.st.assets {
		if s.cfg.folderMode == "fixed" {
			addWithParents(a.Folder)
		} else {
			addWithParents(a.AssetFolder)
		}
	}
	return out
}

// adminFolders serves GET (subfolders), POST (create), PUT (rename) and
// DELETE of /folders[/<path>].
func (s *Server) adminFolders(rc *reqCtx) (any, error) {
	m, fpath := rc.method(), cleanFolder(rc.pv("path"))
	if err := publicIDError("folder", fpath); err != nil {
		return nil, err
	}
	switch m {
	case http.MethodGet, http.MethodHead:
		max, err := maxResults(rc.p, 50, 500)
		if err != nil {
			return nil, err
		}
		s.mu.RLock()
		all := s.folderSet()
		s.mu.RUnlock()
		if fpath != "" && !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		var subs []string
		for f := range all {
			parent := path.Dir(f)
			if parent == "." {
				parent = ""
			}
			if parent == fpath {
				subs = append(subs, f)
			}
		}
		sort.Strings(subs)
		pg, next, err := page(subs, max, rc.p.get("next_cursor"), func(f string) string { return f })
		if err != nil {
			return nil, err
		}
		folders := make([]map[string]any, 0, len(pg))
		for _, f := range pg {
			folders = append(folders, map[string]any{"name": path.Base(f), "path": f, "external_id": folderID(f)})
		}
		res := map[string]any{"folders": folders, "total_count": len(subs), "next_cursor": nil}
		if next != "" {
			res["next_cursor"] = next
		}
		return res, nil
	case http.MethodPost:
		if fpath == "" {
			return nil, missingParam("folder")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.folderSet()[fpath] {
			return nil, conflict("Folder %s already exists", fpath)
		}
		s.st.cfg.Folders[fpath] = s.Now().UTC()
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"success": true, "path": fpath, "name": path.Base(fpath), "external_id": folderID(fpath)}, nil
	case http.MethodPut:
		to := cleanFolder(rc.p.get("to_folder"))
		if to == "" {
			return nil, missingParam("to_folder")
		}
		if err := publicIDError("to_folder", to); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		all := s.folderSet()
		if !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		if all[to] {
			return nil, conflict("Folder %s already exists", to)
		}
		if to == fpath || strings.HasPrefix(to, fpath+"/") {
			return nil, badRequest("Cannot move folder %s into itself", fpath)
		}
		move := func(f string) (string, bool) {
			if f == fpath {
				return to, true
			}
			if strings.HasPrefix(f, fpath+"/") {
				return to + f[len(fpath):], true
			}
			return f, false
		}
		for f, t := range s.st.cfg.Folders {
			if nf, ok := move(f); ok {
				delete(s.st.cfg.Folders, f)
				s.st.cfg.Folders[nf] = t
			}
		}
		s.st.cfg.Folders[to] = s.Now().UTC()
		for _, a := range s.st.assets {
			if nf, ok := move(a.AssetFolder); ok && s.cfg.folderMode != "fixed" {
				a.AssetFolder = nf
				if err := s.persist.saveAsset(a); err != nil {
					return nil, err
				}
			}
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"from": map[string]string{"name": path.Base(fpath), "path": fpath},
			"to": map[string]string{"name": path.Base(to), "path": to}}, nil
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		all := s.folderSet()
		if fpath == "" || !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		for _, a := range s.st.assets {
			f := a.AssetFolder
			if s.cfg.folderMode == "fixed" {
				f = a.Folder
			}
			if f == fpath || strings.HasPrefix(f, fpath+"/") {
				return nil, badRequest("Folder is not empty")
			}
		}
		deleted := []string{}
		for f := range all {
			if f == fpath || strings.HasPrefix(f, fpath+"/") {
				deleted = append(deleted, f)
				delete(s.st.cfg.Folders, f)
			}
		}
		sort.Strings(deleted)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"deleted": deleted}, nil
	}
	return nil, methodNotAllowed(m)
}

func folderID(f string) string {
	h := uint64(1469598103934665603)
	for i := 0; i < len(f); i++ {
		h ^= uint64(f[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 16)
}

// presetFields are the preset attributes that are not upload settings.
var presetFields = map[string]bool{"name": true, "unsigned": true, "disallow_public_id": true, "parameter_whitelist": true, "live": true}

// presetBoolSettings are the upload parameters Cloudinary stores in a
// preset as booleans; presetIntSettings those it stores as numbers.
var presetBoolSettings = map[string]bool{
	"overwrite": true, "unique_filename": true, "use_filename": true, "use_filename_as_display_name": true,
	"use_asset_folder_as_public_id_prefix": true, "unique_display_name": true, "invalidate": true, "backup": true,
	"eager_async": true, "return_delete_token": true, "async": true, "faces": true, "colors": true,
	"image_metadata": true, "media_metadata": true, "exif": true, "phash": true, "quality_analysis": true,
	"accessibility_analysis": true, "cinemagraph_analysis": true, "discard_original_filename": true,
	"auto_chaptering": true, "auto_transcription": true, "live": true, "visual_search": true,
}

var presetIntSettings = map[string]bool{"max_file_size": true, "max_image_width": true, "max_image_height": true}

// presetSettingJSON is the JSON value of one stored preset setting.
func presetSettingJSON(k, v string) any {
	if presetBoolSettings[k] || v == "true" || v == "false" {
		if b, ok := parseBool(v); ok {
			return b
		}
	}
	if presetIntSettings[k] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}

type presetJSON struct {
	Name       string         `json:"name"`
	Unsigned   bool           `json:"unsigned"`
	Settings   map[string]any `json:"settings"`
	ExternalID string         `json:"external_id"`
}

type presetList struct {
	Presets    []presetJSON `json:"presets"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

type presetCreated struct {
	Message    string `json:"message"`
	Name       string `json:"name,omitempty"`
	ExternalID string `json:"external_id"`
}

func (s *Server) presetJSON(pr *preset) presetJSON {
	settings := map[string]any{}
	for k, v := range pr.Settings {
		settings[k] = presetSettingJSON(k, v)
	}
	if len(pr.ParameterWhitelist) > 0 {
		settings["parameter_whitelist"] = pr.ParameterWhitelist
	}
	if pr.DisallowPublicID {
		settings["disallow_public_id"] = true
	}
	return presetJSON{Name: pr.Name, Unsigned: pr.Unsigned, Settings: settings, ExternalID: pr.ExternalID}
}

func (s *Server) adminPresets(rc *reqCtx) (any, error) {
	m, name := rc.method(), rc.pv("name")
	p := rc.p
	switch {
	case (m == http.MethodGet || m == http.MethodHead) && name == "":
		max, err := maxResults(p, 10, 500)
		if err != nil {
			return nil, err
		}
		s.mu.RLock()
		var list []*preset
		for _, pr := range s.st.cfg.Presets {
			list = append(list, pr)
		}
		s.mu.RUnlock()
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		pg, next, err := page(list, max, p.get("next_cursor"), func(pr *preset) string { return pr.Name })
		if err != nil {
			return nil, err
		}
		res := presetList{Presets: make([]presetJSON, 0, len(pg)), NextCursor: next}
		s.mu.RLock()
		for _, pr := range pg {
			res.Presets = append(res.Presets, s.presetJSON(pr))
		}
		s.mu.RUnlock()
		return res, nil
	case m == http.MethodGet || m == http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		pr := s.st.cfg.Presets[name]
		if pr == nil {
			return nil, notFound("Upload preset %s not found", name)
		}
		return s.presetJSON(pr), nil
	case m == http.MethodPost && name == "":
		pname := firstNonEmpty(p.get("name"), s.randString(8, lowerAlnum))
		if strings.ContainsAny(pname, "/\x00") {
			return nil, badRequest("Invalid preset name %q", pname)
		}
		pr := &preset{Name: pname, Settings: map[string]string{}, ExternalID: s.newHexID()}
		if err := applyPresetParams(pr, p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Presets[pname]; ok {
			return nil, conflict("Upload preset %s already exists", pname)
		}
		s.st.cfg.Presets[pname] = pr
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return presetCreated{Message: "created", Name: pname, ExternalID: pr.ExternalID}, nil
	case m == http.MethodPut && name != "":
		s.mu.Lock()
		defer s.mu.Unlock()
		pr := s.st.cfg.Presets[name]
		if pr == nil {
			return nil, notFound("Upload preset %s not found", name)
		}
		c := *pr
		c.Settings = map[string]string{}
		for k, v := range pr.Settings {
			c.Settings[k] = v
		}
		if err := applyPresetParams(&c, p); err != nil {
			return nil, err
		}
		*pr = c
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return presetCreated{Message: "updated", ExternalID: pr.ExternalID}, nil
	case m == http.MethodDelete && name != "":
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Presets[name]; !ok {
			return nil, notFound("Upload preset %s not found", name)
		}
		delete(s.st.cfg.Presets, name)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"message": "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}

func applyPresetParams(pr *preset, p *params) error {
	var err error
	if p.has("unsigned") {
		if pr.Unsigned, err = p.boolean("unsigned", false); err != nil {
			return err
		}
	}
	if p.has("disallow_public_id") {
		if pr.DisallowPublicID, err = p.boolean("disallow_public_id", false); err != nil {
			return err
		}
	}
	if p.has("parameter_whitelist") {
		pr.ParameterWhitelist = p.list("parameter_whitelist")
	}
	seen := map[string]bool{}
	for k := range p.raw {
		base, _, _ := strings.Cut(k, "[")
		if presetFields[base] || seen[base] {
			continue
		}
		seen[base] = true
		if v := p.get(base); v != "" {
			pr.Settings[base] = v
		}
	}
	if pr.Settings["overwrite"] != "" && pr.Unsigned {
		if b, _ := parseBool(pr.Settings["overwrite"]); b {
			return badRequest("overwrite cannot be true in an unsigned upload preset")
		}
	}
	return nil
}

func (s *Server) adminMappings(rc *reqCtx) (any, error) {
	m := rc.method()
	p := rc.p
	folder := cleanFolder(p.get("folder"))
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if folder != "" {
			t, ok := s.st.cfg.Mappings[folder]
			if !ok {
				return nil, notFound("Upload mapping for folder %s not found", folder)
			}
			return map[string]any{"folder": folder, "template": t}, nil
		}
		var fs []string
		for f := range s.st.cfg.Mappings {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		out := []map[string]string{}
		for _, f := range fs {
			out = append(out, map[string]string{"folder": f, "template": s.st.cfg.Mappings[f]})
		}
		return map[string]any{"mappings": out}, nil
	case http.MethodPost, http.MethodPut:
		if folder == "" {
			return nil, missingParam("folder")
		}
		t := p.get("template")
		if t == "" {
			return nil, missingParam("template")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_, exists := s.st.cfg.Mappings[folder]
		if m == http.MethodPost && exists {
			return nil, conflict("Upload mapping for folder %s already exists", folder)
		}
		if m == http.MethodPut && !exists {
			return nil, notFound("Upload mapping for folder %s not found", folder)
		}
		s.st.cfg.Mappings[folder] = t
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		if m == http.MethodPost {
			return map[string]any{"message": "created", "folder": folder}, nil
		}
		return map[string]any{"message": "updated"}, nil
	case http.MethodDelete:
		if folder == "" {
			return nil, missingParam("folder")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Mappings[folder]; !ok {
			return nil, notFound("Upload mapping for folder %s not found", folder)
		}
		delete(s.st.cfg.Mappings, folder)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]any{"message": "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}

type transformationInfoJSON struct {
	Name             string `json:"name"`
	AllowedForStrict bool   `json:"allowed_for_strict"`
	Used             bool   `json:"used"`
	Named            bool   `json:"named"`
}

type transformationList struct {
	Transformations []transformationInfoJSON `json:"transformations"`
	NextCursor      string                   `json:"next_cursor,omitempty"`
}

type transformationDetails struct {
	transformationInfoJSON
	Info    []map[string]any `json:"info"`
	Derived []any            `json:"derived"`
}

func (s *Server) adminTransformations(rc *reqCtx) (any, error) {
	m, name := rc.method(), rc.pv("name")
	p := rc.p
	if name == "" {
		name = p.get("transformation")
		if m == http.MethodPost {
			name = p.get("name")
		}
	}
	name = strings.TrimPrefix(name, "t_")
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if name != "" {
			t := s.st.cfg.Transformations[name]
			if t == nil {
				return nil, notFound("Transformation %s not found", name)
			}
			return transformationDetails{transformationInfoJSON: transformationInfoJSON{Name: "t_" + t.Name,
				AllowedForStrict: t.AllowedForStrict, Named: true}, Info: transformationInfo(t.Transformation), Derived: []any{}}, nil
		}
		max, err := maxResults(p, 10, 500)
		if err != nil {
			return nil, err
		}
		var names []string
		for n := range s.st.cfg.Transformations {
			names = append(names, n)
		}
		sort.Strings(names)
		pg, next, err := page(names, max, p.get("next_cursor"), func(n string) string { return n })
		if err != nil {
			return nil, err
		}
		res := transformationList{Transformations: []transformationInfoJSON{}, NextCursor: next}
		for _, n := range pg {
			t := s.st.cfg.Transformations[n]
			res.Transformations = append(res.Transformations, transformationInfoJSON{Name: "t_" + n, AllowedForStrict: t.AllowedForStrict, Named: true})
		}
		return res, nil
	case http.MethodPost:
		t := p.get("transformation")
		if name == "" {
			return nil, missingParam("name")
		}
		if t == "" || t == name {
			return nil, missingParam("transformation")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Transformations[name]; ok {
			return nil, conflict("Transformation %s already exists", name)
		}
		s.st.cfg.Transformations[name] = &namedTransformation{Name: name, Transformation: t}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]string{"message": "created"}, nil
	case http.MethodPut:
		s.mu.Lock()
		defer s.mu.Unlock()
		t := s.st.cfg.Transformations[name]
		if t == nil {
			return nil, notFound("Transformation %s not found", name)
		}
		if !p.has("unsafe_update") && !p.has("allowed_for_strict") {
			return nil, badRequest("Must supply allowed_for_strict or unsafe_update")
		}
		if p.has("allowed_for_strict") {
			b, err := p.boolean("allowed_for_strict", false)
			if err != nil {
				return nil, err
			}
			t.AllowedForStrict = b
		}
		if v := p.get("unsafe_update"); v != "" {
			t.Transformation = v
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]string{"message": "updated"}, nil
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.Transformations[name]; !ok {
			return nil, notFound("Transformation %s not found", name)
		}
		delete(s.st.cfg.Transformations, name)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]string{"message": "deleted"}, nil
	}
	return nil, methodNotAllowed(m)
}

var metadataTypes = map[string]bool{"string": true, "integer": true, "date": true, "enum": true, "set": true}

func (s *Server) adminMetadataFields(rc *reqCtx) (any, error) {
	m, id := rc.method(), rc.pv("id")
	switch m {
	case http.MethodGet, http.MethodHead:
		s.mu.RLock()
		defer s.mu.RUnlock()
		if id != "" {
			f, ok := s.st.cfg.MetadataFields[id]
			if !ok {
				return nil, notFound("Metadata field %s not found", id)
			}
			return f, nil
		}
		out := []json.RawMessage{}
		for _, k := range s.st.cfg.MetadataOrder {
			if f, ok := s.st.cfg.MetadataFields[k]; ok {
				out = append(out, f)
			}
		}
		return map[string]any{"metadata_fields": out}, nil
	case http.MethodPost, http.MethodPut:
		body := map[string]any{}
		for k, v := range rc.p.json {
			var x any
			if json.Unmarshal(v, &x) == nil {
				body[k] = x
			}
		}
		if rc.p.json == nil {
			for k := range rc.p.raw {
				body[k] = rc.p.get(k)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if m == http.MethodPost {
			if id != "" {
				return nil, methodNotAllowed(m)
			}
			created, err := s.createMetadataFieldLocked(body)
			if err != nil {
				return nil, err
			}
			body = created
		} else {
			old, ok := s.st.cfg.MetadataFields[id]
			if !ok {
				return nil, notFound("Metadata field %s not found", id)
			}
			merged := map[string]any{}
			_ = json.Unmarshal(old, &merged)
			for k, v := range body {
				if k != "external_id" && k != "type" {
					merged[k] = v
				}
			}
			if err := checkMetadataDefault(merged); err != nil {
				return nil, err
			}
			b, _ := json.Marshal(merged)
			s.st.cfg.MetadataFields[id] = b
			body = merged
		}
		if m == http.MethodPost {
			rc.applied = true // saved by createMetadataFieldLocked
			return body, nil
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return body, nil
	case http.MethodDelete:
		if id == "" {
			return nil, missingParam("external_id")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.st.cfg.MetadataFields[id]; !ok {
			return nil, notFound("Metadata field %s not found", id)
		}
		delete(s.st.cfg.MetadataFields, id)
		s.st.cfg.MetadataOrder = removeAll(s.st.cfg.MetadataOrder, []string{id})
		delete(s.st.cfg.MetadataCreated, id)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return map[string]string{"message": "ok"}, nil
	}
	return nil, methodNotAllowed(m)
}

// ensureFolderLocked records folder f and its parents as existing folders
// (Cloudinary keeps a folder after its assets leave). Caller holds s.mu.
func (s *Server) ensureFolderLocked(f string) error {
	changed := false
	for f != "" && f != "." {
		if _, ok := s.st.cfg.Folders[f]; !ok {
			s.st.cfg.Folders[f] = s.Now().UTC()
			changed = true
		}
		f = path.Dir(f)
	}
	if !changed {
		return nil
	}
	return s.persist.saveConfig(s.st.cfg)
}
