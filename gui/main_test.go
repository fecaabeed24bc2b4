package gui_test

import (
	"os"
	"testing"
)

// TestMain keeps Fyne's files out of the real home folder and pins the
// locale so the tests read English.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "haul-gui-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", home+"/.config")
	os.Setenv("XDG_CACHE_HOME", home+"/.cache")
	if _, child := os.LookupEnv("HAUL_CHILD_WANT"); !child { // language_test.go sets its own
		os.Setenv("LANG", "en_US.UTF-8")
	}
	os.Unsetenv("LANGUAGE")
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
