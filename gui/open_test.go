package gui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// lookIn fakes exec.LookPath with the programs a machine has.
func lookIn(have ...string) func(string) (string, error) {
	return func(p string) (string, error) {
		if slices.Contains(have, p) {
			return "/bin/" + p, nil
		}
		return "", exec.ErrNotFound
	}
}

func TestOpenCommand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cands openers
		have  []string
		dir   bool
		want  string // argv joined by spaces; "" = error
	}{
		{"linux file", unixOpeners, []string{"xdg-open", "gio"}, false, "/bin/xdg-open /d/f.iso"},
		{"linux folder", unixOpeners, []string{"xdg-open"}, true, "/bin/xdg-open /d/f.iso"},
		{"linux gio fallback", unixOpeners, []string{"gio"}, false, "/bin/gio open /d/f.iso"},
		{"linux nothing", unixOpeners, nil, false, ""},
		{"mac", darwinOpeners, []string{"open"}, true, "/bin/open /d/f.iso"},
		{"mac nothing", darwinOpeners, nil, false, ""},
		{"windows folder", windowsOpeners, []string{"explorer", "rundll32"}, true, "/bin/explorer /d/f.iso"},
		{"windows file", windowsOpeners, []string{"explorer", "rundll32"}, false, "/bin/rundll32 url.dll,FileProtocolHandler /d/f.iso"},
		{"windows folder no explorer", windowsOpeners, []string{"rundll32"}, true, "/bin/rundll32 url.dll,FileProtocolHandler /d/f.iso"},
		{"windows file no rundll32", windowsOpeners, []string{"explorer"}, false, "/bin/explorer /d/f.iso"},
		{"windows nothing", windowsOpeners, nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			argv, err := openCommand(tc.cands, "/d/f.iso", tc.dir, lookIn(tc.have...))
			if tc.want == "" {
				if err == nil || !errors.Is(err, errNoOpener) {
					t.Fatalf("got %q, %v; want errNoOpener", argv, err)
				}
				if !strings.Contains(err.Error(), tc.cands.hint) || !strings.Contains(err.Error(), "(tried ") {
					t.Errorf("error %q does not say what was tried and what to do", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(argv, " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOpenCommandErrorIsASentence(t *testing.T) {
	_, err := openCommand(windowsOpeners, `C:\x`, false, lookIn())
	// explorer is tried twice (folders first, then files) but named once.
	want := "no program to open files and folders was found (tried rundll32, explorer; explorer.exe and rundll32.exe are not on the PATH)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestOpenPathMissing(t *testing.T) {
	err := OpenPath(filepath.Join(t.TempDir(), "gone.iso"))
	if err == nil || !strings.HasPrefix(err.Error(), "it is not there any more") {
		t.Errorf("got %v", err)
	}
}

// TestOpenPathRuns checks the whole path with a fake xdg-open on PATH.
func TestOpenPathRuns(t *testing.T) {
	if platformOpeners.list[0].prog != "xdg-open" {
		t.Skip("xdg-open platforms only")
	}
	bin := t.TempDir()
	out := filepath.Join(t.TempDir(), "opened")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + out + ".tmp && /bin/mv " + out + ".tmp " + out + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	target := t.TempDir()
	if err := OpenPath(target); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if b, err := os.ReadFile(out); err == nil {
			if string(b) != target {
				t.Fatalf("xdg-open got %q, want %q", b, target)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("xdg-open never ran")
}
