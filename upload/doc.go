// Package upload implements Cloudinary's Upload API on top of the client
// package's request pipeline: uploads from any source, chunked large
// uploads, every other upload action, and signed download URLs.
//
// # Shape
//
// A Service wraps a *client.Client:
//
//	svc := upload.New(c)
//	res, err := svc.Upload(ctx, upload.FromPath("photo.jpg"), &upload.Params{PublicID: "photo"})
//
// Every method takes a context first. Per-call behaviour is chosen with
// Options (WithChunkSize, WithConcurrency, WithProgress, WithIdempotent,
// WithUploadID, WithIntegrityCheck, WithoutChecksum); the Service itself holds no per-call state and is safe for
// concurrent use.
//
// # Sources
//
// FromPath, FromFile, FromReaderAt and FromBytes are sized sources: each
// request (and each retry) streams its bytes from an io.SectionReader, so
// nothing is buffered. FromReader accepts an io.Reader of unknown size and
// reads it one chunk at a time into a single reused buffer. FromURL makes
// Cloudinary fetch an http(s), ftp, s3 or gs URL, or decode a base64 data
// URI, itself. Sources are validated before any request: a missing,
// unreadable, empty or directory path, or a ReaderAt whose declared size is
// wrong, is an *InputError matching ErrInvalidInput and a specific sentinel.
//
// # Parameters
//
// Params models every upload parameter of the API with go-querystring `url`
// tags; the structured ones have their own encoders (Context and Metadata
// escape "\", "=" and "|" in values and sort their keys; Eager and
// Moderation are joined with "|"; Coordinates are "x,y,w,h|...";
// AccessControl, Regions and ResponsiveBreakpoints are JSON). Context,
// Metadata, Rect, Coordinates and Time are aliases of the types of package
// cld, which package admin uses too: one codec, so a value read through one
// API can be sent through the other unchanged. Pointer booleans send false
// explicitly.
// Params.Extra carries anything not modelled. The resource type goes into
// the URL path (image, video, raw or auto; auto by default for uploads).
//
// # Large uploads
//
// A source larger than the chunk size (the client's Config().ChunkSize,
// 20,000,000 bytes by default, never below client.MinChunkSize), or larger
// than client.MaxUploadSize (100 MB, the most Cloudinary accepts in one
// request without chunks; chunks themselves may be larger; this matters with a larger chunk size), is sent as a chunked
// upload, possibly of a single chunk: every chunk is a separate request carrying the same
// X-Unique-Upload-Id and its own Content-Range, signed afresh (so uploads
// longer than the one-hour signature lifetime still work) and retried on
// its own. Non-final chunks are marked idempotent; the final chunk, which
// makes the server assemble the asset, only when the whole upload is. The
// first failure the client's retries cannot fix stops the upload with a
// *ChunkError carrying the upload id and the acknowledged offset; no later
// chunk is sent. Readers of unknown size send "/-1" totals until the end is
// known; the last chunk carries the real total. WithConcurrency sends the
// middle chunks of a sized source in parallel (the first chunk goes first
// and alone, the last one after all others were acknowledged).
//
// # Results and idempotency
//
// Result has every field of the upload response, the raw JSON (Response.Raw
// via the embedded client.Meta), and LocalMD5, the MD5 of the bytes sent, to
// compare with Etag, the MD5 of what Cloudinary stored (for a chunked upload,
// of the assembled asset). WithIntegrityCheck does the comparison: an upload
// whose etag differs fails with an *IntegrityError (errors.Is(err,
// ErrIntegrity)); it is refused up front where the two cannot agree (remote
// URLs, async uploads, incoming transformations and format conversions). An
// answer with Existing set (Overwrite false and the public ID taken) means
// Cloudinary kept the older asset; its Etag is that asset's.
//
// Result.Attempts, ChunkError.Attempts and IntegrityError.Attempts count
// every HTTP request of the upload, retries after connection resets
// included, and for a chunked upload the requests of all its chunks, so
// interface{ Attempts() int } read with errors.As gives the count whatever
// the outcome.
//
// An upload is retried after an ambiguous failure (request
// sent, answer lost) only when repeating it cannot create a second asset:
// a PublicID with Overwrite set to Bool(true), or WithIdempotent. Destroy,
// Rename, Explicit, Explode and the tags, context and metadata actions are
// always idempotent.
//
// # Authentication
//
// Requests are signed, Basic-authenticated or Bearer-authenticated as the
// client is configured. UploadUnsigned sends no credentials; which
// parameters an unsigned upload may set is the preset's decision, so
// Cloudinary's answer (a 403 naming the parameter) reports a refused one. PrivateDownloadURL, ArchiveDownloadURL, ZipDownloadURL and
// BackupDownloadURL sign URLs locally and make no request.
package upload
