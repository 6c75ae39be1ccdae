package admin_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"net/url"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"golang.org/x/time/rate"
)

// newExampleService starts a local mock Cloudinary holding the given public
// IDs and returns an admin.Service for it. Real code builds the client from
// CLOUDINARY_URL (client.ConfigFromEnv) instead.
func newExampleService(publicIDs ...string) (*admin.Service, func()) {
	m := mockserver.New(mockserver.WithSeed(1))
	srv := httptest.NewServer(m)
	cfg, err := client.ParseURL(m.CloudinaryURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range publicIDs {
		p := url.Values{"file": {"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"}, "public_id": {id}, "tags": {"demo"}}
		if _, err := c.Do(context.Background(), &client.Request{API: client.UploadAPI, Path: "image/upload", Params: p}, nil); err != nil {
			log.Fatal(err)
		}
	}
	return admin.New(c), srv.Close
}

func Example() {
	svc, stop := newExampleService()
	defer stop()
	ctx := context.Background()

	res, err := svc.Ping(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rl := res.Response.RateLimit
	fmt.Println(res.Status, rl.Limit-rl.Remaining, "call used")
	// Output: ok 1 call used
}

func ExampleService_ListResourcesAll() {
	svc, stop := newExampleService("shoes/red", "shoes/blue", "hats/green")
	defer stop()

	opts := &admin.ListResourcesOptions{Prefix: "shoes/", ListFlags: admin.ListFlags{Direction: admin.Asc, ListOptions: admin.ListOptions{MaxResults: 1}}}
	for r, err := range svc.ListResourcesAll(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.PublicID)
	}
	// Output:
	// shoes/red
	// shoes/blue
}

func ExampleService_SearchAll() {
	svc, stop := newExampleService("shoes/red", "shoes/blue", "hats/green")
	defer stop()

	q := &admin.SearchQuery{
		Expression: admin.And(admin.Field("tags").Eq("demo"), admin.Not(admin.Field("public_id").Prefix("hats/"))).String(),
		SortBy:     []admin.SortBy{{Field: "public_id", Direction: admin.Asc}},
		MaxResults: 1,
	}
	for r, err := range svc.SearchAll(context.Background(), q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.PublicID)
	}
	// Output:
	// shoes/blue
	// shoes/red
}

func ExampleService_DeleteAllByPrefix() {
	svc, stop := newExampleService("tmp/a", "tmp/b", "keep/c")
	defer stop()

	sum, err := svc.DeleteAllByPrefix(context.Background(), "tmp/", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum.Deleted, "deleted in", sum.Calls, "call(s)")
	// Output: 2 deleted in 1 call(s)
}

func ExampleService_LastRateLimit() {
	svc, stop := newExampleService("a")
	defer stop()
	ctx := context.Background()

	for range 3 {
		if _, err := svc.Ping(ctx); err != nil {
			log.Fatal(err)
		}
	}
	rl, _ := svc.LastRateLimit()
	fmt.Printf("%d of %d Admin calls left this hour\n", rl.Remaining, rl.Limit)
	// Output: 1997 of 2000 Admin calls left this hour
}

// A batch job that must leave Admin budget for others: the client spaces
// Admin calls to 1,000 an hour (bursts of 5), and 420/429 answers are waited
// out by the client until the reset the API announces.
func Example_rateLimit() {
	m := mockserver.New()
	srv := httptest.NewServer(m)
	defer srv.Close()
	cfg, err := client.ParseURL(m.CloudinaryURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.New(cfg, client.WithRateLimit(rate.Limit(1000.0/3600), 5))
	if err != nil {
		log.Fatal(err)
	}
	svc := admin.New(c)
	for range 5 { // within the burst: no waiting
		if _, err := svc.Ping(context.Background()); err != nil {
			log.Fatal(err)
		}
	}
	rl, _ := svc.LastRateLimit()
	fmt.Println(rl.Limit-rl.Remaining, "calls used")
	// Output: 5 calls used
}
