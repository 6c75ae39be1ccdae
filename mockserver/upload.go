package mockserver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cldrest/cldrest/internal/cldvalue"
	"github.com/cldrest/cldrest/signer"
)

// handleUpload serves POST .../<rt>/upload: single requests and chunks.
func (s *Server) handleUpload(rc *reqCtx) (any, error) {
	rtPath := rc.segs[0]
	chunk, err := parseChunkHeaders(rc.r)
	if err != nil {
		drainBody(rc.r)
		return nil, err
	}
	if err := s.limitUploadBody(rc, chunk); err != nil {
		return nil, err
	}
	var sp spool
	var piece *chunkPiece
	var sess *chunkSession
	cleanup := func() {
		if sp != nil {
			sp.abort()
		}
		if piece != nil {
			piece.discard()
		}
	}
	sink := func(fp filePart) error {
		if fp.field != "file" {
			_, err := io.Copy(io.Discard, fp.r)
			return err
		}
		if sp != nil || piece != nil {
			return badRequest("More than one file part in the request")
		}
		rc.fileDsc = fp.filename
		var r io.Reader = fp.r
		if _, inMemory := s.blobs.(*memoryStore); inMemory && !rc.hold.verified {
			r = &heldReader{r: r, h: rc.hold} // memory kept for a request not verified yet
		}
		if chunk != nil {
			sess = s.sessions.get(s, chunk.id)
			pc, err := sess.put(s, chunk, r)
			piece = pc
			if pc != nil {
				rc.fileLen = pc.n
			}
			if want := chunk.end - chunk.start + 1; err == nil && pc.n > want {
				rc.body.stop() // more bytes than the range announced: read no further
				return badRequest("Content-Range bytes %d-%d does not match the chunk's more than %d bytes", chunk.start, chunk.end, want)
			}
			return err
		}
		var err error
		sp, err = s.blobs.newSpool()
		if err != nil {
			return err
		}
		limit := s.cfg.maxUpload
		if limit > 0 {
			r = io.LimitReader(r, limit+1)
		}
		n, err := io.Copy(sp, r)
		rc.fileLen = n
		if ae := (*apiError)(nil); errors.As(err, &ae) {
			return err
		}
		if err != nil {
			return badRequest("Could not read the file part: %v", err)
		}
		if limit > 0 && n > limit {
			// Look a little further for the end of the part, to give the
			// exact size of a file just over the limit; never read the rest.
			const peek = 64 << 10
			rest, _ := io.CopyN(io.Discard, fp.r, peek)
			got := strconv.FormatInt(n+rest, 10)
			if rest == peek {
				got = "more than " + got
				rc.body.stop()
			}
			return badRequest("File size too large. Got %s. Maximum is %d. Upload larger files in chunks (X-Unique-Upload-Id and Content-Range headers)", got, limit)
		}
		return nil
	}
	if err := rc.parse(sink); err != nil {
		cleanup()
		return nil, err
	}
	if err := rc.authUpload(true); err != nil {
		cleanup()
		return nil, err
	}
	p := rc.p
	if err := checkUnsupportedParams(p); err != nil {
		cleanup()
		return nil, err
	}
	if rc.auth.preset != nil {
		applyPreset(p, rc.auth.preset)
	} else if name := p.get("upload_preset"); name != "" {
		s.mu.RLock()
		pr, ok := s.st.cfg.Presets[name]
		s.mu.RUnlock()
		if !ok {
			cleanup()
			return nil, badRequest("Upload preset not found: %s", name)
		}
		applyPreset(p, pr)
	}
	if chunk != nil {
		if piece == nil {
			cleanup()
			return nil, missingParam("file")
		}
		return s.finishChunk(rc, rtPath, chunk, sess, piece)
	}
	filename := rc.fileDsc
	placeholder := false
	if sp == nil {
		file := p.get("file")
		var err error
		sp, filename, placeholder, err = s.fetchFile(rc, file)
		if err != nil {
			return nil, err
		}
	}
	res, err := s.createAsset(rc, rtPath, sp, filename, placeholder)
	if err != nil {
		sp.abort()
		return nil, err
	}
	return res, nil
}

// limitUploadBody bounds what an upload request may send: a chunk its
// Content-Range length, any other upload the largest file without chunks
// (or the largest form, for data URIs), plus its parameters and multipart
// framing. A Content-Length above that is refused before any byte is read.
func (s *Server) limitUploadBody(rc *reqCtx, ch *chunkHeader) error {
	if ch != nil {
		n := ch.end - ch.start + 1
		if err := rc.limitBody(n + maxParamsBytes + bodyOverhead); err != nil {
			return badRequest("Content-Range bytes %d-%d announces %d bytes, but the request is %d bytes long (Content-Length): send one chunk per request", ch.start, ch.end, n, rc.r.ContentLength)
		}
		return nil
	}
	limit := s.cfg.maxUpload
	if limit <= 0 {
		return nil
	}
	if err := rc.limitBody(max(limit, maxFormBytes) + maxParamsBytes + bodyOverhead); err != nil {
		return badRequest("File size too large. Got %d. Maximum is %d. Upload larger files in chunks (X-Unique-Upload-Id and Content-Range headers)", rc.r.ContentLength, limit)
	}
	return nil
}

// applyPreset fills parameters from an upload preset's settings; request
// parameters win.
func applyPreset(p *params, pr *preset) {
	for k, v := range pr.Settings {
		if !p.has(k) && v != "" {
			p.raw[k] = []string{v}
		}
	}
}

// fetchFile turns the file parameter (URL or data URI) into a spool.
func (s *Server) fetchFile(rc *reqCtx, file string) (spool, string, bool, error) {
	switch {
	case file == "":
		return nil, "", false, missingParam("file")
	case strings.HasPrefix(file, "data:"):
		meta, data, ok := strings.Cut(file, ",")
		if !ok || !strings.HasSuffix(meta, ";base64") {
			return nil, "", false, badRequest("Invalid file parameter: data URIs must be data:<mime>;base64,<data>")
		}
		raw, err := decodeBase64Bytes(data)
		if err != nil {
			return nil, "", false, badRequest("Invalid file parameter: bad base64 in data URI")
		}
		sp, err := s.blobs.newSpool()
		if err != nil {
			return nil, "", false, err
		}
		_, _ = sp.Write(raw)
		rc.fileLen = int64(len(raw))
		rc.fileDsc = "data URI"
		return sp, "file", false, nil
	case strings.HasPrefix(file, "http://") || strings.HasPrefix(file, "https://"):
		rc.fileDsc = file
		return s.fetchRemote(rc, file)
	case strings.HasPrefix(file, "ftp://") || strings.HasPrefix(file, "s3://") || strings.HasPrefix(file, "gs://") || strings.HasPrefix(file, "gcs://"):
		return nil, "", false, unsupported("fetching " + strings.SplitN(file, ":", 2)[0] + " URLs")
	}
	return nil, "", false, badRequest("Invalid file parameter: send a multipart file part, an http(s) URL or a base64 data URI")
}

func decodeBase64Bytes(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("bad base64")
}

func (s *Server) fetchRemote(rc *reqCtx, raw string) (spool, string, bool, error) {
	name := path.Base(strings.SplitN(strings.SplitN(raw, "?", 2)[0], "#", 2)[0])
	fail := func(reason string) (spool, string, bool, error) {
		if s.cfg.offlineRemote {
			sp, err := s.blobs.newSpool()
			if err != nil {
				return nil, "", false, err
			}
			_, _ = sp.Write(placeholderPNG)
			rc.fileLen = int64(len(placeholderPNG))
			return sp, name, true, nil
		}
		return nil, "", false, badRequest("Error in loading %s - %s", raw, reason)
	}
	if sp, found, ok, err := s.remoteFromDir(rc, raw); ok && (found || err != nil) {
		return sp, name, false, err
	} else if ok {
		return fail("404 Not Found")
	}
	req, err := http.NewRequestWithContext(rc.r.Context(), http.MethodGet, raw, nil)
	if err != nil {
		return fail("ERR_INVALID_URL")
	}
	resp, err := s.remote.Do(req)
	if err != nil {
		return fail("ERR_DNS_FAIL 0")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode))
	}
	sp, err := s.blobs.newSpool()
	if err != nil {
		return nil, "", false, err
	}
	n, err := io.Copy(sp, resp.Body)
	if err != nil {
		sp.abort()
		return fail("ERR_READ " + err.Error())
	}
	rc.fileLen = n
	return sp, name, false, nil
}

// publicIDError validates a public ID (or folder): no NUL or control
// characters, no empty, "." or ".." segments (also when percent-decoded),
// no leading slash. Storage never uses public IDs as file names, so this is
// about answering clearly, not about containment.
func publicIDError(field, id string) error {
	if id == "" {
		return nil
	}
	if len(id) > 1024 {
		return badRequest("Invalid %s: longer than 1024 characters", field)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r == utf8RuneError {
			return badRequest("Invalid %s %q: control characters are not allowed", field, id)
		}
	}
	check := func(v string) error {
		if strings.HasPrefix(v, "/") {
			return badRequest("Invalid %s %q: must not start with /", field, id)
		}
		for _, seg := range strings.Split(v, "/") {
			switch seg {
			case "":
				return badRequest("Invalid %s %q: empty path segment", field, id)
			case ".", "..":
				return badRequest("Invalid %s %q: path segments . and .. are not allowed", field, id)
			}
		}
		return nil
	}
	if err := check(id); err != nil {
		return err
	}
	if dec, err := url.PathUnescape(id); err == nil && dec != id {
		if strings.ContainsRune(dec, 0) {
			return badRequest("Invalid %s %q: control characters are not allowed", field, id)
		}
		if err := check(dec); err != nil {
			return err
		}
	}
	return nil
}

const utf8RuneError = '\uFFFD'

// cleanFolder trims slashes around a folder path.
func cleanFolder(f string) string { return strings.Trim(strings.TrimSpace(f), "/") }

// normalizeFilename turns a file name into a public ID component.
func normalizeFilename(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func splitExt(name string) (string, string) {
	ext := path.Ext(name)
	if ext == "" || len(ext) > 12 {
		return name, ""
	}
	return strings.TrimSuffix(name, ext), strings.ToLower(ext[1:])
}

// createAsset stores the spooled bytes as an asset and answers the upload
// response. It consumes sp (commits or aborts it).
func (s *Server) createAsset(rc *reqCtx, rtPath string, sp spool, filename string, placeholder bool) (any, error) {
	p := rc.p
	hs := sp.state()
	det := sniff(hs.prefix)
	hs.releasePrefix() // nothing reads it again
	rt := rtPath
	switch rtPath {
	case "auto":
		rt = det.rt
	case "image":
		if det.rt != "image" {
			return nil, badRequest("Invalid image file")
		}
	case "video":
		if det.rt != "video" {
			return nil, badRequest("Invalid video file")
		}
	case "raw":
		det = sniffed{rt: "raw"}
	}
	if rt == "raw" {
		det.format, det.width, det.height = "", 0, 0
	}
	if allowed := p.list("allowed_formats"); len(allowed) > 0 {
		got := det.format
		if rt == "raw" {
			_, got = splitExt(path.Base(filename))
		}
		ok := false
		for _, f := range allowed {
			if strings.EqualFold(f, got) || strings.EqualFold(f, "jpeg") && got == "jpg" {
				ok = true
			}
		}
		if !ok {
			return nil, badRequest("%s file format %s not allowed", capitalize(rt), firstNonEmpty(got, "(unknown)"))
		}
	}
	if f := strings.ToLower(p.get("format")); f != "" && rt != "image" && f != det.format && !(f == "jpeg" && det.format == "jpg") {
		return nil, unsupported("format conversion on upload (format=" + f + ")")
	}
	media, err := s.parseMediaRequest(p, rt)
	if err != nil {
		return nil, err
	}
	typ := firstNonEmpty(p.get("type"), "upload")
	if typ != "upload" && typ != "private" && typ != "authenticated" {
		return nil, badRequest("Invalid type %s: the mock stores upload, private and authenticated assets", typ)
	}
	if v := p.get("filename_override"); v != "" {
		filename = v
	}
	base := path.Base(strings.ReplaceAll(filename, "\\", "/"))
	if base == "." || base == "/" {
		base = ""
	}
	origName, ext := splitExt(base)
	if rt != "raw" && det.format == "" && ext != "" {
		det.format = ext
	}
	async, err := p.boolean("async", false)
	if err != nil {
		return nil, err
	}
	overwrite, err := p.boolean("overwrite", rc.auth.mode != "unsigned")
	if err != nil {
		return nil, err
	}
	useFilename, err := p.boolean("use_filename", false)
	if err != nil {
		return nil, err
	}
	uniqueFilename, err := p.boolean("unique_filename", true)
	if err != nil {
		return nil, err
	}
	folder := cleanFolder(p.get("folder"))
	assetFolder := cleanFolder(p.get("asset_folder"))
	for f, v := range map[string]string{"folder": folder, "asset_folder": assetFolder, "public_id_prefix": p.get("public_id_prefix")} {
		if err := publicIDError(f, v); err != nil {
			return nil, err
		}
	}
	if assetFolder == "" && folder != "" {
		assetFolder = folder
	}
	publicID := strings.TrimSpace(p.get("public_id"))
	if err := publicIDError("public_id", publicID); err != nil {
		return nil, err
	}
	if publicID == "" {
		if useFilename && origName != "" {
			publicID = normalizeFilename(origName)
			if uniqueFilename {
				publicID += "_" + s.randString(6, lowerAlnum)
			}
		} else {
			publicID = s.randString(20, lowerAlnum)
		}
		if rt == "raw" && ext != "" {
			publicID += "." + ext
		}
	}
	var prefixes []string
	if pre := cleanFolder(p.get("public_id_prefix")); pre != "" {
		prefixes = append(prefixes, pre)
	}
	if ok, _ := p.boolean("use_asset_folder_as_public_id_prefix", false); ok && assetFolder != "" && folder == "" {
		prefixes = append(prefixes, assetFolder)
	}
	if folder != "" {
		prefixes = append(prefixes, folder)
	}
	if len(prefixes) > 0 {
		publicID = strings.Join(prefixes, "/") + "/" + publicID
	}
	if err := publicIDError("public_id", publicID); err != nil {
		return nil, err
	}
	tags := p.list("tags")
	ctxMap := p.pipeMap("context")
	meta, err := s.parseMetadata(p.pipeMap("metadata"))
	if err != nil {
		return nil, err
	}
	mods, err := parseModeration(p.get("moderation"), s.Now())
	if err != nil {
		return nil, err
	}
	displayName := p.get("display_name")
	if displayName == "" {
		if ok, _ := p.boolean("use_filename_as_display_name", false); ok && origName != "" {
			displayName = origName
		} else {
			displayName = path.Base(publicID)
			if rt == "raw" {
				displayName, _ = splitExt(displayName)
			}
		}
	}
	now := s.Now().UTC().Truncate(time.Second)
	key := assetKey{rt, typ, publicID}
	if !overwrite { // an existing asset answers before any work on the new one (storing, rendering)
		if res := s.existingAnswer(rc, key); res != nil {
			sp.abort()
			return res, nil
		}
	}

	a := &asset{
		AssetID:          s.newHexID(),
		PublicID:         publicID,
		ResourceType:     rt,
		Type:             typ,
		Format:           det.format,
		VersionID:        s.newHexID(),
		Width:            det.width,
		Height:           det.height,
		Bytes:            hs.n,
		ETag:             hs.sum(),
		CreatedAt:        now,
		UpdatedAt:        now,
		Tags:             tags,
		Context:          ctxMap,
		Metadata:         meta,
		AssetFolder:      assetFolder,
		DisplayName:      displayName,
		OriginalFilename: origName,
		Placeholder:      placeholder,
		AccessMode:       firstNonEmpty(p.get("access_mode"), "public"),
		Moderation:       mods,
	}
	s.placeInFolder(a)
	if det.rt == "image" && det.format == "pdf" {
		a.Pages = 1
	}
	a.Blob = a.VersionID
	if err := sp.commit(a.Blob); err != nil {
		return nil, err
	}
	// The incoming transformation renders before the lock is taken, so a
	// slow render never stalls the rest of the mock.
	if err := s.applyIncoming(rc, a, media); err != nil {
		s.blobs.remove(a.Blob)
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.assets[key]
	if old != nil && !overwrite { // created while this one rendered
		s.blobs.remove(a.Blob)
		return existingResponse(s.assetResponse(rc, old, true)), nil
	}
	a.Version = now.Unix()
	if old != nil && a.Version <= old.Version {
		a.Version = old.Version + 1
	}
	if old != nil {
		a.AssetID = old.AssetID // the asset ID is immutable across overwrites
	}
	if err := s.storeLocked(a, old); err != nil {
		return nil, err
	}
	rc.applied = true
	res := s.assetResponse(rc, a, true)
	if old != nil {
		res["overwritten"] = true
	}
	return s.finishAnswer(rc, "upload", a, media, res, async)
}

// finishAnswer completes the answer of an upload or explicit call: the
// media fields, the notification (event), then the pending answer instead
// when the call was async.
func (s *Server) finishAnswer(rc *reqCtx, event string, a *asset, media *mediaRequest, res map[string]any, async bool) (any, error) {
	if err := s.answerMedia(rc, a, media, res); err != nil {
		return nil, err
	}
	s.notify(rc, event, res)
	if async {
		return s.pending(a), nil
	}
	return res, nil
}

// existingAnswer is the answer to an upload with overwrite=false of an
// asset that exists (nil when it does not): that asset, marked existing.
func (s *Server) existingAnswer(rc *reqCtx, key assetKey) map[string]any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if old := s.st.assets[key]; old != nil {
		return existingResponse(s.assetResponse(rc, old, true))
	}
	return nil
}

func existingResponse(res map[string]any) map[string]any {
	res["existing"] = true
	return res
}

// pending is the answer to an async request (spec §7.2): Cloudinary
// acknowledges at once and reports the result through the notification;
// the mock has already done the work.
func (s *Server) pending(a *asset) map[string]any {
	return map[string]any{"status": "pending", "resource_type": a.ResourceType, "type": a.Type,
		"public_id": a.PublicID, "batch_id": s.newHexID()}
}

// parseMetadata checks every external ID of a decoded metadata parameter
// against the defined metadata fields and keeps set values (["a","b"]) as
// arrays. Caller must not hold s.mu.
func (s *Server) parseMetadata(m map[string]string) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	s.mu.RLock()
	var missing []string
	for k := range m {
		if _, ok := s.st.cfg.MetadataFields[k]; !ok {
			missing = append(missing, strconv.Quote(k))
		}
	}
	s.mu.RUnlock()
	if len(missing) > 0 {
		sortStrings(missing)
		return nil, badRequest("Metadata External IDs do not exist: [%s]", strings.Join(missing, ","))
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cldvalue.ParseMetadataValue(v)
	}
	return out, nil
}

var moderationKinds = map[string]bool{
	"manual": true, "webpurify": true, "aws_rek": true, "perception_point": true,
	"aws_rek_video": true, "google_video_moderation": true, "duplicate": true,
}

func parseModeration(raw string, now time.Time) ([]moderation, error) {
	if raw == "" {
		return nil, nil
	}
	var out []moderation
	for _, m := range strings.Split(raw, "|") {
		kind, _, _ := strings.Cut(strings.TrimSpace(m), ":")
		if !moderationKinds[kind] {
			return nil, badRequest("Moderation %s moderation is not valid", m)
		}
		status := "approved"
		if kind == "manual" {
			status = "pending"
		}
		out = append(out, moderation{Kind: kind, Status: status, UpdatedAt: now.UTC()})
	}
	return out, nil
}

// deliveryURL builds the mock's own delivery URL for an asset.
func (s *Server) deliveryURL(rc *reqCtx, a *asset) string {
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	host := rc.r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	id := escapePublicID(a.PublicID)
	if a.Format != "" {
		id += "." + a.Format
	}
	return fmt.Sprintf("%s://%s/%s/%s/%s/v%d/%s", scheme, host, s.cfg.cloud, a.ResourceType, a.Type, a.Version, id)
}

func escapePublicID(id string) string {
	segs := strings.Split(id, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}

// assetResponse renders an asset as the Upload API does (spec §7.1). The
// caller holds s.mu (read or write).
func (s *Server) assetResponse(rc *reqCtx, a *asset, withSignature bool) map[string]any {
	u := s.deliveryURL(rc, a)
	res := map[string]any{
		"asset_id":      a.AssetID,
		"public_id":     a.PublicID,
		"version":       a.Version,
		"version_id":    a.VersionID,
		"resource_type": a.ResourceType,
		"created_at":    a.CreatedAt.UTC().Format(time.RFC3339),
		"tags":          nonNil(a.Tags),
		"bytes":         a.Bytes,
		"type":          a.Type,
		"etag":          a.ETag,
		"placeholder":   a.Placeholder,
		"url":           u,
		"secure_url":    u,
		"asset_folder":  a.AssetFolder,
		"display_name":  a.DisplayName,
		"access_mode":   a.AccessMode,
		"api_key":       firstNonEmpty(rc.auth.key, s.cfg.creds[0].key),
	}
	if withSignature {
		secret := rc.auth.secret
		if secret == "" {
			secret = s.cfg.creds[0].secret
		}
		res["signature"] = signer.ResponseSignature(a.PublicID, a.Version, secret, rc.auth.responseAlg())
	}
	if a.Format != "" {
		res["format"] = a.Format
	}
	if a.Width > 0 || a.Height > 0 {
		res["width"], res["height"] = a.Width, a.Height
	}
	if a.Pages > 0 {
		res["pages"] = a.Pages
	}
	if a.Folder != "" {
		res["folder"] = a.Folder
	}
	if a.OriginalFilename != "" {
		res["original_filename"] = a.OriginalFilename
	}
	if len(a.Context) > 0 {
		res["context"] = map[string]any{"custom": a.Context}
	}
	if len(a.Metadata) > 0 {
		res["metadata"] = a.Metadata
	}
	if len(a.Moderation) > 0 {
		res["moderation"] = a.Moderation
	}
	return res
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
