package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
	"haul/unattended"
)

// TestUnattendedAutostartEntry enables and disables start-at-login the
// way Settings → Schedule does, under a temporary HOME: the entry starts
// this executable hidden on the same data folder.
func TestUnattendedAutostartEntry(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := newUnattended(m, unattendedFlags{whenDone: "reboot"}, func() {}, os.Stderr); err == nil {
		t.Error("--when-done reboot: no error")
	}
	u, err := newUnattended(m, unattendedFlags{whenDone: "sleep", data: dir}, func() {}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if u.WhenDone() != unattended.ActionSleep {
		t.Errorf("when done %q, want sleep from the flag", u.WhenDone())
	}
	if u.Autostart() {
		t.Fatal("autostart on before it was asked for")
	}
	if err := u.SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(home, ".config", "autostart", unattended.AppID+".desktop")
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if want := `Exec="` + exe + `" "--hidden" "--data" "` + dir + `"`; !strings.Contains(string(data), want+"\n") {
		t.Errorf("entry lacks %s:\n%s", want, data)
	}
	if !u.Autostart() {
		t.Error("Autostart() false after enabling")
	}
	if err := u.SetAutostart(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("entry still there: %v", err)
	}
}
