package parity

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	update  = flag.Bool("update", false, "rewrite the SDK lists in testdata from -go-sdk and -node-sdk")
	goSDK   = flag.String("go-sdk", "", "directory of the cloudinary-go/v2 module to extract the Go SDK's methods from")
	nodeSDK = flag.String("node-sdk", "", "directory of the cloudinary npm package to extract the Node.js SDK's functions from")
)

// goModules are the Go SDK packages whose *API methods are listed.
var goModules = []string{"api/admin", "api/uploader"}

// goMethods returns "<package> <Method>" for every exported method of the
// type API in the Go SDK's admin and uploader packages.
func goMethods(root string) ([]string, error) {
	var out []string
	for _, dir := range goModules {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, filepath.Join(root, dir), func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, 0)
		if err != nil {
			return nil, err
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					fd, ok := d.(*ast.FuncDecl)
					if !ok || fd.Recv == nil || !fd.Name.IsExported() || recvName(fd.Recv.List[0].Type) != "API" {
						continue
					}
					out = append(out, filepath.Base(dir)+" "+fd.Name.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func recvName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

var (
	exportsRe   = regexp.MustCompile(`(?m)^exports\.([A-Za-z_][A-Za-z0-9_]*)\s*=`)
	moduleObjRe = regexp.MustCompile(`(?s)module\.exports\s*=\s*\{([^}]*)\}`)
	methodRe    = regexp.MustCompile(`(?m)^  (?:static\s+)?([a-z_][A-Za-z0-9_]*)\s*\([^)]*\)\s*\{`)
)

// nodeModules are the Node.js SDK files whose public functions are listed,
// with how they export them.
var nodeModules = []struct{ name, file, kind string }{
	{"api", "lib/api.js", "exports"},
	{"uploader", "lib/uploader.js", "exports"},
	{"search", "lib/v2/search.js", "class"},
	{"search_folders", "lib/v2/search_folders.js", "class"},
	{"analysis", "lib/analysis/index.js", "object"},
	{"provisioning", "lib/provisioning/account.js", "object"},
}

// nodeFunctions returns "<module> <function>" for the Node.js SDK.
func nodeFunctions(root string) ([]string, error) {
	var out []string
	for _, m := range nodeModules {
		b, err := os.ReadFile(filepath.Join(root, m.file))
		if err != nil {
			return nil, err
		}
		var names []string
		switch m.kind {
		case "exports":
			for _, sm := range exportsRe.FindAllSubmatch(b, -1) {
				names = append(names, string(sm[1]))
			}
		case "object":
			sm := moduleObjRe.FindSubmatch(b)
			if sm == nil {
				return nil, fmt.Errorf("%s: no module.exports = {...}", m.file)
			}
			for _, n := range strings.Split(string(sm[1]), ",") {
				n, _, _ = strings.Cut(strings.TrimSpace(n), ":")
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, n)
				}
			}
		case "class":
			for _, sm := range methodRe.FindAllSubmatch(b, -1) {
				if n := string(sm[1]); n != "constructor" {
					names = append(names, n)
				}
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%s: no public functions found", m.file)
		}
		for _, n := range names {
			out = append(out, m.name+" "+n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// sdkList is one checked-in list: a header naming the SDK and its
// version, then one "<module> <name>" per line.
type sdkList struct {
	sdk, version string
	entries      []string
}

func readList(t *testing.T, name string) sdkList {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var l sdkList
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# sdk: "):
			l.sdk, l.version, _ = strings.Cut(strings.TrimPrefix(line, "# sdk: "), " ")
		case strings.HasPrefix(line, "#"):
		default:
			l.entries = append(l.entries, line)
		}
	}
	if l.sdk == "" || l.version == "" || len(l.entries) == 0 {
		t.Fatalf("%s: want a '# sdk: NAME VERSION' header and entries", name)
	}
	return l
}

func writeList(t *testing.T, name, sdk, version, about string, entries []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "# sdk: %s %s\n# %s\n# Regenerate: see the package documentation (go doc ./internal/parity).\n", sdk, version, about)
	for _, e := range entries {
		b.WriteString(e + "\n")
	}
	if err := os.WriteFile(filepath.Join("testdata", name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sdkVersion reads the version of an SDK checkout: the module directory's
// @version suffix for Go, package.json for Node.
func sdkVersion(t *testing.T, dir string, node bool) string {
	t.Helper()
	if node {
		b, err := os.ReadFile(filepath.Join(dir, "package.json"))
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Version string }
		if err := json.Unmarshal(b, &p); err != nil || p.Version == "" {
			t.Fatalf("%s/package.json: no version (%v)", dir, err)
		}
		return p.Version
	}
	_, v, ok := strings.Cut(filepath.Base(filepath.Clean(dir)), "@")
	if !ok {
		t.Fatalf("%s: expected a module cache directory ending in @vX.Y.Z", dir)
	}
	return v
}

// TestExtractors runs the list extractors on small fixtures shaped like
// the SDKs' sources, so the extraction itself is tested in every run.
func TestExtractors(t *testing.T) {
	gotGo, err := goMethods("testdata/fixture-go")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"admin Ping", "uploader Upload"}; !slices.Equal(gotGo, want) {
		t.Errorf("Go fixture: %v, want %v", gotGo, want)
	}
	gotNode, err := nodeFunctions("testdata/fixture-node")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"analysis analyze_uri", "api ping", "api resources", "provisioning sub_accounts", "provisioning users",
		"search execute", "search expression", "search instance", "search_folders execute", "uploader upload"}
	if !slices.Equal(gotNode, want) {
		t.Errorf("Node fixture: %v, want %v", gotNode, want)
	}
}

// TestSDKLists re-extracts the lists from SDK sources given with -go-sdk
// and -node-sdk and checks (or with -update rewrites) the checked-in ones.
// Without the flags there is nothing to compare against: the sources are
// not part of the repository.
func TestSDKLists(t *testing.T) {
	if *goSDK == "" && *nodeSDK == "" {
		t.Skip("pass -go-sdk and/or -node-sdk (see the package documentation) to compare the lists with SDK sources")
	}
	check := func(name, sdk, version, about string, got []string) {
		if *update {
			writeList(t, name, sdk, version, about, got)
			return
		}
		l := readList(t, name)
		if l.version != version || !slices.Equal(l.entries, got) {
			t.Errorf("%s is %s %s with %d entries; the sources are %s with %d: rerun with -update and map the new methods",
				name, l.sdk, l.version, len(l.entries), version, len(got))
		}
	}
	if *goSDK != "" {
		got, err := goMethods(*goSDK)
		if err != nil {
			t.Fatal(err)
		}
		check("go-sdk.txt", "cloudinary-go", sdkVersion(t, *goSDK, false),
			"Exported methods of *API in api/admin (Admin, Search, Analysis) and api/uploader (Upload).", got)
	}
	if *nodeSDK != "" {
		got, err := nodeFunctions(*nodeSDK)
		if err != nil {
			t.Fatal(err)
		}
		check("node-sdk.txt", "cloudinary", sdkVersion(t, *nodeSDK, true),
			"Exports of lib/api.js (Admin), lib/uploader.js (Upload), lib/analysis/index.js, lib/provisioning/account.js; methods of the Search and SearchFolders classes (lib/v2/search*.js).", got)
	}
}
