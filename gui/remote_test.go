package gui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/gui"
	"haul/internal/fakeengine"
	"haul/internal/remote"
)

// TestRemoteBanner: a window on another computer's queue says whose it is
// above the toolbar; one on this computer's shows no banner.
func TestRemoteBanner(t *testing.T) {
	for _, remote := range []string{"", "nas.local:6800"} {
		a := test.NewTempApp(t)
		u := gui.NewManual(a, fakeengine.New(settings()), gui.Options{Version: "test", Remote: remote})
		u.Window().Resize(fyne.NewSize(1200, 700))
		got := u.Banner()
		switch {
		case remote == "" && got != "":
			t.Errorf("local queue shows a banner %q", got)
		case remote != "" && !strings.Contains(got, remote):
			t.Errorf("remote queue banner %q does not name %s", got, remote)
		}
		u.Close()
	}
}

// TestRemoteSettingsSaved: Settings → Another computer stores the address
// and secret for the next start, beside the other preferences.
func TestRemoteSettingsSaved(t *testing.T) {
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	addr, secret := u.RemoteForm()
	if addr == nil || addr.Text != "" || secret.Text != "" {
		t.Fatalf("remote form %v: want empty fields by default", addr)
	}
	addr.SetText("  nas.local:6800 ")
	secret.SetText("s3cret")
	test.Tap(u.SettingsForm().Save)
	ui := eng.Settings().UI
	if ui[gui.UIKeyRemoteAddress] != "nas.local:6800" || ui[gui.UIKeyRemoteSecret] != "s3cret" || ui["custom"] != "kept" {
		t.Errorf("saved UI %v", ui)
	}
	test.Tap(u.Toolbar().Settings)
	if addr, _ := u.RemoteForm(); addr.Text != "nas.local:6800" {
		t.Errorf("reopened settings show address %q", addr.Text)
	}
}

func TestRemoteOpenSaysWhere(t *testing.T) {
	err := gui.RemoteOpen("nas.local:6800")("/srv/x.iso")
	if err == nil || !strings.Contains(err.Error(), "nas.local:6800") {
		t.Errorf("RemoteOpen = %v, want an error naming the other computer", err)
	}
}

// TestRemoteProblemInBanner: when the other computer stops answering the
// banner says so in red, and returns to normal when it answers again.
func TestRemoteProblemInBanner(t *testing.T) {
	a := test.NewTempApp(t)
	u := gui.NewManual(a, fakeengine.New(settings()), gui.Options{Version: "test", Remote: "nas.local:6800"})
	defer u.Close()
	normal := u.Banner()
	u.SetRemoteProblem(fmt.Errorf("%w: %w", remote.ErrUnreachable, remote.ErrRefused))
	if got := u.Banner(); got == normal || !strings.Contains(got, "nothing listens on that port") || !strings.Contains(got, "nas.local:6800") {
		t.Errorf("banner while unreachable: %q", got)
	}
	u.SetRemoteProblem(nil)
	if got := u.Banner(); got != normal {
		t.Errorf("banner after recovery %q, want %q", got, normal)
	}
}
