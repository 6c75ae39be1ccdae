package mockserver

import (
	"encoding/json"
	"errors"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cldrest/cldrest/internal/searchexpr"
)

// searchMatcher evaluates search terms against one asset.
type searchMatcher struct {
	a   *asset
	now time.Time
}

// fieldValues returns the textual values of a search field.
func (m searchMatcher) fieldValues(field string) ([]string, bool) {
	a := m.a
	switch field {
	case "public_id":
		return []string{a.PublicID}, true
	case "asset_id":
		return []string{a.AssetID}, true
	case "asset_folder":
		return []string{a.AssetFolder}, true
	case "folder":
		if a.Folder != "" {
			return []string{a.Folder}, true
		}
		return []string{a.AssetFolder}, true
	case "display_name":
		return []string{a.DisplayName}, true
	case "filename":
		base := path.Base(a.PublicID)
		if a.ResourceType != "raw" {
			return []string{base}, true
		}
		name, _ := splitExt(base)
		return []string{name}, true
	case "format":
		return []string{a.Format}, true
	case "resource_type":
		return []string{a.ResourceType}, true
	case "type":
		return []string{a.Type}, true
	case "tags", "tag":
		return a.Tags, true
	case "etag":
		return []string{a.ETag}, true
	case "status":
		return []string{"active"}, true
	case "access_mode":
		return []string{a.AccessMode}, true
	case "moderation_status":
		var out []string
		for _, md := range a.Moderation {
			out = append(out, md.Status)
		}
		return out, true
	case "moderation_kind":
		var out []string
		for _, md := range a.Moderation {
			out = append(out, md.Kind)
		}
		return out, true
	}
	if k, ok := strings.CutPrefix(field, "context."); ok {
		if v, has := a.Context[k]; has {
			return []string{v}, true
		}
		return nil, true
	}
	if k, ok := strings.CutPrefix(field, "metadata."); ok {
		switch v := a.Metadata[k].(type) {
		case string:
			return []string{v}, true
		case []string:
			return v, true
		}
		return nil, true
	}
	return nil, false
}

func (m searchMatcher) numeric(field string) (float64, bool) {
	a := m.a
	switch field {
	case "bytes":
		return float64(a.Bytes), true
	case "width":
		return float64(a.Width), true
	case "height":
		return float64(a.Height), true
	case "pixels":
		return float64(a.Width * a.Height), true
	case "aspect_ratio":
		if a.Height == 0 {
			return 0, true
		}
		return float64(a.Width) / float64(a.Height), true
	case "version":
		return float64(a.Version), true
	case "created_at", "uploaded_at":
		return float64(a.CreatedAt.Unix()), true
	case "updated_at", "last_updated":
		return float64(a.UpdatedAt.Unix()), true
	case "pages":
		return float64(a.Pages), true
	}
	return 0, false
}

var sizeRe = regexp.MustCompile(`^(?i)([0-9]+(?:\.[0-9]+)?)\s*(b|kb?|mb?|gb?)?$`)
var relRe = regexp.MustCompile(`^([0-9]+)([smhdwy])$`)

// parseNumber reads a search value for a numeric field: sizes (1m, 10kb),
// dates (2024-01-02, RFC 3339), relative ages (1d = now - 1 day), numbers.
func (m searchMatcher) parseNumber(field, v string) (float64, bool) {
	switch field {
	case "created_at", "uploaded_at", "updated_at", "last_updated":
		if sub := relRe.FindStringSubmatch(v); sub != nil {
			n, _ := strconv.Atoi(sub[1])
			unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
				"w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[sub[2]]
			return float64(m.now.Add(-time.Duration(n) * unit).Unix()), true
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return float64(t.Unix()), true
			}
		}
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n, true
		}
		return 0, false
	case "bytes":
		sub := sizeRe.FindStringSubmatch(v)
		if sub == nil {
			return 0, false
		}
		n, _ := strconv.ParseFloat(sub[1], 64)
		switch strings.ToLower(strings.TrimSuffix(strings.ToLower(sub[2]), "b")) {
		case "k":
			n *= 1 << 10
		case "m":
			n *= 1 << 20
		case "g":
			n *= 1 << 30
		}
		return n, true
	}
	n, err := strconv.ParseFloat(v, 64)
	return n, err == nil
}

// Match implements searchexpr.Matcher.
func (m searchMatcher) Match(field, op, value string) bool {
	if num, ok := m.numeric(field); ok {
		want, ok := m.parseNumber(field, value)
		if !ok {
			return false
		}
		switch op {
		case ">":
			return num > want
		case "<":
			return num < want
		case ">=":
			return num >= want
		case "<=":
			return num <= want
		}
		if field == "created_at" || field == "uploaded_at" {
			return num >= want && num < want+86400 // a day
		}
		return num == want
	}
	vals, ok := m.fieldValues(field)
	if !ok {
		return false
	}
	for _, v := range vals {
		if matchValue(v, op, value) {
			return true
		}
	}
	return false
}

func matchValue(v, op, want string) bool {
	switch op {
	case "=":
		if p, ok := strings.CutSuffix(want, "*"); ok {
			return strings.HasPrefix(v, p)
		}
		return v == want
	case ":":
		lv, lw := strings.ToLower(v), strings.ToLower(want)
		if p, ok := strings.CutSuffix(lw, "*"); ok {
			if strings.HasPrefix(lv, p) {
				return true
			}
			for _, tok := range tokens(lv) {
				if strings.HasPrefix(tok, p) {
					return true
				}
			}
			return false
		}
		if lv == lw {
			return true
		}
		for _, tok := range tokens(lv) {
			if tok == lw {
				return true
			}
		}
		return false
	case ">":
		return v > want
	case "<":
		return v < want
	case ">=":
		return v >= want
	case "<=":
		return v <= want
	}
	return false
}

func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '/' || r == '_' || r == '-' || r == '.' || r == ' ' || r == ','
	})
}

// Text implements searchexpr.Matcher: free text matches public ID,
// filename, display name, tags and context values.
func (m searchMatcher) Text(value string) bool {
	for _, f := range []string{"public_id", "display_name", "tags", "filename"} {
		if m.Match(f, ":", value) {
			return true
		}
	}
	for _, v := range m.a.Context {
		if matchValue(v, ":", value) {
			return true
		}
	}
	return false
}

type sortSpec struct {
	field string
	desc  bool
}

// parseSortBy accepts [{"field":"asc|desc"}], a JSON object, or "field"/"field:desc" strings.
func parseSortBy(p *params) ([]sortSpec, error) {
	var out []sortSpec
	add := func(field, dir string) error {
		switch strings.ToLower(dir) {
		case "desc", "":
			out = append(out, sortSpec{field, true})
		case "asc":
			out = append(out, sortSpec{field, false})
		default:
			return badRequest("Invalid sort direction %q for %s: use asc or desc", dir, field)
		}
		return nil
	}
	// addJSON adds [{"field":"dir"},...] or {"field":"dir"}; false when raw
	// is neither.
	addJSON := func(raw []byte) (bool, error) {
		var arr []map[string]string
		if json.Unmarshal(raw, &arr) != nil {
			var one map[string]string
			if json.Unmarshal(raw, &one) != nil {
				return false, nil
			}
			arr = []map[string]string{one}
		}
		for _, m := range arr {
			for f, d := range m {
				if err := add(f, d); err != nil {
					return true, err
				}
			}
		}
		return true, nil
	}
	if raw, ok := p.json["sort_by"]; ok {
		if ok, err := addJSON(raw); !ok {
			return nil, badRequest("Invalid sort_by: use [{\"field\":\"asc\"}]")
		} else if err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, v := range p.values("sort_by") {
		if strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{") {
			if ok, err := addJSON([]byte(v)); !ok {
				return nil, badRequest("Invalid sort_by %q", v)
			} else if err != nil {
				return nil, err
			}
			continue
		}
		f, d, _ := strings.Cut(v, ":")
		if err := add(f, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseSearch reads what every search endpoint takes: the expression,
// max_results (default 50, at most 500) and sort_by, each sort field
// checked by sortOK.
func parseSearch(p *params, sortOK func(field string) error) (searchexpr.Node, int, []sortSpec, error) {
	expr, err := searchexpr.Parse(p.get("expression"))
	if err != nil {
		var se *searchexpr.Error
		if errors.As(err, &se) {
			return nil, 0, nil, badRequest("%s", se.Error())
		}
		return nil, 0, nil, badRequest("Query Error: %v", err)
	}
	max, err := maxResults(p, 50, 500)
	if err != nil {
		return nil, 0, nil, err
	}
	sorts, err := parseSortBy(p)
	if err != nil {
		return nil, 0, nil, err
	}
	for _, sp := range sorts {
		if err := sortOK(sp.field); err != nil {
			return nil, 0, nil, err
		}
	}
	return expr, max, sorts, nil
}

func (s *Server) adminSearch(rc *reqCtx) (any, error) {
	p := rc.p
	start := time.Now()
	expr, max, sorts, err := parseSearch(p, func(field string) error {
		if assetOrders[field] == nil {
			return badRequest("Invalid sort_by field %s", field)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	aggs := p.list("aggregate")
	for _, a := range aggs {
		if a != "format" && a != "resource_type" && a != "type" {
			return nil, unsupported("aggregating on " + a + " (format, resource_type and type only)")
		}
	}
	with := map[string]bool{}
	for _, f := range p.list("with_field") {
		with[f] = true
	}
	now := s.Now()
	s.mu.RLock()
	var sel []*asset
	for _, a := range s.st.assets {
		if expr.Eval(searchMatcher{a: a, now: now}) {
			sel = append(sel, a.clone())
		}
	}
	s.mu.RUnlock()
	if len(sorts) == 0 {
		sorts = []sortSpec{{"created_at", true}}
	}
	for i := len(sorts) - 1; i >= 0; i-- {
		sortAssets(sel, sorts[i].field, sorts[i].desc)
	}
	aggregations := map[string]map[string]int{}
	for _, name := range aggs {
		counts := map[string]int{}
		for _, a := range sel {
			v := a.Format
			switch name {
			case "resource_type":
				v = a.ResourceType
			case "type":
				v = a.Type
			}
			if v != "" {
				counts[v]++
			}
		}
		aggregations[name] = counts
	}
	pg, next, err := page(sel, max, p.get("next_cursor"), assetCursorKey)
	if err != nil {
		return nil, err
	}
	fields := fieldsParam(p)
	res := searchResult{TotalCount: len(sel), Resources: make([]any, 0, len(pg)), NextCursor: next}
	for _, a := range pg {
		u := s.deliveryURL(rc, a)
		name := path.Base(a.PublicID)
		if a.ResourceType == "raw" {
			name, _ = splitExt(name)
		}
		r := searchResource{
			AssetID: a.AssetID, PublicID: a.PublicID, AssetFolder: a.AssetFolder, Folder: a.Folder, Filename: name,
			DisplayName: a.DisplayName, Format: a.Format, Version: a.Version, VersionID: a.VersionID,
			ResourceType: a.ResourceType, Type: a.Type, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339),
			UploadedAt: a.CreatedAt.UTC().Format(time.RFC3339), Bytes: a.Bytes, ETag: a.ETag, URL: u, SecureURL: u,
			Status: "active", AccessMode: a.AccessMode,
		}
		if a.Width > 0 || a.Height > 0 {
			r.Width, r.Height, r.Pixels = a.Width, a.Height, a.Width*a.Height
			if a.Height > 0 {
				r.AspectRatio = float64(a.Width) / float64(a.Height)
			}
		}
		if with["tags"] {
			tags := nonNil(a.Tags)
			r.Tags = &tags
		}
		if with["context"] && len(a.Context) > 0 {
			r.Context = a.Context
		}
		if with["metadata"] && len(a.Metadata) > 0 {
			r.Metadata = a.Metadata
		}
		if with["image_metadata"] && a.ResourceType == "image" {
			r.ImageMetadata = map[string]string{}
		}
		if with["image_analysis"] && a.ResourceType == "image" {
			r.ImageAnalysis = &imageAnalysis{FaceCount: 0, Grayscale: false, Colors: map[string]float64{}}
		}
		res.Resources = append(res.Resources, selectFields(r, fields))
	}
	res.Time = time.Since(start).Milliseconds()
	if len(aggs) > 0 {
		res.Aggregations = aggregations
	}
	return res, nil
}

// searchResource is one asset of a search answer.
type searchResource struct {
	AssetID       string            `json:"asset_id"`
	PublicID      string            `json:"public_id"`
	AssetFolder   string            `json:"asset_folder"`
	Folder        string            `json:"folder,omitempty"`
	Filename      string            `json:"filename"`
	DisplayName   string            `json:"display_name"`
	Format        string            `json:"format,omitempty"`
	Version       int64             `json:"version"`
	VersionID     string            `json:"version_id"`
	ResourceType  string            `json:"resource_type"`
	Type          string            `json:"type"`
	CreatedAt     string            `json:"created_at"`
	UploadedAt    string            `json:"uploaded_at"`
	Bytes         int64             `json:"bytes"`
	BackupBytes   int64             `json:"backup_bytes"`
	Width         int               `json:"width,omitempty"`
	Height        int               `json:"height,omitempty"`
	AspectRatio   float64           `json:"aspect_ratio,omitempty"`
	Pixels        int               `json:"pixels,omitempty"`
	ETag          string            `json:"etag"`
	URL           string            `json:"url"`
	SecureURL     string            `json:"secure_url"`
	Status        string            `json:"status"`
	AccessMode    string            `json:"access_mode"`
	Tags          *[]string         `json:"tags,omitempty"`
	Context       map[string]string `json:"context,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
	ImageMetadata map[string]string `json:"image_metadata,omitempty"`
	ImageAnalysis *imageAnalysis    `json:"image_analysis,omitempty"`
}

// imageAnalysis is the with_field=image_analysis block: the mock runs no
// analysis, so it is the deterministic answer for a plain image.
type imageAnalysis struct {
	FaceCount int                `json:"face_count"`
	Grayscale bool               `json:"grayscale"`
	Colors    map[string]float64 `json:"colors"`
}

type searchResult struct {
	TotalCount   int                       `json:"total_count"`
	Time         int64                     `json:"time"`
	Resources    []any                     `json:"resources"`
	NextCursor   string                    `json:"next_cursor,omitempty"`
	Aggregations map[string]map[string]int `json:"aggregations,omitempty"`
}
