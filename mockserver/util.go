package mockserver

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
)

func sortStrings(s []string) { sort.Strings(s) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonDecode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	return dec.Decode(v)
}
