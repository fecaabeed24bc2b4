// Package userdirs finds the user's standard folders the way the desktop
// does, so Haul saves where the file manager and the browser save.
package userdirs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// ErrNoHome is returned when the user's home folder is unknown.
var ErrNoHome = errors.New("userdirs: no home folder")

// Downloads returns the folder downloads go to by default, creating it
// when it is missing: on Linux and the BSDs the XDG DOWNLOAD folder from
// $XDG_CONFIG_HOME/user-dirs.dirs (xdg-user-dirs), elsewhere, or when that
// names nothing usable, ~/Downloads. It never returns the home folder
// itself. The path is returned with the error when creating it failed, so
// the caller can still show where it meant to save.
func Downloads() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", ErrNoHome
	}
	dir := filepath.Join(home, "Downloads")
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if d, ok := xdgDownload(home); ok {
			dir = d
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return dir, fmt.Errorf("create download folder: %w", err)
	}
	return dir, nil
}

// xdgDownload reads XDG_DOWNLOAD_DIR from user-dirs.dirs.
func xdgDownload(home string) (string, bool) {
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(cfg) {
		cfg = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(cfg, "user-dirs.dirs"))
	if err != nil {
		return "", false
	}
	defer f.Close()
	return parseUserDirs(f, "DOWNLOAD", home)
}

// parseUserDirs finds XDG_<name>_DIR in a user-dirs.dirs file. Its
// format (xdg-user-dirs(1)): shell assignments whose value is a quoted
// "$HOME/path" or an absolute "/path". A folder equal to home means the
// user turned it off, which is reported as not found.
func parseUserDirs(r io.Reader, name, home string) (string, bool) {
	key := "XDG_" + name + "_DIR="
	var found string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, key) {
			continue
		}
		v, err := strconv.Unquote(strings.TrimPrefix(line, key))
		if err != nil {
			continue
		}
		switch {
		case v == "$HOME" || strings.HasPrefix(v, "$HOME/"):
			v = filepath.Join(home, strings.TrimPrefix(v, "$HOME"))
		case !filepath.IsAbs(v):
			continue
		}
		found = filepath.Clean(v) // the last assignment wins, as in a shell
	}
	if found == "" || found == filepath.Clean(home) {
		return "", false
	}
	return found, true
}
