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
// # Hostile requests
//
// What a request may make the mock read, hold and wait for is bounded:
//
//   - An upload without chunks whose Content-Length announces more than the
//     largest file (WithMaxUploadSize, plus room for its parameters) is
//     refused with 400 "File size too large. Got <Content-Length>. ..."
//     before any of its body is read (a client sending Expect:
//     100-continue, as curl does, never sends it); a file that turns out
//     larger is cut just past the limit, without reading the rest. A chunk
//     may carry only what its Content-Range announces.
//   - A text field other than file holds at most 1 MiB, the file field as
//     text (a data URI) 64 MiB, all other fields of a request 8 MiB, a
//     urlencoded body 100 MiB; beyond that the answer is 400.
//   - What requests whose credentials are not verified yet hold in memory
//     (their text, and with Memory storage their file bytes) is bounded
//     across all requests in flight (WithMaxUnverifiedBytes, 128 MiB); a
//     request that would pass the bound is answered 503 with Retry-After: 1.
//     A request is verified at once by a valid Authorization header, and
//     when its file begins if the parameters before it (the usual order;
//     cldrest's client always sends the file last) carry a valid signature
//     or an unsigned upload preset.
//   - A request body that brings less than 16 KiB within the body timeout
//     (WithBodyTimeout, 30 s; the wait starts again with every 16 KiB) is
//     answered 408 and its connection closed, so trickling connections
//     cannot pile up; uploads that keep moving are never cut.
//   - A chunk that repeats a range of an X-Unique-Upload-Id with the same
//     bytes is a retry; with other bytes, or announcing another total, it is
//     refused with 400 "Conflict: ...": two files sent under one id are
//     never mixed. Each range keeps only its SHA-256, whatever the storage.
//
// 408 and 503 are the only statuses outside those of Cloudinary's Upload
// API (spec §8.2); only a stalling or overloading client sees them.
//
// # State and storage
//
// Assets, upload presets, folders, upload mappings, named transformations,
// metadata fields, streaming profiles, triggers and related-asset links live
// in memory (Memory, the default), in a directory
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
// # The Admin API
//
// Every call of package admin is answered with state (admin's TestMockWalk
// calls each one): resources, search and folder search, folders, presets,
// mappings, named transformations, streaming profiles, triggers, metadata
// fields with their datasources, metadata rules, related assets, publishing,
// access modes, backups, usage and config, and the Analysis API. The routes
// are one table (admin_routes.go); a path outside it answers 404 "Unknown
// API route", a known path with another method 404 "Unsupported method".
// Visual search runs no model: it matches text like the search language's
// free text, and an image (by asset ID or delivery URL) by shared tags.
//
// # Seeding
//
// PutAsset, PutPreset, PutMetadataField, PutFolder, PutTransformation and
// PutUploadMapping put state straight into the server, without HTTP or the
// Admin budget, through the store step uploads use; LoadSeed reads the same
// from JSON fixtures (cldrest mock --seed).
//
// # Test control
//
// The clock is injectable (WithClock, Advance, SetNow). AddFault scripts
// failures per route, count, skip and seeded probability: an error status
// with Retry-After, an HTML error page, a delay, a connection reset before
// processing, commit-then-drop (the upload is applied, then the connection
// is cut) and a truncated body. Journal lists every request (method, path,
// route, parameters, headers of interest, auth mode, status, whether it
// changed state, the fault that fired); secrets never appear in it, and
// long values are cut. WithControl exposes the same over HTTP for other
// processes:
//
//	GET    /_mock/health           {"status":"ok"}
//	GET    /_mock/faults           {"faults":[Fault...]}
//	POST   /_mock/faults           Fault or [Fault...] -> {"ids":["f1",...]}
//	DELETE /_mock/faults[/<id>]    {"removed":N}
//	GET    /_mock/journal?since=N  {"entries":[JournalEntry...]}
//	DELETE /_mock/journal          {"status":"ok"}
//	GET    /_mock/clock            {"now":"<RFC 3339>","unix":N}
//	POST   /_mock/clock            {"advance":"90m"} or {"now":"<RFC 3339>"|<unix>}
//	POST   /_mock/reset            {"status":"ok"} (also resets the clock)
//	GET    /_mock/state            {"assets":N,"chunk_sessions":N,"faults":N,"journal":N}
//
// So that no web page can reset or fault a developer's running mock, the
// control endpoints answer 403 to a request whose Host is not the mock's
// (loopback names and addresses, the address the connection came in on, and
// WithControlHosts names; this stops DNS rebinding), with an Origin or
// Sec-Fetch-Site header of another site, or, with WithControlToken, without
// the token in the X-Mock-Control-Token header; and 400 to a POST whose body
// is not application/json (a bodiless POST, such as a reset, needs no
// Content-Type). A fault whose route matches no route of the mock is refused
// with the list of routes.
//
// A fault in JSON: {"route":"upload","kind":"status","status":503,
// "retry_after":1,"probability":0.2,"seed":7} (kinds: status, html, delay
// with "delay":"250ms", reset, commit_drop, truncate; optional method, skip,
// count, message).
//
// # Media
//
// Image delivery URLs are rendered by the transform engine (package
// mockserver/transform documents the subset: sizes and crops, gravities,
// ar_, dpr_, a_, a handful of e_ effects, b_, r_, bo_, o_, q_, f_ with
// f_auto by Accept, fl_attachment, pg_, l_text: and t_ named
// transformations from the mock's stored ones). Renders are cached per
// source bytes, plan and format (64 MiB, least recently used first), so a
// derived asset is rendered once; at most 4 renders run at once.
// WithStrictTransformations enforces strict transformations. A
// transformation the engine cannot parse
// or render is a 400 naming it, with X-Cld-Error; videos and raw files are
// served as stored and a video transformation is refused. Upload responses'
// url and secure_url point at the mock's own delivery route (http unless the
// mock is served over TLS).
//
// Uploads: transformation (and format) replace the stored image with its
// render (width, height, bytes, etag and format as stored); eager renders
// derived assets listed in eager[] and in the details' derived (eager_async
// answers an empty eager[] and sends them in an "eager" notification);
// responsive_breakpoints renders widths from the real image and keeps those
// bytes_step apart. Explicit does the same for eager, breakpoints and
// analysis. Derived-asset records, sprite CSS and the render cache live in
// memory: with Dir storage they are gone after a
// restart (delivery URLs still render, on demand).
//
// Analysis, on upload, explicit and details (colors=true, ...):
//
//	real          colors, predominant (pixels), phash (DCT), image_metadata
//	              and media_metadata (header: type, size, orientation,
//	              frames), exif (orientation), faces and coordinates (the
//	              face_coordinates given, clipped; none detected),
//	              media_metadata of MP4/MOV videos (duration, size,
//	              codecs from the boxes; the file type for other videos)
//	placeholder   quality_analysis and quality_score (0.9 everywhere),
//	              accessibility_analysis (1.0), cinemagraph_analysis (0)
//
// Add-ons are validated with Cloudinary's messages and answered with their
// info blocks: detection and categorization and ocr complete with empty
// data, background_removal and raw_convert pending (nothing runs). eval is
// checked (at most 4096 characters) and stored, never run.
//
// Creative actions: sprite (the tagged images, or urls, stacked vertically,
// with CSS and JSON of their positions, delivered under image/sprite/),
// multi (an animated GIF of the tagged images centred on the largest size,
// under image/multi/), explode (a derived pg_<n> image per GIF frame; PDFs
// are not decoded), text (a PNG via the Go fonts, under image/text/) and
// create_slideshow (processing, then a notification reporting failure: no
// video is rendered). WithRemoteDir serves remote file URLs from a folder.
package mockserver
