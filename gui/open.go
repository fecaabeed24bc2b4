package gui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// opener is one way to hand a path to the desktop: the program, its
// arguments before the path, and whether it suits files, folders or both.
type opener struct {
	prog    string
	args    []string
	files   bool
	folders bool
}

// openers are a platform's candidates, best first, and what to tell the
// user when none is installed.
type openers struct {
	list []opener
	hint string
}

// Every platform's candidates live here, untagged, so one test checks
// them all; open_<os>.go picks the platform's.
var (
	// Linux and the BSDs: xdg-open is the freedesktop way; gio is present
	// on GNOME systems that lack xdg-utils.
	unixOpeners = openers{list: []opener{
		{prog: "xdg-open", files: true, folders: true},
		{prog: "gio", args: []string{"open"}, files: true, folders: true},
	}, hint: "install xdg-utils"}
	// macOS: open(1) is part of the base system.
	darwinOpeners = openers{list: []opener{
		{prog: "open", files: true, folders: true},
	}, hint: "/usr/bin/open is missing"}
	// Windows: Explorer shows folders; url.dll's FileProtocolHandler runs a
	// file's default program. Each is the other's fallback.
	windowsOpeners = openers{list: []opener{
		{prog: "explorer", folders: true},
		{prog: "rundll32", args: []string{"url.dll,FileProtocolHandler"}, files: true, folders: true},
		{prog: "explorer", files: true},
	}, hint: "explorer.exe and rundll32.exe are not on the PATH"}
)

// errNoOpener is wrapped in the error OpenPath returns when the desktop
// has no program to open things with.
var errNoOpener = errors.New("no program to open files and folders was found")

// openCommand chooses the command line that opens path, a folder when
// isDir, from candidates, using look to find programs (exec.LookPath).
func openCommand(candidates openers, path string, isDir bool, look func(string) (string, error)) ([]string, error) {
	var tried []string
	for _, o := range candidates.list {
		if isDir && !o.folders || !isDir && !o.files {
			continue
		}
		bin, err := look(o.prog)
		if err != nil {
			tried = append(tried, o.prog)
			continue
		}
		argv := append([]string{bin}, o.args...)
		return append(argv, path), nil
	}
	return nil, fmt.Errorf("%w (tried %s; %s)", errNoOpener, joinUnique(tried), candidates.hint)
}

func joinUnique(names []string) string {
	s := ""
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if s != "" {
			s += ", "
		}
		s += n
	}
	return s
}

// OpenPath opens a file with its default program, or a folder in the
// file manager. It returns once the opener has started; main.go passes
// it as Options.Open.
func OpenPath(path string) error {
	abs, err := filepath.Abs(path) // never let a path pass as an option
	if err != nil {
		return err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("it is not there any more (%w)", errors.Unwrap(err))
	}
	argv, err := openCommand(platformOpeners, abs, st.IsDir(), exec.LookPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	platformPrepare(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s did not start: %w", filepath.Base(argv[0]), err)
	}
	// Openers may exit at once or stay with the program they launched, and
	// explorer.exe exits 1 on success: reap it without judging.
	go func() { _ = cmd.Wait() }()
	return nil
}
