package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/apitest"
)

// resourcePageJSON returns a realistic page of n resources as the list
// endpoints answer it (with tags and context, as with tags=true&context=true).
func resourcePageJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resources":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"asset_id":"%032x","public_id":"bench/folder/asset_%05d","format":"jpg","version":17%08d,`+
			`"resource_type":"image","type":"upload","created_at":"2024-05-06T07:%02d:%02dZ","bytes":%d,"width":%d,"height":%d,`+
			`"asset_folder":"bench/folder","display_name":"asset_%05d","backup":true,"access_mode":"public",`+
			`"url":"http://res.cloudinary.com/demo/image/upload/v17%08d/bench/folder/asset_%05d.jpg",`+
			`"secure_url":"https://res.cloudinary.com/demo/image/upload/v17%08d/bench/folder/asset_%05d.jpg",`+
			`"tags":["bench","batch-%d"],"context":{"custom":{"alt":"Asset %d","caption":"A benchmark asset"}}}`,
			i+1, i, i, i/60%60, i%60, 10000+i*7, 640+i%100, 480+i%50, i, i, i, i, i, i%10, i)
	}
	b.WriteString(`],"next_cursor":"db27cfb02b3f69cb39049969c23ca430c6d33d5a3a7c3ad1d870c54e1a54ee0faa5acdd9f6d288666986001711759d10"}`)
	return b.Bytes()
}

// TestResourcePageFixture keeps testdata/resources_page_500.json (the input
// of BenchmarkDecodeResourcePage, shared with bench/) in sync and checks it
// decodes completely.
func TestResourcePageFixture(t *testing.T) {
	t.Parallel()
	data := resourcePageJSON(500)
	apitest.Golden(t, "resources_page_500.json", data)
	var page ResourceList
	if err := json.Unmarshal(data, &page); err != nil {
		t.Fatal(err)
	}
	last := page.Resources[499]
	if len(page.Resources) != 500 || last.PublicID != "bench/folder/asset_00499" || last.Context["alt"] != "Asset 499" || len(last.Tags) != 2 || page.NextCursor == "" {
		t.Errorf("decoded page wrong: %d items, last %+v", len(page.Resources), last)
	}
}

// BenchmarkDecodeResourcePage decodes one 500-item resource page into the
// typed result (what the client does for every ListResources call).
func BenchmarkDecodeResourcePage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "resources_page_500.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var page ResourceList
		if err := json.Unmarshal(data, &page); err != nil {
			b.Fatal(err)
		}
		if len(page.Resources) != 500 {
			b.Fatal("short page")
		}
	}
}

// BenchmarkListResourcesPage fetches and decodes one 500-item page through
// the whole pipeline (client.Do over loopback HTTP, Basic auth, rate-limit
// headers, raw JSON kept) to put the decode cost in context.
func BenchmarkListResourcesPage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "resources_page_500.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-FeatureRateLimit-Limit", "2000")
		w.Header().Set("X-FeatureRateLimit-Remaining", "1999")
		w.Write(data)
	}))
	defer srv.Close()
	c, err := client.New(client.Config{CloudName: testCloud, APIKey: testKey, APISecret: client.NewSecret(testSecret), UploadPrefix: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	s := New(c)
	ctx := context.Background()
	opts := &ListResourcesOptions{ListFlags: ListFlags{Tags: true, Context: true, ListOptions: ListOptions{MaxResults: 500}}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.ListResources(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Resources) != 500 {
			b.Fatal("short page")
		}
	}
}
