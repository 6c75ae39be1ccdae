package mockserver

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// The Admin API route table: one Go 1.22 ServeMux pattern per method and
// path (relative to /v1_1/<cloud>/, or /v2/<cloud>/ for analysis), the most
// specific pattern winning. adminEntry matches a request against it after
// authenticating; an unknown path answers Cloudinary's 404 shape, a known
// path with another method 404 "Unsupported method".

// adminRoute is one row of the table.
type adminRoute struct {
	pattern string // "METHOD /path/{wildcard}/{rest...}"
	h       handlerFunc
}

// pv returns the path value name of the matched route ("" if none).
func (rc *reqCtx) pv(name string) string {
	if rc.match == nil {
		return ""
	}
	return rc.match.PathValue(name)
}

// method is the request's method, HEAD answered as GET.
func (rc *reqCtx) method() string {
	if rc.r.Method == http.MethodHead {
		return http.MethodGet
	}
	return rc.r.Method
}

func (s *Server) adminRouteTable() []adminRoute {
	r := []adminRoute{
		{"GET /ping", func(*reqCtx) (any, error) { return pingResponse{Status: "ok"}, nil }},
		{"GET /usage", s.adminUsage},
		{"GET /usage/{date}", s.adminUsage},
		{"GET /config", s.adminConfig},

		{"GET /resources", s.resourceTypesList},
		{"DELETE /resources", s.deleteByAssetIDs},
		{"GET /resources/by_asset_folder", s.listByAssetFolder},
		{"GET /resources/by_asset_ids", s.listByAssetIDs},
		{"GET /resources/search", s.adminSearch},
		{"POST /resources/search", s.adminSearch},
		{"GET /resources/visual_search", s.visualSearch},
		{"POST /resources/visual_search", s.visualSearch},
		{"DELETE /resources/backup/{asset_id}", s.deleteBackup},
		{"POST /resources/restore", func(rc *reqCtx) (any, error) {
			return s.restore(rc, func(a *asset) string { return a.AssetID }, "asset_ids", nil)
		}},
		{"POST /resources/related_assets/{asset_id}", s.adminRelated},
		{"DELETE /resources/related_assets/{asset_id}", s.adminRelated},
		{"POST /resources/related_assets/{rt}/{type}/{public_id...}", s.adminRelated},
		{"DELETE /resources/related_assets/{rt}/{type}/{public_id...}", s.adminRelated},
		{"POST /resources/related_complementary_assets/{asset_id}", s.adminRelated},
		{"DELETE /resources/related_complementary_assets/{asset_id}", s.adminRelated},
		{"GET /resources/{asset_id}", s.resourceByAssetID},
		{"PUT /resources/{asset_id}", s.resourceByAssetID},
		{"POST /resources/{asset_id}", s.resourceByAssetID},
		{"DELETE /derived_resources", s.handleDeleteDerived},

		{"GET /folders", s.adminFolders},
		{"GET /folders/search", s.folderSearch},
		{"POST /folders/search", s.folderSearch},
		{"GET /folders/{path...}", s.adminFolders},
		{"POST /folders/{path...}", s.adminFolders},
		{"PUT /folders/{path...}", s.adminFolders},
		{"DELETE /folders/{path...}", s.adminFolders},

		{"GET /upload_presets", s.adminPresets},
		{"POST /upload_presets", s.adminPresets},
		{"GET /upload_presets/{name}", s.adminPresets},
		{"PUT /upload_presets/{name}", s.adminPresets},
		{"DELETE /upload_presets/{name}", s.adminPresets},

		{"GET /upload_mappings", s.adminMappings},
		{"POST /upload_mappings", s.adminMappings},
		{"PUT /upload_mappings", s.adminMappings},
		{"DELETE /upload_mappings", s.adminMappings},

		{"GET /transformations", s.adminTransformations},
		{"POST /transformations", s.adminTransformations},
		{"PUT /transformations", s.adminTransformations},
		{"DELETE /transformations", s.adminTransformations},
		{"GET /transformations/{name...}", s.adminTransformations},
		{"POST /transformations/{name...}", s.adminTransformations},
		{"PUT /transformations/{name...}", s.adminTransformations},
		{"DELETE /transformations/{name...}", s.adminTransformations},

		{"GET /metadata_fields", s.adminMetadataFields},
		{"POST /metadata_fields", s.adminMetadataFields},
		{"PUT /metadata_fields/order", s.reorderMetadataFields},
		{"GET /metadata_fields/{id}", s.adminMetadataFields},
		{"PUT /metadata_fields/{id}", s.adminMetadataFields},
		{"DELETE /metadata_fields/{id}", s.adminMetadataFields},
		{"PUT /metadata_fields/{id}/datasource", s.adminDatasource},
		{"DELETE /metadata_fields/{id}/datasource", s.adminDatasource},
		{"POST /metadata_fields/{id}/datasource_restore", s.adminDatasource},
		{"POST /metadata_fields/{id}/datasource/order", s.adminDatasource},

		{"GET /metadata_rules", s.adminMetadataRules},
		{"POST /metadata_rules", s.adminMetadataRules},
		{"PUT /metadata_rules/{id}", s.adminMetadataRules},
		{"DELETE /metadata_rules/{id}", s.adminMetadataRules},

		{"GET /streaming_profiles", s.adminStreamingProfiles},
		{"POST /streaming_profiles", s.adminStreamingProfiles},
		{"GET /streaming_profiles/{name}", s.adminStreamingProfiles},
		{"PUT /streaming_profiles/{name}", s.adminStreamingProfiles},
		{"DELETE /streaming_profiles/{name}", s.adminStreamingProfiles},

		{"GET /triggers", s.adminTriggers},
		{"POST /triggers", s.adminTriggers},
		{"PUT /triggers/{id}", s.adminTriggers},
		{"POST /triggers/{id}", s.adminTriggers},
		{"DELETE /triggers/{id}", s.adminTriggers},

		{"POST /analysis/analyze/uri", s.adminAnalysis}, // under /v2/<cloud>/ only
	}
	// Literal resource types win over /resources/{asset_id}.
	for rt := range resourceTypes {
		base := "/resources/" + rt
		r = append(r,
			adminRoute{"GET /tags/" + rt, s.adminTags},
			adminRoute{"GET " + base, s.listByResourceType},
			adminRoute{"GET " + base + "/tags/{tag...}", s.listByTag},
			adminRoute{"DELETE " + base + "/tags/{tag...}", s.deleteByTag},
			adminRoute{"GET " + base + "/context", s.listByContext},
			adminRoute{"GET " + base + "/moderations/{kind}/{status}", s.listByModeration},
			adminRoute{"POST " + base + "/publish_resources", s.publishResources},
			adminRoute{"GET " + base + "/{type}", s.listByType},
			adminRoute{"DELETE " + base + "/{type}", s.deleteByType},
			adminRoute{"POST " + base + "/{type}/restore", func(rc *reqCtx) (any, error) {
				rt, typ := rc.rt(), rc.pv("type")
				return s.restore(rc, func(a *asset) string { return a.PublicID }, "public_ids", func(a *asset) bool {
					return a.ResourceType == rt && a.Type == typ
				})
			}},
			adminRoute{"POST " + base + "/{type}/update_access_mode", s.updateAccessMode},
			adminRoute{"GET " + base + "/{type}/{public_id...}", s.resourceByPublicID},
			adminRoute{"POST " + base + "/{type}/{public_id...}", s.resourceByPublicID},
			adminRoute{"PUT " + base + "/{type}/{public_id...}", s.resourceByPublicID},
		)
	}
	return r
}

// rt is the resource type of a /resources/<rt>/... or /tags/<rt> route.
func (rc *reqCtx) rt() string {
	if len(rc.segs) > 1 && resourceTypes[rc.segs[1]] {
		return rc.segs[1]
	}
	return ""
}

// adminMux is the compiled route table.
type adminMux struct {
	mux   *http.ServeMux
	roots map[string]bool // first path segments, for route() and fault labels
}

type matchKey struct{}

type routeMatch struct {
	h   handlerFunc
	req *http.Request
}

func newAdminMux(routes []adminRoute) *adminMux {
	am := &adminMux{mux: http.NewServeMux(), roots: map[string]bool{}}
	for _, rt := range routes {
		h := rt.h
		am.mux.HandleFunc(rt.pattern, func(_ http.ResponseWriter, r *http.Request) {
			m := r.Context().Value(matchKey{}).(*routeMatch)
			m.h, m.req = h, r
		})
		_, p, _ := strings.Cut(rt.pattern, " ")
		root, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
		if root != "analysis" {
			am.roots[root] = true
		}
	}
	return am
}

// statusOnly records the status ServeMux answers when nothing matched.
type statusOnly struct {
	h      http.Header
	status int
}

func (w *statusOnly) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *statusOnly) Write(b []byte) (int, error) { return len(b), nil }
func (w *statusOnly) WriteHeader(code int)        { w.status = code }

// match finds the handler of rc's Admin API path (rc.segs, already
// percent-decoded: %2F separates segments, as Cloudinary routes).
func (am *adminMux) match(rc *reqCtx) (handlerFunc, error) {
	p := "/" + strings.Join(rc.segs, "/")
	if rc.segs[0] == "analysis" && !strings.HasPrefix(rc.label, "analysis/") {
		return nil, notFound("Unknown API route %s", rc.r.URL.Path)
	}
	for i, seg := range rc.segs {
		if seg == "." || seg == ".." || seg == "" && i < len(rc.segs)-1 {
			// Nothing can be stored under such a name: a read finds
			// nothing, a write is refused as an invalid name.
			if rc.method() == http.MethodGet {
				return nil, resourceNotFound(strings.Join(rc.segs, "/"))
			}
			return nil, badRequest("Invalid path %s: empty, . and .. segments are not allowed", rc.r.URL.Path)
		}
	}
	m := &routeMatch{}
	req := (&http.Request{Method: rc.r.Method, URL: &url.URL{Path: p}, Host: "mock", Header: http.Header{}}).
		WithContext(context.WithValue(rc.r.Context(), matchKey{}, m))
	var w statusOnly
	am.mux.ServeHTTP(&w, req)
	if m.h != nil {
		rc.match = m.req
		return m.h, nil
	}
	if w.status == http.StatusMethodNotAllowed {
		return nil, notFound("Unsupported method %s for %s", rc.r.Method, rc.r.URL.Path)
	}
	return nil, notFound("Unknown API route %s", rc.r.URL.Path)
}

type pingResponse struct {
	Status string `json:"status"`
}

type resourceTypesResponse struct {
	ResourceTypes []string `json:"resource_types"`
}
