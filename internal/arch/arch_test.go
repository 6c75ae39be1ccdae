package arch

import (
	"bufio"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const (
	module   = "github.com/cldrest/cldrest/"
	repoRoot = "../.."
)

var backticked = regexp.MustCompile("`([^`]+)`")

// allowedImports reads the ARCHITECTURE table of the README: package to
// the packages of ours it may import. Rows whose column names no package
// ("all of the above", "the library") are left out.
func allowedImports(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "| Package | Owns | Imports (of ours) |") {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			continue
		}
		pkgs := backticked.FindAllStringSubmatch(cells[0], -1)
		imports := strings.TrimSpace(cells[2])
		if len(pkgs) != 1 {
			continue
		}
		allowed := []string{}
		for _, m := range backticked.FindAllStringSubmatch(imports, -1) {
			allowed = append(allowed, m[1])
		}
		if len(allowed) == 0 && imports != "nothing" {
			continue
		}
		out[pkgs[0][1]] = allowed
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 8 {
		t.Fatalf("read %d rows of the ARCHITECTURE table: %v", len(out), out)
	}
	return out
}

// ours lists the packages of the module that the non-test files in dir
// import.
func ours(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if rest, ok := strings.CutPrefix(path, module); ok {
					out = append(out, rest)
				}
			}
		}
	}
	return out
}

func TestImportsFollowTheArchitectureTable(t *testing.T) {
	for pkg, allowed := range allowedImports(t) {
		for _, imp := range ours(t, filepath.Join(repoRoot, pkg)) {
			ok := strings.HasPrefix(imp, pkg+"/") // its own subpackages
			for _, a := range allowed {
				if imp == a || strings.HasPrefix(imp, a+"/") {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s; the README's ARCHITECTURE table allows %v", pkg, imp, allowed)
			}
		}
	}
}
