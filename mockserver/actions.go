package mockserver

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/internal/cldvalue"
	"github.com/cldrest/cldrest/mockserver/transform"
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
	var attrs attr
	if p.has("tags") {
		a.Tags, changed, attrs = p.list("tags"), true, attrs|attrTags
	}
	if p.has("context") {
		a.Context, changed, attrs = p.pipeMap("context"), true, attrs|attrContext
	}
	if meta != nil {
		attrs |= attrMetadata
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
		a.touch(s.Now().UTC(), attrs)
		if err := s.persist.saveAsset(a); err != nil {
			return nil, err
		}
		rc.applied = true
	}
	return s.finishAnswer(rc, "explicit", a, media, s.assetResponse(rc, a, true), async)
}

// trashLocked moves a live asset to the trash (kept for restore) and
// deletes its derived assets, which a restore does not bring back; it
// returns how many derived assets went. Caller holds s.mu.
func (s *Server) trashLocked(a *asset) (int, error) {
	derived := s.media.dropDerived(a, nil)
	s.st.remove(a)
	if prev, ok := s.st.trash[a.key()]; ok {
		s.blobs.remove(prev.Blob)
		s.persist.removeAsset(prev.AssetID)
	}
	a.Deleted = true
	a.DeletedAt = s.Now().UTC()
	s.st.trash[a.key()] = a
	return derived, s.persist.saveAsset(a)
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
	if _, err := s.trashLocked(a); err != nil {
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
			if _, err := s.trashLocked(existing); err != nil {
				return nil, err
			}
		}
		s.st.remove(a)
		a.PublicID, a.Type = to, toType
		s.placeInFolder(a)
		a.touch(s.Now().UTC(), attrPublicID)
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
		a.touch(now, attrTags)
		changed = append(changed, a.PublicID)
		rc.applied = true
		return s.persist.saveAsset(a)
	}
	if cmd == "set_exclusive" {
		for _, a := range s.st.assets {
			before := len(a.Tags)
			a.Tags = removeAll(a.Tags, tags)
			if len(a.Tags) != before {
				a.touch(now, attrTags)
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
	return s.updateAssets(rc, as, attrContext, func(a *asset) {
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
// answers {"public_ids": [...]} with the IDs it updated; what names the
// attribute edit changes. Caller holds s.mu.
func (s *Server) updateAssets(rc *reqCtx, as []*asset, what attr, edit func(*asset)) (any, error) {
	changed := []string{}
	for _, a := range as {
		edit(a)
		a.touch(s.Now().UTC(), what)
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
	return s.updateAssets(rc, as, attrMetadata, func(a *asset) {
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
	if f := strings.ToLower(p.get("format")); f != "" && f != c.Format {
		if c.ResourceType != "image" {
			return nil, unsupported("format conversion of " + c.ResourceType + " downloads")
		}
		e, err := s.renderAsset(rc.r.Context(), &c, transform.Plan{}, f, "")
		if err != nil {
			return nil, err
		}
		return nil, s.serveBytes(rc, e.res.Bytes, e.res.ContentType, e.etag, path.Base(c.PublicID)+"."+e.res.Format, attachment, false)
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

// The creative actions (sprite, multi, explode, text, create_slideshow)
// build real images with the transform engine (media.go).

// taggedImages returns the upload-type images carrying tag, by public ID.
func (s *Server) taggedImages(tag string) []*asset {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*asset
	for _, a := range s.st.assets {
		if a.ResourceType == "image" && a.Type == "upload" && a.hasTag(tag) {
			out = append(out, a.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PublicID < out[j].PublicID })
	return out
}

// creativeSources renders the images of a sprite or multi call (by tag, or
// urls for sprite) with the call's transformation and returns them with
// their names.
func (s *Server) creativeSources(rc *reqCtx, allowURLs bool) (string, []string, []image.Image, error) {
	p := rc.p
	tag := p.get("tag")
	urls := p.list("urls")
	if tag == "" && (!allowURLs || len(urls) == 0) {
		if allowURLs {
			return "", nil, nil, badRequest("Must supply either tag or urls")
		}
		return "", nil, nil, missingParam("tag")
	}
	plan, err := s.parsePlan(p.get("transformation"))
	if err != nil {
		return "", nil, nil, err
	}
	var names []string
	var imgs []image.Image
	add := func(name string, b []byte) error {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return badRequest("Invalid image file %s: %v", name, err)
		}
		names, imgs = append(names, name), append(imgs, img)
		return nil
	}
	if tag != "" {
		for _, a := range s.taggedImages(tag) {
			e, err := s.renderAsset(rc.r.Context(), a, plan, "png", "")
			if err != nil {
				return "", nil, nil, err
			}
			if err := add(a.PublicID, e.res.Bytes); err != nil {
				return "", nil, nil, err
			}
		}
		if len(imgs) == 0 {
			return "", nil, nil, notFound("No images found with tag %s", tag)
		}
		return tag, names, imgs, nil
	}
	if len(urls) > 50 {
		return "", nil, nil, badRequest("Too many urls: at most 50")
	}
	for _, u := range urls {
		b, err := s.fetchBytes(rc, u)
		if err != nil {
			return "", nil, nil, err
		}
		src, err := transform.Decode(bytes.NewReader(b), transform.DecodeOptions{})
		if err != nil {
			return "", nil, nil, transformError(err)
		}
		res, err := transform.RenderSource(rc.r.Context(), src, plan, transform.RenderOptions{Format: "png"})
		if err != nil {
			return "", nil, nil, transformError(err)
		}
		s.media.renders.Add(1)
		if err := add(strings.TrimSuffix(path.Base(u), path.Ext(u)), res.Bytes); err != nil {
			return "", nil, nil, err
		}
	}
	return "sprite_" + s.randString(12, lowerAlnum), names, imgs, nil
}

// fetchBytes reads a remote file (or its WithRemoteDir copy) into memory.
func (s *Server) fetchBytes(rc *reqCtx, u string) ([]byte, error) {
	sp, _, _, err := s.fetchRemote(rc, u)
	if err != nil {
		return nil, err
	}
	key := s.newHexID()
	if err := sp.commit(key); err != nil {
		return nil, err
	}
	defer s.blobs.remove(key)
	r, err := s.blobs.open(key)
	if err != nil {
		return nil, badRequest("Error in loading %s - not stored", u)
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, maxAnalysisBytes))
}

// handleSprite serves POST .../image/sprite: the tagged images (or urls)
// stacked vertically in one PNG (or the format asked), with CSS and JSON
// giving each image's position.
func (s *Server) handleSprite(rc *reqCtx) (any, error) {
	id, names, imgs, err := s.creativeSources(rc, true)
	if err != nil {
		return nil, err
	}
	format := firstNonEmpty(strings.ToLower(rc.p.get("format")), "png")
	w, h := 0, 0
	for _, img := range imgs {
		w, h = max(w, img.Bounds().Dx()), h+img.Bounds().Dy()
	}
	if w*h > transform.DefaultMaxPixels {
		return nil, badRequest("Sprite too large: %dx%d pixels", w, h)
	}
	sheet := image.NewNRGBA(image.Rect(0, 0, w, h))
	infos := map[string]any{}
	y := 0
	for i, img := range imgs {
		b := img.Bounds()
		draw.Draw(sheet, image.Rect(0, y, b.Dx(), y+b.Dy()), img, b.Min, draw.Src)
		infos[names[i]] = map[string]int{"x": 0, "y": y, "width": b.Dx(), "height": b.Dy()}
		y += b.Dy()
	}
	res, err := s.encodeFrames(rc, []image.Image{sheet}, nil, format)
	if err != nil {
		return nil, err
	}
	if rc.p.get("mode") == "download" {
		return nil, s.serveBytes(rc, res.Bytes, res.ContentType, md5Hex(res.Bytes), id+"."+res.Format, true, false)
	}
	a, err := s.storeGenerated(rc, "sprite", id, res)
	if err != nil {
		return nil, err
	}
	imageURL := s.deliveryURL(rc, a)
	base := strings.TrimSuffix(imageURL, "."+a.Format)
	var css strings.Builder
	sel := "." + cssName(id)
	fmt.Fprintf(&css, "%s { background: url('%s') no-repeat; }\n", sel, imageURL)
	for _, n := range sortedKeys(infos) {
		in := infos[n].(map[string]int)
		fmt.Fprintf(&css, "%s-%s { background-position: 0px -%dpx; width: %dpx; height: %dpx; }\n", sel, cssName(n), in["y"], in["width"], in["height"])
	}
	js, _ := json.Marshal(map[string]any{"image_infos": infos, "image_url": imageURL})
	s.media.mu.Lock()
	if s.media.extras == nil {
		s.media.extras = map[string][]byte{}
	}
	s.media.extras[a.AssetID+".css"] = []byte(css.String())
	s.media.extras[a.AssetID+".json"] = js
	s.media.mu.Unlock()
	out := map[string]any{"css_url": base + ".css", "secure_css_url": base + ".css", "image_url": imageURL, "secure_image_url": imageURL,
		"json_url": base + ".json", "secure_json_url": base + ".json", "public_id": a.PublicID, "version": a.Version,
		"asset_id": a.AssetID, "image_infos": infos, "width": a.Width, "height": a.Height, "bytes": a.Bytes, "format": a.Format}
	s.notify(rc, "sprite", out)
	return out, nil
}

// handleMulti serves POST .../image/multi: an animated GIF (or WebP/PNG of
// the first frame, as asked by format) of the tagged images, each centred
// on a canvas of the largest size.
func (s *Server) handleMulti(rc *reqCtx) (any, error) {
	id, _, imgs, err := s.creativeSources(rc, false)
	if err != nil {
		return nil, err
	}
	format := firstNonEmpty(strings.ToLower(rc.p.get("format")), "gif")
	if format != "gif" && format != "png" && format != "webp" {
		return nil, unsupported("multi in format " + format + " (gif, png or webp)")
	}
	delay, err := rc.p.integer("delay", 1000)
	if err != nil {
		return nil, err
	}
	w, h := 0, 0
	for _, img := range imgs {
		w, h = max(w, img.Bounds().Dx()), max(h, img.Bounds().Dy())
	}
	if w*h*len(imgs) > transform.DefaultMaxPixels {
		return nil, badRequest("Animation too large: %d frames of %dx%d pixels", len(imgs), w, h)
	}
	frames := make([]image.Image, len(imgs))
	delays := make([]int, len(imgs))
	for i, img := range imgs {
		c := image.NewNRGBA(image.Rect(0, 0, w, h))
		b := img.Bounds()
		off := image.Pt((w-b.Dx())/2, (h-b.Dy())/2)
		draw.Draw(c, b.Sub(b.Min).Add(off), img, b.Min, draw.Src)
		frames[i], delays[i] = c, int(max(delay, 10)/10)
	}
	res, err := s.encodeFrames(rc, frames, delays, format)
	if err != nil {
		return nil, err
	}
	if rc.p.get("mode") == "download" {
		return nil, s.serveBytes(rc, res.Bytes, res.ContentType, md5Hex(res.Bytes), id+"."+res.Format, true, false)
	}
	a, err := s.storeGenerated(rc, "multi", id, res)
	if err != nil {
		return nil, err
	}
	u := s.deliveryURL(rc, a)
	out := map[string]any{"url": u, "secure_url": u, "public_id": a.PublicID, "version": a.Version, "asset_id": a.AssetID,
		"width": a.Width, "height": a.Height, "bytes": a.Bytes, "format": a.Format, "pages": len(frames)}
	s.notify(rc, "multi", out)
	return out, nil
}

// handleExplode serves POST .../image/explode: one derived image per frame
// (pg_1, pg_2, ...) of a multi-frame GIF, listed in the asset's derived
// resources; it answers processing as Cloudinary does.
func (s *Server) handleExplode(rc *reqCtx) (any, error) {
	p := rc.p
	id := p.get("public_id")
	if id == "" {
		return nil, missingParam("public_id")
	}
	t := p.get("transformation")
	if !strings.Contains(t, "pg_all") {
		return nil, badRequest("Transformation must include pg_all")
	}
	rest := strings.Trim(strings.NewReplacer("pg_all,", "", ",pg_all", "", "pg_all", "").Replace(t), ",/")
	key := assetKey{"image", firstNonEmpty(p.get("type"), "upload"), id}
	s.mu.RLock()
	a := s.st.assets[key]
	if a != nil {
		a = a.clone()
	}
	s.mu.RUnlock()
	if a == nil {
		return nil, resourceNotFound(id)
	}
	raw, err := s.readBlob(a)
	if err != nil {
		return nil, err
	}
	info, err := transform.DecodeInfo(raw)
	if err != nil {
		return nil, transformError(err)
	}
	format := firstNonEmpty(strings.ToLower(p.get("format")), "png")
	for n := 1; n <= info.Frames; n++ {
		pt := "pg_" + strconv.Itoa(n)
		if rest != "" {
			pt = rest + "/" + pt
		}
		plan, err := s.parsePlan(pt)
		if err != nil {
			return nil, err
		}
		e, err := s.renderAsset(rc.r.Context(), a, plan, format, "")
		if err != nil {
			return nil, err
		}
		s.media.addDerived(a, derivedAsset{Transformation: plan.String(), Format: e.res.Format, Width: e.res.Width,
			Height: e.res.Height, Bytes: int64(len(e.res.Bytes))}, s.newHexID)
	}
	out := map[string]any{"status": "processing", "batch_id": s.newHexID(), "public_id": a.PublicID}
	s.notify(rc, "explode", map[string]any{"status": "complete", "public_id": a.PublicID, "pages": info.Frames, "batch_id": out["batch_id"]})
	return out, nil
}

// handleText serves POST .../image/text: a PNG of the text in the font
// family, size, colour, weight, style and opacity asked, on the background
// given (transparent by default). text_align and line_spacing change
// nothing here: lines are left-aligned with the font's spacing.
func (s *Server) handleText(rc *reqCtx) (any, error) {
	p := rc.p
	text := p.get("text")
	if text == "" {
		return nil, missingParam("text")
	}
	size, err := p.integer("font_size", 12)
	if err != nil {
		return nil, err
	}
	if size < 1 || size > 1000 {
		return nil, badRequest("Invalid font_size %d: 1-1000", size)
	}
	layer := transform.TextLayer{Family: firstNonEmpty(p.get("font_family"), "Arial"), Size: int(size), Text: text,
		Bold: p.get("font_weight") == "bold", Italic: p.get("font_style") == "italic"}
	col, err := textColor(p.get("font_color"), color.NRGBA{A: 255})
	if err != nil {
		return nil, err
	}
	bg, err := textColor(p.get("background"), color.NRGBA{})
	if err != nil {
		return nil, err
	}
	if d := p.get("text_decoration"); d != "" && d != "none" {
		return nil, unsupported("text_decoration " + d + " in the text action")
	}
	if p.has("opacity") {
		o, err := p.integer("opacity", 100)
		if err != nil || o < 0 || o > 100 {
			return nil, badRequest("Invalid opacity %s: 0-100", p.get("opacity"))
		}
		col.A = uint8(int64(col.A) * o / 100)
	}
	img, err := transform.TextImage(layer, col, bg)
	if err != nil {
		return nil, transformError(err)
	}
	res, err := s.encodeFrames(rc, []image.Image{img}, nil, "png")
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(p.get("public_id"))
	if err := publicIDError("public_id", id); err != nil {
		return nil, err
	}
	if id == "" {
		id = s.randString(20, lowerAlnum)
	}
	a, err := s.storeGenerated(rc, "text", id, res)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := s.assetResponse(rc, a, true)
	s.mu.RUnlock()
	return out, nil
}

// textColor reads a CSS colour name or #RGB/#RRGGBB[AA] through the
// engine's colour parser.
func textColor(v string, def color.NRGBA) (color.NRGBA, error) {
	if v == "" {
		return def, nil
	}
	plan, err := transform.Parse("co_" + strings.Replace(v, "#", "rgb:", 1))
	if err != nil || len(plan.Steps) != 1 || plan.Steps[0].Color == nil {
		return def, badRequest("Invalid color %s", v)
	}
	return plan.Steps[0].Color.Value, nil
}

// handleCreateSlideshow serves POST .../video/create_slideshow: it answers
// processing as Cloudinary does; the mock renders no video, so the
// notification that follows reports the slideshow as failed, saying so.
func (s *Server) handleCreateSlideshow(rc *reqCtx) (any, error) {
	p := rc.p
	if p.get("manifest_transformation") == "" && p.get("manifest_json") == "" {
		return nil, badRequest("Must supply either manifest_transformation or manifest_json")
	}
	if mj := p.get("manifest_json"); mj != "" && !json.Valid([]byte(mj)) {
		return nil, badRequest("Invalid manifest_json: not JSON")
	}
	id := firstNonEmpty(p.get("public_id"), s.randString(20, lowerAlnum))
	if err := publicIDError("public_id", id); err != nil {
		return nil, err
	}
	out := map[string]any{"status": "processing", "public_id": id, "batch_id": s.newHexID()}
	s.notify(rc, "create_slideshow", map[string]any{"status": "failed", "public_id": id, "batch_id": out["batch_id"],
		"error": map[string]any{"message": "The cldrest mock server does not render videos: no slideshow was created"}})
	return out, nil
}

func cssName(s string) string { return strings.NewReplacer("/", "-", " ", "_", ".", "_").Replace(s) }

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
