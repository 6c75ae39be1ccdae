package mockserver

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// This file answers /upload_presets.

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
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		var x any // eager, context, metadata, ... sent as JSON: answered as JSON
		if json.Unmarshal([]byte(t), &x) == nil {
			return x
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
		return messageResponse{Message: "deleted"}, nil
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
