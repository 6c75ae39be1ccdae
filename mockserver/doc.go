// Package mockserver is a local Cloudinary for tests: an http.Handler that
// serves the Upload API and the Admin API under /v1_1/<cloud>/ and delivery
// URLs under /<cloud>/, with real state, strict authentication (verified
// with package signer), chunked uploads, fault injection and a request
// journal.
//
// Start it in a test with Start, which serves on a loopback port and yields
// a CLOUDINARY_URL that any Cloudinary client accepts through upload_prefix:
//
//	m := mockserver.Start(t)
//	t.Setenv("CLOUDINARY_URL", m.CloudinaryURL())
//
// or run it as a process with "cldrest mock". The server enforces the rules
// Cloudinary enforces: signatures (SHA-1 or SHA-256, version 1 or 2), stale
// timestamps, unsigned uploads only through unsigned upload presets, Basic
// or Bearer auth for the Admin API, 5 MiB minimum non-final chunks, and
// Admin rate limits. Features it does not emulate answer a JSON error that
// says so, never a silent success.
//
// Storage is Memory (default), Dir(path) (survives restarts) or
// MetadataOnly (bytes hashed and counted, then discarded). The clock is
// injectable (WithClock, Advance, SetNow).
package mockserver
