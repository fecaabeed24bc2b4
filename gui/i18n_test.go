package gui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"haul/assets"
)

// langKeys finds the literal keys of every lang.L, lang.N and lang.X call
// in the package, with whether the call is plural.
func langKeys(t *testing.T) map[string]bool {
	t.Helper()
	// The terminal verbs (cli/) share the translation files.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// So do the main package's (the window's start-up notices).
	for _, pattern := range []string{"../cli/*.go", "../*.go"} {
		more, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	keys := make(map[string]bool)
	fset := token.NewFileSet()
	for _, name := range files {
		// cli/i18n.go holds the wrappers themselves, keyed by a variable.
		if strings.HasSuffix(name, "_test.go") || name == filepath.Join("..", "cli", "i18n.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.SelectorExpr:
				if id, ok := f.X.(*ast.Ident); ok && id.Name == "lang" {
					fn = f.Sel.Name
				}
			case *ast.Ident: // cli's tr and trN wrap lang.L and lang.N
				fn = map[string]string{"tr": "L", "trN": "N"}[f.Name]
			}
			switch fn {
			case "L", "N", "X", "XN":
			default:
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a non-literal key cannot be checked", fset.Position(call.Pos()), fn)
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			keys[s] = fn == "N" || fn == "XN"
			return true
		})
	}
	return keys
}

// TestTranslationsComplete fails when a string shown to users is missing
// from a translation file, or a file keeps a string no longer used.
func TestTranslationsComplete(t *testing.T) {
	keys := langKeys(t)
	for _, file := range []string{"en.json", "zh-Hans.json"} {
		data, err := assets.Translations.ReadFile("translations/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var missing []string
		for k, plural := range keys {
			m, ok := msgs[k]
			if !ok {
				missing = append(missing, strconv.Quote(k))
				continue
			}
			if _, isMap := m.(map[string]any); plural != isMap {
				t.Errorf("%s: %q should be %s", file, k, map[bool]string{true: "plural {one, other}", false: "a plain string"}[plural])
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d strings:\n%s", file, len(missing), strings.Join(missing, "\n"))
		}
		for k := range msgs {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s: %q is not used", file, k)
			}
		}
	}
}
