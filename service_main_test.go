package main

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestServiceWiringImportsNoWindow: the service wiring reads the RPC
// preferences from internal/plumbing, not from the window's package, so
// a headless main can use the same code.
func TestServiceWiringImportsNoWindow(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "service_main.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Imports) == 0 {
		t.Fatal("service_main.go imports nothing: the scan is broken")
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if path == "haul/gui" || strings.HasPrefix(path, "fyne.io/") {
			t.Errorf("service_main.go imports %s", path)
		}
	}
}
