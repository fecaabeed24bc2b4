package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoFyne: hauld and the terminal verbs link no Fyne (so CGO_ENABLED=0
// builds them, and no display stack is needed), and hauld never imports
// the window's package.
func TestNoFyne(t *testing.T) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, pkg := range []string{"haul/cmd/hauld", "haul/cli", "haul/internal/plumbing", "haul/internal/i18n"} {
		out, err := exec.Command(goCmd, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %q", pkg, deps)
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "fyne.io/") || d == "haul/gui" {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
