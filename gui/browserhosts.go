package gui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// BrowserHosts is what Settings → Browser needs of the native messaging
// host registration (main.go implements it over haul/nmhost).
type BrowserHosts interface {
	// Browsers reports every browser found on this computer.
	Browsers() []BrowserHost
	// SetUp registers the host with every known browser and reports them.
	SetUp() []BrowserHost
	// Test starts the host as the browser keyed key would and sends it a
	// message; the error says why no answer came.
	Test(ctx context.Context, key string) error
}

// BrowserHost is one browser as Settings → Browser shows it.
type BrowserHost struct {
	Key, Name string
	// Registered says the browser will find Haul's host.
	Registered bool
	// Sandboxed says a Flatpak or Snap install was found, which cannot
	// start hosts: the aria2 RPC is the way for it.
	Sandboxed bool
	// LastSeen is the last contact of Haul's extension in this browser;
	// zero when never.
	LastSeen time.Time
	// Problem is why registering failed; "" when it did not.
	Problem string
}

// testAsync runs a browser's Test off the UI goroutine: it starts a
// program and waits for its answer. Tests run it in place.
var testAsync = func(f func()) { go f() }

// browserHostsSection is the list of browsers in Settings → Browser, with
// "Set up browsers" and a "Test" per browser; an empty box without
// Options.Browsers.
func (u *UI) browserHostsSection() fyne.CanvasObject {
	hosts := u.opts.Browsers
	if hosts == nil {
		return container.NewVBox()
	}
	rows := container.NewVBox()
	fill := func(list []BrowserHost) {
		rows.RemoveAll()
		if len(list) == 0 {
			rows.Add(widget.NewLabel(lang.L("No supported browser was found. Install one, then press Set up browsers.")))
		}
		for _, b := range list {
			rows.Add(u.browserHostRow(hosts, b))
		}
		rows.Refresh()
	}
	fill(hosts.Browsers())
	setUp := widget.NewButtonWithIcon(lang.L("Set up browsers"), theme.ViewRefreshIcon(), func() { fill(hosts.SetUp()) })
	title := widget.NewLabelWithStyle(lang.L("Haul's browser extension"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	hint := widget.NewLabel(lang.L("The extension hands the browser's downloads to Haul with their cookies; no port or secret to enter. See docs/packaging.md to install it."))
	hint.Wrapping = fyne.TextWrapWord
	// Three browsers fit; more scroll, so the dialog stays inside the window.
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(0, min(rows.MinSize().Height, 3*setUp.MinSize().Height+theme.Padding()*4)))
	return container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, title, setUp), hint, scroll)
}

// browserHostRow shows one browser on one line: registered or why not,
// the extension's last contact, and a Test button.
func (u *UI) browserHostRow(hosts BrowserHosts, b BrowserHost) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(b.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var state *widget.Label
	switch {
	case b.Registered:
		state = widget.NewLabel(lang.L("Registered"))
		state.Importance = widget.SuccessImportance
	case b.Problem != "":
		state = widget.NewLabel(lang.L("Not registered: {{.Problem}}", map[string]any{"Problem": b.Problem}))
		state.Importance = widget.DangerImportance
		state.Wrapping = fyne.TextWrapWord
	default:
		state = widget.NewLabel(lang.L("Not registered"))
		state.Importance = widget.WarningImportance
	}
	seen := lang.L("Extension not seen yet")
	if !b.LastSeen.IsZero() {
		seen = lang.L("Extension last seen {{.Time}}", map[string]any{"Time": b.LastSeen.Local().Format("2006-01-02 15:04")})
	}
	seenLabel := widget.NewLabel(seen)
	var test *widget.Button
	test = widget.NewButton(lang.L("Test"), func() {
		test.Disable()
		testAsync(func() {
			err := hosts.Test(context.Background(), b.Key)
			fyne.Do(func() { test.Enable(); u.showTestResult(b.Name, err) })
		})
	})
	if !b.Registered {
		test.Disable()
	}
	line := container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(140, name.MinSize().Height), name), test,
		container.NewHBox(state, seenLabel))
	lines := []fyne.CanvasObject{line}
	if b.Sandboxed {
		advice := widget.NewLabel(lang.L("A Flatpak or Snap install of this browser cannot start Haul's host; use an aria2 extension with the RPC above instead."))
		advice.Wrapping = fyne.TextWrapWord
		advice.Importance = widget.WarningImportance
		lines = append(lines, advice)
	}
	return container.NewVBox(lines...)
}

// showTestResult tells the outcome of a browser's Test in a dialog over
// the settings.
func (u *UI) showTestResult(browser string, err error) {
	text := lang.L("Test passed: Haul's host answered.")
	if err != nil {
		text = lang.L("Test failed: {{.Error}}", map[string]any{"Error": strings.TrimSpace(err.Error())})
	}
	d := dialog.NewInformation(browser, text, u.win)
	d.Show()
}
