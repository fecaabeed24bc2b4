package gui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
	"haul/downloader/logins"
	"haul/gui"
)

// TestSettingsSites: a site added in Settings → Sites is saved with its
// numbers and headers, its password goes to the keyring (session-only
// here) and never into the settings.
func TestSettingsSites(t *testing.T) {
	keys := logins.New(nil)
	gui.UseLogins(keys)
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	u.SelectSettingsTab("Sites")
	f := u.EditSite(-1)
	f.Host.SetText("https://Files.Example.com/x")
	f.Connections.SetText("4")
	f.Limit.SetText("2M")
	f.Headers.SetText("X-Token: abc")
	f.User.SetText("ann")
	f.Password.SetText("pw-123")
	if err := f.Submit(); err != nil {
		t.Fatal(err)
	}
	bad := u.EditSite(-1)
	bad.Host.SetText("files.example.com")
	if err := bad.Submit(); err == nil {
		t.Error("a second entry for the same host was accepted")
	}
	bad.Host.SetText("a b")
	if err := bad.Submit(); err == nil {
		t.Error("a malformed host was accepted")
	}
	test.Tap(u.SettingsForm().Save)
	if u.SettingsForm() != nil {
		t.Fatalf("settings still open: %s", u.SettingsForm().Problem.Text)
	}
	sites := eng.Settings().Sites
	if len(sites) != 1 || sites[0].Host != "files.example.com" || sites[0].Connections != 4 || sites[0].SpeedLimit != 2<<20 ||
		sites[0].Headers.Get("X-Token") != "abc" || sites[0].User != "ann" {
		t.Fatalf("saved sites %+v", sites)
	}
	if pw, err := keys.Password("files.example.com", "ann"); pw != "pw-123" || err != nil {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
}

// TestSettingsCategories: sorting and an edited category list are saved;
// untouched categories keep following the built-in lists.
func TestSettingsCategories(t *testing.T) {
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	c := u.CategoryForm()
	if c.Sort.Checked {
		t.Error("sorting is on by default")
	}
	test.Tap(c.Sort)
	c.Pick.SetSelected("Documents")
	c.Folder.SetText("Papers")
	c.Exts.SetText(".pdf, EPUB djvu")
	c.Pick.SetSelected("Video")
	test.Tap(u.SettingsForm().Save)
	cs := eng.Settings().Categories
	if !cs.Sort {
		t.Error("sorting not saved")
	}
	if len(cs.Rules) != 1 || cs.Rule(downloader.CategoryDocuments).Folder != "Papers" {
		t.Fatalf("rules %+v", cs.Rules)
	}
	if got := cs.Classify("book.djvu", ""); got != downloader.CategoryDocuments {
		t.Errorf("djvu is %s", got)
	}
}

// TestSettingsTheme: Dark holds the dark colours whatever the system says.
func TestSettingsTheme(t *testing.T) {
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	u.ThemeSelect().SetSelected("Dark")
	test.Tap(u.SettingsForm().Save)
	if eng.Settings().UI[gui.UIKeyTheme] != gui.ThemeDark {
		t.Fatalf("saved UI %v", eng.Settings().UI)
	}
	th := fyne.CurrentApp().Settings().Theme()
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	if got := th.Color(theme.ColorNameBackground, theme.VariantLight); got != dark {
		t.Errorf("background %v under a light system, want the dark %v", got, dark)
	}
}

// TestImportFromWindow: File → Import adds each link of an aria2 input
// file with its options; the File menu offers Import and Export.
func TestImportFromWindow(t *testing.T) {
	u, eng := open(t)
	if m := u.FileMenu(); !slices.Contains(m, "Import links…") || !slices.Contains(m, "Export…") {
		t.Errorf("File menu %v", m)
	}
	u.ImportFrom(strings.NewReader("https://a.example/1.iso\n  dir=/srv/isos\n  out=one.iso\nhttps://a.example/2.iso\n"))
	reqs := eng.Requests()
	if len(reqs) != 2 || reqs[0].Folder != "/srv/isos" || reqs[0].Name != "one.iso" || reqs[1].URL != "https://a.example/2.iso" {
		t.Errorf("requests %+v", reqs)
	}
}

// TestAddDialogShowsCategoryFolder: with sorting on, the add dialog says
// which folder a link is expected to go to by its name.
func TestAddDialogShowsCategoryFolder(t *testing.T) {
	u, eng := open(t)
	s := eng.Settings()
	s.Categories.Sort = true
	if err := eng.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	test.Tap(u.Toolbar().Settings)
	test.Tap(u.SettingsForm().Save) // the window learns the settings as a user's save does
	shortcut(u, fyne.KeyN)
	f := u.AddForm()
	f.URLs.SetText("https://a.example/music/song.flac")
	if got := f.Summary.Text; !strings.Contains(got, "Music") || !strings.Contains(got, "/home/me/Downloads/Music") {
		t.Errorf("summary %q does not name the Music folder", got)
	}
	test.Tap(f.OK)
	if r := eng.Requests(); len(r) != 1 || r[0].Folder != "" {
		t.Errorf("requests %+v: the folder must be left to the engine", r)
	}
}
