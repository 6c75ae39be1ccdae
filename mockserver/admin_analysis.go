package mockserver

import (
	"encoding/json"
	"strings"
	"time"
)

// This file answers the Analysis API under /v2/<cloud>/analysis/.

// routeV2 routes /v2/<cloud>/analysis/...: the Analysis API, authenticated
// and rate limited like the Admin API.
func (s *Server) routeV2(rc *reqCtx, segs []string) (handlerFunc, error) {
	rc.label = "analysis/unknown"
	if len(segs) < 2 {
		return nil, notFound("Not found: expected /v2/<cloud>/analysis/<path>")
	}
	rc.cloud, rc.segs = segs[0], segs[1:]
	if rc.cloud != s.cfg.cloud {
		return nil, unauthorized("Invalid cloud_name %s", rc.cloud)
	}
	if rc.segs[0] != "analysis" {
		return nil, notFound("Unknown API route %s", rc.r.URL.Path)
	}
	rc.label = "analysis/" + strings.Join(rc.segs[1:], "/")
	return s.adminEntry, nil
}

// analysisTypes are the analysis types the mock answers (those the
// official SDKs document for URI analysis).
var analysisTypes = map[string]bool{
	"captioning": true, "cld_fashion": true, "cld_text": true, "coco": true, "google_tagging": true,
	"human_anatomy": true, "lvis": true, "shop_classifier": true, "unidet": true, "custom": true,
}

type analysisResponse struct {
	Data      analysisData `json:"data"`
	RequestID string       `json:"request_id"`
}

type analysisData struct {
	Entity   string       `json:"entity"`
	Analysis analysisBody `json:"analysis"`
}

type analysisBody struct {
	Data         any `json:"data"` // analysisTags or analysisCaption
	ModelVersion int `json:"model_version"`
}

type analysisTags struct {
	Tags map[string]any `json:"tags"`
}

type analysisCaption struct {
	Caption string `json:"caption"`
}

// adminAnalysis answers POST /v2/<cloud>/analysis/analyze/uri. The mock
// runs no model: the answer has Cloudinary's envelope and a deterministic,
// empty result for the type (no tags, an empty caption).
func (s *Server) adminAnalysis(rc *reqCtx) (any, error) {
	segs := rc.segs[1:]
	if len(segs) != 2 || segs[0] != "analyze" || segs[1] != "uri" {
		return nil, notFound("Unknown Analysis API route %s", rc.r.URL.Path)
	}
	p := rc.p
	uri, typ := p.get("uri"), p.get("analysis_type")
	switch {
	case uri == "":
		return nil, missingParam("uri")
	case typ == "":
		return nil, missingParam("analysis_type")
	case !analysisTypes[typ]:
		return nil, badRequest("Invalid analysis_type %s", typ)
	}
	var result any = analysisTags{Tags: map[string]any{}}
	switch typ {
	case "captioning":
		result = analysisCaption{}
	case "custom":
		var params struct {
			Custom struct {
				ModelName    string `json:"model_name"`
				ModelVersion int    `json:"model_version"`
			} `json:"custom"`
		}
		if err := json.Unmarshal([]byte(p.get("parameters")), &params); err != nil || params.Custom.ModelName == "" || params.Custom.ModelVersion < 1 {
			return nil, badRequest("Analysis type custom requires parameters.custom.model_name and model_version")
		}
	}
	return analysisResponse{
		Data:      analysisData{Entity: uri, Analysis: analysisBody{Data: result, ModelVersion: 1}},
		RequestID: rc.rid,
	}, nil
}

// nowUTC is the server clock in UTC, for the timestamps of the parity
// and provisioning endpoints.
func (s *Server) nowUTC() time.Time { return s.Now().UTC() }
