package mockserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// This file is the seeding API: state put straight into the server,
// without HTTP, signatures or the Admin budget, so a test can start with
// 10,000 assets in milliseconds. LoadSeed reads the same from JSON
// fixtures (cldrest mock --seed).

// Asset is an asset for PutAsset. Only PublicID is required.
type Asset struct {
	PublicID string `json:"public_id"`
	// ResourceType is image, video or raw; empty sniffs it from Bytes
	// (image without Bytes).
	ResourceType string `json:"resource_type,omitempty"`
	// Type is upload (the default), private or authenticated.
	Type string `json:"type,omitempty"`
	// Bytes is the content; nil stores a 1x1 GIF for images and an empty
	// file otherwise. Format, Width and Height default to what the bytes say.
	Bytes       []byte            `json:"-"`
	Format      string            `json:"format,omitempty"`
	Width       int               `json:"width,omitempty"`
	Height      int               `json:"height,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Context     map[string]string `json:"context,omitempty"`
	Metadata    map[string]any    `json:"metadata,omitempty"`
	AssetFolder string            `json:"asset_folder,omitempty"`
	DisplayName string            `json:"display_name,omitempty"`
	AccessMode  string            `json:"access_mode,omitempty"`
	// Moderation is a moderation kind (e.g. manual), pending unless
	// ModerationStatus says approved or rejected.
	Moderation       string    `json:"moderation,omitempty"`
	ModerationStatus string    `json:"moderation_status,omitempty"`
	CreatedAt        time.Time `json:"created_at,omitzero"` // zero: the server's clock
	OriginalName     string    `json:"original_filename,omitempty"`
	File             string    `json:"file,omitempty"` // fixtures only: path of the content, relative to the fixture
}

// SeededAsset says what PutAsset stored.
type SeededAsset struct {
	AssetID  string
	PublicID string
	Version  int64
}

// onePixelGIF is the content of an image seeded without bytes.
var onePixelGIF, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

// PutAsset stores an asset (replacing one with the same resource type,
// type and public ID, whose asset ID it keeps) as if it had been uploaded.
func (s *Server) PutAsset(in Asset) (SeededAsset, error) {
	id := strings.TrimSpace(in.PublicID)
	if err := publicIDError("public_id", id); err != nil || id == "" {
		return SeededAsset{}, fmt.Errorf("mockserver: PutAsset: invalid public ID %q", in.PublicID)
	}
	content := in.Bytes
	rt := in.ResourceType
	if content == nil && (rt == "" || rt == "image") {
		content = onePixelGIF
	}
	det := sniff(content)
	switch {
	case rt == "":
		rt = det.rt
	case !resourceTypes[rt]:
		return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: resource type %q: use image, video or raw", id, rt)
	case rt != det.rt && rt != "raw":
		return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: the bytes are not a %s", id, rt)
	}
	if rt == "raw" {
		det = sniffed{rt: "raw"}
	}
	typ := firstNonEmpty(in.Type, "upload")
	if typ != "upload" && typ != "private" && typ != "authenticated" {
		return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: type %q: use upload, private or authenticated", id, typ)
	}
	folder := cleanFolder(in.AssetFolder)
	if err := publicIDError("asset_folder", folder); err != nil {
		return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: %v", id, err)
	}
	var mods []moderation
	if in.Moderation != "" {
		var err error
		if mods, err = parseModeration(in.Moderation, s.Now()); err != nil {
			return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: %v", id, err)
		}
		switch in.ModerationStatus {
		case "", "pending":
		case "approved", "rejected":
			mods[0].Status = in.ModerationStatus
		default:
			return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: moderation_status %q: use pending, approved or rejected", id, in.ModerationStatus)
		}
	}
	sp, err := s.blobs.newSpool()
	if err != nil {
		return SeededAsset{}, err
	}
	if _, err := io.Copy(sp, bytes.NewReader(content)); err != nil {
		sp.abort()
		return SeededAsset{}, err
	}
	hs := sp.state()
	hs.releasePrefix() // content was sniffed above; the prefix is not read
	now := s.Now().UTC().Truncate(time.Second)
	created := now
	if !in.CreatedAt.IsZero() {
		created = in.CreatedAt.UTC()
	}
	display := in.DisplayName
	if display == "" {
		display = path.Base(id)
		if rt == "raw" {
			display, _ = splitExt(display)
		}
	}
	a := &asset{
		AssetID: s.newHexID(), PublicID: id, ResourceType: rt, Type: typ,
		Format: firstNonEmpty(in.Format, det.format), Version: created.Unix(), VersionID: s.newHexID(),
		Width: det.width, Height: det.height, Bytes: hs.n, ETag: hs.sum(), CreatedAt: created, UpdatedAt: created,
		Tags: append([]string(nil), in.Tags...), AssetFolder: folder, DisplayName: display,
		OriginalFilename: in.OriginalName, AccessMode: firstNonEmpty(in.AccessMode, "public"), Moderation: mods,
	}
	if in.Width > 0 || in.Height > 0 {
		a.Width, a.Height = in.Width, in.Height
	}
	if len(in.Context) > 0 {
		a.Context = map[string]string{}
		for k, v := range in.Context {
			a.Context[k] = v
		}
	}
	if len(in.Metadata) > 0 {
		a.Metadata = map[string]any{}
		for k, v := range in.Metadata {
			a.Metadata[k] = v
		}
	}
	if det.rt == "image" && a.Format == "pdf" {
		a.Pages = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range a.Metadata {
		if _, ok := s.st.cfg.MetadataFields[k]; !ok {
			sp.abort()
			return SeededAsset{}, fmt.Errorf("mockserver: PutAsset %s: no metadata field %q (PutMetadataField it first)", id, k)
		}
	}
	s.placeInFolder(a)
	old := s.st.assets[a.key()]
	if old != nil {
		a.AssetID = old.AssetID
		if a.Version <= old.Version {
			a.Version = old.Version + 1
		}
	}
	a.Blob = a.VersionID
	if err := sp.commit(a.Blob); err != nil {
		return SeededAsset{}, err
	}
	if err := s.storeLocked(a, old); err != nil {
		return SeededAsset{}, err
	}
	return SeededAsset{AssetID: a.AssetID, PublicID: a.PublicID, Version: a.Version}, nil
}

// storeLocked makes a (whose blob is committed) the current version of its
// key, replacing old (nil when new): persisted, indexed, its folder
// recorded. Caller holds s.mu. The one store step of uploads and seeding.
func (s *Server) storeLocked(a, old *asset) error {
	if err := s.persist.saveAsset(a); err != nil {
		s.blobs.remove(a.Blob)
		return err
	}
	if old != nil {
		s.blobs.remove(old.Blob)
	}
	s.st.put(a)
	return s.ensureFolderLocked(s.folderOf(a))
}

// folderOf is the folder an asset is listed in: its public ID's folder in
// fixed folder mode, its asset_folder otherwise.
func (s *Server) folderOf(a *asset) string {
	if s.cfg.folderMode == "fixed" {
		return a.Folder
	}
	return a.AssetFolder
}

// placeInFolder sets, in fixed folder mode, an asset's folder from its
// public ID (and clears asset_folder, which that mode does not have).
func (s *Server) placeInFolder(a *asset) {
	if s.cfg.folderMode != "fixed" {
		return
	}
	a.Folder = path.Dir(a.PublicID)
	if a.Folder == "." {
		a.Folder = ""
	}
	a.AssetFolder = ""
}

// Preset is an upload preset for PutPreset.
type Preset struct {
	Name             string `json:"name"`
	Unsigned         bool   `json:"unsigned,omitempty"`
	DisallowPublicID bool   `json:"disallow_public_id,omitempty"`
	// Settings are upload parameters (folder, tags, overwrite, ...), as
	// JSON values or strings.
	Settings map[string]any `json:"settings,omitempty"`
}

// listSetting is the stored form of a list setting: "a,b" for scalars,
// JSON text when it holds objects or lists.
func listSetting(x []any) string {
	parts := make([]string, 0, len(x))
	for _, e := range x {
		switch e.(type) {
		case map[string]any, []any:
			b, _ := json.Marshal(x)
			return string(b)
		}
		parts = append(parts, fmt.Sprint(e))
	}
	return strings.Join(parts, ",")
}

// PutPreset creates or replaces an upload preset.
func (s *Server) PutPreset(in Preset) error {
	if in.Name == "" || strings.ContainsAny(in.Name, "/\x00") {
		return fmt.Errorf("mockserver: PutPreset: invalid preset name %q", in.Name)
	}
	pr := &preset{Name: in.Name, Unsigned: in.Unsigned, DisallowPublicID: in.DisallowPublicID, Settings: map[string]string{}}
	for k, v := range in.Settings {
		switch x := v.(type) {
		case string:
			pr.Settings[k] = x
		case []any: // a list of scalars as the API's comma string; of objects as JSON
			pr.Settings[k] = listSetting(x)
		default:
			b, _ := json.Marshal(x)
			pr.Settings[k] = string(b)
		}
	}
	if b, _ := parseBool(pr.Settings["overwrite"]); b && pr.Unsigned {
		return fmt.Errorf("mockserver: PutPreset %s: overwrite cannot be true in an unsigned upload preset", in.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.st.cfg.Presets[in.Name]; old != nil {
		pr.ExternalID = old.ExternalID
	} else {
		pr.ExternalID = s.newHexID()
	}
	s.st.cfg.Presets[in.Name] = pr
	return s.persist.saveConfig(s.st.cfg)
}

// PutMetadataField creates a structured metadata field from its Admin API
// JSON form ({"type":"enum","external_id":"color","label":"Color",
// "datasource":{"values":[...]}}), with the same validation as the API.
func (s *Server) PutMetadataField(field []byte) error {
	var body map[string]any
	if err := json.Unmarshal(field, &body); err != nil {
		return fmt.Errorf("mockserver: PutMetadataField: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.createMetadataFieldLocked(body); err != nil {
		return fmt.Errorf("mockserver: PutMetadataField: %v", errMessage(err))
	}
	return nil
}

// PutFolder records folder f (and its parents) as existing.
func (s *Server) PutFolder(f string) error {
	f = cleanFolder(f)
	if err := publicIDError("folder", f); err != nil || f == "" {
		return fmt.Errorf("mockserver: PutFolder: invalid folder %q", f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ensureFolderLocked(f)
}

// PutTransformation creates or replaces the named transformation t_<name>.
func (s *Server) PutTransformation(name, transformation string, allowedForStrict bool) error {
	name = strings.TrimPrefix(name, "t_")
	if name == "" || transformation == "" {
		return errors.New("mockserver: PutTransformation: pass a name and a transformation")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.cfg.Transformations[name] = &namedTransformation{Name: name, Transformation: transformation, AllowedForStrict: allowedForStrict}
	return s.persist.saveConfig(s.st.cfg)
}

// PutUploadMapping creates or replaces the upload mapping of a folder.
func (s *Server) PutUploadMapping(folder, template string) error {
	folder = cleanFolder(folder)
	if folder == "" || template == "" {
		return errors.New("mockserver: PutUploadMapping: pass a folder and a template")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.cfg.Mappings[folder] = template
	return s.persist.saveConfig(s.st.cfg)
}

func errMessage(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.message
	}
	return err.Error()
}

// Seed is a fixture file of LoadSeed: every part is optional.
type Seed struct {
	MetadataFields  []json.RawMessage `json:"metadata_fields,omitempty"`
	Presets         []Preset          `json:"presets,omitempty"`
	Folders         []string          `json:"folders,omitempty"`
	Transformations []struct {
		Name             string `json:"name"`
		Transformation   string `json:"transformation"`
		AllowedForStrict bool   `json:"allowed_for_strict,omitempty"`
	} `json:"transformations,omitempty"`
	UploadMappings []struct {
		Folder   string `json:"folder"`
		Template string `json:"template"`
	} `json:"upload_mappings,omitempty"`
	Assets []Asset `json:"assets,omitempty"`
}

// LoadSeed loads a JSON fixture file, or every *.json file of a directory
// in name order: metadata fields first, then presets, folders,
// transformations, upload mappings and assets. An asset's "file" is read
// relative to its fixture. Unknown keys are refused, so a misspelt key
// does not silently seed nothing.
func (s *Server) LoadSeed(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("mockserver: seed: %v", err)
	}
	files := []string{p}
	if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("mockserver: seed: no *.json fixture in %s", p)
		}
		sort.Strings(files)
	}
	for _, f := range files {
		if err := s.loadSeedFile(f); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) loadSeedFile(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("mockserver: seed: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var sd Seed
	if err := dec.Decode(&sd); err != nil {
		return fmt.Errorf("mockserver: seed %s: %v", file, err)
	}
	wrap := func(what string, err error) error {
		return fmt.Errorf("mockserver: seed %s: %s: %w", file, what, err)
	}
	for _, f := range sd.MetadataFields {
		if err := s.PutMetadataField(f); err != nil {
			return wrap("metadata field", err)
		}
	}
	for _, pr := range sd.Presets {
		if err := s.PutPreset(pr); err != nil {
			return wrap("preset", err)
		}
	}
	for _, f := range sd.Folders {
		if err := s.PutFolder(f); err != nil {
			return wrap("folder", err)
		}
	}
	for _, t := range sd.Transformations {
		if err := s.PutTransformation(t.Name, t.Transformation, t.AllowedForStrict); err != nil {
			return wrap("transformation", err)
		}
	}
	for _, m := range sd.UploadMappings {
		if err := s.PutUploadMapping(m.Folder, m.Template); err != nil {
			return wrap("upload mapping", err)
		}
	}
	for _, a := range sd.Assets {
		if a.File != "" {
			fp := a.File
			if !filepath.IsAbs(fp) {
				fp = filepath.Join(filepath.Dir(file), fp)
			}
			if a.Bytes, err = os.ReadFile(fp); err != nil {
				return wrap("asset "+a.PublicID, err)
			}
			if a.OriginalName == "" {
				a.OriginalName, _ = splitExt(filepath.Base(fp))
			}
		}
		if _, err := s.PutAsset(a); err != nil {
			return wrap("asset", err)
		}
	}
	return nil
}
