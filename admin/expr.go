package admin

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Expr is a search expression in Cloudinary's Lucene-like query language,
// built with Field, And, Or, Not and RawExpr. Values are quoted when needed,
// so user input cannot change the structure of the query. The zero Expr is
// empty and disappears from And/Or; an empty expression matches everything.
type Expr struct {
	s    string
	kind exprKind
}

type exprKind uint8

const (
	kindEmpty exprKind = iota
	kindTerm
	kindAnd
	kindOr
	kindNot
	kindRaw
)

// String returns the expression text, to put in SearchQuery.Expression.
func (e Expr) String() string { return e.s }

// IsZero reports whether e is empty.
func (e Expr) IsZero() bool { return e.kind == kindEmpty }

// RawExpr wraps an expression written by hand (e.g. "resource_type:image AND
// uploaded_at>1d"). It is used verbatim and parenthesized when combined.
func RawExpr(s string) Expr {
	s = strings.TrimSpace(s)
	if s == "" {
		return Expr{}
	}
	return Expr{s: s, kind: kindRaw}
}

// SearchField is a field of a search expression, such as "tags",
// "public_id", "resource_type", "bytes", "created_at", "context.key" or
// "metadata.external_id".
type SearchField string

// Field names a search field.
func Field(name string) SearchField { return SearchField(name) }

func (f SearchField) op(op string, v any) Expr {
	return Expr{s: string(f) + op + Value(v), kind: kindTerm}
}

// Eq matches the exact value: field=value.
func (f SearchField) Eq(v any) Expr { return f.op("=", v) }

// Match matches tokens of the value: field:value.
func (f SearchField) Match(v any) Expr { return f.op(":", v) }

// Gt is field>value.
func (f SearchField) Gt(v any) Expr { return f.op(">", v) }

// Gte is field>=value.
func (f SearchField) Gte(v any) Expr { return f.op(">=", v) }

// Lt is field<value.
func (f SearchField) Lt(v any) Expr { return f.op("<", v) }

// Lte is field<=value.
func (f SearchField) Lte(v any) Expr { return f.op("<=", v) }

// Range is the inclusive range field:[from TO to].
func (f SearchField) Range(from, to any) Expr {
	return Expr{s: string(f) + ":[" + Value(from) + " TO " + Value(to) + "]", kind: kindTerm}
}

// RangeExclusive is the exclusive range field:{from TO to}.
func (f SearchField) RangeExclusive(from, to any) Expr {
	return Expr{s: string(f) + ":{" + Value(from) + " TO " + Value(to) + "}", kind: kindTerm}
}

// Prefix matches values starting with p: field:p* (reserved characters in p
// are escaped with a backslash, as quoting would disable the wildcard).
func (f SearchField) Prefix(p string) Expr {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsSpace(r) || strings.ContainsRune(reserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return Expr{s: string(f) + ":" + b.String() + "*", kind: kindTerm}
}

// reserved are the characters Cloudinary documents as reserved in search
// expressions; Prefix escapes them with a backslash.
const reserved = "!(){}[]*^~?:\\=&><\""

// quoteTriggers are the characters that make Value quote a string: the
// reserved ones plus others with a meaning in Lucene syntax (quoting is
// always safe).
const quoteTriggers = reserved + "|/+-,'"

// Value formats one value of an expression: numbers and booleans as is,
// times as quoted RFC 3339, strings unquoted when they are a plain word
// (letters, digits, '_', '.', '@' and non-ASCII letters) and otherwise in
// double quotes with '"' and '\' escaped. The words AND, OR, NOT and TO are
// always quoted.
func Value(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case time.Time:
		return strconv.Quote(x.UTC().Format(time.RFC3339))
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case fmt.Stringer:
		return quote(x.String())
	default:
		return quote(fmt.Sprint(x))
	}
}

func quote(s string) string {
	if s != "" && !needsQuote(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func needsQuote(s string) bool {
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "TO":
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || strings.ContainsRune(quoteTriggers, r) {
			return true
		}
	}
	return false
}

// And joins expressions with AND, dropping empty ones and parenthesizing
// compound operands.
func And(exprs ...Expr) Expr { return join(kindAnd, " AND ", exprs) }

// Or joins expressions with OR, dropping empty ones and parenthesizing
// compound operands.
func Or(exprs ...Expr) Expr { return join(kindOr, " OR ", exprs) }

// Not negates e (NOT of an empty expression is empty).
func Not(e Expr) Expr {
	switch e.kind {
	case kindEmpty:
		return e
	case kindTerm:
		return Expr{s: "NOT " + e.s, kind: kindNot}
	default:
		return Expr{s: "NOT (" + e.s + ")", kind: kindNot}
	}
}

// And is And(e, others...).
func (e Expr) And(others ...Expr) Expr { return And(append([]Expr{e}, others...)...) }

// Or is Or(e, others...).
func (e Expr) Or(others ...Expr) Expr { return Or(append([]Expr{e}, others...)...) }

func join(kind exprKind, sep string, exprs []Expr) Expr {
	var parts []string
	var only Expr
	for _, e := range exprs {
		if e.kind == kindEmpty {
			continue
		}
		only = e
		if e.kind == kindTerm || e.kind == kindNot || e.kind == kind {
			parts = append(parts, e.s)
		} else {
			parts = append(parts, "("+e.s+")")
		}
	}
	switch len(parts) {
	case 0:
		return Expr{}
	case 1:
		return only
	}
	return Expr{s: strings.Join(parts, sep), kind: kind}
}
