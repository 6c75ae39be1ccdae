// Package searchexpr parses the expression language of Cloudinary's search
// API (resources/search): field terms (field:value, field=value, field>value,
// field<value, >=, <=), free-text terms, quoted values, the prefix wildcard
// value*, ranges (field:[from TO to], field:{from TO to}, * for an open
// side), backslash escapes (a\:b, my\ file), AND / OR / NOT (and a leading
// "-"), implicit AND between terms,
// parentheses, and grouped values (tags:(cat OR dog)).
//
// Parsing yields a Node; evaluating it asks a Matcher about each term, so the
// meaning of fields and values stays with the caller.
package searchexpr

import (
	"fmt"
	"strings"
	"unicode"
)

// Matcher decides single terms for one candidate document.
type Matcher interface {
	// Match reports whether field op value holds. op is one of ":", "=",
	// ">", "<", ">=", "<=". value may end with "*" (prefix match).
	Match(field, op, value string) bool
	// Text reports whether the free-text term value matches.
	Text(value string) bool
}

// Node is a parsed expression.
type Node interface {
	Eval(m Matcher) bool
	String() string
}

// Error is a syntax error at a 1-based character position; its message has
// Cloudinary's "Query Error (at position N)" form.
type Error struct {
	Pos int
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("Query Error (at position %d)", e.Pos)
	}
	return fmt.Sprintf("Query Error (at position %d): %s", e.Pos, e.Msg)
}

// And is a conjunction.
type And struct{ L, R Node }

// Or is a disjunction.
type Or struct{ L, R Node }

// Not negates X.
type Not struct{ X Node }

// Term is field op value.
type Term struct{ Field, Op, Value string }

// Text is a free-text term.
type Text struct{ Value string }

// All matches everything (the empty expression).
type All struct{}

// Eval implements Node.
func (n And) Eval(m Matcher) bool { return n.L.Eval(m) && n.R.Eval(m) }

// Eval implements Node.
func (n Or) Eval(m Matcher) bool { return n.L.Eval(m) || n.R.Eval(m) }

// Eval implements Node.
func (n Not) Eval(m Matcher) bool { return !n.X.Eval(m) }

// Eval implements Node.
func (n Term) Eval(m Matcher) bool { return m.Match(n.Field, n.Op, n.Value) }

// Eval implements Node.
func (n Text) Eval(m Matcher) bool { return m.Text(n.Value) }

// Eval implements Node.
func (All) Eval(Matcher) bool { return true }

// String renders the node for debugging.
func (n And) String() string { return "(" + n.L.String() + " AND " + n.R.String() + ")" }

// String renders the node for debugging.
func (n Or) String() string { return "(" + n.L.String() + " OR " + n.R.String() + ")" }

// String renders the node for debugging.
func (n Not) String() string { return "NOT " + n.X.String() }

// String renders the node for debugging.
func (n Term) String() string { return n.Field + n.Op + fmt.Sprintf("%q", n.Value) }

// String renders the node for debugging.
func (n Text) String() string { return fmt.Sprintf("%q", n.Value) }

// String renders the node for debugging.
func (All) String() string { return "*all*" }

type tokKind int

const (
	tokWord tokKind = iota
	tokQuoted
	tokLParen
	tokRParen
	tokEOF
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based
}

func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i + 1})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i + 1})
			i++
		case c == '"':
			start := i
			i++
			var b strings.Builder
			for i < len(rs) && rs[i] != '"' {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				}
				b.WriteRune(rs[i])
				i++
			}
			if i >= len(rs) {
				return nil, &Error{Pos: start + 1, Msg: "unterminated quote"}
			}
			i++
			toks = append(toks, token{tokQuoted, b.String(), start + 1})
		default:
			start := i
			for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != '(' && rs[i] != ')' && rs[i] != '"' {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				}
				i++
			}
			// The raw text keeps its escapes: splitTerm must not split at
			// an escaped operator, and an escaped keyword is a plain word.
			toks = append(toks, token{tokWord, string(rs[start:i]), start + 1})
		}
	}
	toks = append(toks, token{tokEOF, "", len(rs) + 1})
	return toks, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 100

// Parse parses an expression. The empty expression matches everything; a
// bare "*" is rejected, as Cloudinary does.
func Parse(s string) (Node, error) {
	if strings.TrimSpace(s) == "" {
		return All{}, nil
	}
	if len(s) > 16<<10 {
		return nil, &Error{Pos: 1, Msg: "expression too long"}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.parseOr("", 0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, &Error{Pos: t.pos, Msg: "unexpected " + t.text}
	}
	return n, nil
}

func (p *parser) parseOr(field string, depth int) (Node, error) {
	l, err := p.parseAnd(field, depth)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokWord && p.peek().text == "OR" {
		p.next()
		r, err := p.parseAnd(field, depth)
		if err != nil {
			return nil, err
		}
		l = Or{l, r}
	}
	return l, nil
}

func (p *parser) parseAnd(field string, depth int) (Node, error) {
	l, err := p.parseUnary(field, depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind == tokEOF || t.kind == tokRParen || t.kind == tokWord && t.text == "OR" {
			return l, nil
		}
		if t.kind == tokWord && t.text == "AND" {
			p.next()
		}
		r, err := p.parseUnary(field, depth)
		if err != nil {
			return nil, err
		}
		l = And{l, r}
	}
}

func (p *parser) parseUnary(field string, depth int) (Node, error) {
	if depth > maxDepth {
		return nil, &Error{Pos: p.peek().pos, Msg: "expression nested too deeply"}
	}
	t := p.peek()
	if t.kind == tokWord && t.text == "NOT" {
		p.next()
		x, err := p.parseUnary(field, depth+1)
		if err != nil {
			return nil, err
		}
		return Not{x}, nil
	}
	if t.kind == tokWord && len(t.text) > 1 && t.text[0] == '-' {
		p.toks[p.i].text = t.text[1:]
		p.toks[p.i].pos++
		x, err := p.parseUnary(field, depth+1)
		if err != nil {
			return nil, err
		}
		return Not{x}, nil
	}
	return p.parsePrimary(field, depth)
}

var ops = []string{">=", "<=", ":", "=", ">", "<"}

func validField(f string) bool {
	if f == "" {
		return false
	}
	for i, r := range f {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// unescape resolves backslash escapes in a raw word: "\x" is "x" (so "\\"
// is one backslash); a lone trailing backslash is kept.
func unescape(w string) string {
	if !strings.Contains(w, `\`) {
		return w
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' && i+1 < len(w) {
			i++
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

// splitTerm splits the raw word "field<op>value" at the first unescaped
// operator and resolves the escapes of field and value.
func splitTerm(w string) (field, op, value string, ok bool) {
	best := -1
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' {
			i++
			continue
		}
		if strings.ContainsRune(":=<>", rune(w[i])) {
			best = i
			break
		}
	}
	if best <= 0 {
		return "", "", "", false
	}
	field = w[:best]
	if !validField(field) {
		return "", "", "", false
	}
	rest := w[best:]
	for _, o := range ops {
		if strings.HasPrefix(rest, o) {
			return field, o, unescape(rest[len(o):]), true
		}
	}
	return "", "", "", false
}

func (p *parser) parsePrimary(field string, depth int) (Node, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		n, err := p.parseOr(field, depth+1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, &Error{Pos: c.pos, Msg: "missing )"}
		}
		return n, nil
	case tokQuoted:
		if field != "" {
			return Term{field, ":", t.text}, nil
		}
		return Text{t.text}, nil
	case tokWord:
		if t.text == "AND" || t.text == "OR" {
			return nil, &Error{Pos: t.pos, Msg: "unexpected " + t.text}
		}
		if f, op, v, ok := splitTerm(t.text); ok {
			if v == "" {
				n := p.peek()
				switch n.kind {
				case tokQuoted:
					p.next()
					return Term{f, op, n.text}, nil
				case tokLParen:
					p.next()
					g, err := p.parseOr(f, depth+1)
					if err != nil {
						return nil, err
					}
					if c := p.next(); c.kind != tokRParen {
						return nil, &Error{Pos: c.pos, Msg: "missing )"}
					}
					if op != ":" && op != "=" {
						return nil, &Error{Pos: t.pos, Msg: "grouped values need : or ="}
					}
					return g, nil
				}
				return nil, &Error{Pos: t.pos + len(t.text), Msg: "missing value after " + f + op}
			}
			// A range opens with an unescaped bracket right after the colon
			// (the field has no escapes, so the raw value starts there).
			if raw := t.text[len(f)+len(op):]; op == ":" && (raw[0] == '[' || raw[0] == '{') {
				return p.parseRange(f, v, t.pos)
			}
			return Term{f, op, v}, nil
		}
		if t.text == "*" {
			return nil, &Error{Pos: t.pos}
		}
		if field != "" {
			return Term{field, ":", unescape(t.text)}, nil
		}
		return Text{unescape(t.text)}, nil
	case tokRParen:
		return nil, &Error{Pos: t.pos, Msg: "unexpected )"}
	}
	return nil, &Error{Pos: t.pos, Msg: "unexpected end of expression"}
}

// parseRange parses the rest of field:[from TO to] (inclusive) or
// field:{from TO to} (exclusive; the brackets may be mixed) after the word
// that opened it; v is that word's value, starting with the bracket. A bound
// of * leaves that side open. Bounds may be quoted.
func (p *parser) parseRange(field, v string, pos int) (Node, error) {
	lowIncl := v[0] == '['
	bad := func(msg string) error { return &Error{Pos: pos, Msg: "range of " + field + ": " + msg} }
	low := v[1:]
	if low == "" {
		t := p.next()
		if t.kind != tokQuoted && (t.kind != tokWord || t.text == "TO") {
			return nil, bad("missing lower bound")
		}
		low = t.text
		if t.kind == tokWord {
			low = unescape(low)
		}
	}
	if t := p.next(); t.kind != tokWord || t.text != "TO" {
		return nil, bad("expected TO between the bounds")
	}
	t := p.next()
	var high string
	var closer byte
	switch t.kind {
	case tokWord:
		if n := len(t.text); n > 0 && (t.text[n-1] == ']' || t.text[n-1] == '}') {
			high, closer = unescape(t.text[:n-1]), t.text[n-1]
		}
	case tokQuoted:
		high = t.text
		if c := p.next(); c.kind == tokWord && (c.text == "]" || c.text == "}") {
			closer = c.text[0]
		}
	}
	if closer == 0 || high == "" || strings.ContainsAny(high, "[]{}") || strings.ContainsAny(low, "[]{}") {
		return nil, bad("expected from TO to, then one closing ] or }")
	}
	var n Node = All{}
	if low != "*" {
		op := ">"
		if lowIncl {
			op = ">="
		}
		n = Term{field, op, low}
	}
	if high != "*" {
		op := "<"
		if closer == ']' {
			op = "<="
		}
		hi := Term{field, op, high}
		if _, open := n.(All); open {
			return hi, nil
		}
		n = And{n, hi}
	}
	return n, nil
}
