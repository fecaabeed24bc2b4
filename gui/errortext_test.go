package gui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"fyne.io/fyne/v2/test"

	"haul/downloader"
)

// TestEveryErrorKindTranslated: each ErrorKind the engine declares (the
// error table's kinds) has a sentence in the window's translation table,
// so no reason falls back to English in another language unnoticed.
func TestEveryErrorKindTranslated(t *testing.T) {
	test.NewTempApp(t)
	f, err := parser.ParseFile(token.NewFileSet(), "../downloader/errorkind.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []downloader.ErrorKind
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			kinds = append(kinds, downloader.ErrorKind(s))
		}
		return true
	})
	if len(kinds) < 15 {
		t.Fatalf("found %d kinds: the scan is broken", len(kinds))
	}
	for _, k := range kinds {
		if k == downloader.KindNone || k == downloader.KindUnclassified {
			continue
		}
		if kindSentence(k) == "" {
			t.Errorf("kind %q has no translated sentence (errortext.go)", k)
		}
	}
}
