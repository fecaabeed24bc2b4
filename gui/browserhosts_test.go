package gui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// fakeHosts is a BrowserHosts with a fixed list before and after SetUp.
type fakeHosts struct {
	before, after []BrowserHost
	mu            sync.Mutex
	setUps        int
	tested        chan string
}

func (f *fakeHosts) Browsers() []BrowserHost { return f.before }
func (f *fakeHosts) SetUp() []BrowserHost {
	f.mu.Lock()
	f.setUps++
	f.mu.Unlock()
	return f.after
}
func (f *fakeHosts) Test(_ context.Context, key string) error {
	f.tested <- key
	return errors.New("the host did not answer")
}

// eachObject visits o and everything inside it (containers, scrolls).
func eachObject(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			eachObject(ch, fn)
		}
	}
	if s, ok := o.(*container.Scroll); ok {
		eachObject(s.Content, fn)
	}
}

func texts(o fyne.CanvasObject) (labels []string, buttons map[string]*widget.Button) {
	buttons = map[string]*widget.Button{}
	eachObject(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			labels = append(labels, w.Text)
		case *widget.Button:
			buttons[w.Text] = w
		}
	})
	return labels, buttons
}

func TestBrowserHostsSection(t *testing.T) {
	a := test.NewTempApp(t)
	seen := time.Date(2026, 5, 6, 7, 8, 0, 0, time.Local)
	hosts := &fakeHosts{
		before: []BrowserHost{
			{Key: "chromium", Name: "Chromium", Registered: true, LastSeen: seen},
			{Key: "firefox", Name: "Firefox", Sandboxed: true},
		},
		after: []BrowserHost{
			{Key: "chromium", Name: "Chromium", Registered: true, LastSeen: seen},
			{Key: "firefox", Name: "Firefox", Sandboxed: true},
			{Key: "brave", Name: "Brave", Problem: "permission denied"},
		},
		tested: make(chan string, 1),
	}
	u := newUI(a, fakeengine.New(downloader.Settings{}), Options{Browsers: hosts})
	defer u.Close()
	sec := u.browserHostsSection()
	test.NewTempWindow(t, sec)
	labels, buttons := texts(sec)
	all := strings.Join(labels, "\n")
	for _, want := range []string{"Chromium", "Registered", "Extension last seen 2026-05-06 07:08", "Firefox", "Not registered", "Extension not seen yet", "Flatpak or Snap"} {
		if !strings.Contains(all, want) {
			t.Errorf("section lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Brave") {
		t.Error("Brave shown before Set up")
	}
	test.Tap(buttons["Set up browsers"])
	if hosts.setUps != 1 {
		t.Fatalf("Set up browsers called SetUp %d times", hosts.setUps)
	}
	labels, _ = texts(sec)
	if all = strings.Join(labels, "\n"); !strings.Contains(all, "Not registered: permission denied") {
		t.Errorf("after Set up, the failure is not shown:\n%s", all)
	}
	// Test is only offered where the host is registered.
	var tests []*widget.Button
	eachObject(sec, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Test" {
			tests = append(tests, b)
		}
	})
	if len(tests) != 3 || tests[0].Disabled() || !tests[1].Disabled() || !tests[2].Disabled() {
		t.Fatalf("Test buttons: %d, want 3 with only Chromium's enabled", len(tests))
	}
	testAsync = func(f func()) { f() }
	defer func() { testAsync = func(f func()) { go f() } }()
	test.Tap(tests[0])
	select {
	case key := <-hosts.tested:
		if key != "chromium" {
			t.Errorf("Test asked for %q", key)
		}
	default:
		t.Fatal("Test never reached the host")
	}
	if tests[0].Disabled() {
		t.Error("the Test button stayed disabled after its answer")
	}
}

func TestBrowserHostsSectionWithoutHosts(t *testing.T) {
	a := test.NewTempApp(t)
	u := newUI(a, fakeengine.New(downloader.Settings{}), Options{})
	defer u.Close()
	if labels, buttons := texts(u.browserHostsSection()); len(labels)+len(buttons) != 0 {
		t.Errorf("without Options.Browsers the section shows %q", labels)
	}
}
