package gui

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"haul/assets"
	"haul/downloader"
	"haul/notify"
)

// Options are the hooks main.go (and the tray and notification code)
// plug into the window. Every field is optional.
type Options struct {
	// Version is shown in the About box.
	Version string
	// OnQuit runs when the user asks to quit; nil calls App.Quit.
	OnQuit func()
	// Open opens a file or folder with the desktop's default program;
	// nil uses App.OpenURL with a file:// URL.
	Open func(path string) error
	// Desktop, when set, puts Haul in the system tray (see InstallTray).
	Desktop desktop.App
	// OnSettingsSaved runs on the UI goroutine after the settings dialog
	// saved, for what main.go owns (the RPC service).
	OnSettingsSaved func(downloader.Settings)
	// Notify sends a desktop notification; nil sends none. main.go passes
	// a DesktopNotifier through AsyncNotifier; tests pass a recorder.
	Notify func(notify.Notification)
	// Browsers, when set, lists browsers in Settings → Browser with the
	// native messaging host's registration (see BrowserHosts).
	Browsers BrowserHosts
	// Remote, when set, is the host:port whose queue the engine is; a
	// banner says so (see UIKeyRemoteAddress).
	Remote string
	// Unattended, when set, adds when-done and autostart to Settings →
	// Schedule and the tray (see unattended.go).
	Unattended Unattended
	// PaceHidden slows Fyne's loop while the window is hidden
	// (hiddenpace.go). Only for the real driver: Fyne's test driver runs
	// queued work at once, where a pacer's holds would follow each other
	// on the caller's goroutine.
	PaceHidden bool
}

// UI is Haul's main window and everything in it.
type UI struct {
	app  fyne.App
	eng  Engine
	opts Options
	win  fyne.Window

	model   *taskModel
	table   *taskTable
	details *detailsPane
	filters *filterBar
	status  *statusBar
	tools   *toolbar
	// The settings are the engine's: read eng.Settings, never a copy;
	// EventSettings says when they change (settingsfeed.go).

	bridge      *bridge
	unsubscribe func()
	ctx         context.Context // the UI's life: canceled by Close
	cancel      context.CancelFunc
	started     bool          // the bridge goroutine runs
	done        chan struct{} // closed when it has returned

	title         string
	pendingSelect []string   // ids just added, selected once they appear
	removing      removal    // tasks being removed and the row to select after
	add           *addDialog // the open add dialog, if any
	remove        *removeDialog
	settingsDlg   *settingsDialog
	clip          clipWatch
	tray          *tray
	session       *sessionNote      // settings a connected app changed (sessionnote.go)
	banner        *remoteBanner     // whose queue this is (Options.Remote), or nil
	closeAsk      *askDialog        // the question closing without a tray asks
	link          *changeLinkDialog // the open "Change link…" dialog (changelink.go)
	layout        layoutState
	pacer         *hiddenPacer // nil unless Options.PaceHidden
}

// New builds the main window for eng and starts following its events.
// Call ShowAndRun, or Window().Show() when the app runs elsewhere, and
// Close when done if ShowAndRun is not used.
func New(a fyne.App, eng Engine, opts Options) *UI {
	u := newUI(a, eng, opts)
	u.started = true
	go func() {
		defer close(u.done)
		u.bridge.runPaced(u.ctx, flushInterval)
	}()
	return u
}

// newUI builds everything but does not start the bridge goroutine, so
// tests can pump events on their own goroutine.
func newUI(a fyne.App, eng Engine, opts Options) *UI {
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, eng: eng, opts: opts, done: make(chan struct{}), ctx: ctx, cancel: cancel}
	if opts.PaceHidden {
		u.pacer = newHiddenPacer(fyne.Do, ctx.Done())
	}
	set := eng.Settings()
	LoadTranslations(set.UI[UIKeyLanguage])
	applyTheme(a, set)

	u.win = a.NewWindow("Haul")
	u.win.SetIcon(assets.Icon)
	u.model = newTaskModel()
	u.table = newTaskTable(u.model)
	u.table.onSelection = u.selectionChanged
	u.table.onMenu = u.showContextMenu
	u.table.onOpen = u.openTask
	u.table.onSort = func(k sortKey) {
		u.model.setSort(k)
		u.table.updateHeader()
		u.table.refresh(modelChange{rebuilt: true})
	}
	u.details = newDetailsPane()
	u.details.onChangeLink, u.details.changeable = u.changeLinkOf, u.linkChangeable
	u.filters = newFilterBar(func(f Filter) {
		u.model.setFilter(f)
		u.table.refresh(modelChange{rebuilt: true})
		u.selectionChanged()
	})
	u.status = newStatusBar()
	u.tools = newToolbar(u)

	split := container.NewVSplit(u.table.root, u.details.root)
	split.Offset = 0.5 // the details pane shows the map, the summary and the address, path and size rows
	u.layout.split = split
	u.layout.main = container.NewStack(u.table.root)
	u.layout.body = container.NewHSplit(u.filters.list, u.layout.main)
	u.layout.body.Offset = 0.16
	u.table.onColumns = u.saveGeometry
	u.session = newSessionNote(u)
	u.win.SetContent(container.NewBorder(container.NewVBox(u.topBar(), u.session.root), u.status.root, nil, nil, u.layout.body))
	u.win.SetMainMenu(u.withTransferMenu(u.mainMenu()))
	u.restoreGeometry()
	u.win.SetCloseIntercept(u.closeRequested)
	u.win.SetOnDropped(u.dropped)
	u.addShortcuts()
	u.updateClipboardWatch()
	if opts.Desktop != nil {
		u.setupTray(opts.Desktop)
	}

	// Subscribe before listing so nothing falls between the two; a task
	// seen twice is simply updated.
	events, unsubscribe := eng.Subscribe()
	u.unsubscribe = unsubscribe
	u.bridge = newBridge(events, u.apply)
	list := eng.List()
	u.bridge.seed(list)
	initial := make([]downloader.Event, len(list))
	for i, s := range list {
		initial[i] = downloader.Event{Kind: downloader.EventAdded, Task: s}
	}
	u.apply(batch{events: initial})
	u.table.updateHeader()
	u.selectionChanged() // the toolbar starts with only what applies
	return u
}

// Window is the main window, for the tray code to show and hide.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window, runs the app until it quits, then stops
// following the engine.
func (u *UI) ShowAndRun() {
	u.win.ShowAndRun()
	u.Close()
}

// Close stops the bridge and ends the subscription, waiting for the
// bridge goroutine to return. It does not close the engine, which main.go
// owns. Call it on the UI goroutine or after the app has stopped; calling
// it again does nothing.
func (u *UI) Close() {
	u.cancel() // also ends a hold of the pacer
	u.pacer.stop()
	u.stopClipboardWatch()
	if u.unsubscribe != nil {
		u.unsubscribe()
		u.unsubscribe = nil
	}
	if u.started {
		<-u.done
	}
}

// apply runs on the UI goroutine with one coalesced batch of events.
func (u *UI) apply(b batch) {
	if hasSettingsEvent(b.events) {
		u.showEngineSettings()
	}
	ch := u.model.apply(b.events)
	u.table.refresh(ch)
	u.filters.setCounts(u.model.counts)
	st, ok := u.scheduleNow() // computed once a tick: it looks ahead up to a fortnight
	u.status.update(u.model, u.limitInForce(st, ok))
	u.status.setSchedule(u.scheduleStatus(st, ok))
	u.updateTitle()

	u.selectAdded()
	u.selectAfterRemove()

	touched := ch.rebuilt
	for i := 0; !touched && i < len(b.events); i++ {
		touched = u.table.isSelected(b.events[i].Task.ID)
	}
	if touched {
		u.selectionChanged()
	}
	u.notifyFinished(b.finished)
	if u.tray != nil {
		u.tray.update(u.model)
	}
}

// selectionChanged updates what depends on the selection.
func (u *UI) selectionChanged() {
	sel := u.table.selection()
	u.tools.update(sel)
	u.showDetails(len(sel) > 0)
	if len(sel) == 1 {
		u.details.show(sel[0])
		return
	}
	u.details.show(nil)
	if len(sel) > 1 {
		setText(u.details.hint, lang.N("{{.Count}} downloads selected", len(sel), map[string]any{"Count": len(sel)}))
	} else {
		setText(u.details.hint, lang.L("Select a download to see its details."))
	}
}

// updateTitle puts the total speed in the title so it shows in the task
// switcher while the window is in the background.
func (u *UI) updateTitle() {
	t := "Haul"
	if u.model.speed > 0 {
		t += " — " + downloader.FormatRate(u.model.speed)
	}
	if t != u.title {
		u.title = t
		u.win.SetTitle(t)
	}
}

func (u *UI) closeRequested() {
	switch {
	case !CloseToTray(u.eng.Settings()):
		u.quit()
	case u.tray != nil: // closing may only hide the window while a tray can bring it back
		u.saveGeometry()
		u.hideWindow()
	default:
		u.closeWithoutTray()
	}
}

// hideWindow hides the window while Haul goes on (in the tray, or with
// no window at all) and paces Fyne's loop meanwhile. On the UI goroutine.
func (u *UI) hideWindow() {
	u.win.Hide()
	u.pacer.start()
}

// showWindow brings the window back to the front, ending the pacing
// first. On the UI goroutine.
func (u *UI) showWindow() {
	u.pacer.stop()
	u.win.Show()
	u.win.RequestFocus()
}

// ShowWindow is showWindow from any goroutine: a second launch handing
// over, the tray. The pacer stops before the show is queued, so the show
// does not wait out a hold.
func (u *UI) ShowWindow() {
	u.pacer.stop()
	fyne.Do(u.showWindow)
}

// StartHidden paces the loop from the start when Haul starts in the tray
// (--hidden) and the window is never shown; any goroutine.
func (u *UI) StartHidden() { u.pacer.start() }

func (u *UI) quit() {
	u.saveGeometry()
	if u.opts.OnQuit != nil {
		u.opts.OnQuit()
		return
	}
	u.app.Quit()
}

func (u *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		if key != "" { // shown in the menu; the window's shortcuts run them
			it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		}
		return it
	}
	quit := item(lang.L("Quit"), fyne.KeyQ, u.quit)
	quit.IsQuit = true
	selectAll := fyne.NewMenuItem(lang.L("Select all"), u.selectAllFocused)
	selectAll.Shortcut = &fyne.ShortcutSelectAll{}
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("File"),
			item(lang.L("Add downloads…"), fyne.KeyN, func() { u.showAdd("") }),
			item(lang.L("Settings…"), fyne.KeyComma, u.showSettings),
			fyne.NewMenuItemSeparator(),
			quit,
		),
		fyne.NewMenu(lang.L("Tasks"),
			fyne.NewMenuItem(lang.L("Resume all"), u.eng.ResumeAll),
			fyne.NewMenuItem(lang.L("Pause all"), u.eng.PauseAll),
			fyne.NewMenuItemSeparator(),
			selectAll,
		),
		fyne.NewMenu(lang.L("Help"),
			fyne.NewMenuItem(lang.L("About Haul"), u.showAbout),
		),
	)
}

// selectAllFocused is Ctrl+A: the menu's shortcut runs before any field
// sees the key, so a focused text field gets its own select-all.
func (u *UI) selectAllFocused() {
	if f, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(&fyne.ShortcutSelectAll{})
		return
	}
	u.table.selectAll()
}

// openPath hands a file or folder to the desktop.
func (u *UI) openPath(p string) error {
	if u.opts.Open != nil {
		return u.opts.Open(p)
	}
	return u.app.OpenURL(&url.URL{Scheme: "file", Path: p})
}
