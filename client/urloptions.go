package client

import (
	"slices"
	"strings"
)

// URLOptions are the CLOUDINARY_URL query options ParseURL applies.
var URLOptions = func() []string {
	keys := make([]string, len(urlOptions))
	for i, o := range urlOptions {
		keys[i] = o.key
	}
	return keys
}()

// UnknownURLOption is a CLOUDINARY_URL option ParseURL ignores, with the
// known option it most likely misspells ("" when none is close).
type UnknownURLOption struct {
	Key, Suggestion string
}

// UnknownURLOptions lists the query options of a CLOUDINARY_URL that are
// not in URLOptions (ParseURL ignores them silently), so a caller can warn
// about a misspelling. Only keys are returned, never values. The options
// are read as ParseURL reads them; a query ParseURL refuses (a ';', a bad
// percent-escape) gives nil, ParseURL's error says what is wrong. So does
// a URL whose credentials ParseURL refuses: a '?' left unescaped in the
// secret would make the rest of the secret read as an option key.
func UnknownURLOptions(raw string) []UnknownURLOption {
	if _, _, err := parseURL(raw); err != nil {
		return nil
	}
	opts, err := splitOptions(strings.TrimSpace(raw), func(i int) int { return i + 1 })
	if err != nil {
		return nil
	}
	var out []UnknownURLOption
	for _, o := range opts {
		key := o.key
		if slices.Contains(URLOptions, key) {
			continue
		}
		u := UnknownURLOption{Key: key}
		best := 3 // at most two edits away
		for _, known := range URLOptions {
			if d := editDistance(strings.ToLower(key), known); d < best {
				best, u.Suggestion = d, known
			}
		}
		out = append(out, u)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
