// Package mockserver is a local Cloudinary for tests: an http.Handler that
// serves the Upload API and the Admin API under /v1_1/<cloud>/ and delivery
// URLs under /<cloud>/, with real state, strict authentication (verified
// with package signer), chunked uploads, fault injection and a request
// journal.
//
// # Starting it
//
// In a Go test, Start serves a Server on a loopback port, stops it when the
// test ends, and yields a CLOUDINARY_URL that any Cloudinary client accepts
// through upload_prefix:
//
//	m := mockserver.Start(t, mockserver.WithCredentials("key", "secret"))
//	t.Setenv("CLOUDINARY_URL", m.CloudinaryURL()) // cloudinary://key:secret@demo?upload_prefix=http://127.0.0.1:PORT
//
// New and Open build the handler for use with any http.Server or in-process
// with httptest.NewRecorder. From other languages run "cldrest mock", which
// prints the same CLOUDINARY_URL line when ready.
//
// # What it enforces
//
// Signed requests (SHA-1 or SHA-256 by signature length, signature version 1
// or 2, parameters from the query string and the body), Basic auth (standard
// and URL-safe base64) and Bearer tokens; unsigned uploads only through an
// unsigned upload preset and only with the parameters such uploads may set;
// stale timestamps (older than one hour); Basic or Bearer auth for the Admin
// API with an hourly budget (420 when used up, X-FeatureRateLimit-* headers
// on every Admin response); 5 MiB minimum non-final chunks, and no upload
// above 100 MB without chunks (WithMaxUploadSize); signed delivery URLs and,
// with WithAuthTokenKey, __cld_token__ auth tokens. Error bodies and
// messages follow Cloudinary's ({"error":{"message":...}}), including the
// server's string to sign in "Invalid Signature" errors. Features the mock
// does not emulate answer a JSON error saying so, never a silent success.
// async=true uploads and explicit calls answer "pending" with a batch_id;
// the work is done at once and its result goes to notification_url
// (WithNotifications).
//
// # State and storage
//
// Assets, upload presets, folders, upload mappings, named transformations and
// metadata fields live in memory (Memory, the default), in a directory
// (Dir(path): survives restarts; files are named by random hex IDs, never by
// public IDs, and public IDs with "..", NUL, a leading "/" or empty segments
// are rejected), or in memory with bytes hashed and discarded (MetadataOnly,
// for large benchmarks). Deleted assets are kept for the restore endpoints.
//
// Chunked uploads are keyed by X-Unique-Upload-Id and assembled by offset:
// middle chunks may arrive in any order, the final chunk (the one carrying the
// real total) completes the asset only when every byte has arrived, and a
// retried chunk of a completed upload gets the same result again. With
// MetadataOnly storage in-order chunks are hashed while they stream; only
// out-of-order chunks are parked in temporary files. Idle sessions expire
// (WithMaxChunkIdle, by the server clock).
//
// # Test control
//
// The clock is injectable (WithClock, Advance, SetNow). AddFault scripts
// failures per route, count, skip and seeded probability: an error status
// with Retry-After, an HTML error page, a delay, a connection reset before
// processing, commit-then-drop (the upload is applied, then the connection
// is cut) and a truncated body. Journal lists every request (method, path,
// route, parameters, headers of interest, auth mode, status, whether it
// changed state, the fault that fired); secrets never appear in it.
// WithControl exposes the same over HTTP for other processes:
//
//	GET    /_mock/health           {"status":"ok"}
//	GET    /_mock/faults           {"faults":[Fault...]}
//	POST   /_mock/faults           Fault or [Fault...] -> {"ids":["f1",...]}
//	DELETE /_mock/faults[/<id>]    {"removed":N}
//	GET    /_mock/journal?since=N  {"entries":[JournalEntry...]}
//	DELETE /_mock/journal          {"status":"ok"}
//	GET    /_mock/clock            {"now":"<RFC 3339>","unix":N}
//	POST   /_mock/clock            {"advance":"90m"} or {"now":"<RFC 3339>"|<unix>}
//	POST   /_mock/reset            {"status":"ok"}
//	GET    /_mock/state            {"assets":N,"chunk_sessions":N,"faults":N,"journal":N}
//
// A fault in JSON: {"route":"upload","kind":"status","status":503,
// "retry_after":1,"probability":0.2,"seed":7} (kinds: status, html, delay
// with "delay":"250ms", reset, commit_drop, truncate; optional method, skip,
// count, message).
//
// Transformations are not rendered: delivery serves the original bytes and
// names what was skipped in the X-Mock-Not-Rendered header. Upload responses'
// url and secure_url point at the mock's own delivery route (http unless the
// mock is served over TLS).
package mockserver
