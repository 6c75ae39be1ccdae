package cld_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// tricky holds a value with every character the wire form escapes, and
// values that look like other things (numbers, JSON, padding).
var tricky = cld.Context{
	"path":  `C:\dir`,
	"eq":    "a=b",
	"pipe":  "x|y",
	"all":   `\=|\\`,
	"trail": `end\`,
	"uni":   "東京 ☃ 🎉",
	"json":  `{"a":"b=c","d":[1,2]}`,
	"num":   "5",
	"quote": `say "hi"`,
	"space": " padded ",
	"form":  "a&b%20+c",
}

func startMock(t *testing.T) (*upload.Service, *admin.Service) {
	t.Helper()
	m := mockserver.Start(t, mockserver.WithStorage(mockserver.MetadataOnly))
	cfg, err := client.ParseURL(m.CloudinaryURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return upload.New(c), admin.New(c)
}

var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

func wantContext(t *testing.T, via string, got cld.Context) {
	t.Helper()
	if !maps.Equal(got, tricky) {
		for k, v := range tricky {
			if got[k] != v {
				t.Errorf("%s: context[%q] = %q, want %q", via, k, got[k], v)
			}
		}
		if len(got) != len(tricky) {
			t.Errorf("%s: context %q, want %q", via, got, tricky)
		}
	}
}

// TestContextRoundTrip sends the tricky context through every call that
// writes one, in both packages, and reads it back through every decoder:
// client encodes, the mock decodes and stores, client decodes.
func TestContextRoundTrip(t *testing.T) {
	up, ad := startMock(t)
	ctx := t.Context()

	res, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "rt/up", Overwrite: upload.Bool(true), Context: tricky})
	if err != nil {
		t.Fatal(err)
	}
	wantContext(t, "upload result", res.Context)
	d, err := ad.Resource(ctx, "rt/up", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantContext(t, "admin resource after upload", d.Context)

	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "rt/admin", Overwrite: upload.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	upd, err := ad.UpdateResource(ctx, "rt/admin", &admin.UpdateResourceParams{Context: tricky})
	if err != nil {
		t.Fatal(err)
	}
	wantContext(t, "admin update result", upd.Context)
	if d, err = ad.Resource(ctx, "rt/admin", nil); err != nil {
		t.Fatal(err)
	}
	wantContext(t, "admin resource after update", d.Context)
	ren, err := up.Rename(ctx, "rt/admin", "rt/renamed", &upload.RenameParams{Context: true})
	if err != nil {
		t.Fatal(err)
	}
	wantContext(t, "upload rename result", ren.Context)

	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "rt/add", Overwrite: upload.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := up.AddContext(ctx, tricky, []string{"rt/add"}, nil); err != nil {
		t.Fatal(err)
	}
	if d, err = ad.Resource(ctx, "rt/add", nil); err != nil {
		t.Fatal(err)
	}
	wantContext(t, "admin resource after the context action", d.Context)

	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "rt/explicit", Overwrite: upload.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	ex, err := up.Explicit(ctx, "rt/explicit", &upload.Params{Context: tricky})
	if err != nil {
		t.Fatal(err)
	}
	wantContext(t, "explicit result", ex.Context)

	list, err := ad.Search(ctx, &admin.SearchQuery{Expression: "public_id=rt/up", WithField: []string{"context"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Resources) != 1 {
		t.Fatalf("search found %d assets, want 1", len(list.Resources))
	}
	wantContext(t, "search result (flat context)", list.Resources[0].Context)
}

// TestAdminContextBackslash is the regression of issue 12 item 7:
// admin.UpdateResource escaped only "=" and "|", so the mock (like
// Cloudinary) read `C:\dir` as `C:dir`.
func TestAdminContextBackslash(t *testing.T) {
	up, ad := startMock(t)
	ctx := t.Context()
	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "win", Overwrite: upload.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.UpdateResource(ctx, "win", &admin.UpdateResourceParams{Context: admin.Context{"path": `C:\dir`}}); err != nil {
		t.Fatal(err)
	}
	d, err := ad.Resource(ctx, "win", nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Context struct {
			Custom map[string]string `json:"custom"`
		} `json:"context"`
	}
	if err := json.Unmarshal(d.Response.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if got := raw.Context.Custom["path"]; got != `C:\dir` {
		t.Errorf("the mock stored %q, want %q", got, `C:\dir`)
	}
	if got := d.Context["path"]; got != `C:\dir` {
		t.Errorf("admin decoded %q, want %q", got, `C:\dir`)
	}
}

// TestNumericContextDecodesAlike is the second regression of issue 12 item
// 7: a context value that is a JSON number decoded in upload and failed
// the whole answer in admin. Both packages now decode with one type.
func TestNumericContextDecodesAlike(t *testing.T) {
	body := []byte(`{"public_id":"n","created_at":"2024-06-25T09:25:44+00:00","context":{"custom":{"count":5,"ratio":0.5,"big":12345678901234567890,"alt":"x"}}}`)
	var u upload.Result
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatalf("upload: %v", err)
	}
	var a admin.ResourceDetails
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("admin: %v", err)
	}
	want := cld.Context{"count": "5", "ratio": "0.5", "big": "12345678901234567890", "alt": "x"}
	if !maps.Equal(u.Context, want) || !maps.Equal(a.Context, want) {
		t.Errorf("upload %q, admin %q, want %q", u.Context, a.Context, want)
	}
	if !u.CreatedAt.Equal(a.CreatedAt.Time) || u.CreatedAt.IsZero() {
		t.Errorf("created_at: upload %v, admin %v", u.CreatedAt, a.CreatedAt)
	}
	if reflect.TypeOf(u.Context) != reflect.TypeOf(a.Context) || reflect.TypeOf(u.CreatedAt) != reflect.TypeOf(a.CreatedAt) {
		t.Error("upload and admin decode context or times with different types")
	}
}

// TestMetadataRoundTrip sends structured metadata of every field type from
// upload, reads it through admin, and sends what admin read back through
// admin.UpdateResource unchanged.
func TestMetadataRoundTrip(t *testing.T) {
	up, ad := startMock(t)
	ctx := t.Context()
	for _, f := range []admin.MetadataField{
		{ExternalID: "note", Type: admin.MetadataString, Label: "Note"},
		{ExternalID: "in_stock", Type: admin.MetadataInteger, Label: "In stock"},
		{ExternalID: "launch", Type: admin.MetadataDate, Label: "Launch"},
		{ExternalID: "colors", Type: admin.MetadataSet, Label: "Colors"},
	} {
		if _, err := ad.CreateMetadataField(ctx, &f); err != nil {
			t.Fatal(err)
		}
	}
	meta := cld.Metadata{
		"note":     `a|b=c\d 東京`,
		"in_stock": 50,
		"launch":   time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC),
		"colors":   []string{"green", "red|blue"},
	}
	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "m/one", Overwrite: upload.Bool(true), Metadata: meta}); err != nil {
		t.Fatal(err)
	}
	d, err := ad.Resource(ctx, "m/one", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The wire form carries no types: the mock keeps sets as arrays and
	// everything else as text (Cloudinary would answer 50 as a number).
	want := map[string]any{"note": `a|b=c\d 東京`, "in_stock": "50", "launch": "2024-03-04", "colors": []any{"green", "red|blue"}}
	if !reflect.DeepEqual(d.Metadata, want) {
		t.Fatalf("metadata after upload = %#v, want %#v", d.Metadata, want)
	}

	if _, err := up.Upload(ctx, upload.FromBytes(gif), &upload.Params{PublicID: "m/two", Overwrite: upload.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.UpdateResource(ctx, "m/two", &admin.UpdateResourceParams{Metadata: d.Metadata}); err != nil {
		t.Fatal(err)
	}
	d2, err := ad.Resource(ctx, "m/two", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d2.Metadata, want) {
		t.Errorf("metadata sent back through admin = %#v, want %#v", d2.Metadata, want)
	}
}
