package upload

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/signer"
)

// fullParams sets every modelled upload parameter.
func fullParams() *Params {
	return &Params{
		ResourceType:                   "image",
		PublicID:                       "folder/sample id",
		PublicIDPrefix:                 "pre",
		Folder:                         "folder",
		AssetFolder:                    "assets/2024",
		UseAssetFolderAsPublicIDPrefix: true,
		DisplayName:                    "Sample & Co",
		UniqueDisplayName:              Bool(false),
		UseFilenameAsDisplayName:       true,
		UseFilename:                    true,
		UniqueFilename:                 Bool(false),
		FilenameOverride:               "override.jpg",
		DiscardOriginalFilename:        true,
		Overwrite:                      Bool(true),
		Invalidate:                     true,
		Type:                           "private",
		AccessMode:                     "authenticated",
		AccessControl: AccessControl{
			{AccessType: "anonymous", Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 2, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))},
			{AccessType: "token"},
		},
		Tags:                  []string{"a", "b c"},
		Context:               Context{"alt": "x=y|z", "caption": `back\slash`},
		Metadata:              Metadata{"color_id": []string{"green", "red"}, "in_stock_id": 50, "price": 9.5, "date": time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), "note": "a|b"},
		ClearInvalid:          true,
		Transformation:        "c_limit,w_2000",
		Format:                "webp",
		AllowedFormats:        []string{"jpg", "png"},
		Eager:                 []string{"c_pad,h_300,w_400", "c_crop,h_200,w_260/jpg"},
		EagerAsync:            true,
		EagerNotificationURL:  "https://hooks.example/eager?x=1&y=2",
		NotificationURL:       "https://hooks.example/n",
		Async:                 true,
		Backup:                Bool(false),
		ReturnDeleteToken:     true,
		Moderation:            []string{"manual", "aws_rek"},
		Faces:                 true,
		Colors:                true,
		ImageMetadata:         true,
		MediaMetadata:         true,
		Exif:                  true,
		Phash:                 true,
		QualityAnalysis:       true,
		AccessibilityAnalysis: true,
		CinemagraphAnalysis:   true,
		VisualSearch:          true,
		FaceCoordinates:       Coordinates{{X: 10, Y: 20, Width: 150, Height: 130}, {X: 213, Y: 345, Width: 82, Height: 61}},
		CustomCoordinates:     Coordinates{{X: 1, Y: 2, Width: 3, Height: 4}},
		Regions:               Regions{"nose": {{1, 2}, {3, 4}}, "eye": {{5, 6}, {7, 8}, {9, 10}}},
		ResponsiveBreakpoints: ResponsiveBreakpoints{{CreateDerived: false, Transformation: "a_90", MaxWidth: 1000, MaxImages: 5}},
		AutoTagging:           0.6,
		Categorization:        "google_tagging",
		Detection:             "coco",
		OCR:                   "adv_ocr",
		BackgroundRemoval:     "cloudinary_ai",
		RawConvert:            "aspose",
		SimilaritySearch:      "true",
		QualityOverride:       "80",
		AutoTranscription:     &AutoTranscription{Translate: []string{"en", "fr"}},
		AutoChaptering:        true,
		AutoVideoDetails:      &AutoVideoDetails{Fields: []string{"title", "description"}},
		Eval:                  "upload_options['tags'] = 'x'",
		OnSuccess:             "current_asset.update({tags: ['y']})",
		Headers:               Headers{"X-Robots-Tag": "noindex", "Link": "<https://example.com>; rel=canonical"},
		Proxy:                 "http://proxy.example:3128",
		Callback:              "https://example.com/cb",
		UploadPreset:          "signed_preset",
		BatchID:               "batch-1",
		Extra:                 url.Values{"custom_param": {"v1"}, "empty_is_dropped": {""}},
	}
}

func TestParamsEncodeGolden(t *testing.T) {
	t.Parallel()
	vals, err := fullParams().values()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, k := range sortedKeys(vals) {
		for _, v := range vals[k] {
			b.WriteString(k + "=" + v + "\n")
		}
	}
	apitest.Golden(t, "params_full.golden", []byte(b.String()))
	if _, ok := vals["empty_is_dropped"]; ok {
		t.Error("empty Extra value was kept")
	}
	if _, ok := vals["resource_type"]; ok {
		t.Error("resource_type must go into the path, not the body")
	}
	// Every tagged field of Params must appear in the fully populated set.
	for _, k := range []string{"public_id", "overwrite", "unique_filename", "backup", "auto_tagging", "visual_search", "headers", "regions", "batch_id"} {
		if vals.Get(k) == "" {
			t.Errorf("%s missing from the encoding", k)
		}
	}
}

func TestEncoders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    Params
		key  string
		want string
	}{
		{"context escapes = | and backslash, keys sorted", Params{Context: Context{"b": "x=1|2", "a": `c\d`}}, "context", `a=c\\d|b=x\=1\|2`},
		{"context empty value kept", Params{Context: Context{"k": ""}}, "context", "k="},
		{"metadata list, int, float, date", Params{Metadata: Metadata{"s": []string{"a", "b"}, "i": 50, "f": 1.25, "d": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}}, "metadata", `d=2024-01-02|f=1.25|i=50|s=["a","b"]`},
		{"metadata escapes", Params{Metadata: Metadata{"k": "a=b|c"}}, "metadata", `k=a\=b\|c`},
		{"eager joined with pipe", Params{Eager: []string{"c_pad,h_300,w_400", "c_crop,h_200,w_260/jpg"}}, "eager", "c_pad,h_300,w_400|c_crop,h_200,w_260/jpg"},
		{"moderation joined with pipe", Params{Moderation: []string{"manual", "duplicate:0.8"}}, "moderation", "manual|duplicate:0.8"},
		{"coordinates", Params{FaceCoordinates: Coordinates{{X: 10, Y: 20, Width: 150, Height: 130}, {X: 213, Y: 345, Width: 82, Height: 61}}}, "face_coordinates", "10,20,150,130|213,345,82,61"},
		{"tags comma", Params{Tags: []string{"a", "b"}}, "tags", "a,b"},
		{"overwrite false sent", Params{Overwrite: Bool(false)}, "overwrite", "false"},
		{"unique_filename false sent", Params{UniqueFilename: Bool(false)}, "unique_filename", "false"},
		{"plain false bool omitted", Params{Invalidate: false}, "invalidate", ""},
		{"true bool", Params{UseFilename: true}, "use_filename", "true"},
		{"access control JSON", Params{AccessControl: AccessControl{{AccessType: "anonymous", Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}}, "access_control", `[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]`},
		{"responsive breakpoints sends create_derived false", Params{ResponsiveBreakpoints: ResponsiveBreakpoints{{Transformation: "a_90"}}}, "responsive_breakpoints", `[{"create_derived":false,"transformation":"a_90"}]`},
		{"regions sorted JSON", Params{Regions: Regions{"b": {{1, 2}}, "a": {{3, 4}}}}, "regions", `{"a":[[3,4]],"b":[[1,2]]}`},
		{"auto_transcription bare", Params{AutoTranscription: &AutoTranscription{}}, "auto_transcription", "true"},
		{"auto_transcription translate", Params{AutoTranscription: &AutoTranscription{Translate: []string{"en"}}}, "auto_transcription", `{"translate":["en"]}`},
		{"auto_video_details", Params{AutoVideoDetails: &AutoVideoDetails{Fields: []string{"title"}}}, "auto_video_details", `{"fields":["title"]}`},
		{"headers sorted lines", Params{Headers: Headers{"X-Robots-Tag": "noindex", "Link": "<a>"}}, "headers", "Link: <a>\nX-Robots-Tag: noindex"},
		{"auto_tagging", Params{AutoTagging: 0.5}, "auto_tagging", "0.5"},
		{"extra overrides typed", Params{PublicID: "a", Extra: url.Values{"public_id": {"b"}}}, "public_id", "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals, err := tc.p.values()
			if err != nil {
				t.Fatal(err)
			}
			if got := vals.Get(tc.key); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestEncoderErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    Params
	}{
		{"context key with =", Params{Context: Context{"a=b": "x"}}},
		{"context empty key", Params{Context: Context{"": "x"}}},
		{"metadata unsupported type", Params{Metadata: Metadata{"k": struct{}{}}}},
		{"negative rectangle", Params{FaceCoordinates: Coordinates{{X: 0, Y: 0, Width: -1, Height: 1}}}},
		{"header with newline", Params{Headers: Headers{"X": "a\nb"}}},
		{"auto_tagging above 1", Params{AutoTagging: 1.5}},
		{"access_mode", Params{AccessMode: "secret"}},
		{"extra sets signature", Params{Extra: url.Values{"signature": {"x"}}}},
		{"extra sets resource_type", Params{Extra: url.Values{"resource_type": {"raw"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.values()
			if !errors.Is(err, ErrInvalidParam) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidParam", err)
			}
			oneLine(t, err)
		})
	}
}

// TestSpecWorkedExample reproduces spec §2.4's worked example: the encoders'
// output, signed with the published secret, gives the published signatures.
func TestSpecWorkedExample(t *testing.T) {
	t.Parallel()
	p := &Params{
		AccessControl:   AccessControl{{AccessType: "anonymous", Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}},
		AllowedFormats:  []string{"jpg", "png"},
		Context:         Context{"alt": "x"},
		Eager:           []string{"c_pad,h_300,w_400", "c_crop,h_200,w_260/jpg"},
		FaceCoordinates: Coordinates{{X: 10, Y: 20, Width: 150, Height: 130}, {X: 213, Y: 345, Width: 82, Height: 61}},
		Metadata:        Metadata{"color_id": []string{"green", "red"}, "in_stock_id": 50},
		PublicID:        "sample",
		Tags:            []string{"a", "b"},
		Extra:           url.Values{"overwrite": {"0"}}, // pycloudinary sends 0
	}
	vals, err := p.values()
	if err != nil {
		t.Fatal(err)
	}
	vals.Set("timestamp", "1315060510")
	want := `access_control=[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]&allowed_formats=jpg,png&context=alt=x&eager=c_pad,h_300,w_400|c_crop,h_200,w_260/jpg&face_coordinates=10,20,150,130|213,345,82,61&metadata=color_id=["green","red"]|in_stock_id=50&overwrite=0&public_id=sample&tags=a,b&timestamp=1315060510`
	if got := signer.StringToSign(vals, 2); got != want {
		t.Fatalf("string to sign\n got %s\nwant %s", got, want)
	}
	for alg, sig := range map[signer.Algorithm]string{
		signer.SHA1:   "e3de29f9cb02c91f5705b3c08d3eea2858601572",
		signer.SHA256: "f8178903050239aebf99063e162623f5db6763f23aa58c1d2af56c3a526c7738",
	} {
		got, err := signer.Sign(vals, "abcd", alg, 2)
		if err != nil || got != sig {
			t.Errorf("%s signature = %s, %v; want %s", alg, got, err, sig)
		}
	}
}

func TestIdempotentRule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		p    *Params
		want bool
	}{
		{nil, false},
		{&Params{}, false},
		{&Params{PublicID: "x"}, false},
		{&Params{PublicID: "x", Overwrite: Bool(false)}, false},
		{&Params{Overwrite: Bool(true)}, false},
		{&Params{PublicID: "x", Overwrite: Bool(true)}, true},
		// Extra replaces typed fields: what is sent decides.
		{&Params{PublicID: "x", Overwrite: Bool(true), Extra: url.Values{"public_id": {""}}}, false},
		{&Params{PublicID: "x", Overwrite: Bool(true), Extra: url.Values{"overwrite": {"false"}}}, false},
		{&Params{Extra: url.Values{"public_id": {"x"}, "overwrite": {"true"}}}, true},
	}
	for i, tc := range cases {
		vals, err := tc.p.values()
		if err != nil {
			t.Fatal(err)
		}
		if got := idempotent(vals); got != tc.want {
			t.Errorf("case %d: idempotent = %v, want %v", i, got, tc.want)
		}
	}
}
