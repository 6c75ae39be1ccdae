package delivery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/cldrest/cldrest/cld"
	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/signer"
)

// DefaultSearchTTL is how long the CDN caches a search URL's results when
// SearchURL is given no TTL.
const DefaultSearchTTL = 300 * time.Second

// SearchURL returns the cached search URL of q: a GET URL on the delivery
// host that answers the Search API's JSON and is cached for ttl (whole
// seconds; 0 means DefaultSearchTTL),
//
//	https://res.cloudinary.com/<cloud>/search/<signature>/<ttl>/<base64 query>[/<next cursor>]
//
// signed with the API secret (SHA-256 of ttl, query and secret) so a
// browser can run the search without it. q.NextCursor, when set, is the
// page to read. The query is written with sorted keys, as the SDKs do.
// The host options (WithSecure, WithPrivateCDN, WithSecureDistribution,
// WithCNAME) apply; other options are ignored.
func (b *Builder) SearchURL(q *cld.SearchQuery, ttl time.Duration, opts ...Option) (string, error) {
	s := b.base
	for _, o := range opts {
		o(&s)
	}
	if ttl == 0 {
		ttl = DefaultSearchTTL
	}
	if ttl < time.Second || ttl%time.Second != 0 {
		return "", invalid("search URL TTL %s is not a positive whole number of seconds", ttl)
	}
	if b.secret.IsZero() {
		return "", invalid("a search URL needs the API secret; set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
	}
	var query cld.SearchQuery
	if q != nil {
		query = *q
	}
	if err := query.Check(); err != nil {
		return "", &client.InputError{Op: "delivery", What: "search query", Reason: err.Error(), Err: err}
	}
	cursor := query.NextCursor
	query.NextCursor = ""
	query.Aggregate = uniqueNonEmpty(query.Aggregate)
	query.WithField = uniqueNonEmpty(query.WithField)
	query.Fields = uniqueNonEmpty(query.Fields)
	query.SortBy = mergeSortBy(query.SortBy)
	body, err := sortedJSON(query)
	if err != nil {
		return "", invalid("search query: %v", err)
	}
	encoded := base64.StdEncoding.EncodeToString(body)
	ttlText := strconv.FormatInt(int64(ttl/time.Second), 10)
	sig := signer.SignString(ttlText+encoded, b.secret.Reveal(), signer.SHA256)
	s.cdnSubdomain, s.secureCDNSubdomain = false, nil
	u := joinNonEmpty(b.host(&s, ""), "search", sig, ttlText, encoded, cursor)
	return u, nil
}

// sortedJSON writes v as JSON with its top-level keys sorted and without
// HTML escaping, as JavaScript's JSON.stringify writes it.
func sortedJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &fields); err != nil {
		return nil, err
	}
	buf.Reset()
	if err := enc.Encode(fields); err != nil { // map keys are written sorted
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// uniqueNonEmpty drops empty and repeated values, keeping the first of
// each, as the SDKs' search builders do.
func uniqueNonEmpty(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// mergeSortBy keeps one entry per field, at its first position, with the
// last direction given, as the SDKs' sort_by does.
func mergeSortBy(sorts []cld.SortBy) []cld.SortBy {
	var out []cld.SortBy
	at := map[string]int{}
	for _, s := range sorts {
		if i, ok := at[s.Field]; ok {
			out[i].Direction = s.Direction
			continue
		}
		at[s.Field] = len(out)
		out = append(out, s)
	}
	return out
}
