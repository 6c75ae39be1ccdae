// Package directupload is the server side of uploads that browsers and apps
// send straight to Cloudinary.
//
// The browser asks the application for a signature, then posts the file
// with the signed parameters to Cloudinary's Upload API; the file never goes
// through the application. Handler is that signature service: it signs only
// what a Policy allows, sets the timestamp itself, forces values such as the
// folder and tags, keeps public IDs inside a prefix, refuses parameters with
// side effects (overwrite, notification_url to a foreign host, eval, …) with
// a 4xx JSON answer naming the parameter, rate-limits callers and writes an
// audit line per signature. The zero Policy signs nothing.
//
// NotificationHandler receives what Cloudinary sends back afterwards
// (upload, eager, async and delete notifications): it checks
// X-Cld-Signature and X-Cld-Timestamp over the raw body within a validity
// window, refuses replays, and hands typed events to a callback.
//
// A Cloudinary signature covers parameters only, not the file, the resource
// type or the action: whoever holds one may upload any file with exactly
// those parameters for an hour. Sign as little as possible, and force what
// matters.
package directupload
