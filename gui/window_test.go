package gui_test

import (
	"bytes"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/gui"
	"haul/internal/fakeengine"
	"haul/notify"
)

func settings() downloader.Settings {
	s := downloader.DefaultSettings("/home/me/Downloads")
	s.UI = map[string]string{"custom": "kept"}
	return s
}

// open builds a window over a fake engine holding tasks, sized so every
// column shows in full.
func open(t *testing.T, tasks ...downloader.Snapshot) (*gui.UI, *fakeengine.Engine) {
	t.Helper()
	a := test.NewTempApp(t)
	eng := fakeengine.New(settings(), tasks...)
	u := gui.NewManual(a, eng, gui.Options{Version: "test"})
	t.Cleanup(u.Close)
	u.Window().Resize(fyne.NewSize(1500, 800))
	return u, eng
}

func shortcut(u *gui.UI, key fyne.KeyName) {
	u.Window().Canvas().(fyne.Shortcutable).TypedShortcut(
		&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

func key(u *gui.UI, name fyne.KeyName) {
	u.Window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: name})
}

func task(id string, st downloader.State, pos int) downloader.Snapshot {
	return downloader.Snapshot{
		ID: id, URL: "https://example.com/" + id + ".bin", Folder: "/home/me/Downloads",
		Name: id + ".bin", Size: 1000, ETA: -1, State: st, Position: pos,
		Created: time.Date(2025, 1, 1, 0, 0, pos, 0, time.UTC),
	}
}

func TestAddDialogSendsRequestWithOptions(t *testing.T) {
	u, eng := open(t)
	shortcut(u, fyne.KeyN)
	f := u.AddForm()
	if f == nil {
		t.Fatal("Ctrl+N did not open the add dialog")
	}
	f.URLs.SetText("https://example.com/big.iso\nftp://example.com/nope\n")
	if !strings.Contains(f.Summary.Text, "Line 2") || !strings.Contains(f.Summary.Text, "not an http or https address") {
		t.Errorf("summary %q does not explain the bad line", f.Summary.Text)
	}
	if f.Name.Disabled() {
		t.Error("file name is disabled with a single valid link")
	}
	test.Type(f.Name, "renamed.iso")
	f.Folder.SetText("/tmp/elsewhere")
	f.Connections.SetText("8")
	test.Type(f.Limit, "2M")
	test.Type(f.Checksum, "SHA-256: "+strings.Repeat("AB", 32)) // as download pages print it
	test.Type(f.Referer, "https://example.com/")
	test.Type(f.Cookie, "session=1")
	test.Type(f.Agent, "Agent/1.0")
	f.Variant.SetSelectedIndex(2) // "720p or lower", as haul get --variant 720p
	test.Tap(f.Start)             // add paused
	test.Tap(f.OK)

	reqs := eng.Requests()
	if len(reqs) != 1 {
		t.Fatalf("engine got %d requests, want the one valid link", len(reqs))
	}
	want := downloader.Request{
		URL: "https://example.com/big.iso", Folder: "/tmp/elsewhere", Name: "renamed.iso",
		Options: downloader.Options{
			Connections: 8, SpeedLimit: 2 << 20, Checksum: downloader.Checksum{Algo: "sha256", Sum: bytes.Repeat([]byte{0xab}, 32)},
			Variant: "720p",
			Headers: http.Header{
				"Referer": {"https://example.com/"}, "Cookie": {"session=1"}, "User-Agent": {"Agent/1.0"},
			},
		},
		Paused: true,
	}
	if !reflect.DeepEqual(reqs[0], want) {
		t.Errorf("request\n got %+v\nwant %+v", reqs[0], want)
	}
	if u.AddForm() != nil {
		t.Error("dialog still open after Add")
	}
	u.Pump()
	if got, added := u.Selected(), eng.List(); len(added) != 1 || !slices.Equal(got, []string{added[0].ID}) {
		t.Errorf("selection after add = %v, want the new task", got)
	}
}

func TestAddDialogDefaultsAndManyLinks(t *testing.T) {
	u, eng := open(t)
	fyne.CurrentApp().Clipboard().SetContent("see https://a.example/1 and https://a.example/2\nnot a link")
	shortcut(u, fyne.KeyN) // Ctrl+N keeps only the links from the clipboard
	f := u.AddForm()
	if got := f.URLs.Text; got != "https://a.example/1\nhttps://a.example/2" {
		t.Fatalf("prefilled links = %q", got)
	}
	if !f.Name.Disabled() {
		t.Error("file name enabled for two links")
	}
	test.Tap(f.OK)
	reqs := eng.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Folder != "" || r.Name != "" || r.Paused || r.Connections != 0 || r.SpeedLimit != 0 || r.Headers != nil {
			t.Errorf("defaults should leave the request plain, got %+v", r)
		}
	}
}

func TestAddDialogRejectsBadOption(t *testing.T) {
	u, eng := open(t)
	shortcut(u, fyne.KeyN)
	f := u.AddForm()
	f.URLs.SetText("https://example.com/x")
	test.Type(f.Limit, "fast")
	test.Tap(f.OK)
	if len(eng.Requests()) != 0 {
		t.Fatal("added despite an invalid speed limit")
	}
	if !strings.Contains(f.Summary.Text, "500K") {
		t.Errorf("summary %q does not say how to write a speed", f.Summary.Text)
	}
}

func TestPasteShortcutOpensDialogWithClipboard(t *testing.T) {
	u, _ := open(t)
	fyne.CurrentApp().Clipboard().SetContent("https://example.com/a\nhttps://example.com/b")
	shortcut(u, fyne.KeyV)
	f := u.AddForm()
	if f == nil || f.URLs.Text != "https://example.com/a\nhttps://example.com/b" {
		t.Fatalf("Ctrl+V did not open the dialog with the clipboard's links")
	}
}

func TestToolbarActsOnSelection(t *testing.T) {
	u, eng := open(t,
		task("run", downloader.StateActive, 0),
		task("held", downloader.StatePaused, 1),
		task("bad", downloader.StateFailed, 2),
	)
	tb := u.Toolbar()
	if !tb.Pause.Disabled() || !tb.Resume.Disabled() || !tb.Remove.Disabled() {
		t.Error("actions enabled with nothing selected")
	}
	u.Click(0, 0)
	if tb.Pause.Disabled() || !tb.Resume.Disabled() {
		t.Error("a running task should offer Pause, not Resume")
	}
	test.Tap(tb.Pause)
	u.Click(1, 0)
	u.Click(2, fyne.KeyModifierControl)
	if got := u.Selected(); !slices.Equal(got, []string{"held", "bad"}) {
		t.Fatalf("ctrl-click selection = %v", got)
	}
	test.Tap(tb.Resume)
	want := []string{"pause run", "resume held", "resume bad"}
	if got := eng.CallLog(); !slices.Equal(got, want) {
		t.Errorf("engine calls = %v, want %v", got, want)
	}

	test.Tap(tb.Remove)
	rf := u.RemoveForm()
	if rf == nil || rf.DeleteFile.Checked {
		t.Fatal("Remove should ask first, keeping files by default")
	}
	rf.Confirm()
	want = append(want, "remove held false", "remove bad false")
	if got := eng.CallLog(); !slices.Equal(got, want) {
		t.Errorf("engine calls = %v, want %v", got, want)
	}
	u.Pump()
	if got := u.Rows(); !slices.Equal(got, []string{"run"}) {
		t.Errorf("rows after removal = %v", got)
	}
}

func TestShortcutsActOnSelection(t *testing.T) {
	u, eng := open(t,
		task("a", downloader.StateActive, 0),
		task("b", downloader.StateQueued, 1),
		task("c", downloader.StateCompleted, 2),
	)
	shortcut(u, fyne.KeyA)
	if got := u.Selected(); len(got) != 3 {
		t.Fatalf("Ctrl+A selected %v", got)
	}
	key(u, fyne.KeySpace) // something is moving: pause what can be paused
	want := []string{"pause a", "pause b"}
	if got := eng.CallLog(); !slices.Equal(got, want) {
		t.Fatalf("Space: calls = %v, want %v", got, want)
	}
	u.Pump()
	key(u, fyne.KeySpace) // now all paused or done: resume
	want = append(want, "resume a", "resume b")
	if got := eng.CallLog(); !slices.Equal(got, want) {
		t.Fatalf("second Space: calls = %v, want %v", got, want)
	}

	u.Click(2, 0)
	key(u, fyne.KeyDelete)
	rf := u.RemoveForm()
	if rf == nil {
		t.Fatal("Delete did not ask to remove")
	}
	key(u, fyne.KeySpace) // keys must not act behind an open dialog
	rf.Confirm()
	want = append(want, "remove c false")
	if got := eng.CallLog(); !slices.Equal(got, want) {
		t.Fatalf("Delete: calls = %v, want %v", got, want)
	}

	shortcut(u, fyne.KeyComma)
	if u.SettingsForm() == nil {
		t.Fatal("Ctrl+, did not open settings")
	}
}

func TestStatusText(t *testing.T) {
	done := task("done", downloader.StateCompleted, 0)
	done.Done = 1000
	failed := task("failed", downloader.StateFailed, 1)
	failed.Error = "server answered 404 Not Found"
	running := task("running", downloader.StateActive, 2)
	running.Phase = downloader.PhaseDownloading
	running.Connections = 4
	running.Done, running.Speed, running.ETA = 250, 100, 8*time.Second

	u, _ := open(t, done, failed, running)
	markup := test.RenderToMarkup(u.Window().Canvas())
	for _, want := range []string{
		"Completed", "Failed: server answered 404 Not Found", "Downloading · 4 connections", "25.0%",
	} {
		if !strings.Contains(markup, want) {
			t.Errorf("table does not show %q", want)
		}
	}
}

func TestProgressUpdatesRowAndStatusBar(t *testing.T) {
	u, eng := open(t, task("a", downloader.StateQueued, 0), task("b", downloader.StateQueued, 1))
	a := task("a", downloader.StateActive, 0)
	eng.Emit(downloader.EventChanged, a)
	for i := int64(1); i <= 50; i++ { // many updates, one batch
		a.Done, a.Speed = i*10, 1000
		eng.Emit(downloader.EventProgress, a)
	}
	u.Pump()
	if !strings.Contains(test.RenderToMarkup(u.Window().Canvas()), "50.0%") {
		t.Error("row does not show the latest progress")
	}
	if got := u.StatusBarText(); !strings.Contains(got, "1 active · 1 queued") {
		t.Errorf("status bar = %q", got)
	}
	if got := u.Window().Title(); !strings.Contains(got, "Haul — ") {
		t.Errorf("title %q does not carry the speed", got)
	}
}

func TestFilterShowsCategory(t *testing.T) {
	u, eng := open(t,
		task("a", downloader.StateActive, 0),
		task("b", downloader.StateCompleted, 1),
		task("c", downloader.StateFailed, 2),
	)
	u.SetFilter(gui.FilterCompleted)
	if got := u.Rows(); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("Completed shows %v", got)
	}
	eng.Emit(downloader.EventChanged, task("a", downloader.StateCompleted, 0))
	u.Pump()
	if got := u.Rows(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after a completes, Completed shows %v", got)
	}
}

func TestSettingsSaveAppliesAtOnce(t *testing.T) {
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	f := u.SettingsForm()
	f.MaxActive.SetText("5")
	f.Connections.SetText("8")
	f.Limit.SetText("1M")
	f.Language.SetSelected("简体中文")
	test.Tap(f.Notify) // default on → off
	test.Tap(f.Save)
	if u.SettingsForm() != nil {
		t.Fatalf("settings still open: %s", f.Problem.Text)
	}
	s := eng.Settings()
	if s.MaxActive != 5 || s.Connections != 8 || s.GlobalLimit != 1<<20 {
		t.Errorf("saved %+v", s)
	}
	if s.UI["language"] != gui.LanguageChinese || s.UI["notifications"] != "off" || s.UI["custom"] != "kept" {
		t.Errorf("saved UI %v", s.UI)
	}
	if !strings.Contains(u.StatusBarText(), "Speed limit: 1") {
		t.Errorf("status bar %q does not show the new limit", u.StatusBarText())
	}
}

// TestSettingsLANWarns: listening on the LAN is off by default, warned
// about in red while ticked, and saved.
func TestSettingsLANWarns(t *testing.T) {
	u, eng := open(t)
	test.Tap(u.Toolbar().Settings)
	f := u.SettingsForm()
	if f.LAN.Checked || f.LANWarning.Visible() {
		t.Fatalf("LAN on by default (checked %v, warning shown %v)", f.LAN.Checked, f.LANWarning.Visible())
	}
	test.Tap(f.LAN)
	if !f.LANWarning.Visible() || f.LANWarning.Importance != widget.DangerImportance {
		t.Fatal("ticking LAN shows no warning")
	}
	test.Tap(f.Save)
	if got := eng.Settings().UI[gui.UIKeyRPCLAN]; got != "on" {
		t.Fatalf("saved rpcLAN %q", got)
	}
	test.Tap(u.Toolbar().Settings)
	if f := u.SettingsForm(); !f.LAN.Checked || !f.LANWarning.Visible() {
		t.Fatal("reopened settings forgot LAN or hid its warning")
	}
}

func TestSettingsRejectsBadValue(t *testing.T) {
	u, eng := open(t)
	shortcut(u, fyne.KeyComma)
	f := u.SettingsForm()
	f.Connections.SetText("500")
	test.Tap(f.Save)
	if u.SettingsForm() == nil || f.Problem.Hidden {
		t.Fatal("invalid settings closed the dialog without a word")
	}
	if slices.Contains(eng.CallLog(), "settings") {
		t.Error("invalid settings reached the engine")
	}
}

func TestNewAndCloseOwnTheBridge(t *testing.T) {
	a := test.NewTempApp(t)
	eng := fakeengine.New(settings(), task("a", downloader.StateQueued, 0))
	u := gui.New(a, eng, gui.Options{})
	stopped := make(chan struct{})
	go func() { u.Close(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the bridge")
	}
	u.Close() // twice is fine
}

// TestFastFinishNotifiesOnce: a task added and finished within one tick
// (a 404, a tiny file) gives exactly one notification; a later change to
// the finished task gives none.
func TestFastFinishNotifiesOnce(t *testing.T) {
	a := test.NewTempApp(t)
	eng := fakeengine.New(settings())
	var sent []notify.Notification
	u := gui.NewManual(a, eng, gui.Options{Notify: func(n notify.Notification) { sent = append(sent, n) }})
	t.Cleanup(u.Close)

	s := task("tiny", downloader.StateQueued, 0)
	eng.Emit(downloader.EventAdded, s)
	s.State = downloader.StateActive
	eng.Emit(downloader.EventChanged, s)
	s.State, s.Done = downloader.StateCompleted, s.Size
	eng.Emit(downloader.EventChanged, s)
	u.Pump()
	if len(sent) != 1 {
		t.Fatalf("%d notifications for one fast finish, want 1", len(sent))
	}
	var labels []string
	for _, a := range sent[0].Actions {
		labels = append(labels, a.Label)
	}
	if !slices.Equal(labels, []string{"Open", "Show in folder"}) {
		t.Errorf("a finished download's notification offers %q", labels)
	}
	s.Position = 3
	eng.Emit(downloader.EventChanged, s)
	u.Pump()
	if len(sent) != 1 {
		t.Errorf("a change to a finished task notified again (%d)", len(sent))
	}
}

// TestCategoryFilters: the sidebar filters by category as well as by
// state; a task's category follows the engine's decision at the probe.
func TestCategoryFilters(t *testing.T) {
	if len(downloader.AllCategories) != gui.NumCategories {
		t.Fatalf("%d categories, the sidebar has rows for %d", len(downloader.AllCategories), gui.NumCategories)
	}
	a, b, c := task("a", downloader.StateActive, 0), task("b", downloader.StateCompleted, 1), task("c", downloader.StateQueued, 2)
	a.Name, b.Name = "film.mkv", "album.zip"
	c.Name, c.Category = "clip.bin", downloader.CategoryOther
	u, eng := open(t, a, b, c)
	u.SetFilter(gui.CategoryFilter(downloader.CategoryVideo))
	if got := u.Rows(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("Video shows %v", got)
	}
	c.Category = downloader.CategoryVideo // the probe saw video/mp4
	eng.Emit(downloader.EventChanged, c)
	u.Pump()
	if got := u.Rows(); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("after the probe, Video shows %v", got)
	}
	u.SetFilter(gui.CategoryFilter(downloader.CategoryArchives))
	if got := u.Rows(); !slices.Equal(got, []string{"b"}) {
		t.Errorf("Archives shows %v", got)
	}
	if n := u.FilterCount(gui.CategoryFilter(downloader.CategoryVideo)); n != 2 {
		t.Errorf("Video count %d, want 2", n)
	}
}

// TestAddDialogExpandsPattern: a numbered link becomes its series, the
// summary previews count, first and last, and a refused pattern says why.
func TestAddDialogExpandsPattern(t *testing.T) {
	u, eng := open(t)
	shortcut(u, fyne.KeyN)
	f := u.AddForm()
	f.URLs.SetText("https://a.example/img[01-30].jpg")
	if s := f.Summary.Text; !strings.Contains(s, "30") || !strings.Contains(s, "img01.jpg") || !strings.Contains(s, "img30.jpg") {
		t.Errorf("summary %q lacks the count, first and last link", s)
	}
	test.Tap(f.OK)
	reqs := eng.Requests()
	if len(reqs) != 30 || reqs[0].URL != "https://a.example/img01.jpg" || reqs[29].URL != "https://a.example/img30.jpg" {
		t.Fatalf("%d requests", len(reqs))
	}
	shortcut(u, fyne.KeyN)
	f = u.AddForm()
	f.URLs.SetText("https://a.example/[1-20000]")
	if !f.OK.Disabled() || !strings.Contains(f.Summary.Text, "10000") {
		t.Errorf("a pattern beyond the limit: OK enabled %v, summary %q", !f.OK.Disabled(), f.Summary.Text)
	}
}
