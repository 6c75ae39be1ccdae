// Package sdkadmin runs the official Go SDK's Admin calls against the
// cldrest mock (in-process), in the wire forms that SDK sends: JSON bodies
// with comma-string lists, raw public IDs in paths. The Go SDK reports an
// API error in the result's Error field with err == nil, so every step
// checks both.
package sdkadmin

import (
	"context"
	"testing"

	cld "github.com/cloudinary/cloudinary-go/v2"
	"github.com/cloudinary/cloudinary-go/v2/api"
	"github.com/cloudinary/cloudinary-go/v2/api/admin"
	"github.com/cloudinary/cloudinary-go/v2/api/admin/metadata"
	"github.com/cloudinary/cloudinary-go/v2/api/admin/search"

	"github.com/cldrest/cldrest/mockserver"
)

func setup(t *testing.T) (*mockserver.Running, *admin.API) {
	t.Helper()
	m := mockserver.Start(t)
	c, err := cld.NewFromURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	return m, &c.Admin
}

func ok(t *testing.T, name string, e api.ErrorResp, err error) {
	t.Helper()
	if err != nil || e.Message != "" {
		t.Fatalf("%s: err %v, API error %q", name, err, e.Message)
	}
}

func TestGoSDKAdminAgainstMock(t *testing.T) {
	m, a := setup(t)
	ctx := context.Background()
	for _, id := range []string{"sdk/red", "sdk/blue"} {
		if _, err := m.PutAsset(mockserver.Asset{PublicID: id, Tags: []string{"shoe"}, AssetFolder: "sdk/shoes"}); err != nil {
			t.Fatal(err)
		}
	}

	sp, err := a.ListStreamingProfiles(ctx)
	ok(t, "ListStreamingProfiles", sp.Error, err)
	if len(sp.Data) < 7 {
		t.Fatalf("predefined streaming profiles: %+v", sp.Data)
	}
	csp, err := a.CreateStreamingProfile(ctx, admin.CreateStreamingProfileParams{Name: "sdk_profile", DisplayName: "SDK",
		Representations: admin.StreamingProfileRepresentations{{Transformation: "c_limit,w_640,h_360"}}})
	ok(t, "CreateStreamingProfile", csp.Error, err)
	gsp, err := a.GetStreamingProfile(ctx, admin.GetStreamingProfileParams{Name: "sdk_profile"})
	ok(t, "GetStreamingProfile", gsp.Error, err)
	if len(gsp.Data.Representations) != 1 {
		t.Fatalf("representations: %+v", gsp.Data)
	}
	dsp, err := a.DeleteStreamingProfile(ctx, admin.DeleteStreamingProfileParams{Name: "sdk_profile"})
	ok(t, "DeleteStreamingProfile", dsp.Error, err)

	tr, err := a.CreateTrigger(ctx, admin.CreateTriggerParams{URI: "https://example.com/hook", EventType: "upload"})
	ok(t, "CreateTrigger", tr.Error, err)
	lt, err := a.ListTriggers(ctx, admin.ListTriggersParams{})
	ok(t, "ListTriggers", lt.Error, err)
	if len(lt.Triggers) != 1 || lt.Triggers[0].ID == "" {
		t.Fatalf("triggers: %+v", lt.Triggers)
	}
	ut, err := a.UpdateTrigger(ctx, admin.UpdateTriggerParams{TriggerID: lt.Triggers[0].ID, URI: "https://example.com/hook2"})
	ok(t, "UpdateTrigger", ut.Error, err)
	delT, err := a.DeleteTrigger(ctx, admin.DeleteTriggerParams{TriggerID: lt.Triggers[0].ID})
	ok(t, "DeleteTrigger", delT.Error, err)

	f, err := a.AddMetadataField(ctx, metadata.Field{Type: metadata.EnumFieldType, ExternalID: "sdk_color", Label: "Color",
		DataSource: metadata.DataSource{Values: []metadata.DataSourceValue{{ExternalID: "r", Value: "Red"}, {ExternalID: "b", Value: "Blue"}}}})
	ok(t, "AddMetadataField", f.Error, err)
	uds, err := a.UpdateMetadataFieldDataSource(ctx, admin.UpdateMetadataFieldDataSourceParams{FieldExternalID: "sdk_color",
		DataSource: metadata.DataSource{Values: []metadata.DataSourceValue{{Value: "Green"}}}})
	ok(t, "UpdateMetadataFieldDataSource", uds.Error, err)
	if len(uds.Values) != 3 {
		t.Fatalf("datasource after update: %+v", uds.Values)
	}
	dds, err := a.DeleteDataSourceEntries(ctx, admin.DeleteDataSourceEntriesParams{FieldExternalID: "sdk_color", EntriesExternalIDs: []string{"r"}})
	ok(t, "DeleteDataSourceEntries", dds.Error, err)
	rds, err := a.RestoreDatasourceEntries(ctx, admin.RestoreDatasourceEntriesParams{FieldExternalID: "sdk_color", EntriesExternalIDs: []string{"r"}})
	ok(t, "RestoreDatasourceEntries", rds.Error, err)
	ord, err := a.ReorderMetadataFieldDatasource(ctx, admin.ReorderMetadataFieldDatasourceParams{FieldExternalID: "sdk_color",
		FieldOrderBy: admin.OrderFieldValue, FieldDirection: admin.Ascending})
	ok(t, "ReorderMetadataFieldDatasource", ord.Error, err)
	if ord.Values[0].Value != "Blue" {
		t.Fatalf("ordered datasource: %+v", ord.Values)
	}
	rf, err := a.ReorderMetadataFields(ctx, admin.ReorderMetadataFieldsParams{FieldOrderBy: admin.OrderFieldLabel, FieldDirection: admin.Ascending})
	ok(t, "ReorderMetadataFields", rf.Error, err)

	red, err := a.Asset(ctx, admin.AssetParams{PublicID: "sdk/red"})
	ok(t, "Asset", red.Error, err)
	rel, err := a.AddRelatedAssets(ctx, admin.AddRelatedAssetsParams{PublicID: "sdk/red", AssetsToRelate: []string{"image/upload/sdk/blue"}})
	if err != nil || len(rel.Success) != 1 {
		t.Fatalf("AddRelatedAssets: %+v %v", rel, err)
	}
	vs, err := a.VisualSearch(ctx, admin.VisualSearchParams{ImageAssetID: red.AssetID})
	ok(t, "VisualSearch", vs.Error, err)
	if len(vs.Assets) != 1 || vs.Assets[0].PublicID != "sdk/blue" {
		t.Fatalf("visual search: %+v", vs.Assets)
	}
	sf, err := a.SearchFolders(ctx, search.Query{Expression: "path=sdk/*"})
	ok(t, "SearchFolders", sf.Error, err)
	if sf.TotalCount != 1 || sf.Folders[0].Path != "sdk/shoes" {
		t.Fatalf("search folders: %+v", sf)
	}
	dd, err := a.DeleteDerivedAssets(ctx, admin.DeleteDerivedAssetsParams{DerivedAssetIDs: api.CldAPIArray{"0123456789abcdef"}})
	ok(t, "DeleteDerivedAssets", dd.Error, err)

	ct, err := a.CreateTransformation(ctx, admin.CreateTransformationParams{Name: "sdk_thumb", Transformation: "c_scale,w_102"})
	ok(t, "CreateTransformation", ct.Error, err)
	gt, err := a.GetTransformation(ctx, admin.GetTransformationParams{Transformation: "t_sdk_thumb"})
	ok(t, "GetTransformation", gt.Error, err)
	if len(gt.Info) != 1 {
		t.Fatalf("transformation info: %+v", gt.Info)
	}
	yes := true
	upt, err := a.UpdateTransformation(ctx, admin.UpdateTransformationParams{Transformation: "t_sdk_thumb", AllowedForStrict: &yes, UnsafeUpdate: "c_fill,w_50"})
	ok(t, "UpdateTransformation", upt.Error, err)
	us, err := a.Usage(ctx, admin.UsageParams{})
	ok(t, "Usage", us.Error, err)
	if us.Resources != 2 {
		t.Fatalf("usage resources %d", us.Resources)
	}
	byF, err := a.AssetsByAssetFolder(ctx, admin.AssetsByAssetFolderParams{AssetFolder: "sdk/shoes"})
	ok(t, "AssetsByAssetFolder", byF.Error, err)
	if len(byF.Assets) != 2 {
		t.Fatalf("by asset folder: %+v", byF.Assets)
	}
	del, err := a.DeleteAllAssets(ctx, admin.DeleteAllAssetsParams{All: &yes, NextCursor: "forged"})
	if err != nil || del.Error.Message != "Invalid next_cursor forged" {
		t.Fatalf("delete all with a forged cursor was not refused: %+v %v", del, err)
	}
	if left, _ := a.Assets(ctx, admin.AssetsParams{}); len(left.Assets) != 2 {
		t.Fatalf("assets left after a refused delete: %d", len(left.Assets))
	}
}
