package mockserver

import (
	"archive/zip"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/internal/cldvalue"
)

// unsupportedUploadParams are upload/explicit parameters whose effect the
// mock cannot produce; sending them (with a true or non-empty value) is an
// error rather than a silently ignored request. The media parameters
// (transformation, eager, analysis, add-ons) are answered in media.go.
var unsupportedUploadParams = []string{
	"callback", "on_success", "return_delete_token",
	"similarity_search", "visual_search",
	"auto_chaptering", "auto_transcription", "auto_video_details",
	"regions", "headers", "proxy",
}

func checkUnsupportedParams(p *params) error {
	for _, name := range unsupportedUploadParams {
		if !p.has(name) {
			continue
		}
		v := p.get(name)
		if b, ok := parseBool(v); ok && !b {
			continue
		}
		return unsupported("the " + name + " parameter")
	}
	return nil
}

// uploadRT returns the resource type of an Upload API path (image when auto).
func uploadRT(rc *reqCtx) string {
	if rt := rc.segs[0]; resourceTypes[rt] {
		return rt
	}
	return "image"
}

func (s *Server) handleExplicit(rc *reqCtx) (any, error) {
	p := rc.p
	if err := checkUnsupportedParams(p); err != nil {
		return nil, err
	}
	id := p.get("public_id")
	if id == "" {
		return nil, missingParam("public_id")
	}
	key := assetKey{uploadRT(rc), firstNonEmpty(p.get("type"), "upload"), id}
	async, err := p.boolean("async", false)
	if err != nil {
		return nil, err
	}
	meta, err := s.parseMetadata(p.pipeMap("metadata"))
	if err != nil {
		return nil, err
	}
	mods, err := parseModeration(p.get("moderation"), s.Now())
	if err != nil {
		return nil, err
	}
	media, err := s.parseMediaRequest(p, key.rt)
	if err != nil {
		return nil, err
	}
	if media.incoming != nil || media.format != "" {
		return nil, unsupported("incoming transformations in explicit (upload the asset again with transformation)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.assets[key]
	if a == nil {
		return nil, resourceNotFound(id)
	}
	changed := false
	if p.has("tags") {
		a.Tags, changed = p.list("tags"), true
	}
	if p.has("context") {
		a.Context, changed = p.pipeMap("context"), true
	}
	if meta != nil {
		if a.Metadata == nil {
			a.Metadata = map[string]any{}
		}
		for k, v := range meta {
			a.Metadata[k] = v
		}
		changed = true
	}
	if mods != nil {
		a.Moderation, changed = mods, true
	}
	if v := p.get("display_name"); v != "" {
		a.DisplayName, changed = v, true
	}
	if changed {
		a.UpdatedAt = s.Now().UTC()
		if err := s.persist.saveAsset(a); err != nil {
			return nil, err
		}
		rc.applied = true
	}
	res := s.assetResponse(rc, a, true)
	if err := s.answerMedia(rc, a, media, res); err != nil {
		return nil, err
	}
	s.notify(rc, "explicit", res)
	if async {
		return s.pending(a), nil
	}
	return res, nil
}

// trashLocked moves a live asset to the trash (kept for restore). Caller
// holds s.mu.
func (s *Server) trashLocked(a *asset) error {
	s.st.remove(a)
	if prev, ok := s.st.trash[a.key()]; ok {
		s.blobs.remove(prev.Blob)
		s.persist.removeAsset(prev.AssetID)
	}
	a.Deleted = true
	a.DeletedAt = s.Now().UTC()
	s.st.trash[a.key()] = a
	return s.persist.saveAsset(a)
}

func (s *Server) handleDestroy(rc *reqCtx) (any, error) {
	id := rc.p.get("public_id")
	if id == "" {
		return nil, missingParam("public_id")
	}
	key := assetKey{uploadRT(rc), firstNonEmpty(rc.p.get("type"), "upload"), id}
	return s.destroy(rc, func() *asset { return s.st.assets[key] })
}

func (s *Server) handleAssetDestroy(rc *reqCtx) (any, error) {
	id := rc.p.get("asset_id")
	if id == "" {
		return nil, missingParam("asset_id")
	}
	return s.destroy(rc, func() *asset { return s.st.byID[id] })
}

// destroy moves the asset find returns (called under s.mu) to the trash
// and sends the delete notification.
func (s *Server) destroy(rc *reqCtx, find func() *asset) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := find()
	if a == nil {
		return map[string]string{"result": "not found"}, nil
	}
	if err := s.trashLocked(a); err != nil {
		return nil, err
	}
	rc.applied = true
	s.notify(rc, "delete", map[string]any{"resources": []map[string]any{{"public_id": a.PublicID, "resource_type": a.ResourceType, "type": a.Type, "asset_id": a.AssetID}}})
	return map[string]string{"result": "ok"}, nil
}

func (s *Server) handleRename(rc *reqCtx) (any, error) {
	p := rc.p
	from, to := p.get("from_public_id"), strings.TrimSpace(p.get("to_public_id"))
	if from == "" {
		return nil, missingParam("from_public_id")
	}
	if to == "" {
		return nil, missingParam("to_public_id")
	}
	if err := publicIDError("to_public_id", to); err != nil {
		return nil, err
	}
	overwrite, err := p.boolean("overwrite", false)
	if err != nil {
		return nil, err
	}
	rt := uploadRT(rc)
	typ := firstNonEmpty(p.get("type"), "upload")
	toType := firstNonEmpty(p.get("to_type"), typ)
	if toType != "upload" && toType != "private" && toType != "authenticated" {
		return nil, badRequest("Invalid to_type %s", toType)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.assets[assetKey{rt, typ, from}]
	if a == nil {
		return nil, resourceNotFound(from)
	}
	dst := assetKey{rt, toType, to}
	if dst != a.key() {
		if existing := s.st.assets[dst]; existing != nil {
			if !overwrite {
				return nil, badRequest("Resource already exists - %s", to)
			}
			if err := s.trashLocked(existing); err != nil {
				return nil, err
			}
		}
		s.st.remove(a)
		a.PublicID, a.Type = to, toType
		if s.cfg.folderMode == "fixed" {
			a.Folder = path.Dir(to)
			if a.Folder == "." {
				a.Folder = ""
			}
		}
		a.UpdatedAt = s.Now().UTC()
		s.st.put(a)
		if err := s.persist.saveAsset(a); err != nil {
			return nil, err
		}
		rc.applied = true
	}
	res := s.assetResponse(rc, a, true)
	if rc.applied {
		s.notify(rc, "rename", map[string]any{"from_public_id": from, "to_public_id": to, "resource_type": rt, "type": a.Type, "asset_id": a.AssetID})
	}
	return res, nil
}

// targetAssets resolves the public_ids parameter of a bulk call. Caller holds s.mu.
func (s *Server) targetAssets(rc *reqCtx) ([]*asset, []string, error) {
	ids := rc.p.list("public_ids")
	if len(ids) == 0 {
		return nil, nil, missingParam("public_ids")
	}
	if len(ids) > 1000 {
		return nil, nil, badRequest("Too many public_ids: at most 1000 per call")
	}
	rt, typ := uploadRT(rc), firstNonEmpty(rc.p.get("type"), "upload")
	var out []*asset
	var found []string
	for _, id := range ids {
		if a := s.st.assets[assetKey{rt, typ, id}]; a != nil {
			out = append(out, a)
			found = append(found, id)
		}
	}
	return out, found, nil
}

func (s *Server) handleTags(rc *reqCtx) (any, error) {
	p := rc.p
	cmd := p.get("command")
	switch cmd {
	case "add", "remove", "replace", "remove_all", "set_exclusive":
	case "":
		return nil, missingParam("command")
	default:
		return nil, badRequest("Invalid command - %s. Must be one of: add, remove, replace, remove_all", cmd)
	}
	tags := p.list("tag")
	if len(tags) == 0 {
		tags = p.list("tags")
	}
	if len(tags) == 0 && cmd != "remove_all" && cmd != "replace" {
		return nil, missingParam("tag")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	as, _, err := s.targetAssets(rc)
	if err != nil {
		return nil, err
	}
	if len(tags)*len(as) > 10000 {
		return nil, badRequest("Too many tags and public_ids: tags x public_ids must be at most 10000")
	}
	changed := []string{}
	now := s.Now().UTC()
	touch := func(a *asset) error {
		a.UpdatedAt = now
		changed = append(changed, a.PublicID)
		rc.applied = true
		return s.persist.saveAsset(a)
	}
	if cmd == "set_exclusive" {
		for _, a := range s.st.assets {
			before := len(a.Tags)
			a.Tags = removeAll(a.Tags, tags)
			if len(a.Tags) != before {
				a.UpdatedAt = now
				if err := s.persist.saveAsset(a); err != nil {
					return nil, err
				}
			}
		}
		cmd = "add"
	}
	for _, a := range as {
		before := strings.Join(a.Tags, ",")
		switch cmd {
		case "add":
			for _, t := range tags {
				if !a.hasTag(t) {
					a.Tags = append(a.Tags, t)
				}
			}
		case "remove":
			a.Tags = removeAll(a.Tags, tags)
		case "replace":
			a.Tags = append([]string(nil), tags...)
		case "remove_all":
			a.Tags = nil
		}
		if strings.Join(a.Tags, ",") != before {
			if err := touch(a); err != nil {
				return nil, err
			}
		}
	}
	return map[string]any{"public_ids": changed}, nil
}

func removeAll(list, drop []string) []string {
	out := list[:0:0]
	for _, t := range list {
		keep := true
		for _, d := range drop {
			if t == d {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) handleContext(rc *reqCtx) (any, error) {
	p := rc.p
	cmd := p.get("command")
	switch cmd {
	case "add", "remove_all":
	case "":
		return nil, missingParam("command")
	default:
		return nil, badRequest("Invalid command - %s. Must be one of: add, remove_all", cmd)
	}
	ctxMap := p.pipeMap("context")
	if cmd == "add" && len(ctxMap) == 0 {
		return nil, missingParam("context")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	as, _, err := s.targetAssets(rc)
	if err != nil {
		return nil, err
	}
	return s.updateAssets(rc, as, func(a *asset) {
		if cmd == "remove_all" {
			a.Context = nil
			return
		}
		if a.Context == nil {
			a.Context = map[string]string{}
		}
		for k, v := range ctxMap {
			if v == "" {
				delete(a.Context, k)
			} else {
				a.Context[k] = v
			}
		}
	})
}

// updateAssets applies edit to each asset, stamps and persists it, and
// answers {"public_ids": [...]} with the IDs it updated. Caller holds s.mu.
func (s *Server) updateAssets(rc *reqCtx, as []*asset, edit func(*asset)) (any, error) {
	changed := []string{}
	for _, a := range as {
		edit(a)
		a.UpdatedAt = s.Now().UTC()
		if err := s.persist.saveAsset(a); err != nil {
			return nil, err
		}
		changed = append(changed, a.PublicID)
		rc.applied = true
	}
	return map[string]any{"public_ids": changed}, nil
}

func (s *Server) handleMetadata(rc *reqCtx) (any, error) {
	if rc.p.get("metadata") == "" {
		return nil, missingParam("metadata")
	}
	m := rc.p.pipeMap("metadata")
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for k := range m {
		if _, ok := s.st.cfg.MetadataFields[k]; !ok {
			missing = append(missing, strconv.Quote(k))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, badRequest("The following metadata fields do not exist: [%s]", strings.Join(missing, ","))
	}
	as, _, err := s.targetAssets(rc)
	if err != nil {
		return nil, err
	}
	return s.updateAssets(rc, as, func(a *asset) {
		if a.Metadata == nil {
			a.Metadata = map[string]any{}
		}
		for k, v := range m {
			if v == "" {
				delete(a.Metadata, k)
			} else {
				a.Metadata[k] = cldvalue.ParseMetadataValue(v)
			}
		}
	})
}

// handleGenerateArchive builds a real zip of the selected assets.
func (s *Server) handleGenerateArchive(rc *reqCtx) (any, error) {
	p := rc.p
	if f := p.get("target_format"); f != "" && f != "zip" {
		return nil, unsupported("archives in " + f + " format (zip only)")
	}
	if p.has("transformations") {
		return nil, unsupported("transformed archives")
	}
	if !s.blobs.keepsBytes() {
		return nil, badRequest("The cldrest mock server cannot build archives with metadata-only storage")
	}
	mode := firstNonEmpty(p.get("mode"), "create")
	if mode != "create" && mode != "download" && mode != "create_and_download" {
		return nil, badRequest("Invalid mode %s: use create, download or create_and_download", mode)
	}
	if exp, err := p.integer("expires_at", 0); err != nil {
		return nil, err
	} else if exp > 0 && s.Now().Unix() > exp {
		return nil, badRequest("Archive link expired")
	}
	flatten, _ := p.boolean("flatten_folders", false)
	allowMissing, _ := p.boolean("allow_missing", false)
	useOriginal, _ := p.boolean("use_original_filename", false)
	rt := rc.segs[0]
	typ := firstNonEmpty(p.get("type"), "upload")
	ids, tags, prefixes := p.list("public_ids"), p.list("tags"), p.list("prefixes")
	fq := p.list("fully_qualified_public_ids")
	if len(ids)+len(tags)+len(prefixes)+len(fq) == 0 {
		return nil, badRequest("Must supply public_ids, tags, prefixes or fully_qualified_public_ids")
	}
	s.mu.RLock()
	var sel []*asset
	var missing []string
	seen := map[string]bool{}
	add := func(a *asset) {
		if !seen[a.AssetID] {
			seen[a.AssetID] = true
			sel = append(sel, a.clone())
		}
	}
	rtOK := func(a *asset) bool { return rt == "all" || a.ResourceType == rt }
	for _, id := range ids {
		found := false
		for _, a := range s.st.assets {
			if rtOK(a) && a.Type == typ && a.PublicID == id {
				add(a)
				found = true
			}
		}
		if !found {
			missing = append(missing, id)
		}
	}
	for _, q := range fq {
		parts := strings.SplitN(q, "/", 3)
		if len(parts) == 3 {
			if a := s.st.assets[assetKey{parts[0], parts[1], parts[2]}]; a != nil {
				add(a)
				continue
			}
		}
		missing = append(missing, q)
	}
	for _, a := range s.st.sortedAssets() {
		if !rtOK(a) || a.Type != typ {
			continue
		}
		for _, t := range tags {
			if a.hasTag(t) {
				add(a)
			}
		}
		for _, pre := range prefixes {
			if strings.HasPrefix(a.PublicID, pre) {
				add(a)
			}
		}
	}
	s.mu.RUnlock()
	if len(missing) > 0 && !allowMissing {
		return nil, notFound("Resource not found - %s", strings.Join(missing, ", "))
	}
	if len(sel) == 0 {
		return nil, notFound("No resources found for the archive")
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].PublicID < sel[j].PublicID })
	sp, err := s.blobs.newSpool()
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(sp)
	names := map[string]bool{}
	for _, a := range sel {
		name := a.PublicID
		if useOriginal && a.OriginalFilename != "" {
			name = path.Join(path.Dir(a.PublicID), a.OriginalFilename)
		}
		if flatten {
			name = path.Base(name)
		}
		if a.Format != "" {
			name += "." + a.Format
		}
		for n := 1; names[name]; n++ {
			name = strings.TrimSuffix(name, path.Ext(name)) + "_" + strconv.Itoa(n) + path.Ext(name)
		}
		names[name] = true
		r, err := s.blobs.open(a.Blob)
		if err != nil {
			sp.abort()
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: a.CreatedAt})
		if err == nil {
			_, err = io.Copy(w, r)
		}
		_ = r.Close()
		if err != nil {
			sp.abort()
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		sp.abort()
		return nil, err
	}
	if mode == "download" {
		// Serve the bytes; store nothing.
		key := s.newHexID()
		if err := sp.commit(key); err != nil {
			return nil, err
		}
		defer s.blobs.remove(key)
		return s.serveBlob(rc, key, "application/zip", "", "archive.zip", true)
	}
	target := firstNonEmpty(p.get("target_public_id"), s.randString(20, lowerAlnum))
	if !strings.HasSuffix(target, ".zip") {
		target += ".zip"
	}
	if err := publicIDError("target_public_id", target); err != nil {
		sp.abort()
		return nil, err
	}
	now := s.Now().UTC().Truncate(time.Second)
	a := &asset{
		AssetID: s.newHexID(), PublicID: target, ResourceType: "raw", Type: "upload",
		Version: now.Unix(), VersionID: s.newHexID(), Bytes: sp.state().n, ETag: sp.state().sum(),
		CreatedAt: now, UpdatedAt: now, Tags: p.list("target_tags"), AssetFolder: cleanFolder(p.get("target_asset_folder")),
		DisplayName: strings.TrimSuffix(path.Base(target), ".zip"), AccessMode: "public",
	}
	a.Blob = a.VersionID
	s.mu.Lock()
	if old := s.st.assets[a.key()]; old != nil {
		if a.Version <= old.Version {
			a.Version = old.Version + 1
		}
		a.AssetID = old.AssetID
		s.blobs.remove(old.Blob)
	}
	if err := sp.commit(a.Blob); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if err := s.persist.saveAsset(a); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.st.put(a)
	rc.applied = true
	res := s.assetResponse(rc, a, true)
	s.mu.Unlock()
	if mode == "create_and_download" {
		return s.serveBlob(rc, a.Blob, "application/zip", a.ETag, path.Base(target), true)
	}
	res["resource_count"] = len(sel)
	res["file_count"] = len(sel)
	if len(missing) > 0 {
		res["missing_public_ids"] = missing
	}
	return res, nil
}

// handleDownload serves GET .../<rt>/download?public_id=...&signature=... .
func (s *Server) handleDownload(rc *reqCtx) (any, error) {
	p := rc.p
	id := p.get("public_id")
	if id == "" {
		return nil, missingParam("public_id")
	}
	if exp, err := p.integer("expires_at", 0); err != nil {
		return nil, err
	} else if exp > 0 && s.Now().Unix() > exp {
		return nil, badRequest("Download link expired")
	}
	attachment, err := p.boolean("attachment", false)
	if err != nil {
		return nil, err
	}
	key := assetKey{uploadRT(rc), firstNonEmpty(p.get("type"), "upload"), id}
	s.mu.RLock()
	a := s.st.assets[key]
	var c asset
	if a != nil {
		c = *a
	}
	s.mu.RUnlock()
	if a == nil {
		return nil, resourceNotFound(id)
	}
	if f := p.get("format"); f != "" && f != c.Format {
		rc.w.Header().Set("X-Mock-Not-Rendered", "format conversion to "+f+"; original served")
	}
	name := path.Base(c.PublicID)
	if c.Format != "" {
		name += "." + c.Format
	}
	return s.serveBlob(rc, c.Blob, contentTypeFor(c.Format, c.PublicID), c.ETag, name, attachment)
}

// serveBlob writes a blob as the response.
func (s *Server) serveBlob(rc *reqCtx, key, ctype, etag, name string, attachment bool) (any, error) {
	r, err := s.blobs.open(key)
	if err != nil {
		if err == errNoBytes {
			return nil, &apiError{status: http.StatusNotFound, message: "The cldrest mock server stores no bytes with metadata-only storage",
				header: http.Header{"X-Cld-Error": {"Resource bytes not stored (metadata-only storage)"}}}
		}
		return nil, resourceNotFound(name)
	}
	defer r.Close()
	h := rc.w.Header()
	h.Set("Content-Type", ctype)
	if etag != "" {
		h.Set("ETag", `"`+etag+`"`)
	}
	if attachment {
		h.Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	}
	rc.wrote = true
	http.ServeContent(rc.w, rc.r, "", time.Time{}, r)
	return nil, nil
}
