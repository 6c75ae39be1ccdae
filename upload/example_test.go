package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// exampleService starts a local mock Cloudinary and returns a Service
// pointed at it, plus a function that stops the mock. Real programs build
// the client from CLOUDINARY_URL with client.ConfigFromEnv instead.
func exampleService(opts ...mockserver.Option) (*upload.Service, *mockserver.Server, func()) {
	srv, err := mockserver.Open(opts...)
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	cfg, err := client.ParseURL(srv.CloudinaryURL(hs.URL))
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	return upload.New(c), srv, func() { hs.Close(); srv.Close() }
}

// Upload bytes with a fixed public ID and check the server stored exactly
// what was sent.
func Example() {
	svc, _, stop := exampleService()
	defer stop()

	res, err := svc.Upload(context.Background(), upload.FromBytes([]byte("hello, world")), &upload.Params{
		ResourceType: "raw",
		PublicID:     "greeting.txt",
		Overwrite:    upload.Bool(true), // with PublicID: safe to retry
		Tags:         []string{"demo"},
		Context:      upload.Context{"caption": "a=b|c"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.PublicID, res.Bytes, res.Tags, res.Context["caption"])
	fmt.Println("stored what was sent:", res.Etag == res.LocalMD5)
	// Output:
	// greeting.txt 12 [demo] a=b|c
	// stored what was sent: true
}

// A source larger than the chunk size is sent in chunks; the progress
// callback sees every acknowledged chunk.
func ExampleWithProgress() {
	svc, _, stop := exampleService()
	defer stop()

	data := bytes.Repeat([]byte("x"), 2*client.MinChunkSize+100)
	res, err := svc.Upload(context.Background(), upload.FromBytes(data), &upload.Params{ResourceType: "raw"},
		upload.WithChunkSize(client.MinChunkSize),
		upload.WithProgress(func(acked, total int64) { fmt.Printf("%d/%d\n", acked, total) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Bytes, res.Etag == res.LocalMD5)
	// Output:
	// 5242880/10485860
	// 10485760/10485860
	// 10485860/10485860
	// 10485860 true
}

// A reader of unknown size is read one chunk at a time; totals are -1 until
// its end is known.
func ExampleFromReader() {
	svc, _, stop := exampleService()
	defer stop()

	r := io.LimitReader(strings.NewReader(strings.Repeat("y", 2*client.MinChunkSize)), 2*client.MinChunkSize)
	res, err := svc.Upload(context.Background(), upload.FromReader(r), &upload.Params{ResourceType: "raw"},
		upload.WithChunkSize(client.MinChunkSize),
		upload.WithProgress(func(acked, total int64) { fmt.Printf("%d/%d\n", acked, total) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Bytes)
	// Output:
	// 5242880/-1
	// 10485760/10485760
	// 10485760
}

// When a chunk fails for good, the upload stops there with a *ChunkError
// saying how far the server got.
func ExampleChunkError() {
	svc, srv, stop := exampleService()
	defer stop()
	// Every upload request after the first fails with 400.
	if _, err := srv.AddFault(mockserver.Fault{Route: "upload/upload", Kind: mockserver.FaultStatus, Status: 400, Skip: 1}); err != nil {
		log.Fatal(err)
	}

	data := make([]byte, 3*client.MinChunkSize)
	_, err := svc.Upload(context.Background(), upload.FromBytes(data), nil,
		upload.WithChunkSize(client.MinChunkSize), upload.WithUploadID("example-upload"))
	var ce *upload.ChunkError
	if errors.As(err, &ce) {
		fmt.Println(ce.UploadID, ce.Offset, ce.Range, errors.Is(err, client.ErrBadRequest))
	}
	// Output:
	// example-upload 5242880 bytes 5242880-10485759/15728640 true
}

// Bad input is reported before any request is sent.
func ExampleInputError() {
	svc, _, stop := exampleService()
	defer stop()

	_, err := svc.Upload(context.Background(), upload.FromPath("/no/such/file.jpg"), nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, upload.ErrFileNotFound))
	// Output:
	// upload: source "/no/such/file.jpg": no such file; check the path
	// true
}

// A signed download URL for a private asset is built locally; fetching it
// returns the asset.
func ExampleService_PrivateDownloadURL() {
	svc, _, stop := exampleService()
	defer stop()
	ctx := context.Background()

	_, err := svc.Upload(ctx, upload.FromBytes([]byte("top secret")), &upload.Params{
		ResourceType: "raw", PublicID: "plan.txt", Type: "private", Overwrite: upload.Bool(true),
	})
	if err != nil {
		log.Fatal(err)
	}
	u, err := svc.PrivateDownloadURL("plan.txt", "", &upload.DownloadParams{ResourceType: "raw", Type: "private"})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 200 top secret
}

// Tags, context and metadata change many assets at once.
func ExampleService_AddTags() {
	svc, _, stop := exampleService()
	defer stop()
	ctx := context.Background()

	for _, id := range []string{"a", "b"} {
		if _, err := svc.Upload(ctx, upload.FromBytes([]byte(id)), &upload.Params{PublicID: id, ResourceType: "raw"}); err != nil {
			log.Fatal(err)
		}
	}
	res, err := svc.AddTags(ctx, []string{"sale"}, []string{"a", "b", "missing"}, &upload.TagParams{ResourceType: "raw"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.PublicIDs)
	// Output:
	// [a b]
}

// Fail an upload unless Cloudinary stored exactly the bytes sent. With
// Overwrite false, a taken public ID keeps its asset: Existing says so and
// the etag is the kept asset's.
func ExampleWithIntegrityCheck() {
	svc, _, stop := exampleService()
	defer stop()

	p := &upload.Params{ResourceType: "raw", PublicID: "notes.txt", Overwrite: upload.Bool(false)}
	for _, body := range []string{"first", "second"} {
		res, err := svc.Upload(context.Background(), upload.FromBytes([]byte(body)), p, upload.WithIntegrityCheck())
		switch {
		case errors.Is(err, upload.ErrIntegrity):
			fmt.Println("stored bytes differ from the bytes sent; upload again:", err)
		case err != nil:
			log.Fatal(err)
		case res.Existing:
			fmt.Println("kept the existing asset, etag", res.Etag)
		default:
			fmt.Println("stored and verified, etag", res.Etag, "after", res.Attempts(), "attempt(s)")
		}
	}
	// Output:
	// stored and verified, etag 8b04d5e3775d298e78455efc5ca404d5 after 1 attempt(s)
	// kept the existing asset, etag 8b04d5e3775d298e78455efc5ca404d5
}
