package searchexpr

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "*all*"},
		{"tags=cat", `tags="cat"`},
		{"tags:cat AND format=png", `(tags:"cat" AND format="png")`},
		{"a:1 b:2", `(a:"1" AND b:"2")`},
		{"a:1 OR b:2 AND c:3", `(a:"1" OR (b:"2" AND c:"3"))`},
		{"(a:1 OR b:2) AND c:3", `((a:"1" OR b:"2") AND c:"3")`},
		{"NOT a:1", `NOT a:"1"`},
		{"-a:1 b", `(NOT a:"1" AND "b")`},
		{"bytes>1m", `bytes>"1m"`},
		{"width>=100 AND height<=5", `(width>="100" AND height<="5")`},
		{`public_id:"my file"`, `public_id:"my file"`},
		{"public_id:folder/*", `public_id:"folder/*"`},
		{"tags:(cat OR dog)", `(tags:"cat" OR tags:"dog")`},
		{"context.color=black", `context.color="black"`},
		{`"free text"`, `"free text"`},
		{"http://x", `http:"//x"`},
		{`public_id:a\\b`, `public_id:"a\\b"`},
		{`public_id:my\ file`, `public_id:"my file"`},
		{`public_id:a\:b`, `public_id:"a:b"`},
		{`a\:b`, `"a:b"`},
		{`\AND`, `"AND"`},
		{`\-a`, `"-a"`},
		{`x\(y\)`, `"x(y)"`},
		{"bytes:[1000 TO 5000]", `(bytes>="1000" AND bytes<="5000")`},
		{`public_id:\[x\ TO\ y\]*`, `public_id:"[x TO y]*"`},
		{"width:{10 TO 20}", `(width>"10" AND width<"20")`},
		{"width:[10 TO 20}", `(width>="10" AND width<"20")`},
		{"bytes:[1000 TO *]", `bytes>="1000"`},
		{"bytes:{* TO 5000]", `bytes<="5000"`},
		{`uploaded_at:["2024-01-01" TO 4w]`, `(uploaded_at>="2024-01-01" AND uploaded_at<="4w")`},
		{`uploaded_at:["2024-01-01" TO "2024-02-01"]`, `(uploaded_at>="2024-01-01" AND uploaded_at<="2024-02-01")`},
		{"format:png AND bytes:[1 TO 2] OR x:y", `((format:"png" AND (bytes>="1" AND bytes<="2")) OR x:"y")`},
	}
	for _, tc := range tests {
		n, err := Parse(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := n.String(); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"bytes:[1 5]", "bytes:[1 TO 5", "bytes:[1 TO", "bytes:[ TO 5]", "bytes:[1 TO 2]]", "bytes:[[1 TO 2]", "*", "(", "a:1 AND", ")", "a:", `"open`, "OR a:1", "a:1 AND AND b:1", strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200)} {
		_, err := Parse(in)
		var e *Error
		if !errors.As(err, &e) || e.Pos < 1 || !strings.HasPrefix(err.Error(), "Query Error (at position ") {
			t.Errorf("%q: want a positioned query error, got %v", in, err)
		}
	}
	if _, err := Parse("*"); err.Error() != "Query Error (at position 1)" {
		t.Errorf("bare *: %v", err)
	}
}

type fake map[string]string

func (f fake) Match(field, op, value string) bool { return f[field] == value }
func (f fake) Text(value string) bool             { return f["_text"] == value }

func TestEval(t *testing.T) {
	doc := fake{"tags": "cat", "format": "png", "_text": "hello"}
	tests := map[string]bool{
		"tags:cat":                        true,
		"tags:dog":                        false,
		"tags:cat AND format:jpg":         false,
		"tags:dog OR format:png":          true,
		"NOT tags:dog":                    true,
		"hello":                           true,
		"(tags:dog OR hello) -format:png": false,
	}
	for in, want := range tests {
		n, err := Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := n.Eval(doc); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"tags:(a OR b) AND -c", `x:"y`, "((((", "a>=1<=2", "NOT NOT -a", "b:[1 TO *]", `u:["a" TO "b"}`, "w:{ TO"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err == nil {
			_ = n.Eval(fake{})
			_ = n.String()
		}
	})
}
