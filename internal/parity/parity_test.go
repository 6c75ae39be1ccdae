package parity

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A mapping value is one or more cldrest identifiers separated by ", ",
// optionally followed by " — " and a note on how our shape differs:
//
//	pkg.Func, pkg.Type, pkg.Type.Method, pkg.Type.Field
//
// "pending:<package> — note" marks a call whose cldrest home is a package
// built under another issue that is not in this tree yet; the test fails as
// soon as that package exists, so the row gets its real target.

// goSDKMap maps cloudinary-go's *admin.API and *uploader.API methods.
var goSDKMap = map[string]string{
	// Admin: assets.
	"admin Asset":                               "admin.Service.Resource",
	"admin AssetByAssetID":                      "admin.Service.ResourceByAssetID",
	"admin AssetTypes":                          "admin.Service.ResourceTypes",
	"admin Assets":                              "admin.Service.ListResources, admin.Service.ListResourcesAll",
	"admin AssetsByAssetFolder":                 "admin.Service.ResourcesByAssetFolder, admin.Service.ResourcesByAssetFolderAll",
	"admin AssetsByContext":                     "admin.Service.ResourcesByContext, admin.Service.ResourcesByContextAll",
	"admin AssetsByIDs":                         "admin.Service.ResourcesByPublicIDs",
	"admin AssetsByModeration":                  "admin.Service.ResourcesByModeration, admin.Service.ResourcesByModerationAll",
	"admin AssetsByTag":                         "admin.Service.ResourcesByTag, admin.Service.ResourcesByTagAll",
	"admin UpdateAsset":                         "admin.Service.UpdateResource",
	"admin RestoreAssets":                       "admin.Service.RestoreResources",
	"admin DeleteAllAssets":                     "admin.Service.DeleteAllResources",
	"admin DeleteAssets":                        "admin.Service.DeleteResources",
	"admin DeleteAssetsByPrefix":                "admin.Service.DeleteResourcesByPrefix, admin.Service.DeleteAllByPrefix",
	"admin DeleteAssetsByTag":                   "admin.Service.DeleteResourcesByTag, admin.Service.DeleteAllByTag",
	"admin DeleteDerivedAssets":                 "admin.Service.DeleteDerivedResources",
	"admin DeleteDerivedAssetsByTransformation": "admin.Service.DeleteDerivedByTransformation",
	"admin Tags":                                "admin.Service.Tags, admin.Service.TagsAll",
	"admin VisualSearch":                        "admin.Service.VisualSearch",
	"admin Search":                              "admin.Service.Search, admin.Service.SearchAll",
	"admin SearchFolders":                       "admin.Service.SearchFolders, admin.Service.SearchFoldersAll",
	"admin Analyze":                             "admin.Service.Analyze",
	// Admin: related assets.
	"admin AddRelatedAssets":                           "admin.Service.AddRelatedAssets",
	"admin AddRelatedAssetsByAssetIDs":                 "admin.Service.AddRelatedAssetsByAssetID",
	"admin AddRelatedComplementaryAssetsByAssetIDs":    "admin.Service.AddRelatedComplementaryAssets",
	"admin DeleteRelatedAssets":                        "admin.Service.DeleteRelatedAssets",
	"admin DeleteRelatedAssetsByAssetIDs":              "admin.Service.DeleteRelatedAssetsByAssetID",
	"admin DeleteRelatedComplementaryAssetsByAssetIDs": "admin.Service.DeleteRelatedComplementaryAssets",
	// Admin: folders.
	"admin RootFolders":  "admin.Service.RootFolders, admin.Service.RootFoldersAll",
	"admin SubFolders":   "admin.Service.SubFolders, admin.Service.SubFoldersAll",
	"admin CreateFolder": "admin.Service.CreateFolder",
	"admin RenameFolder": "admin.Service.RenameFolder",
	"admin DeleteFolder": "admin.Service.DeleteFolder",
	// Admin: structured metadata.
	"admin AddMetadataField":               "admin.Service.CreateMetadataField",
	"admin ListMetadataFields":             "admin.Service.MetadataFields",
	"admin MetadataFieldByFieldID":         "admin.Service.MetadataField",
	"admin UpdateMetadataField":            "admin.Service.UpdateMetadataField",
	"admin DeleteMetadataField":            "admin.Service.DeleteMetadataField",
	"admin UpdateMetadataFieldDataSource":  "admin.Service.UpdateMetadataDatasource",
	"admin DeleteDataSourceEntries":        "admin.Service.DeleteMetadataDatasourceEntries",
	"admin RestoreDatasourceEntries":       "admin.Service.RestoreMetadataDatasourceEntries",
	"admin ReorderMetadataFieldDatasource": "admin.Service.OrderMetadataDatasource",
	"admin ReorderMetadataFields":          "admin.Service.ReorderMetadataFields",
	// Admin: streaming profiles, transformations, triggers, mappings, presets.
	"admin ListStreamingProfiles":  "admin.Service.StreamingProfiles",
	"admin GetStreamingProfile":    "admin.Service.StreamingProfile",
	"admin CreateStreamingProfile": "admin.Service.CreateStreamingProfile",
	"admin UpdateStreamingProfile": "admin.Service.UpdateStreamingProfile",
	"admin DeleteStreamingProfile": "admin.Service.DeleteStreamingProfile",
	"admin ListTransformations":    "admin.Service.Transformations, admin.Service.TransformationsAll",
	"admin GetTransformation":      "admin.Service.Transformation",
	"admin CreateTransformation":   "admin.Service.CreateTransformation",
	"admin UpdateTransformation":   "admin.Service.UpdateTransformation",
	"admin DeleteTransformation":   "admin.Service.DeleteTransformation",
	"admin ListTriggers":           "admin.Service.Triggers",
	"admin CreateTrigger":          "admin.Service.CreateTrigger",
	"admin UpdateTrigger":          "admin.Service.UpdateTrigger",
	"admin DeleteTrigger":          "admin.Service.DeleteTrigger",
	"admin ListUploadMappings":     "admin.Service.UploadMappings, admin.Service.UploadMappingsAll",
	"admin GetUploadMapping":       "admin.Service.UploadMapping",
	"admin CreateUploadMapping":    "admin.Service.CreateUploadMapping",
	"admin UpdateUploadMapping":    "admin.Service.UpdateUploadMapping",
	"admin DeleteUploadMapping":    "admin.Service.DeleteUploadMapping",
	"admin ListUploadPresets":      "admin.Service.UploadPresets, admin.Service.UploadPresetsAll",
	"admin GetUploadPreset":        "admin.Service.UploadPreset",
	"admin CreateUploadPreset":     "admin.Service.CreateUploadPreset",
	"admin UpdateUploadPreset":     "admin.Service.UpdateUploadPreset",
	"admin DeleteUploadPreset":     "admin.Service.DeleteUploadPreset",
	// Admin: account.
	"admin Ping":      "admin.Service.Ping",
	"admin GetConfig": "admin.Service.Config",
	"admin Usage":     "admin.Service.Usage",

	// Upload.
	"uploader Upload":                      "upload.Service.Upload",
	"uploader UnsignedUpload":              "upload.Service.UploadUnsigned",
	"uploader Explicit":                    "upload.Service.Explicit",
	"uploader Destroy":                     "upload.Service.Destroy",
	"uploader Rename":                      "upload.Service.Rename",
	"uploader AddTag":                      "upload.Service.AddTags",
	"uploader RemoveTag":                   "upload.Service.RemoveTags",
	"uploader ReplaceTag":                  "upload.Service.ReplaceTags",
	"uploader RemoveAllTags":               "upload.Service.RemoveAllTags",
	"uploader AddContext":                  "upload.Service.AddContext",
	"uploader RemoveAllContext":            "upload.Service.RemoveAllContext",
	"uploader UpdateMetadata":              "upload.Service.UpdateMetadata",
	"uploader Explode":                     "upload.Service.Explode",
	"uploader GenerateSprite":              "upload.Service.Sprite",
	"uploader Multi":                       "upload.Service.Multi",
	"uploader Text":                        "upload.Service.Text",
	"uploader CreateArchive":               "upload.Service.CreateArchive",
	"uploader CreateZip":                   "upload.Service.CreateArchive, upload.ArchiveParams.TargetFormat — zip is the default target format",
	"uploader DownloadArchiveURL":          "upload.Service.ArchiveDownloadURL",
	"uploader DownloadZipURL":              "upload.Service.ZipDownloadURL",
	"uploader DownloadFolder":              "upload.Service.ArchiveDownloadURL, upload.ArchiveParams.Prefixes — the folder as a prefix",
	"uploader DownloadBackedUpAsset":       "upload.Service.BackupDownloadURL",
	"uploader PrivateDownloadURL":          "upload.Service.PrivateDownloadURL",
	"uploader VerifyApiResponseSignature":  "signer.VerifyResponse",
	"uploader VerifyNotificationSignature": "signer.VerifyNotification",
}

// nodeSDKMap maps the cloudinary npm package's functions.
var nodeSDKMap = map[string]string{
	// Admin (lib/api.js).
	"api ping":                                   "admin.Service.Ping",
	"api usage":                                  "admin.Service.Usage",
	"api config":                                 "admin.Service.Config",
	"api resource_types":                         "admin.Service.ResourceTypes",
	"api resources":                              "admin.Service.ListResources, admin.Service.ListResourcesAll",
	"api resources_by_tag":                       "admin.Service.ResourcesByTag, admin.Service.ResourcesByTagAll",
	"api resources_by_context":                   "admin.Service.ResourcesByContext, admin.Service.ResourcesByContextAll",
	"api resources_by_moderation":                "admin.Service.ResourcesByModeration, admin.Service.ResourcesByModerationAll",
	"api resources_by_asset_folder":              "admin.Service.ResourcesByAssetFolder, admin.Service.ResourcesByAssetFolderAll",
	"api resources_by_asset_ids":                 "admin.Service.ResourcesByAssetIDs",
	"api resources_by_ids":                       "admin.Service.ResourcesByPublicIDs",
	"api resource":                               "admin.Service.Resource",
	"api resource_by_asset_id":                   "admin.Service.ResourceByAssetID",
	"api restore":                                "admin.Service.RestoreResources",
	"api restore_by_asset_ids":                   "admin.Service.RestoreResourcesByAssetIDs",
	"api update":                                 "admin.Service.UpdateResource, admin.Service.UpdateResourceByAssetID",
	"api delete_resources":                       "admin.Service.DeleteResources",
	"api delete_resources_by_asset_ids":          "admin.Service.DeleteResourcesByAssetIDs",
	"api delete_resources_by_prefix":             "admin.Service.DeleteResourcesByPrefix, admin.Service.DeleteAllByPrefix",
	"api delete_resources_by_tag":                "admin.Service.DeleteResourcesByTag, admin.Service.DeleteAllByTag",
	"api delete_all_resources":                   "admin.Service.DeleteAllResources",
	"api delete_derived_resources":               "admin.Service.DeleteDerivedResources",
	"api delete_derived_by_transformation":       "admin.Service.DeleteDerivedByTransformation",
	"api delete_backed_up_assets":                "admin.Service.DeleteBackedUpAssets",
	"api add_related_assets":                     "admin.Service.AddRelatedAssets",
	"api add_related_assets_by_asset_id":         "admin.Service.AddRelatedAssetsByAssetID",
	"api delete_related_assets":                  "admin.Service.DeleteRelatedAssets",
	"api delete_related_assets_by_asset_id":      "admin.Service.DeleteRelatedAssetsByAssetID",
	"api publish_by_ids":                         "admin.Service.PublishByIDs",
	"api publish_by_prefix":                      "admin.Service.PublishByPrefix",
	"api publish_by_tag":                         "admin.Service.PublishByTag",
	"api update_resources_access_mode_by_ids":    "admin.Service.UpdateAccessModeByIDs",
	"api update_resources_access_mode_by_prefix": "admin.Service.UpdateAccessModeByPrefix",
	"api update_resources_access_mode_by_tag":    "admin.Service.UpdateAccessModeByTag",
	"api tags":                                   "admin.Service.Tags, admin.Service.TagsAll",
	"api search":                                 "admin.Service.Search, admin.Service.SearchAll",
	"api search_folders":                         "admin.Service.SearchFolders, admin.Service.SearchFoldersAll",
	"api visual_search":                          "admin.Service.VisualSearch",
	"api root_folders":                           "admin.Service.RootFolders, admin.Service.RootFoldersAll",
	"api sub_folders":                            "admin.Service.SubFolders, admin.Service.SubFoldersAll",
	"api create_folder":                          "admin.Service.CreateFolder",
	"api rename_folder":                          "admin.Service.RenameFolder",
	"api delete_folder":                          "admin.Service.DeleteFolder",
	"api transformations":                        "admin.Service.Transformations, admin.Service.TransformationsAll",
	"api transformation":                         "admin.Service.Transformation",
	"api create_transformation":                  "admin.Service.CreateTransformation",
	"api update_transformation":                  "admin.Service.UpdateTransformation",
	"api delete_transformation":                  "admin.Service.DeleteTransformation",
	"api upload_presets":                         "admin.Service.UploadPresets, admin.Service.UploadPresetsAll",
	"api upload_preset":                          "admin.Service.UploadPreset",
	"api create_upload_preset":                   "admin.Service.CreateUploadPreset",
	"api update_upload_preset":                   "admin.Service.UpdateUploadPreset",
	"api delete_upload_preset":                   "admin.Service.DeleteUploadPreset",
	"api upload_mappings":                        "admin.Service.UploadMappings, admin.Service.UploadMappingsAll",
	"api upload_mapping":                         "admin.Service.UploadMapping",
	"api create_upload_mapping":                  "admin.Service.CreateUploadMapping",
	"api update_upload_mapping":                  "admin.Service.UpdateUploadMapping",
	"api delete_upload_mapping":                  "admin.Service.DeleteUploadMapping",
	"api list_streaming_profiles":                "admin.Service.StreamingProfiles",
	"api get_streaming_profile":                  "admin.Service.StreamingProfile",
	"api create_streaming_profile":               "admin.Service.CreateStreamingProfile",
	"api update_streaming_profile":               "admin.Service.UpdateStreamingProfile",
	"api delete_streaming_profile":               "admin.Service.DeleteStreamingProfile",
	"api list_metadata_fields":                   "admin.Service.MetadataFields",
	"api metadata_field_by_field_id":             "admin.Service.MetadataField",
	"api add_metadata_field":                     "admin.Service.CreateMetadataField",
	"api update_metadata_field":                  "admin.Service.UpdateMetadataField",
	"api delete_metadata_field":                  "admin.Service.DeleteMetadataField",
	"api update_metadata_field_datasource":       "admin.Service.UpdateMetadataDatasource",
	"api delete_datasource_entries":              "admin.Service.DeleteMetadataDatasourceEntries",
	"api restore_metadata_field_datasource":      "admin.Service.RestoreMetadataDatasourceEntries",
	"api order_metadata_field_datasource":        "admin.Service.OrderMetadataDatasource",
	"api reorder_metadata_fields":                "admin.Service.ReorderMetadataFields",
	"api list_metadata_rules":                    "admin.Service.MetadataRules",
	"api add_metadata_rule":                      "admin.Service.AddMetadataRule",
	"api update_metadata_rule":                   "admin.Service.UpdateMetadataRule",
	"api delete_metadata_rule":                   "admin.Service.DeleteMetadataRule",

	// Upload (lib/uploader.js).
	"uploader upload":                    "upload.Service.Upload",
	"uploader unsigned_upload":           "upload.Service.UploadUnsigned",
	"uploader upload_stream":             "upload.Service.Upload, upload.FromReader",
	"uploader unsigned_upload_stream":    "upload.Service.UploadUnsigned, upload.FromReader",
	"uploader upload_large":              "upload.Service.Upload, upload.WithChunkSize — files above the chunk size are sent in chunks automatically",
	"uploader upload_chunked":            "upload.Service.Upload, upload.WithChunkSize — files above the chunk size are sent in chunks automatically",
	"uploader upload_large_stream":       "upload.Service.Upload, upload.FromReader — a stream is sent in chunks as it is read",
	"uploader upload_chunked_stream":     "upload.Service.Upload, upload.FromReader — a stream is sent in chunks as it is read",
	"uploader explicit":                  "upload.Service.Explicit",
	"uploader destroy":                   "upload.Service.Destroy",
	"uploader rename":                    "upload.Service.Rename",
	"uploader text":                      "upload.Service.Text",
	"uploader generate_sprite":           "upload.Service.Sprite",
	"uploader download_generated_sprite": "upload.Service.SpriteDownloadURL",
	"uploader multi":                     "upload.Service.Multi",
	"uploader download_multi":            "upload.Service.MultiDownloadURL",
	"uploader explode":                   "upload.Service.Explode",
	"uploader add_tag":                   "upload.Service.AddTags",
	"uploader remove_tag":                "upload.Service.RemoveTags",
	"uploader remove_all_tags":           "upload.Service.RemoveAllTags",
	"uploader replace_tag":               "upload.Service.ReplaceTags",
	"uploader add_context":               "upload.Service.AddContext",
	"uploader remove_all_context":        "upload.Service.RemoveAllContext",
	"uploader update_metadata":           "upload.Service.UpdateMetadata",
	"uploader create_archive":            "upload.Service.CreateArchive",
	"uploader create_zip":                "upload.Service.CreateArchive, upload.ArchiveParams.TargetFormat — zip is the default target format",
	"uploader upload_url":                "client.Client.APIURL",
	"uploader upload_tag_params":         "client.Client.SignParams",
	"uploader direct_upload":             "client.Client.SignParams, client.Client.APIURL — the signed fields and the form action of a browser upload",
	"uploader image_upload_tag":          "client.Client.SignParams, client.Client.APIURL — the signed fields and URL the HTML tag embeds; cldrest writes no HTML",
	"uploader unsigned_image_upload_tag": "client.Client.APIURL, upload.Params.UploadPreset — the URL and preset the HTML tag embeds; cldrest writes no HTML",

	// Search (lib/v2/search.js, lib/v2/search_folders.js): a builder there,
	// a struct here.
	"search instance":         "admin.SearchQuery",
	"search expression":       "cld.SearchQuery.Expression, admin.Field, admin.And, admin.Or, admin.Not, admin.RawExpr",
	"search max_results":      "cld.SearchQuery.MaxResults",
	"search next_cursor":      "cld.SearchQuery.NextCursor",
	"search aggregate":        "cld.SearchQuery.Aggregate",
	"search with_field":       "cld.SearchQuery.WithField",
	"search fields":           "cld.SearchQuery.Fields",
	"search sort_by":          "cld.SearchQuery.SortBy, admin.SortBy",
	"search to_query":         "admin.SearchQuery — the struct is the query; it marshals to the request body",
	"search execute":          "admin.Service.Search, admin.Service.SearchAll",
	"search to_url":           "delivery.Builder.SearchURL — the cached search URL is a delivery URL",
	"search ttl":              "delivery.Builder.SearchURL — its ttl argument (delivery.DefaultSearchTTL when zero)",
	"search_folders instance": "admin.SearchQuery",
	"search_folders execute":  "admin.Service.SearchFolders, admin.Service.SearchFoldersAll",

	// Analysis (lib/analysis).
	"analysis analyze_uri": "admin.Service.Analyze",

	// Provisioning (lib/provisioning/account.js).
	"provisioning sub_accounts":              "account.Service.SubAccounts, account.Service.SubAccountsAll",
	"provisioning sub_account":               "account.Service.SubAccount",
	"provisioning create_sub_account":        "account.Service.CreateSubAccount",
	"provisioning update_sub_account":        "account.Service.UpdateSubAccount",
	"provisioning delete_sub_account":        "account.Service.DeleteSubAccount",
	"provisioning users":                     "account.Service.Users, account.Service.UsersAll",
	"provisioning user":                      "account.Service.User",
	"provisioning create_user":               "account.Service.CreateUser",
	"provisioning update_user":               "account.Service.UpdateUser",
	"provisioning delete_user":               "account.Service.DeleteUser",
	"provisioning user_groups":               "account.Service.UserGroups, account.Service.UserGroupsAll",
	"provisioning user_group":                "account.Service.UserGroup",
	"provisioning create_user_group":         "account.Service.CreateUserGroup",
	"provisioning update_user_group":         "account.Service.UpdateUserGroup",
	"provisioning delete_user_group":         "account.Service.DeleteUserGroup",
	"provisioning user_group_users":          "account.Service.UserGroupUsers, account.Service.UserGroupUsersAll",
	"provisioning add_user_to_group":         "account.Service.AddUserToGroup",
	"provisioning remove_user_from_group":    "account.Service.RemoveUserFromGroup",
	"provisioning access_keys":               "account.Service.AccessKeys, account.Service.AccessKeysAll",
	"provisioning generate_access_key":       "account.Service.GenerateAccessKey",
	"provisioning update_access_key":         "account.Service.UpdateAccessKey",
	"provisioning delete_access_key":         "account.Service.DeleteAccessKey",
	"provisioning delete_access_key_by_name": "account.Service.DeleteAccessKeyByName",
}

// ourPackages are the cldrest packages mapping targets may name.
var ourPackages = []string{"admin", "upload", "account", "client", "signer", "delivery", "cld"}

// repoRoot is the module root, two levels up from internal/parity.
const repoRoot = "../.."

// declared returns every exported identifier of our packages as
// pkg.Name, pkg.Type.Method and pkg.Type.Field.
func declared(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, name := range ourPackages {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, filepath.Join(repoRoot, name), func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					switch d := d.(type) {
					case *ast.FuncDecl:
						if !d.Name.IsExported() {
							continue
						}
						if d.Recv != nil {
							if r := recvName(d.Recv.List[0].Type); ast.IsExported(r) {
								out[name+"."+r+"."+d.Name.Name] = true
							}
							continue
						}
						out[name+"."+d.Name.Name] = true
					case *ast.GenDecl:
						for _, spec := range d.Specs {
							switch s := spec.(type) {
							case *ast.TypeSpec:
								if !s.Name.IsExported() {
									continue
								}
								out[name+"."+s.Name.Name] = true
								if st, ok := s.Type.(*ast.StructType); ok {
									for _, fld := range st.Fields.List {
										for _, n := range fld.Names {
											if n.IsExported() {
												out[name+"."+s.Name.Name+"."+n.Name] = true
											}
										}
									}
								}
							case *ast.ValueSpec:
								for _, n := range s.Names {
									if n.IsExported() {
										out[name+"."+n.Name] = true
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestParity maps every public method of both official SDKs' Upload,
// Admin, Search, Analysis and Provisioning modules to cldrest: nothing
// unmapped, no stale rows, and every target exists.
func TestParity(t *testing.T) {
	ours := declared(t)
	for _, sdk := range []struct {
		file string
		rows map[string]string
	}{
		{"go-sdk.txt", goSDKMap},
		{"node-sdk.txt", nodeSDKMap},
	} {
		l := readList(t, sdk.file)
		mapped, pending, noted := 0, 0, 0
		for _, e := range l.entries {
			v, ok := sdk.rows[e]
			if !ok {
				t.Errorf("%s %s: %q is not mapped to a cldrest function", l.sdk, l.version, e)
				continue
			}
			targets, note, _ := strings.Cut(v, " — ")
			if pkg, ok := strings.CutPrefix(targets, "pending:"); ok {
				if note == "" {
					t.Errorf("%s %q: a pending row needs a note", l.sdk, e)
				}
				if _, err := os.Stat(filepath.Join(repoRoot, pkg)); err == nil {
					t.Errorf("%s %q is pending on package %s, which exists now: map it to its function", l.sdk, e, pkg)
				}
				pending++
				continue
			}
			for _, target := range strings.Split(targets, ", ") {
				if !ours[target] {
					t.Errorf("%s %q maps to %s, which cldrest does not declare", l.sdk, e, target)
				}
			}
			mapped++
			if note != "" {
				noted++
			}
		}
		for k := range sdk.rows {
			if !slices.Contains(l.entries, k) {
				t.Errorf("%s: the row %q names no method of %s %s; remove it", sdk.file, k, l.sdk, l.version)
			}
		}
		t.Logf("%s %s: %d public methods, %d mapped (%d with a note on a different shape), %d pending on another issue's package",
			l.sdk, l.version, len(l.entries), mapped, noted, pending)
	}
}
