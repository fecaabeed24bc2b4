package userdirs

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseUserDirs(t *testing.T) {
	const home = "/home/me"
	cases := []struct {
		name, file, want string
		ok               bool
	}{
		{"relative to home", `XDG_DOWNLOAD_DIR="$HOME/Downloads"`, "/home/me/Downloads", true},
		{"localised", "# comment\nXDG_DESKTOP_DIR=\"$HOME/桌面\"\nXDG_DOWNLOAD_DIR=\"$HOME/下载\"\n", "/home/me/下载", true},
		{"absolute", `XDG_DOWNLOAD_DIR="/data/dl"`, "/data/dl", true},
		{"turned off: the home folder", `XDG_DOWNLOAD_DIR="$HOME/"`, "", false},
		{"bare $HOME", `XDG_DOWNLOAD_DIR="$HOME"`, "", false},
		{"relative path is invalid", `XDG_DOWNLOAD_DIR="dl"`, "", false},
		{"unquoted is invalid", `XDG_DOWNLOAD_DIR=$HOME/dl`, "", false},
		{"missing", `XDG_MUSIC_DIR="$HOME/Music"`, "", false},
		{"last wins", "XDG_DOWNLOAD_DIR=\"$HOME/a\"\nXDG_DOWNLOAD_DIR=\"$HOME/b\"", "/home/me/b", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseUserDirs(strings.NewReader(tc.file), "DOWNLOAD", home)
			if got != filepath.FromSlash(tc.want) || ok != tc.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestDownloadsCreatesFolder: the folder is created when missing and is
// never the home folder, with or without user-dirs.dirs.
func TestDownloadsCreatesFolder(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("XDG user dirs are a Unix desktop convention")
	}
	cases := []struct {
		name, dirs, want string
	}{
		{"no user-dirs.dirs", "", "Downloads"},
		{"XDG download dir", `XDG_DOWNLOAD_DIR="$HOME/Téléchargements"`, "Téléchargements"},
		{"turned off", `XDG_DOWNLOAD_DIR="$HOME/"`, "Downloads"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", "")
			if tc.dirs != "" {
				if err := os.MkdirAll(filepath.Join(home, ".config"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(tc.dirs+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Downloads()
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(home, tc.want); got != want {
				t.Errorf("Downloads() = %q, want %q", got, want)
			}
			if st, err := os.Stat(got); err != nil || !st.IsDir() {
				t.Errorf("%s was not created: %v", got, err)
			}
		})
	}
}
