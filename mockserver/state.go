package mockserver

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// asset is one stored asset (the current version of a public ID).
type asset struct {
	AssetID      string    `json:"asset_id"`
	PublicID     string    `json:"public_id"`
	ResourceType string    `json:"resource_type"`
	Type         string    `json:"type"`
	Format       string    `json:"format,omitempty"`
	Version      int64     `json:"version"`
	VersionID    string    `json:"version_id"`
	Width        int       `json:"width,omitempty"`
	Height       int       `json:"height,omitempty"`
	Pages        int       `json:"pages,omitempty"`
	Bytes        int64     `json:"bytes"`
	ETag         string    `json:"etag"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// The times single attributes last changed (the details' last_updated).
	TagsUpdatedAt          time.Time         `json:"tags_updated_at,omitzero"`
	ContextUpdatedAt       time.Time         `json:"context_updated_at,omitzero"`
	MetadataUpdatedAt      time.Time         `json:"metadata_updated_at,omitzero"`
	PublicIDUpdatedAt      time.Time         `json:"public_id_updated_at,omitzero"`
	AccessControlUpdatedAt time.Time         `json:"access_control_updated_at,omitzero"`
	Tags                   []string          `json:"tags"`
	Context                map[string]string `json:"context,omitempty"`
	Metadata               map[string]any    `json:"metadata,omitempty"`
	AssetFolder            string            `json:"asset_folder"`
	DisplayName            string            `json:"display_name"`
	Folder                 string            `json:"folder,omitempty"`
	OriginalFilename       string            `json:"original_filename,omitempty"`
	Placeholder            bool              `json:"placeholder"`
	AccessMode             string            `json:"access_mode"`
	Moderation             []moderation      `json:"moderation,omitempty"`
	FaceCoords             [][4]int          `json:"face_coordinates,omitempty"`
	CustomCoords           [][4]int          `json:"custom_coordinates,omitempty"`
	AccessControl          json.RawMessage   `json:"access_control,omitempty"`
	QualityOverride        string            `json:"quality_override,omitempty"`
	Regions                json.RawMessage   `json:"regions,omitempty"`
	Blob                   string            `json:"blob"`
	Seq                    int64             `json:"seq"` // creation order, breaks created_at ties
	Deleted                bool              `json:"deleted,omitempty"`
	DeletedAt              time.Time         `json:"deleted_at,omitzero"`
}

// attr names the asset attributes whose change times last_updated reports.
type attr uint8

const (
	attrTags attr = 1 << iota
	attrContext
	attrMetadata
	attrPublicID
	attrAccessControl
)

// touch records a change at now: updated_at, and the change time of each
// attribute in changed.
func (a *asset) touch(now time.Time, changed attr) {
	a.UpdatedAt = now
	for _, f := range []struct {
		bit attr
		at  *time.Time
	}{{attrTags, &a.TagsUpdatedAt}, {attrContext, &a.ContextUpdatedAt}, {attrMetadata, &a.MetadataUpdatedAt},
		{attrPublicID, &a.PublicIDUpdatedAt}, {attrAccessControl, &a.AccessControlUpdatedAt}} {
		if changed&f.bit != 0 {
			*f.at = now
		}
	}
}

type moderation struct {
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	UpdatedAt time.Time `json:"updated_at"`
}

type assetKey struct{ rt, typ, publicID string }

func (a *asset) key() assetKey { return assetKey{a.ResourceType, a.Type, a.PublicID} }

func (a *asset) clone() *asset {
	c := *a
	c.Tags = append([]string(nil), a.Tags...)
	if a.Context != nil {
		c.Context = make(map[string]string, len(a.Context))
		for k, v := range a.Context {
			c.Context[k] = v
		}
	}
	if a.Metadata != nil {
		c.Metadata = make(map[string]any, len(a.Metadata))
		for k, v := range a.Metadata {
			c.Metadata[k] = v
		}
	}
	c.Moderation = append([]moderation(nil), a.Moderation...)
	return &c
}

// moderationStatus returns the status of the given moderation kind ("" if none).
func (a *asset) moderationStatus(kind string) string {
	for _, m := range a.Moderation {
		if m.Kind == kind {
			return m.Status
		}
	}
	return ""
}

func (a *asset) hasTag(t string) bool {
	for _, x := range a.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// preset is an upload preset.
type preset struct {
	Name               string            `json:"name"`
	Unsigned           bool              `json:"unsigned"`
	DisallowPublicID   bool              `json:"disallow_public_id,omitempty"`
	ParameterWhitelist []string          `json:"parameter_whitelist,omitempty"`
	Settings           map[string]string `json:"settings"`
	ExternalID         string            `json:"external_id"`
}

type namedTransformation struct {
	Name             string `json:"name"`
	Transformation   string `json:"transformation"`
	AllowedForStrict bool   `json:"allowed_for_strict"`
}

// config is the account configuration persisted next to the assets.
type accountConfig struct {
	Folders         map[string]time.Time            `json:"folders"`
	Presets         map[string]*preset              `json:"presets"`
	Mappings        map[string]string               `json:"mappings"`
	Transformations map[string]*namedTransformation `json:"transformations"`
	MetadataFields  map[string]json.RawMessage      `json:"metadata_fields"`
	MetadataOrder   []string                        `json:"metadata_order"`
	// MetadataCreated is when each metadata field was created (for
	// reordering by created_at).
	MetadataCreated   map[string]time.Time         `json:"metadata_created,omitempty"`
	StreamingProfiles map[string]*streamingProfile `json:"streaming_profiles,omitempty"` // custom ones only
	Triggers          map[string]*trigger          `json:"triggers,omitempty"`
	// Related maps an asset ID to the sorted IDs of its related assets
	// (kept in both directions).
	Related map[string][]string `json:"related,omitempty"`
}

func newAccountConfig() *accountConfig {
	c := &accountConfig{}
	c.fill()
	return c
}

// fill makes every map of c non-nil (after decoding an older config.json).
func (c *accountConfig) fill() {
	if c.Folders == nil {
		c.Folders = map[string]time.Time{}
	}
	if c.Presets == nil {
		c.Presets = map[string]*preset{}
	}
	if c.Mappings == nil {
		c.Mappings = map[string]string{}
	}
	if c.Transformations == nil {
		c.Transformations = map[string]*namedTransformation{}
	}
	if c.MetadataFields == nil {
		c.MetadataFields = map[string]json.RawMessage{}
	}
	if c.MetadataCreated == nil {
		c.MetadataCreated = map[string]time.Time{}
	}
	if c.StreamingProfiles == nil {
		c.StreamingProfiles = map[string]*streamingProfile{}
	}
	if c.Triggers == nil {
		c.Triggers = map[string]*trigger{}
	}
	if c.Related == nil {
		c.Related = map[string][]string{}
	}
}

// state is everything the mock knows. Guarded by Server.mu.
type state struct {
	seq    int64 // last asset sequence number
	assets map[assetKey]*asset
	byID   map[string]*asset
	trash  map[assetKey]*asset // last deleted version of each key, for restore
	cfg    *accountConfig
	parity parityState // admin_backup.go: metadata rules, deleted backups, delete cursors, provisioning
}

func newState() *state {
	return &state{
		assets: map[assetKey]*asset{},
		byID:   map[string]*asset{},
		trash:  map[assetKey]*asset{},
		cfg:    newAccountConfig(),
	}
}

func (st *state) put(a *asset) {
	if a.Seq == 0 {
		st.seq++
		a.Seq = st.seq
	} else if a.Seq > st.seq {
		st.seq = a.Seq
	}
	if old, ok := st.assets[a.key()]; ok && old.AssetID != a.AssetID {
		delete(st.byID, old.AssetID)
	}
	st.assets[a.key()] = a
	st.byID[a.AssetID] = a
	delete(st.trash, a.key())
}

func (st *state) remove(a *asset) {
	delete(st.assets, a.key())
	delete(st.byID, a.AssetID)
}

// sortedAssets returns all live assets in a stable order: created_at
// descending, then public ID.
func (st *state) sortedAssets() []*asset {
	out := make([]*asset, 0, len(st.assets))
	for _, a := range st.assets {
		out = append(out, a)
	}
	sortAssets(out, "created_at", true)
	return out
}

// assetOrders compares two assets by each field assets sort by (search's
// sort_by, listings); created_at and uploaded_at are the default.
var assetOrders = map[string]func(a, b *asset) int{
	"created_at":    byCreated,
	"uploaded_at":   byCreated,
	"public_id":     func(a, b *asset) int { return strings.Compare(a.PublicID, b.PublicID) },
	"bytes":         func(a, b *asset) int { return cmpInt(a.Bytes, b.Bytes) },
	"width":         func(a, b *asset) int { return cmpInt(int64(a.Width), int64(b.Width)) },
	"height":        func(a, b *asset) int { return cmpInt(int64(a.Height), int64(b.Height)) },
	"display_name":  func(a, b *asset) int { return strings.Compare(a.DisplayName, b.DisplayName) },
	"format":        func(a, b *asset) int { return strings.Compare(a.Format, b.Format) },
	"version":       func(a, b *asset) int { return cmpInt(a.Version, b.Version) },
	"updated_at":    byUpdated,
	"last_updated":  byUpdated,
	"asset_id":      func(a, b *asset) int { return strings.Compare(a.AssetID, b.AssetID) },
	"asset_folder":  func(a, b *asset) int { return strings.Compare(a.AssetFolder, b.AssetFolder) },
	"resource_type": func(a, b *asset) int { return strings.Compare(a.ResourceType, b.ResourceType) },
	"type":          func(a, b *asset) int { return strings.Compare(a.Type, b.Type) },
	"access_mode":   func(a, b *asset) int { return strings.Compare(a.AccessMode, b.AccessMode) },
	"pixels": func(a, b *asset) int {
		return cmpInt(int64(a.Width)*int64(a.Height), int64(b.Width)*int64(b.Height))
	},
	"aspect_ratio": func(a, b *asset) int {
		return cmpInt(int64(a.Width)*int64(b.Height), int64(b.Width)*int64(a.Height))
	},
	"filename": func(a, b *asset) int { return strings.Compare(path.Base(a.PublicID), path.Base(b.PublicID)) },
}

func byCreated(a, b *asset) int { return a.CreatedAt.Compare(b.CreatedAt) }
func byUpdated(a, b *asset) int { return a.UpdatedAt.Compare(b.UpdatedAt) }

// sortAssets orders as by field (see assetOrders; created_at when it is not
// one), ties in creation order following the direction.
func sortAssets(as []*asset, field string, desc bool) {
	cmp := assetOrders[field]
	if cmp == nil {
		cmp = byCreated
	}
	sort.SliceStable(as, func(i, j int) bool {
		c := cmp(as[i], as[j])
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		if as[i].Seq != as[j].Seq { // same value: creation order, following the direction
			if desc {
				return as[i].Seq > as[j].Seq
			}
			return as[i].Seq < as[j].Seq
		}
		if c := strings.Compare(as[i].PublicID, as[j].PublicID); c != 0 {
			return c < 0
		}
		return as[i].AssetID < as[j].AssetID
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// persister writes state changes to a directory (Dir storage); the nil
// persister does nothing.
type persister struct {
	dir string // root; assets in dir/assets, config in dir/config.json
}

func (p *persister) assetPath(id string) string {
	return filepath.Join(p.dir, "assets", id+".json")
}

func (p *persister) saveAsset(a *asset) error {
	if p == nil {
		return nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return writeFileAtomic(p.assetPath(a.AssetID), b)
}

func (p *persister) removeAsset(id string) {
	if p == nil || !isHex(id) {
		return
	}
	_ = os.Remove(p.assetPath(id))
}

func (p *persister) saveConfig(c *accountConfig) error {
	if p == nil {
		return nil
	}
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(p.dir, "config.json"), b)
}

func (p *persister) load(st *state) error {
	if err := os.MkdirAll(filepath.Join(p.dir, "assets"), 0o755); err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(p.dir, "config.json")); err == nil {
		c := newAccountConfig()
		if err := json.Unmarshal(b, c); err != nil {
			return errors.New("mockserver: corrupt config.json in storage directory: " + err.Error())
		}
		c.fill()
		st.cfg = c
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(p.dir, "assets"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(p.dir, "assets", e.Name()))
		if err != nil {
			return err
		}
		var a asset
		if err := json.Unmarshal(b, &a); err != nil {
			continue // a torn write from a crash; skip it
		}
		if a.Deleted {
			if prev, ok := st.trash[a.key()]; !ok || prev.DeletedAt.Before(a.DeletedAt) {
				st.trash[a.key()] = &a
			}
			continue
		}
		st.put(&a)
	}
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}
