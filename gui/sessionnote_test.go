package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// sessionFake adds a session layer to the fake engine.
type sessionFake struct {
	*fakeengine.Engine
	over []string
	kept int
}

func (f *sessionFake) SessionOverrides() []string { return f.over }
func (f *sessionFake) KeepSessionSettings() error { f.kept++; f.over = nil; return nil }

func TestSessionNote(t *testing.T) {
	a := test.NewTempApp(t)
	eng := &sessionFake{Engine: fakeengine.New(downloader.DefaultSettings("/tmp"))}
	u := newUI(a, eng, Options{})
	defer u.Close()
	if u.session.root.Visible() {
		t.Fatal("note shown with no session change")
	}
	eng.over = []string{"globalLimit", "userAgent", "somethingNew"}
	u.session.refresh()
	if !u.session.root.Visible() {
		t.Fatal("note hidden after a session change")
	}
	for _, want := range []string{"Speed limit", "User agent", "somethingNew", "until Haul restarts"} {
		if !strings.Contains(u.session.text.Text, want) {
			t.Errorf("note %q lacks %q", u.session.text.Text, want)
		}
	}
	u.session.keep()
	if eng.kept != 1 || u.session.root.Visible() {
		t.Errorf("after keep: kept %d, visible %v", eng.kept, u.session.root.Visible())
	}
}

func TestWebUIField(t *testing.T) {
	test.NewTempApp(t)
	for _, tt := range []struct {
		origins, hosts string
		ok             bool
		wantOrigins    string
	}{
		{"null\nhttps://ariang.example/\n\nhttp://nas.local:8080", "nas.local", true, "null\nhttps://ariang.example\nhttp://nas.local:8080"},
		{"https://ariang.example/index.html", "", false, ""},
		{"ariang.example", "", false, ""},
		{"file:///x", "", false, ""},
		{"", "http://nas.local", false, ""},
		{"", "nas.local:80", false, ""},
	} {
		f := newWebUIField(downloader.Settings{})
		f.origins.SetText(tt.origins)
		f.hosts.SetText(tt.hosts)
		ui := map[string]string{}
		err := f.read(&downloader.Settings{UI: ui})
		if (err == nil) != tt.ok {
			t.Errorf("%q %q: %v", tt.origins, tt.hosts, err)
			continue
		}
		if tt.ok {
			if ui[UIKeyRPCOrigins] != tt.wantOrigins {
				t.Errorf("saved %q, want %q", ui[UIKeyRPCOrigins], tt.wantOrigins)
			}
			s := downloader.Settings{UI: ui}
			if got := AllowedOrigins(s); len(got) != 3 || got[0] != "null" {
				t.Errorf("AllowedOrigins %q", got)
			}
			if !f.warning.Visible() {
				t.Error("no warning while origins are listed")
			}
		}
	}
}
