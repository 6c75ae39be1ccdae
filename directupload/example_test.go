package directupload_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/directupload"
)

// A signature service for browsers: every upload goes into the caller's
// folder with the tag "web", public IDs are generated, and nothing else can
// be set but tags and context.
func ExampleNewHandler() {
	cfg := client.Config{CloudName: "demo", APIKey: "123456789012345", APISecret: client.NewSecret("example-secret")}
	h, err := directupload.NewHandler(cfg, directupload.Policy{
		Allow:         []string{"tags", "context"},
		Force:         map[string]string{"folder": "users/{caller}", "tags": "web"},
		PublicIDs:     directupload.PublicIDs{Generate: true},
		ResourceTypes: []string{"image"},
		RatePerMinute: 30,
	}, directupload.WithAuthenticator(func(r *http.Request) (directupload.Caller, error) {
		// Your application's own authentication, e.g. a session cookie.
		c, err := r.Cookie("session")
		if err != nil {
			return directupload.Caller{}, err
		}
		return directupload.Caller{ID: strings.TrimPrefix(c.Value, "user:")}, nil
	}))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/sign-upload", h)

	// Sign from Go (e.g. for a mobile app's gRPC call):
	sig, err := h.Sign(context.Background(), directupload.Caller{ID: "alice"}, url.Values{"tags": {"holiday"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig.UploadURL)
	fmt.Println(sig.Params["folder"], sig.Params["tags"], sig.Params["overwrite"], len(sig.Params["public_id"]))

	_, err = h.Sign(context.Background(), directupload.Caller{ID: "alice"}, url.Values{"overwrite": {"true"}})
	fmt.Println(err)
	// Output:
	// https://api.cloudinary.com/v1_1/demo/image/upload
	// users/alice holiday,web false 20
	// overwrite: refused: it lets a caller replace an existing asset; a policy must allow it explicitly
}

// Receive Cloudinary's notifications and act on the typed events.
func ExampleNewNotificationHandler() {
	cfg := client.Config{CloudName: "demo", APIKey: "123456789012345", APISecret: client.NewSecret("example-secret")}
	nh, err := directupload.NewNotificationHandler(cfg, func(ctx context.Context, ev directupload.Event) error {
		switch ev := ev.(type) {
		case *directupload.UploadEvent:
			log.Printf("uploaded %s (%dx%d) %s", ev.PublicID, ev.Width, ev.Height, ev.SecureURL)
		case *directupload.EagerEvent:
			log.Printf("eager versions of %s ready: %d", ev.PublicID, len(ev.Eager))
		case *directupload.DeleteEvent:
			for _, a := range ev.Resources {
				log.Printf("deleted %s", a.PublicID)
			}
		}
		return nil // an error makes Cloudinary send it again
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/cloudinary", nh)
}
