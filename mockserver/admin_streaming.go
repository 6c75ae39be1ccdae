package mockserver

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// This file answers /streaming_profiles: the predefined adaptive-streaming
// profiles every cloud has, and custom ones with state.

// streamingProfile is a stored custom streaming profile.
type streamingProfile struct {
	Name            string   `json:"name"`
	DisplayName     string   `json:"display_name"`
	ExternalID      string   `json:"external_id"`
	Representations []string `json:"representations"` // transformation strings
}

type representationJSON struct {
	Transformation []map[string]any `json:"transformation"`
}

type streamingProfileJSON struct {
	Name            string               `json:"name"`
	DisplayName     string               `json:"display_name"`
	Predefined      bool                 `json:"predefined"`
	ExternalID      string               `json:"external_id,omitempty"`
	Representations []representationJSON `json:"representations,omitempty"`
}

type streamingProfileList struct {
	Data []streamingProfileJSON `json:"data"`
}

type streamingProfileResult struct {
	Message string               `json:"message,omitempty"`
	Data    streamingProfileJSON `json:"data"`
}

// predefinedStreamingProfiles are the profiles Cloudinary predefines, with
// their renditions; they can be read but neither changed nor deleted.
var predefinedStreamingProfiles = []streamingProfile{
	{Name: "4k", DisplayName: "4K (2160p)", Representations: []string{"c_limit,w_3840,h_2160,vc_h264:high:5.1,br_18m", "c_limit,w_2560,h_1440,vc_h264:high:5.1,br_10m", "c_limit,w_1920,h_1080,vc_h264:high:4.0,br_5500k", "c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k", "c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k"}},
	{Name: "full_hd", DisplayName: "Full HD (1080p)", Representations: []string{"c_limit,w_1920,h_1080,vc_h264:high:4.0,br_5500k", "c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k", "c_limit,w_960,h_540,vc_h264:main:3.1,br_2m", "c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k"}},
	{Name: "full_hd_lean", DisplayName: "Full HD Lean (1080p)", Representations: []string{"c_limit,w_1920,h_1080,vc_h264:high:4.0,br_5500k", "c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k", "c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k"}},
	{Name: "full_hd_wifi", DisplayName: "Full HD WiFi (1080p)", Representations: []string{"c_limit,w_1920,h_1080,vc_h264:high:4.0,br_5500k", "c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k"}},
	{Name: "hd", DisplayName: "HD (720p)", Representations: []string{"c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k", "c_limit,w_960,h_540,vc_h264:main:3.1,br_2m", "c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k"}},
	{Name: "hd_lean", DisplayName: "HD Lean (720p)", Representations: []string{"c_limit,w_1280,h_720,vc_h264:main:3.1,br_3500k", "c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k"}},
	{Name: "sd", DisplayName: "SD (360p)", Representations: []string{"c_limit,w_640,h_360,vc_h264:baseline:3.0,br_800k", "c_limit,w_480,h_270,vc_h264:baseline:3.0,br_500k"}},
}

func predefinedProfile(name string) *streamingProfile {
	for i := range predefinedStreamingProfiles {
		if predefinedStreamingProfiles[i].Name == name {
			return &predefinedStreamingProfiles[i]
		}
	}
	return nil
}

func (sp *streamingProfile) json(predefined, withReps bool) streamingProfileJSON {
	out := streamingProfileJSON{Name: sp.Name, DisplayName: sp.DisplayName, Predefined: predefined, ExternalID: sp.ExternalID}
	if withReps {
		for _, t := range sp.Representations {
			out.Representations = append(out.Representations, representationJSON{Transformation: transformationInfo(t)})
		}
	}
	return out
}

// parseRepresentations reads representations: a JSON array (or its text)
// of {"transformation": "<string>" | [{...}]} objects or of strings.
func parseRepresentations(p *params) ([]string, error) {
	raw := p.get("representations")
	if raw == "" {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &items); err != nil || len(items) == 0 {
		return nil, badRequest("Invalid representations: must be a non-empty JSON array of {\"transformation\":...}")
	}
	var out []string
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			Transformation json.RawMessage `json:"transformation"`
		}
		if err := json.Unmarshal(it, &obj); err != nil || len(obj.Transformation) == 0 {
			return nil, badRequest("Invalid representations: each entry needs a transformation")
		}
		if json.Unmarshal(obj.Transformation, &s) == nil {
			out = append(out, s)
			continue
		}
		var comps []map[string]any
		if err := json.Unmarshal(obj.Transformation, &comps); err != nil {
			return nil, badRequest("Invalid representations: a transformation is a string or an array of objects")
		}
		out = append(out, transformationString(comps))
	}
	return out, nil
}

func (s *Server) adminStreamingProfiles(rc *reqCtx) (any, error) {
	m, name := rc.method(), rc.pv("name")
	p := rc.p
	switch {
	case (m == http.MethodGet || m == http.MethodHead) && name == "":
		s.mu.RLock()
		defer s.mu.RUnlock()
		out := streamingProfileList{Data: []streamingProfileJSON{}}
		for i := range predefinedStreamingProfiles {
			out.Data = append(out.Data, predefinedStreamingProfiles[i].json(true, false))
		}
		var names []string
		for n := range s.st.cfg.StreamingProfiles {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out.Data = append(out.Data, s.st.cfg.StreamingProfiles[n].json(false, false))
		}
		return out, nil
	case m == http.MethodGet || m == http.MethodHead:
		if sp := predefinedProfile(name); sp != nil {
			return streamingProfileResult{Data: sp.json(true, true)}, nil
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		sp := s.st.cfg.StreamingProfiles[name]
		if sp == nil {
			return nil, notFound("Streaming profile %s not found", name)
		}
		return streamingProfileResult{Data: sp.json(false, true)}, nil
	case m == http.MethodPost && name == "":
		name = p.get("name")
		if name == "" {
			return nil, missingParam("name")
		}
		if strings.ContainsAny(name, "/\x00") {
			return nil, badRequest("Invalid streaming profile name %q", name)
		}
		reps, err := parseRepresentations(p)
		if err != nil {
			return nil, err
		}
		if len(reps) == 0 {
			return nil, missingParam("representations")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if predefinedProfile(name) != nil || s.st.cfg.StreamingProfiles[name] != nil {
			return nil, conflict("Streaming profile %s already exists", name)
		}
		sp := &streamingProfile{Name: name, DisplayName: p.get("display_name"), ExternalID: s.newHexID(), Representations: reps}
		s.st.cfg.StreamingProfiles[name] = sp
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return streamingProfileResult{Message: "created", Data: sp.json(false, true)}, nil
	case (m == http.MethodPut || m == http.MethodDelete) && name != "":
		if predefinedProfile(name) != nil {
			return nil, badRequest("Cannot modify or delete predefined streaming profile %s", name)
		}
		reps, err := parseRepresentations(p)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sp := s.st.cfg.StreamingProfiles[name]
		if sp == nil {
			return nil, notFound("Streaming profile %s not found", name)
		}
		msg := "deleted"
		if m == http.MethodPut {
			msg = "updated"
			if p.has("display_name") {
				sp.DisplayName = p.get("display_name")
			}
			if len(reps) > 0 {
				sp.Representations = reps
			}
		} else {
			delete(s.st.cfg.StreamingProfiles, name)
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return streamingProfileResult{Message: msg, Data: sp.json(false, true)}, nil
	}
	return nil, methodNotAllowed(m)
}

// transformationKeys maps the URL keys of a transformation component to
// the names the Admin API uses in parsed transformations.
var transformationKeys = map[string]string{
	"a": "angle", "ac": "audio_codec", "af": "audio_frequency", "ar": "aspect_ratio", "b": "background",
	"bo": "border", "br": "bit_rate", "c": "crop", "co": "color", "cs": "color_space", "d": "default_image",
	"dl": "delay", "dn": "density", "dpr": "dpr", "du": "duration", "e": "effect", "eo": "end_offset",
	"f": "fetch_format", "fl": "flags", "fn": "custom_function", "fps": "fps", "g": "gravity", "h": "height",
	"if": "if", "ki": "keyframe_interval", "l": "overlay", "o": "opacity", "p": "prefix", "pg": "page",
	"q": "quality", "r": "radius", "so": "start_offset", "sp": "streaming_profile", "t": "transformation",
	"u": "underlay", "vc": "video_codec", "vs": "video_sampling", "w": "width", "x": "x", "y": "y", "z": "zoom",
}

// transformationInfo parses a transformation string into the Admin API's
// parsed form: one object per "/"-separated component, long key names,
// numbers as numbers ("c_scale,w_102" → [{"crop":"scale","width":102}]).
func transformationInfo(t string) []map[string]any {
	out := []map[string]any{}
	for _, comp := range strings.Split(t, "/") {
		if comp == "" {
			continue
		}
		obj := map[string]any{}
		for _, part := range strings.Split(comp, ",") {
			k, v, ok := strings.Cut(part, "_")
			if !ok {
				obj["raw_transformation"] = part
				continue
			}
			if long, ok := transformationKeys[k]; ok {
				k = long
			}
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				obj[k] = n
			} else if f, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eE") {
				obj[k] = f
			} else {
				obj[k] = v
			}
		}
		out = append(out, obj)
	}
	return out
}

// transformationString is the inverse of transformationInfo, for
// transformations sent in parsed form.
func transformationString(comps []map[string]any) string {
	short := map[string]string{}
	for k, v := range transformationKeys {
		short[v] = k
	}
	var parts []string
	for _, c := range comps {
		var kv []string
		for k, v := range c {
			if s, ok := short[k]; ok {
				k = s
			}
			var txt string
			switch x := v.(type) {
			case string:
				txt = x
			case float64:
				txt = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				b, _ := json.Marshal(x)
				txt = string(b)
			}
			kv = append(kv, k+"_"+txt)
		}
		sort.Strings(kv)
		parts = append(parts, strings.Join(kv, ","))
	}
	return strings.Join(parts, "/")
}
