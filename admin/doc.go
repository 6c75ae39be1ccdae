// Package admin is a typed client for Cloudinary's Admin API: account
// (ping, config, usage), resources (list, details, update, restore, delete,
// related assets, publish, access mode, backed-up versions), tags, folders,
// search, structured metadata fields and conditional metadata rules,
// streaming profiles, named transformations, triggers, upload mappings and
// upload presets; and the Analysis API (Analyze), which is authenticated
// like the Admin API under /v2/<cloud_name>/.
//
// A Service sends every call through a *client.Client, which authenticates
// (Basic or Bearer), retries what is safe, waits for the reset when the API
// answers 420/429 and the reset is within the client's maximum wait (else
// returns the *client.APIError at once, saying when the limit resets), and
// optionally holds a job under a configured rate (client.WithRateLimit). Non-2xx answers are *client.APIError values that
// match the client's sentinels with errors.Is; bad arguments are rejected
// before any request with an error matching ErrInvalidInput.
//
// Every method takes a context first. Options are optional pointers (nil
// means the defaults: resource type image, delivery type upload); GET
// options go into the query string (arrays as name[]), other calls send
// JSON bodies. Public IDs and folder paths may contain "/": they are escaped
// as one path segment.
//
// Structured values (Context, Metadata, Coordinates, Time) are the types of
// package cld, shared with package upload: UpdateResource sends them in the
// same wire forms as the Upload API ("k=v|k2=v2" with "\", "=" and "|"
// escaped in values; "x,y,w,h|..."), and Resource.Context decodes every
// shape the API answers (the {"custom":{...}} object, the flat object of
// search results, the key/value list).
//
// Every result embeds client.Meta, whose Response carries the HTTP status,
// request ID, raw JSON and the Admin rate limit (X-FeatureRateLimit-*).
// Service.LastRateLimit returns the most recent budget seen.
//
// Listing calls return one page and take a NextCursor; each has an ...All
// companion returning an iter.Seq2 that follows next_cursor to the end,
// never modifies the caller's options, stops at the first error and
// respects the context:
//
//	for r, err := range svc.ListResourcesAll(ctx, &admin.ListResourcesOptions{Prefix: "shoes/"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(r.PublicID)
//	}
//
// Search expressions can be written by hand (RawExpr) or built with Field,
// And, Or and Not, which quote values so user input cannot change the
// query's structure:
//
//	expr := admin.And(admin.Field("tags").Eq("summer sale"), admin.Field("bytes").Gt(1<<20))
//	// tags="summer sale" AND bytes>1048576
//
// Deletes by prefix, tag or "all" remove at most 1,000 assets per call and
// report partial; DeleteAllByPrefix and DeleteAllByTag loop until done.
package admin
