package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// This file answers /triggers: webhook notification triggers, kept with
// state (the mock stores them; its own notifications go to notification_url).

// trigger is a stored notification trigger.
type trigger struct {
	ID              string          `json:"id"`
	URI             string          `json:"uri"`
	EventType       string          `json:"event_type"`
	Additive        bool            `json:"additive"`
	Filter          json.RawMessage `json:"filter,omitempty"`
	FilterLanguage  string          `json:"filter_language,omitempty"`
	PayloadTemplate json.RawMessage `json:"payload_template,omitempty"`
	AuthScheme      string          `json:"auth_scheme,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

type triggerJSON struct {
	ID                   string          `json:"id"`
	ProductEnvironmentID string          `json:"product_environment_id"`
	URI                  string          `json:"uri"`
	URIType              string          `json:"uri_type"`
	EventType            string          `json:"event_type"`
	Additive             bool            `json:"additive"`
	Filter               json.RawMessage `json:"filter,omitempty"`
	FilterLanguage       string          `json:"filter_language,omitempty"`
	PayloadTemplate      json.RawMessage `json:"payload_template,omitempty"`
	AuthScheme           string          `json:"auth_scheme,omitempty"`
	CreatedAt            string          `json:"created_at"`
	UpdatedAt            string          `json:"updated_at"`
}

type triggerList struct {
	Triggers []triggerJSON `json:"triggers"`
}

func (s *Server) triggerJSON(t *trigger) triggerJSON {
	return triggerJSON{ID: t.ID, ProductEnvironmentID: folderID(s.cfg.cloud), URI: t.URI, URIType: "webhook",
		EventType: t.EventType, Additive: t.Additive, Filter: t.Filter, FilterLanguage: t.FilterLanguage,
		PayloadTemplate: t.PayloadTemplate, AuthScheme: t.AuthScheme,
		CreatedAt: rfc3339(t.CreatedAt), UpdatedAt: rfc3339(t.UpdatedAt)}
}

// applyTrigger copies the request's trigger attributes into t.
func applyTrigger(t *trigger, p *params) error {
	if v := p.get("uri"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badRequest("Invalid uri %s: must be an http or https URL", v)
		}
		t.URI = v
	}
	if v := p.get("event_type"); v != "" {
		if !isIdentifier(v) {
			return badRequest("Invalid event_type %s", v)
		}
		t.EventType = v
	}
	if p.has("additive") {
		b, err := p.boolean("additive", false)
		if err != nil {
			return err
		}
		t.Additive = b
	}
	for name, dst := range map[string]*json.RawMessage{"filter": &t.Filter, "payload_template": &t.PayloadTemplate} {
		if !p.has(name) {
			continue
		}
		if _, err := jsonObjectParam(p, name); err != nil {
			return err
		}
		*dst = json.RawMessage(p.get(name))
	}
	if v := p.get("filter_language"); v != "" {
		t.FilterLanguage = v
	}
	if v := p.get("auth_scheme"); v != "" {
		t.AuthScheme = v
	}
	return nil
}

func isIdentifier(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func (s *Server) adminTriggers(rc *reqCtx) (any, error) {
	m, id := rc.method(), rc.pv("id")
	p := rc.p
	switch {
	case (m == http.MethodGet || m == http.MethodHead) && id == "":
		s.mu.RLock()
		defer s.mu.RUnlock()
		var list []*trigger
		for _, t := range s.st.cfg.Triggers {
			list = append(list, t)
		}
		sort.Slice(list, func(i, j int) bool {
			return list[i].CreatedAt.Before(list[j].CreatedAt) || list[i].CreatedAt.Equal(list[j].CreatedAt) && list[i].ID < list[j].ID
		})
		out := triggerList{Triggers: []triggerJSON{}}
		for _, t := range list {
			if et := p.get("event_type"); et == "" || et == t.EventType {
				out.Triggers = append(out.Triggers, s.triggerJSON(t))
			}
		}
		return out, nil
	case m == http.MethodPost && id == "":
		if p.get("uri") == "" {
			return nil, missingParam("uri")
		}
		if p.get("event_type") == "" {
			return nil, missingParam("event_type")
		}
		now := s.nowUTC()
		t := &trigger{ID: s.newHexID(), CreatedAt: now, UpdatedAt: now}
		if err := applyTrigger(t, p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, o := range s.st.cfg.Triggers {
			if o.URI == t.URI && o.EventType == t.EventType {
				return nil, conflict("Trigger for uri %s and event_type %s already exists", t.URI, t.EventType)
			}
		}
		s.st.cfg.Triggers[t.ID] = t
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return s.triggerJSON(t), nil
	case (m == http.MethodPut || m == http.MethodPost) && id != "":
		s.mu.Lock()
		defer s.mu.Unlock()
		t := s.st.cfg.Triggers[id]
		if t == nil {
			return nil, notFound("Trigger %s not found", id)
		}
		c := *t
		if err := applyTrigger(&c, p); err != nil {
			return nil, err
		}
		c.UpdatedAt = s.nowUTC()
		*t = c
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return s.triggerJSON(t), nil
	case m == http.MethodDelete && id != "":
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.st.cfg.Triggers[id] == nil {
			return nil, notFound("Trigger %s not found", id)
		}
		delete(s.st.cfg.Triggers, id)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return messageResponse{Message: "ok"}, nil
	}
	return nil, methodNotAllowed(m)
}
