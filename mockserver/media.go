package mockserver

import (
	"bytes"
	"container/list"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cldrest/cldrest/mockserver/transform"
)

// This file is the mock's media side: rendering delivery URLs and derived
// assets with the transform engine (cached per source, plan and format),
// upload-time transformations, eager and responsive breakpoints, and the
// analysis fields (colors, phash, faces, ...).

// maxRenderCacheBytes bounds the memory the render cache keeps.
const maxRenderCacheBytes = 64 << 20

// mediaState is the mock's derived assets and its render cache. Its zero
// value is ready; it has its own lock, taken inside s.mu when both are held.
type mediaState struct {
	mu      sync.Mutex
	derived map[string][]derivedAsset // by asset ID
	extras  map[string][]byte         // sprite CSS and JSON, by asset ID + "." + ext
	lru     *list.List                // of *cacheEntry, most recent first
	index   map[string]*list.Element
	size    int64
	renders atomic.Int64  // renders performed (cache misses), for tests and benchmarks
	slots   chan struct{} // bounds concurrent renders (each may hold DefaultMaxPixels)
}

// maxConcurrentRenders bounds the renders running at once, so that parallel
// requests for huge sizes cannot take more than a few hundred MiB.
const maxConcurrentRenders = 4

// acquire waits for a render slot; release gives it back.
func (m *mediaState) acquire(ctx context.Context) error {
	m.mu.Lock()
	if m.slots == nil {
		m.slots = make(chan struct{}, maxConcurrentRenders)
	}
	slots := m.slots
	m.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *mediaState) release() {
	m.mu.Lock()
	slots := m.slots
	m.mu.Unlock()
	<-slots
}

// derivedAsset is one derived version of an asset (eager, breakpoints,
// explode pages).
type derivedAsset struct {
	ID             string
	ETag           string // of the source bytes it was derived from
	Transformation string // the plan's canonical form
	Format         string
	Width, Height  int
	Bytes          int64
}

type cacheEntry struct {
	key  string
	res  *transform.Result
	etag string
}

// renderKey identifies a render: the source bytes (by MD5), the plan as it
// executes (named transformations expanded), the output format asked for
// and, for f_auto, whether the request accepts WebP.
func renderKey(etag string, plan transform.Plan, format, accept string) string {
	steps := plan.Flatten()
	parts := make([]string, len(steps))
	auto := false
	for i, st := range steps {
		parts[i] = st.String()
		auto = auto || st.Format == "auto"
	}
	k := etag + "\x00" + strings.Join(parts, "/") + "\x00" + format
	if auto && strings.Contains(accept, "image/webp") {
		k += "\x00webp"
	}
	return k
}

func (m *mediaState) get(key string) *cacheEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.index[key]; ok {
		m.lru.MoveToFront(el)
		return el.Value.(*cacheEntry)
	}
	return nil
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func (m *mediaState) put(key string, res *transform.Result) *cacheEntry {
	e := &cacheEntry{key: key, res: res, etag: md5Hex(res.Bytes)}
	n := int64(len(res.Bytes))
	if n > maxRenderCacheBytes/4 {
		return e
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		m.lru, m.index = list.New(), map[string]*list.Element{}
	}
	if el, ok := m.index[key]; ok {
		m.lru.MoveToFront(el)
		return el.Value.(*cacheEntry)
	}
	m.index[key] = m.lru.PushFront(e)
	m.size += n
	for m.size > maxRenderCacheBytes {
		last := m.lru.Back()
		old := last.Value.(*cacheEntry)
		m.lru.Remove(last)
		delete(m.index, old.key)
		m.size -= int64(len(old.res.Bytes))
	}
	return e
}

// reset forgets derived assets and cached renders (Server.Reset).
func (m *mediaState) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.derived, m.extras = nil, nil // slots stay: renders may be running
	m.lru, m.index, m.size = nil, nil, 0
}

// addDerived records a derived asset of a, replacing one with the same
// transformation and format.
func (m *mediaState) addDerived(a *asset, d derivedAsset, newID func() string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.derived == nil {
		m.derived = map[string][]derivedAsset{}
	}
	list := m.derived[a.AssetID][:0:0]
	for _, x := range m.derived[a.AssetID] {
		if x.ETag == a.ETag && (x.Transformation != d.Transformation || x.Format != d.Format) {
			list = append(list, x)
		}
	}
	d.ID, d.ETag = newID(), a.ETag
	m.derived[a.AssetID] = append(list, d)
}

// derivedOf returns the derived assets of a's current bytes.
func (m *mediaState) derivedOf(a *asset) []derivedAsset {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []derivedAsset
	for _, d := range m.derived[a.AssetID] {
		if d.ETag == a.ETag {
			out = append(out, d)
		}
	}
	return out
}

// deleteDerived removes derived assets by ID (DELETE derived_resources) and
// reports each ID as "deleted" or "not_found".
func (s *Server) deleteDerived(ids []string) map[string]string {
	m := &s.media
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		out[id] = "not_found"
	}
	for aid, list := range m.derived {
		kept := list[:0:0]
		for _, d := range list {
			if _, ok := out[d.ID]; ok {
				out[d.ID] = "deleted"
				continue
			}
			kept = append(kept, d)
		}
		m.derived[aid] = kept
	}
	return out
}

// dropDerived removes the derived assets of a (all of them, or only those
// whose transformation is in only) and returns how many of its current
// bytes' derived assets went, the count Cloudinary reports as
// deleted_counts.derived.
func (m *mediaState) dropDerived(a *asset, only map[string]bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	kept := m.derived[a.AssetID][:0:0]
	for _, d := range m.derived[a.AssetID] {
		if only != nil && !only[d.Transformation] {
			kept = append(kept, d)
			continue
		}
		if d.ETag == a.ETag {
			n++
		}
	}
	if len(kept) == 0 {
		delete(m.derived, a.AssetID)
	} else {
		m.derived[a.AssetID] = kept
	}
	return n
}

// derivedTransformations parses the "|"-separated transformations of a
// derived delete into the canonical forms derived assets are recorded
// under; nil when the request names none. One the engine cannot parse is
// kept as given: nothing was derived with it, so it deletes nothing.
func (s *Server) derivedTransformations(p *params) map[string]bool {
	raw := p.get("transformations")
	if raw == "" {
		return nil
	}
	out := map[string]bool{}
	for _, t := range strings.Split(raw, "|") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if plan, err := s.parsePlan(t); err == nil {
			t = plan.String()
		}
		out[t] = true
	}
	return out
}

// renderAsset renders plan on a's stored bytes, from the cache when the
// same source, plan and format were rendered before.
func (s *Server) renderAsset(ctx context.Context, a *asset, plan transform.Plan, format, accept string) (*cacheEntry, error) {
	return s.renderFrom(ctx, a, nil, plan, format, accept)
}

// renderFrom is renderAsset reading raw (a's bytes, read before) when it is
// not nil.
func (s *Server) renderFrom(ctx context.Context, a *asset, raw []byte, plan transform.Plan, format, accept string) (*cacheEntry, error) {
	key := renderKey(a.ETag, plan, format, accept)
	if e := s.media.get(key); e != nil {
		return e, nil
	}
	var src io.Reader
	if raw != nil {
		src = bytes.NewReader(raw)
	} else {
		r, err := s.blobs.open(a.Blob)
		if err != nil {
			if errors.Is(err, errNoBytes) {
				return nil, badRequest("The cldrest mock server cannot render %s: its bytes are not stored (metadata-only storage)", a.PublicID)
			}
			return nil, resourceNotFound(a.PublicID)
		}
		defer r.Close()
		src = r
	}
	if err := s.media.acquire(ctx); err != nil {
		return nil, transformError(err)
	}
	defer s.media.release()
	res, err := transform.Render(ctx, src, plan, transform.RenderOptions{Accept: accept, Format: format})
	if err != nil {
		return nil, transformError(err)
	}
	s.media.renders.Add(1)
	return s.media.put(key, res), nil
}

// transformError turns an engine error into the 400 Cloudinary answers,
// with its message in X-Cld-Error as well.
func transformError(err error) error {
	var te *transform.Error
	if errors.As(err, &te) {
		return deliveryError(http.StatusBadRequest, te.Msg)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return deliveryError(http.StatusBadRequest, "Rendering interrupted: "+err.Error())
	}
	return deliveryError(http.StatusBadRequest, "Invalid image file: "+err.Error())
}

// parsePlan parses a transformation, resolving t_ names with the stored
// named transformations. Caller must not hold s.mu.
func (s *Server) parsePlan(t string) (transform.Plan, error) {
	plan, err := transform.Parse(t, transform.WithNamed(func(name string) (string, bool) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		nt, ok := s.st.cfg.Transformations[name]
		if !ok {
			return "", false
		}
		return nt.Transformation, true
	}))
	if err != nil {
		return plan, transformError(err)
	}
	return plan, nil
}

// deliverMedia serves what a delivery URL asks of an image: the rendered
// transformation or format conversion, a sprite's CSS or JSON, and refuses
// video transformations. It reports false when the stored bytes should be
// served as they are. signed tells whether the URL carried a valid s--…--
// signature (strict transformations let signed URLs through).
func (s *Server) deliverMedia(rc *reqCtx, a *asset, trans []string, ext string, signed bool) (bool, error) {
	if a.Type == "sprite" && (ext == "css" || ext == "json") {
		s.media.mu.Lock()
		b, ok := s.media.extras[a.AssetID+"."+ext]
		s.media.mu.Unlock()
		if !ok {
			return true, deliveryError(http.StatusNotFound, "Resource not found - "+a.PublicID+"."+ext)
		}
		ctype := "text/css"
		if ext == "json" {
			ctype = "application/json"
		}
		return true, s.serveBytes(rc, b, ctype, a.ETag+ext, "", false, false)
	}
	switch a.ResourceType {
	case "video":
		if len(trans) > 0 {
			return true, deliveryError(http.StatusBadRequest, "The cldrest mock server does not render video transformations ("+strings.Join(trans, "/")+"); it serves videos as stored")
		}
		return false, nil
	case "image":
	default:
		return false, nil
	}
	sameFormat := ext == "" || ext == a.Format || ext == "jpeg" && a.Format == "jpg" || ext == "jpg" && a.Format == "jpeg"
	if len(trans) == 0 && sameFormat {
		return false, nil
	}
	plan, err := s.parsePlan(strings.Join(trans, "/"))
	if err != nil {
		return true, err
	}
	if s.cfg.strict && !signed && !s.allowedForStrict(a, trans, plan, firstNonEmpty(ext, a.Format)) {
		return true, deliveryError(http.StatusUnauthorized, "Transformation "+strings.Join(trans, "/")+"/ is not allowed")
	}
	accept := rc.r.Header.Get("Accept")
	e, err := s.renderAsset(rc.r.Context(), a, plan, ext, accept)
	if err != nil {
		return true, err
	}
	auto := false
	for _, st := range plan.Flatten() {
		auto = auto || st.Format == "auto"
	}
	name := ""
	if e.res.Attachment {
		name = firstNonEmpty(e.res.AttachmentName, path.Base(a.PublicID))
		if path.Ext(name) == "" {
			name += "." + e.res.Format
		}
	}
	return true, s.serveBytes(rc, e.res.Bytes, e.res.ContentType, e.etag, name, e.res.Attachment, auto)
}

// WithStrictTransformations turns on Cloudinary's strict transformations
// for images: a delivery URL may render only a derived asset generated
// before (eager, explicit, responsive breakpoints with create_derived, in
// the same transformation and extension), named transformations marked
// allowed_for_strict (alone in the URL), transformations stored with
// allowed_for_strict, and signed URLs. Others answer 401 with
// "Transformation <t>/ is not allowed" in X-Cld-Error.
func WithStrictTransformations() Option { return func(c *config) { c.strict = true } }

// allowedForStrict reports whether a delivery URL's transformation may be
// rendered under strict transformations.
func (s *Server) allowedForStrict(a *asset, trans []string, plan transform.Plan, format string) bool {
	t := plan.String()
	for _, d := range s.media.derivedOf(a) {
		if d.Transformation == t && (d.Format == format || d.Format == "jpg" && format == "jpeg") {
			return true
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if nt, ok := s.st.cfg.Transformations[strings.Join(trans, "/")]; ok && nt.AllowedForStrict {
		return true
	}
	if len(trans) == 0 {
		return false
	}
	for _, comp := range trans {
		for _, name := range strings.Split(strings.TrimPrefix(comp, "t_"), ".") {
			nt, ok := s.st.cfg.Transformations[name]
			if !strings.HasPrefix(comp, "t_") || strings.Contains(comp, ",") || !ok || !nt.AllowedForStrict {
				return false
			}
		}
	}
	return true
}

// serveBytes writes a rendered or generated body as a delivery answer.
func (s *Server) serveBytes(rc *reqCtx, b []byte, ctype, etag, name string, attachment, varyAccept bool) error {
	h := rc.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+etag+`"`)
	h.Set("Cache-Control", "public, max-age=2592000")
	if varyAccept {
		h.Set("Vary", "Accept")
	}
	if attachment {
		h.Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	}
	rc.wrote = true
	http.ServeContent(rc.w, rc.r, "", time.Time{}, bytes.NewReader(b))
	return nil
}

// mediaRequest is what an upload or explicit call asks of the media engine,
// validated before anything is stored.
type mediaRequest struct {
	incoming    *transform.Plan // transformation: applied to the stored bytes
	format      string          // format: conversion of the stored bytes
	eager       []eagerItem
	eagerAsync  bool
	breakpoints []breakpointRequest
	analysis    map[string]bool // colors, phash, faces, ...
	faces       [][4]int        // face_coordinates, stored on the asset
	hasFaces    bool
	custom      [][4]int // custom_coordinates, stored on the asset
	hasCustom   bool
	info        map[string]any // add-on info blocks
}

type eagerItem struct {
	plan   transform.Plan
	format string // "" keeps the asset's format
}

type breakpointRequest struct {
	CreateDerived  bool   `json:"create_derived"`
	BytesStep      int64  `json:"bytes_step"`
	MinWidth       int    `json:"min_width"`
	MaxWidth       int    `json:"max_width"`
	MaxImages      int    `json:"max_images"`
	Transformation string `json:"transformation"`
	Format         string `json:"format"`
	plan           transform.Plan
}

// analysisParams are the boolean analysis parameters the mock answers (see
// the package documentation for which are real and which are placeholders).
var analysisParams = []string{"colors", "phash", "faces", "image_metadata", "media_metadata", "exif",
	"quality_analysis", "accessibility_analysis", "cinemagraph_analysis", "coordinates"}

// parseMediaRequest validates the media parameters of an upload, explicit
// or details call. Caller must not hold s.mu.
func (s *Server) parseMediaRequest(p *params, rt string) (*mediaRequest, error) {
	mr := &mediaRequest{analysis: map[string]bool{}}
	for _, name := range analysisParams {
		ok, err := p.boolean(name, false)
		if err != nil {
			return nil, err
		}
		mr.analysis[name] = ok
	}
	var err error
	if mr.eagerAsync, err = p.boolean("eager_async", false); err != nil {
		return nil, err
	}
	if t := strings.TrimSpace(p.get("transformation")); t != "" {
		if rt != "image" {
			return nil, unsupported("incoming transformations on " + rt + " assets")
		}
		plan, err := s.parsePlan(t)
		if err != nil {
			return nil, err
		}
		mr.incoming = &plan
	}
	if f := strings.ToLower(p.get("format")); f != "" && rt == "image" {
		mr.format = f
	}
	for _, t := range strings.Split(p.get("eager"), "|") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if rt != "image" {
			return nil, unsupported("eager transformations on " + rt + " assets")
		}
		format := ""
		if i := strings.LastIndexByte(t, '/'); i >= 0 && !strings.ContainsAny(t[i+1:], ",_") {
			t, format = t[:i], strings.ToLower(t[i+1:])
		} else if !strings.ContainsAny(t, ",_") {
			t, format = "", strings.ToLower(t)
		}
		plan, err := s.parsePlan(t)
		if err != nil {
			return nil, err
		}
		mr.eager = append(mr.eager, eagerItem{plan: plan, format: format})
	}
	if raw := strings.TrimSpace(p.get("responsive_breakpoints")); raw != "" {
		if rt != "image" {
			return nil, unsupported("responsive_breakpoints on " + rt + " assets")
		}
		var list []breakpointRequest
		if strings.HasPrefix(raw, "{") {
			raw = "[" + raw + "]"
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, badRequest("Invalid responsive_breakpoints: expected a JSON array of objects (%v)", err)
		}
		for i := range list {
			b := &list[i]
			if b.MinWidth == 0 {
				b.MinWidth = 50
			}
			if b.MaxWidth == 0 {
				b.MaxWidth = 1000
			}
			if b.BytesStep == 0 {
				b.BytesStep = 20000
			}
			if b.MaxImages == 0 {
				b.MaxImages = 20
			}
			if b.MinWidth < 1 || b.MaxWidth < b.MinWidth || b.MaxImages < 1 || b.BytesStep < 1 {
				return nil, badRequest("Invalid responsive_breakpoints: min_width, max_width, max_images and bytes_step must be positive, min_width <= max_width")
			}
			b.MaxImages = min(b.MaxImages, 20)
			if b.plan, err = s.parsePlan(b.Transformation); err != nil {
				return nil, err
			}
		}
		mr.breakpoints = list
	}
	if p.has("face_coordinates") {
		if mr.faces, err = parseCoordinates("face_coordinates", p.get("face_coordinates")); err != nil {
			return nil, err
		}
		mr.hasFaces = true
	}
	if p.has("custom_coordinates") {
		if mr.custom, err = parseCoordinates("custom_coordinates", p.get("custom_coordinates")); err != nil {
			return nil, err
		}
		mr.hasCustom = true
	}
	if mr.info, err = addOnInfo(p); err != nil {
		return nil, err
	}
	if ev := p.get("eval"); len(ev) > 4096 {
		return nil, badRequest("Eval code is too long: at most 4096 characters")
	}
	return mr, nil
}

// needsBytes reports whether answering mr reads the stored file.
func (mr *mediaRequest) needsBytes() bool {
	an := mr.analysis
	return an["colors"] || an["phash"] || an["image_metadata"] || an["media_metadata"] || an["exif"] ||
		len(mr.eager) > 0 || len(mr.breakpoints) > 0
}

// clipRects clips rectangles to a w×h image, dropping empty ones.
func clipRects(rs [][4]int, w, h int) [][4]int {
	out := [][4]int{}
	for _, r := range rs {
		x, y := min(r[0], w), min(r[1], h)
		rw, rh := min(r[2], w-x), min(r[3], h-y)
		if rw > 0 && rh > 0 {
			out = append(out, [4]int{x, y, rw, rh})
		}
	}
	return out
}

// The add-on values Cloudinary accepts.
var (
	detectionModels = map[string]bool{"coco": true, "lvis": true, "openimages": true, "cld-fashion": true, "cld-text": true,
		"human-anatomy": true, "unidet": true, "iqa": true, "adv_face": true, "aws_rek_face": true, "captioning": true,
		"cld-mask": true, "watermark-detection": true, "shop-classifier": true}
	categorizationModels = map[string]bool{"google_tagging": true, "imagga_tagging": true, "aws_rek_tagging": true,
		"google_video_tagging": true, "azure_video_tagging": true, "imagga_crop": true, "clarifai": true, "cld-fashion": true,
		"coco": true, "lvis": true, "openimages": true, "unidet": true, "human-anatomy": true, "cld-text": true}
	backgroundRemovals = map[string]bool{"cloudinary_ai": true, "pixelz": true, "remove_the_background": true}
	rawConverts        = map[string]bool{"aspose": true, "google_speech": true, "extract_text": true, "adobe_photoshop": true,
		"azure_video_indexer": true}
)

// addOnInfo validates the add-on parameters and returns the info blocks
// Cloudinary answers with: complete (with empty data) for the analyses,
// pending for the conversions a real account would finish later.
func addOnInfo(p *params) (map[string]any, error) {
	info := map[string]any{}
	split := func(name string) []string {
		var out []string
		for _, v := range strings.Split(p.get(name), ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	if vs := split("detection"); len(vs) > 0 {
		data := map[string]any{}
		for _, v := range vs {
			model, _, _ := strings.Cut(v, "_v")
			if !detectionModels[model] && !detectionModels[v] {
				return nil, badRequest("Detection invalid model '%s'", v)
			}
			data[v] = map[string]any{"model_name": v, "model_version": 1, "schema_version": 1, "tags": map[string]any{}}
		}
		info["detection"] = map[string]any{"object_detection": map[string]any{"status": "complete", "data": data}}
	}
	if vs := split("categorization"); len(vs) > 0 {
		cat := map[string]any{}
		for _, v := range vs {
			if !categorizationModels[v] {
				return nil, badRequest("Illegal value %s for parameter categorization", v)
			}
			cat[v] = map[string]any{"status": "complete", "data": []any{}}
		}
		info["categorization"] = cat
	}
	if at := p.get("auto_tagging"); at != "" {
		f, err := strconv.ParseFloat(at, 64)
		if err != nil || f < 0 || f > 1 {
			return nil, badRequest("Illegal value %s for parameter auto_tagging: a number between 0.0 and 1.0", at)
		}
		if !p.has("categorization") {
			return nil, badRequest("Auto tagging requires categorization: pass categorization as well")
		}
	}
	if v := p.get("background_removal"); v != "" {
		if !backgroundRemovals[v] {
			return nil, badRequest("Illegal value %s for parameter background_removal", v)
		}
		info["background_removal"] = map[string]any{v: map[string]any{"status": "pending"}}
	}
	if vs := split("raw_convert"); len(vs) > 0 {
		rc := map[string]any{}
		for _, v := range vs {
			name, _, _ := strings.Cut(v, ":")
			if !rawConverts[name] {
				return nil, badRequest("Raw convert is invalid")
			}
			rc[v] = map[string]any{"status": "pending"}
		}
		info["raw_convert"] = rc
	}
	if v := p.get("ocr"); v != "" {
		if v != "adv_ocr" && !strings.HasPrefix(v, "adv_ocr:") {
			return nil, badRequest("Illegal value %s for parameter ocr", v)
		}
		info["ocr"] = map[string]any{"adv_ocr": map[string]any{"status": "complete", "data": []any{}}}
	}
	if len(info) == 0 {
		return nil, nil
	}
	return info, nil
}

// applyIncoming replaces a's stored bytes by the incoming transformation
// (or format conversion) of them and updates its size, bytes, etag and
// format. a is not stored yet, and the caller need not hold s.mu: the
// render runs outside it.
func (s *Server) applyIncoming(rc *reqCtx, a *asset, mr *mediaRequest) error {
	if mr == nil {
		return nil
	}
	if mr.hasFaces {
		a.FaceCoords = mr.faces
	}
	if mr.hasCustom {
		a.CustomCoords = mr.custom
	}
	if a.ResourceType != "image" {
		return nil
	}
	same := mr.format == "" || mr.format == a.Format || mr.format == "jpeg" && a.Format == "jpg"
	if mr.incoming == nil && same {
		return nil
	}
	plan := transform.Plan{}
	if mr.incoming != nil {
		plan = *mr.incoming
	}
	e, err := s.renderAsset(rc.r.Context(), a, plan, mr.format, "")
	if err != nil {
		return err
	}
	sp, err := s.blobs.newSpool()
	if err != nil {
		return err
	}
	_, _ = sp.Write(e.res.Bytes)
	blob := s.newHexID()
	if err := sp.commit(blob); err != nil {
		return err
	}
	s.blobs.remove(a.Blob)
	a.Blob = blob
	a.Width, a.Height, a.Format = e.res.Width, e.res.Height, e.res.Format
	a.Bytes, a.ETag = int64(len(e.res.Bytes)), e.etag
	if e.res.Frames > 1 {
		a.Pages = e.res.Frames
	}
	return nil
}

// answerMedia renders the eager transformations and breakpoints of a and
// adds them and the requested analysis to res. The caller holds s.mu for
// writing; answerMedia releases it while it decodes and renders (working on
// a copy of a) and holds it again when it returns, so that renders never
// stall the rest of the mock. The caller must not use a afterwards
// expecting it unchanged.
func (s *Server) answerMedia(rc *reqCtx, a *asset, mr *mediaRequest, res map[string]any) error {
	if mr == nil {
		return nil
	}
	a = a.clone()
	var blob io.ReadSeekCloser
	if a.ResourceType != "raw" && mr.needsBytes() {
		// Open while the blob is sure to exist (an overwrite may remove it
		// once the lock is released); read it after unlocking.
		var err error
		if blob, err = s.openBlob(a); err != nil {
			return err
		}
	}
	s.mu.Unlock()
	defer s.mu.Lock()
	var raw []byte
	if blob != nil {
		var err error
		if raw, err = readOpenBlob(a, blob); err != nil {
			return err
		}
	}
	if ev := rc.p.get("eval"); ev != "" {
		s.media.mu.Lock() // stored, never run
		if s.media.extras == nil {
			s.media.extras = map[string][]byte{}
		}
		s.media.extras[a.AssetID+".eval"] = []byte(ev)
		s.media.mu.Unlock()
	}
	fields, err := s.analysis(rc.r.Context(), a, raw, mr)
	if err != nil {
		return err
	}
	for k, v := range fields {
		res[k] = v
	}
	if mr.info != nil {
		res["info"] = mr.info
	}
	var eager []map[string]any
	for _, it := range mr.eager {
		format := firstNonEmpty(it.format, a.Format)
		e, err := s.renderFrom(rc.r.Context(), a, raw, it.plan, format, "")
		if err != nil {
			return err
		}
		t := it.plan.String()
		s.media.addDerived(a, derivedAsset{Transformation: t, Format: e.res.Format, Width: e.res.Width,
			Height: e.res.Height, Bytes: int64(len(e.res.Bytes))}, s.newHexID)
		u := s.derivedURL(rc, a, t, e.res.Format)
		eager = append(eager, map[string]any{"transformation": t, "width": e.res.Width, "height": e.res.Height,
			"bytes": len(e.res.Bytes), "format": e.res.Format, "url": u, "secure_url": u})
	}
	if len(eager) > 0 {
		if mr.eagerAsync {
			res["eager"] = []any{}
			if url := rc.p.get("eager_notification_url"); url != "" || rc.p.get("notification_url") != "" {
				body := map[string]any{"public_id": a.PublicID, "batch_id": s.newHexID(), "asset_id": a.AssetID, "eager": eager}
				s.notifyTo(rc, firstNonEmpty(url, rc.p.get("notification_url")), "eager", body)
			}
		} else {
			res["eager"] = eager
		}
	}
	if len(mr.breakpoints) > 0 {
		var out []map[string]any
		for _, b := range mr.breakpoints {
			bps, err := s.breakpoints(rc, a, raw, b)
			if err != nil {
				return err
			}
			out = append(out, map[string]any{"breakpoints": bps, "transformation": b.plan.String()})
		}
		res["responsive_breakpoints"] = out
	}
	return nil
}

// derivedURL is the delivery URL of a derived version of a.
func (s *Server) derivedURL(rc *reqCtx, a *asset, t, format string) string {
	u := s.deliveryURL(rc, a)
	i := strings.Index(u, "/v"+strconv.FormatInt(a.Version, 10)+"/")
	id := escapePublicID(a.PublicID)
	if format != "" {
		id += "." + format
	}
	prefix := u[:i] + "/"
	if t != "" {
		prefix += t + "/"
	}
	return prefix + "v" + strconv.FormatInt(a.Version, 10) + "/" + id
}

// breakpoints computes responsive breakpoints from the real image: widths
// from max_width (at most the image's) down to min_width, keeping a width
// when its file is at least bytes_step smaller than the last one kept, at
// most max_images, largest first, as Cloudinary answers them.
func (s *Server) breakpoints(rc *reqCtx, a *asset, raw []byte, b breakpointRequest) ([]map[string]any, error) {
	format := firstNonEmpty(strings.ToLower(b.Format), a.Format)
	base, err := s.renderFrom(rc.r.Context(), a, raw, b.plan, format, "")
	if err != nil {
		return nil, err
	}
	maxW := min(b.MaxWidth, base.res.Width)
	minW := min(b.MinWidth, maxW)
	render := func(w int) (*cacheEntry, string, error) {
		t := "c_scale,w_" + strconv.Itoa(w)
		if s := b.plan.String(); s != "" {
			t = s + "/" + t
		}
		plan, err := transform.Parse(t)
		if err != nil {
			return nil, "", transformError(err)
		}
		e, err := s.renderFrom(rc.r.Context(), a, raw, plan, format, "")
		return e, t, err
	}
	type bp struct {
		e *cacheEntry
		t string
	}
	var kept []bp
	const candidates = 20
	step := max(1, (maxW-minW)/candidates)
	var lastBytes int64 = -1
	for w := maxW; w >= minW && len(kept) < b.MaxImages; w -= step {
		e, t, err := render(w)
		if err != nil {
			return nil, err
		}
		n := int64(len(e.res.Bytes))
		if lastBytes < 0 || lastBytes-n >= b.BytesStep {
			kept = append(kept, bp{e, t})
			lastBytes = n
		}
		if w > minW && w-step < minW {
			w = minW + step // the smallest width is always a candidate
		}
	}
	out := make([]map[string]any, 0, len(kept))
	for _, k := range kept {
		u := s.derivedURL(rc, a, k.t, k.e.res.Format)
		if b.CreateDerived {
			s.media.addDerived(a, derivedAsset{Transformation: k.t, Format: k.e.res.Format, Width: k.e.res.Width,
				Height: k.e.res.Height, Bytes: int64(len(k.e.res.Bytes))}, s.newHexID)
		}
		out = append(out, map[string]any{"width": k.e.res.Width, "height": k.e.res.Height,
			"bytes": len(k.e.res.Bytes), "url": u, "secure_url": u})
	}
	return out, nil
}

// analysis computes the requested analysis fields of an image (see the
// package documentation: colors, predominant, phash, image_metadata, exif
// and given faces are real; quality, accessibility and cinemagraph
// analysis are deterministic placeholders).
// raw is a's bytes when the caller read them already, else nil.
func (s *Server) analysis(ctx context.Context, a *asset, raw []byte, mr *mediaRequest) (map[string]any, error) {
	out := map[string]any{}
	if a.ResourceType != "image" {
		if mr.analysis["media_metadata"] && a.ResourceType == "video" {
			md := map[string]any{"FileType": strings.ToUpper(a.Format), "MIMEType": contentTypeFor(a.Format, a.PublicID)}
			if a.Format == "mp4" || a.Format == "mov" {
				if raw == nil {
					var err error
					if raw, err = s.readBlob(a); err != nil {
						return nil, err
					}
				}
				if box, ok := mp4Metadata(raw); ok {
					for k, v := range box {
						md[k] = v
					}
				}
			}
			out["media_metadata"] = md
		}
		return out, nil
	}
	want := mr.analysis
	if want["colors"] || want["phash"] || want["image_metadata"] || want["media_metadata"] || want["exif"] {
		if raw == nil {
			var err error
			if raw, err = s.readBlob(a); err != nil {
				return nil, err
			}
		}
		info, err := transform.DecodeInfo(raw)
		if err != nil {
			return nil, transformError(err)
		}
		if want["image_metadata"] || want["media_metadata"] {
			md := map[string]any{"FileType": strings.ToUpper(info.Format), "MIMEType": transform.ContentType(info.Format),
				"ImageWidth": strconv.Itoa(info.Width), "ImageHeight": strconv.Itoa(info.Height)}
			if info.Orientation != 1 {
				md["Orientation"] = strconv.Itoa(info.Orientation)
			}
			if info.Frames > 1 {
				md["FrameCount"] = strconv.Itoa(info.Frames)
			}
			if want["image_metadata"] {
				out["image_metadata"] = md
			}
			if want["media_metadata"] {
				out["media_metadata"] = md
			}
		}
		if want["exif"] {
			exif := map[string]any{}
			if info.Format == "jpg" && info.Orientation != 1 {
				exif["Orientation"] = strconv.Itoa(info.Orientation)
			}
			out["exif"] = exif
		}
		if want["colors"] || want["phash"] {
			src, err := transform.Decode(bytes.NewReader(raw), transform.DecodeOptions{})
			if err != nil {
				return nil, transformError(err)
			}
			if err := ctx.Err(); err != nil {
				return nil, transformError(err)
			}
			img := src.Frames[0]
			if want["colors"] {
				c := transform.Analyze(img)
				out["colors"], out["predominant"] = c.Colors, c.Predominant
			}
			if want["phash"] {
				h, err := transform.PHash(img)
				if err != nil {
					return nil, transformError(err)
				}
				out["phash"] = h
			}
		}
	}
	if want["faces"] || want["coordinates"] {
		faces := clipRects(a.FaceCoords, a.Width, a.Height)
		if want["faces"] {
			out["faces"] = faces
		}
		if want["coordinates"] {
			out["coordinates"] = map[string]any{"faces": faces, "custom": clipRects(a.CustomCoords, a.Width, a.Height)}
		}
	}
	if want["quality_analysis"] {
		out["quality_analysis"] = map[string]any{"jpeg_quality": 0.9, "jpeg_chroma": 0.9, "focus": 0.9, "noise": 0.9,
			"contrast": 0.9, "exposure": 0.9, "saturation": 0.9, "lighting": 0.9, "pixel_score": 0.9, "color_score": 0.9,
			"dct": 0.9, "blockiness": 0.9, "chroma_subsampling": 0.9, "resolution": 0.9}
		out["quality_score"] = 0.9
	}
	if want["accessibility_analysis"] {
		out["accessibility_analysis"] = map[string]any{
			"colorblind_accessibility_analysis": map[string]any{"distinct_edges": 1.0, "distinct_colors": 1.0, "most_indistinct_pair": []string{}},
			"colorblind_accessibility_score":    1.0,
		}
	}
	if want["cinemagraph_analysis"] {
		out["cinemagraph_analysis"] = map[string]any{"cinemagraph_score": 0.0}
	}
	return out, nil
}

// maxAnalysisBytes bounds the file read into memory to render or analyse.
const maxAnalysisBytes = 64 << 20

// readBlob reads an asset's stored bytes.
func (s *Server) readBlob(a *asset) ([]byte, error) {
	r, err := s.openBlob(a)
	if err != nil {
		return nil, err
	}
	return readOpenBlob(a, r)
}

// openBlob opens an asset's bytes. An open blob stays readable after the
// asset is overwritten or deleted (an open file survives its removal; a
// memory blob is an immutable slice), so a caller holding s.mu may open it
// and read it after unlocking.
func (s *Server) openBlob(a *asset) (io.ReadSeekCloser, error) {
	r, err := s.blobs.open(a.Blob)
	if err != nil {
		if errors.Is(err, errNoBytes) {
			return nil, badRequest("The cldrest mock server cannot analyse %s: its bytes are not stored (metadata-only storage)", a.PublicID)
		}
		return nil, resourceNotFound(a.PublicID)
	}
	return r, nil
}

// readOpenBlob reads and closes an opened blob, up to maxAnalysisBytes.
func readOpenBlob(a *asset, r io.ReadCloser) ([]byte, error) {
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxAnalysisBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxAnalysisBytes {
		return nil, badRequest("The cldrest mock server renders and analyses files up to %d bytes; %s is larger", maxAnalysisBytes, a.PublicID)
	}
	return b, nil
}

// mediaDetails returns an asset's derived list and the requested analysis
// fields (colors=true, ...) for its details. Caller holds s.mu (read).
func (s *Server) mediaDetails(rc *reqCtx, a *asset) (derived []any, fields map[string]any) {
	derived = []any{}
	for _, d := range s.media.derivedOf(a) {
		u := s.derivedURL(rc, a, d.Transformation, d.Format)
		derived = append(derived, map[string]any{"transformation": d.Transformation, "format": d.Format,
			"bytes": d.Bytes, "id": d.ID, "url": u, "secure_url": u})
	}
	mr := &mediaRequest{analysis: map[string]bool{}}
	for _, name := range analysisParams {
		mr.analysis[name], _ = rc.p.boolean(name, false)
	}
	fields, err := s.analysis(rc.r.Context(), a, nil, mr)
	if err != nil {
		// The details keep Cloudinary's shape; the header says what is missing.
		rc.w.Header().Set("X-Mock-Not-Analysed", err.Error())
		return derived, nil
	}
	// The details answer faces and coordinates from the asset themselves.
	delete(fields, "faces")
	delete(fields, "coordinates")
	return derived, fields
}

// notifyTo sends a notification of the given type to target, as notify
// does for notification_url.
func (s *Server) notifyTo(rc *reqCtx, target, kind string, res map[string]any) {
	saved := rc.p.raw["notification_url"]
	rc.p.raw["notification_url"] = []string{target}
	s.notify(rc, kind, res)
	rc.p.raw["notification_url"] = saved
	if saved == nil {
		delete(rc.p.raw, "notification_url")
	}
}

// WithRemoteDir serves remote file URLs (upload of https://host/path) from
// dir instead of the network: dir/<host>/<path> when it exists, else
// dir/<path>. Nothing outside dir is read. A URL with no such file fails
// as an unreachable URL does (or gets the placeholder with
// WithOfflineRemoteURLs).
func WithRemoteDir(dir string) Option { return func(c *config) { c.remoteDir = dir } }

// remoteFromDir spools a remote URL's file from the WithRemoteDir folder.
// ok is false when no folder is configured.
func (s *Server) remoteFromDir(rc *reqCtx, raw string) (sp spool, found, ok bool, err error) {
	if s.cfg.remoteDir == "" {
		return nil, false, false, nil
	}
	root, err := os.OpenRoot(s.cfg.remoteDir)
	if err != nil {
		return nil, false, true, fmt.Errorf("mockserver: remote dir: %w", err)
	}
	defer root.Close()
	rest := strings.TrimPrefix(strings.TrimPrefix(raw, "http://"), "https://")
	rest = strings.SplitN(strings.SplitN(rest, "?", 2)[0], "#", 2)[0]
	host, p, _ := strings.Cut(rest, "/")
	if dec, err := url.PathUnescape(p); err == nil {
		p = dec
	}
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	for _, name := range []string{path.Join(strings.ToLower(host), p), p} {
		f, err := root.Open(name)
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			f.Close()
			continue
		}
		sp, err := s.blobs.newSpool()
		if err != nil {
			f.Close()
			return nil, false, true, err
		}
		n, err := io.Copy(sp, f)
		f.Close()
		if err != nil {
			sp.abort()
			return nil, false, true, err
		}
		rc.fileLen = n
		return sp, true, true, nil
	}
	return nil, false, true, nil
}

// encodeFrames encodes composed frames (a sprite sheet, the frames of a
// multi animation, a text image) in format.
func (s *Server) encodeFrames(rc *reqCtx, frames []image.Image, delays []int, format string) (*transform.Result, error) {
	b := frames[0].Bounds()
	src := &transform.Source{Info: transform.Info{Format: format, Width: b.Dx(), Height: b.Dy(), Frames: len(frames), Orientation: 1},
		Frames: frames, Delays: delays}
	res, err := transform.RenderSource(rc.r.Context(), src, transform.Plan{}, transform.RenderOptions{Format: format})
	if err != nil {
		return nil, transformError(err)
	}
	s.media.renders.Add(1)
	return res, nil
}

// storeGenerated stores a generated image (sprite, multi or text type) as
// an asset, replacing the previous one of the same public ID.
func (s *Server) storeGenerated(rc *reqCtx, typ, publicID string, res *transform.Result) (*asset, error) {
	sp, err := s.blobs.newSpool()
	if err != nil {
		return nil, err
	}
	_, _ = sp.Write(res.Bytes)
	now := s.Now().UTC().Truncate(time.Second)
	a := &asset{AssetID: s.newHexID(), PublicID: publicID, ResourceType: "image", Type: typ, Format: res.Format,
		Version: now.Unix(), VersionID: s.newHexID(), Width: res.Width, Height: res.Height, Bytes: int64(len(res.Bytes)),
		ETag: sp.state().sum(), CreatedAt: now, UpdatedAt: now, Tags: nil, DisplayName: path.Base(publicID), AccessMode: "public"}
	if res.Frames > 1 {
		a.Pages = res.Frames
	}
	a.Blob = a.VersionID
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.assets[a.key()]
	if old != nil {
		a.AssetID = old.AssetID
		a.Version = max(a.Version, old.Version+1)
	}
	if err := sp.commit(a.Blob); err != nil {
		return nil, err
	}
	if err := s.persist.saveAsset(a); err != nil {
		s.blobs.remove(a.Blob)
		return nil, err
	}
	if old != nil {
		s.blobs.remove(old.Blob)
	}
	s.st.put(a)
	rc.applied = true
	return a.clone(), nil
}

// mp4Metadata reads what an MP4/MOV container's boxes say (moov/mvhd,
// trak/tkhd, hdlr, stsd), exiftool-style as Cloudinary's media_metadata:
// duration, size and codecs. ok is false when there is no moov box.
func mp4Metadata(b []byte) (map[string]any, bool) {
	md := map[string]any{}
	var walk func(b []byte, depth int, handler *string)
	walk = func(b []byte, depth int, handler *string) {
		for len(b) >= 8 && depth < 8 {
			size := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
			typ := string(b[4:8])
			hdr := 8
			if size == 1 && len(b) >= 16 {
				size, hdr = int(binary.BigEndian.Uint64(b[8:16])), 16
			} else if size == 0 {
				size = len(b)
			}
			if size < hdr || size > len(b) {
				return
			}
			body := b[hdr:size]
			switch typ {
			case "moov", "mdia", "minf", "stbl":
				walk(body, depth+1, handler)
			case "trak":
				h := ""
				walk(body, depth+1, &h)
			case "mvhd":
				if len(body) >= 20 && body[0] == 0 {
					scale, dur := binary.BigEndian.Uint32(body[12:16]), binary.BigEndian.Uint32(body[16:20])
					if scale > 0 {
						md["Duration"] = strconv.FormatFloat(float64(dur)/float64(scale), 'f', 2, 64) + " s"
					}
				} else if len(body) >= 32 && body[0] == 1 {
					scale, dur := binary.BigEndian.Uint32(body[20:24]), binary.BigEndian.Uint64(body[24:32])
					if scale > 0 {
						md["Duration"] = strconv.FormatFloat(float64(dur)/float64(scale), 'f', 2, 64) + " s"
					}
				}
			case "tkhd":
				if len(body) >= 84 {
					w, h := binary.BigEndian.Uint32(body[len(body)-8:])>>16, binary.BigEndian.Uint32(body[len(body)-4:])>>16
					if w > 0 && h > 0 {
						md["ImageWidth"], md["ImageHeight"] = strconv.Itoa(int(w)), strconv.Itoa(int(h))
					}
				}
			case "hdlr":
				if len(body) >= 12 && handler != nil {
					*handler = string(body[8:12])
				}
			case "stsd":
				if len(body) >= 16 && handler != nil {
					codec := string(body[12:16])
					switch *handler {
					case "vide":
						md["CompressorID"] = codec
					case "soun":
						md["AudioFormat"] = codec
					}
				}
			}
			b = b[size:]
		}
	}
	hasMoov := false
	for rest := b; len(rest) >= 8; {
		size := int(binary.BigEndian.Uint32(rest[0:4]))
		if string(rest[4:8]) == "moov" {
			hasMoov = true
		}
		if size < 8 || size > len(rest) {
			break
		}
		rest = rest[size:]
	}
	walk(b, 0, nil)
	return md, hasMoov
}
