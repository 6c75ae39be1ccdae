// Package signer computes and verifies every signature Cloudinary uses:
// request signatures for the Upload API and signed download URLs (string to
// sign, signature versions 1 and 2, SHA-1 and SHA-256), notification (webhook)
// signatures with a validity window, API-response signatures, delivery-URL
// signatures (the s--XXXXXXXX-- path component) and auth tokens for
// token-based access control (__cld_token__).
//
// The package is pure: it performs no I/O and reads the clock only through an
// injectable function. There is exactly one implementation of the string to
// sign; the client signs with it and the mock server verifies with it.
//
// The string to sign is a pure function of the parameters: it never depends
// on map iteration order. A name sent in several forms (tags=7 and tags[]=8)
// joins the plain values first, then the k[] values, then k[N] by index; see
// StringToSign.
//
// Every function takes its arguments in one order: what is signed (params,
// body and timestamp, public ID and version, the URL path), then the secret,
// then the signature to check (Verify*) or the algorithm and its variant
// (Sign*, *Signature). Variants are named constants, never bare booleans
// (ShortURLSignature, LongURLSignature).
package signer
