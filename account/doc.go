// Package account is a typed client for Cloudinary's Provisioning API, the
// account-level API of Enterprise accounts: sub-accounts (product
// environments) and their access keys, users, and user groups and their
// members. It covers every call of the official Node.js SDK's provisioning
// module.
//
// The Provisioning API authenticates with the account's provisioning key
// and secret (HTTP Basic), not with a cloud's API key, and lives under its
// own base path, <upload_prefix>/v1_1/provisioning/accounts/<account_id>/.
// Configure it with CLOUDINARY_ACCOUNT_URL:
//
//	CLOUDINARY_ACCOUNT_URL=account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID
//
// (ConfigFromEnv, ParseURL), optionally with ?upload_prefix=… to talk to
// another API host such as cldrest's mock server. Every call goes through a
// *client.Client, so retries, rate-limit waits, typed *client.APIError
// values (errors.Is with client.ErrNotFound, ...) and response metadata
// (client.Meta) work as in the admin and upload packages. Bad arguments are
// rejected before any request with an error matching ErrInvalidInput.
//
// Secrets in answers (the access keys of a sub-account) are client.Secret
// values: they print and marshal as [REDACTED]; call Reveal to use one.
// List calls have ...All companions returning an iter.Seq2.
package account
