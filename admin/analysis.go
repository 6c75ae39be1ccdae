package admin

import (
	"context"
	"net/http"

	"github.com/cldrest/cldrest/client"
)

// AnalysisType names a model of the Analyze API (each needs its add-on).
type AnalysisType string

// The analysis types the official SDKs document for URI analysis.
const (
	AnalysisCaptioning     AnalysisType = "captioning"      // a sentence describing the image
	AnalysisCldFashion     AnalysisType = "cld_fashion"     // fashion items
	AnalysisCldText        AnalysisType = "cld_text"        // text regions
	AnalysisCoco           AnalysisType = "coco"            // COCO objects
	AnalysisGoogleTagging  AnalysisType = "google_tagging"  // Google auto-tagging
	AnalysisHumanAnatomy   AnalysisType = "human_anatomy"   // body parts
	AnalysisLvis           AnalysisType = "lvis"            // LVIS objects
	AnalysisShopClassifier AnalysisType = "shop_classifier" // product categories
	AnalysisUnidet         AnalysisType = "unidet"          // UniDet objects
	// AnalysisCustom runs a custom model: set ModelName and ModelVersion.
	AnalysisCustom AnalysisType = "custom"
)

// AnalyzeParams is one Analyze API request.
type AnalyzeParams struct {
	// URI is the asset to analyze: a Cloudinary delivery URL or any
	// public URL.
	URI          string       `json:"uri"`
	AnalysisType AnalysisType `json:"analysis_type"`
	// ModelName and ModelVersion select the model of AnalysisCustom; they
	// are required for it and refused for the other types.
	ModelName    string `json:"-"`
	ModelVersion int    `json:"-"`
}

// AnalysisData is the analysis of one asset. Analysis holds the model's
// answer, whose shape depends on the analysis type (tags with confidence
// and bounding boxes, a caption, ...).
type AnalysisData struct {
	Entity   string         `json:"entity"`
	Analysis map[string]any `json:"analysis"`
}

// AnalyzeResult is the answer of Analyze.
type AnalyzeResult struct {
	client.Meta
	Data      AnalysisData `json:"data"`
	RequestID string       `json:"request_id"`
}

type analyzeBody struct {
	*AnalyzeParams
	Parameters *analyzeParameters `json:"parameters,omitempty"`
}

type analyzeParameters struct {
	Custom struct {
		ModelName    string `json:"model_name"`
		ModelVersion int    `json:"model_version"`
	} `json:"custom"`
}

// Analyze runs one analysis on the asset at a URI (the Analysis API, a
// Public Beta at Cloudinary). It is authenticated like the Admin API and
// answers synchronously.
//
// POST /v2/<cloud_name>/analysis/analyze/uri
func (s *Service) Analyze(ctx context.Context, p *AnalyzeParams) (*AnalyzeResult, error) {
	const op = "Analyze"
	if p == nil || p.URI == "" {
		return nil, invalid(op, "no URI; pass the URL of the asset to analyze")
	}
	if p.AnalysisType == "" {
		return nil, invalid(op, "no analysis type; use one of captioning, coco, google_tagging, ... (admin.Analysis*)")
	}
	b := analyzeBody{AnalyzeParams: p}
	switch {
	case p.AnalysisType == AnalysisCustom && (p.ModelName == "" || p.ModelVersion <= 0):
		return nil, invalid(op, "analysis type custom needs ModelName and a ModelVersion of 1 or more")
	case p.AnalysisType == AnalysisCustom:
		b.Parameters = &analyzeParameters{}
		b.Parameters.Custom.ModelName, b.Parameters.Custom.ModelVersion = p.ModelName, p.ModelVersion
	case p.ModelName != "" || p.ModelVersion != 0:
		return nil, invalid(op, "ModelName and ModelVersion are for analysis type custom, not %s; leave them empty", p.AnalysisType)
	}
	if s == nil || s.c == nil {
		return nil, invalid(op, "the Service has no client; create it with admin.New(client)")
	}
	var r AnalyzeResult
	// An analysis reads the asset and changes nothing: safe to repeat.
	c := call{Method: http.MethodPost, Root: path("v2", s.c.Config().CloudName), Path: "analysis/analyze/uri", Body: b, Safe: true}
	if _, err := s.do(ctx, op, c, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
