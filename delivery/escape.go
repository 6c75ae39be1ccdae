package delivery

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The official SDKs are JavaScript, Python and Ruby; the URLs they build
// follow JavaScript's encodeURIComponent, encodeURI and Number formatting.
// The functions here reproduce those byte for byte.

const upperHex = "0123456789ABCDEF"

// componentSafe reports whether encodeURIComponent leaves c as is.
func componentSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0
}

// uriSafe reports whether encodeURI leaves c as is.
func uriSafe(c byte) bool {
	return componentSafe(c) || strings.IndexByte(";,/?:@&=+$#", c) >= 0
}

// percentEncode escapes every byte of s that keep rejects as %XX.
func percentEncode(s string, keep func(byte) bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// errBadEscape is returned for a "%" that does not start a valid escape of
// UTF-8 text, which JavaScript's decodeURIComponent refuses.
type escapeError struct{ s string }

func (e escapeError) Error() string {
	return fmt.Sprintf("%q has a %% that does not start a %%XX escape of UTF-8 text; write a literal %% as %%25", e.s)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeComponent is JavaScript's decodeURIComponent: every %XX is
// decoded (reserved characters too, "+" stays "+"); a malformed escape or
// escapes that do not form UTF-8 are an error.
func decodeComponent(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", escapeError{s}
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", escapeError{s}
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	if !utf8.Valid(out) {
		return "", escapeError{s}
	}
	return string(out), nil
}

// decodeURI is JavaScript's decodeURI: like decodeComponent, but escapes of
// the reserved characters ;/?:@&=+$,# stay escaped. ok is false where
// JavaScript throws.
func decodeURI(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		// Decode one UTF-8 sequence written as escapes.
		var seq []byte
		j := i
		for {
			if j+2 >= len(s) || s[j] != '%' {
				return "", false
			}
			hi, ok1 := unhex(s[j+1])
			lo, ok2 := unhex(s[j+2])
			if !ok1 || !ok2 {
				return "", false
			}
			seq = append(seq, hi<<4|lo)
			j += 3
			if utf8.FullRune(seq) {
				break
			}
			if len(seq) >= utf8.UTFMax {
				return "", false
			}
		}
		r, size := utf8.DecodeRune(seq)
		if r == utf8.RuneError && size <= 1 || size != len(seq) {
			return "", false
		}
		if r < utf8.RuneSelf && strings.IndexByte(";/?:@&=+$,#", byte(r)) >= 0 {
			b.WriteString(s[i:j])
		} else {
			b.Write(seq)
		}
		i = j
	}
	return b.String(), true
}

// smartEscape escapes each UTF-16 code unit of the characters of s that
// unsafe selects as "%" followed by its hexadecimal value in capitals, as
// the SDKs' smart_escape does (so "é" is "%E9" and "😀" is "%D83D%DE00").
func smartEscape(s string, unsafe func(rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !unsafe(r) {
			b.WriteRune(r)
			continue
		}
		units := []rune{r}
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			units = []rune{r1, r2}
		}
		for _, u := range units {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(strconv.FormatInt(int64(u), 16)))
		}
	}
	return b.String()
}

// urlUnsafe selects what smart_escape escapes by default: all but
// letters, digits and _.-/:
func urlUnsafe(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_.-/:", r))
}

// base64URL is the SDKs' base64EncodeURL for remote URLs in overlays:
// decodeURI (kept as is when it fails), encodeURI, then URL-safe base64
// without padding.
func base64URL(s string) string {
	if d, ok := decodeURI(s); ok {
		s = d
	}
	return base64.RawURLEncoding.EncodeToString([]byte(percentEncode(s, uriSafe)))
}

// formatNumber writes f as JavaScript's String(number) does: the shortest
// decimal that reads back as f, in exponent form below 1e-6 and from 1e21.
func formatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // 1.5e-07
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "e" + string(sign) + exp
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Operators that the SDKs spell as words in expressions when they are
// followed by a space or an underscore ("w / 2" → "w_div_2"), tried in
// this order.
var exprOperators = []struct{ op, word string }{
	{"||", "or"}, {">=", "gte"}, {"<=", "lte"}, {"&&", "and"}, {"!=", "ne"}, {">", "gt"}, {"=", "eq"},
	{"<", "lt"}, {"/", "div"}, {"-", "sub"}, {"^", "pow"}, {"+", "add"}, {"*", "mul"},
}

// Predefined variables with their short names ("initial_width" → "iw").
var exprVariables = map[string]string{
	"aspect_ratio": "ar", "aspectRatio": "ar", "current_page": "cp", "currentPage": "cp",
	"duration": "du", "face_count": "fc", "faceCount": "fc", "height": "h",
	"initial_aspect_ratio": "iar", "initialAspectRatio": "iar", "initial_height": "ih", "initialHeight": "ih",
	"initial_width": "iw", "initialWidth": "iw", "initial_duration": "idu", "initialDuration": "idu",
	"page_count": "pc", "pageCount": "pc", "page_x": "px", "pageX": "px", "page_y": "py", "pageY": "py",
	"tags": "tags", "width": "w",
}

// normalizeExpression rewrites an expression the way the SDKs do for the
// parameters that accept one: operators followed by a space or "_" become
// words, predefined variable names their short names (not after ":" and
// not inside a $user_variable), and runs of spaces and underscores one "_".
// A value wrapped in "!…!" is kept as is.
func normalizeExpression(s string) string {
	if s == "" || len(s) > 2 && s[0] == '!' && s[len(s)-1] == '!' && !strings.ContainsAny(s[1:len(s)-1], "\n\r\u2028\u2029") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		matched := false
		for _, o := range exprOperators {
			if strings.HasPrefix(s[i:], o.op) && i+len(o.op) < len(s) && (s[i+len(o.op)] == ' ' || s[i+len(o.op)] == '_') {
				b.WriteString(o.word)
				i += len(o.op)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(s[i])
			i++
		}
	}
	s = b.String()
	b.Reset()
	for i := 0; i < len(s); {
		if s[i] == '$' {
			j := i + 1
			for j < len(s) && s[j] == '_' {
				j++
			}
			k := j
			for k < len(s) && s[k] != '_' && s[k] != ' ' {
				k++
			}
			if k > j {
				b.WriteString(s[i:k])
				i = k
				continue
			}
		}
		colon := 0
		if s[i] == ':' {
			colon = 1
		}
		if name, ok := variableAt(s[i+colon:]); ok {
			if colon == 1 {
				b.WriteString(s[i : i+1+len(name)])
			} else {
				b.WriteString(exprVariables[name])
			}
			i += colon + len(name)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	s = b.String()
	b.Reset()
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '_' {
			b.WriteByte('_')
			for i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '_') {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// variableAt returns the predefined variable name s starts with. No name
// is a prefix of another, so at most one matches.
func variableAt(s string) (string, bool) {
	for name := range exprVariables {
		if strings.HasPrefix(s, name) {
			return name, true
		}
	}
	return "", false
}
