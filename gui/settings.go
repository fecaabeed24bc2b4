package gui

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/rpc"
)

// settingsDialog edits the engine's settings and the GUI's own ones,
// which travel in Settings.UI. Save applies everything at once.
type settingsDialog struct {
	u   *UI
	dlg *dialog.CustomDialog

	folder, maxActive, conns, perHost, limit *escEntry
	closeToTray, notify, clipboard, rpc      *escCheck
	rpcLAN                                   *escCheck
	webUI                                    *webUIField
	tabs                                     *container.AppTabs
	lanWarning                               *widget.Label
	rpcPort, rpcSecret, proxy                *escEntry
	language                                 *escSelect
	problem                                  *widget.Label
	save, cancel                             *widget.Button
	remote                                   *remoteSection
	sched                                    *scheduleTab
	sites                                    *sitesTab         // its site editor opens over the dialog
	sections                                 []settingsSection // tabs from other files
}

// languageChoices pairs Settings.UI values with names shown in their own
// language, so anyone can find theirs.
var languageChoices = []languageChoice{
	{LanguageSystem, ""}, // titled at run time: it is a sentence, translated
	{LanguageEnglish, "English"},
	{LanguageChinese, "简体中文"},
}

type languageChoice struct{ value, title string }

// name is the title shown for c.
func (c languageChoice) name() string { return languageTitle(c.value) }

func languageTitle(v string) string {
	for _, c := range languageChoices {
		if c.value == v && c.title != "" {
			return c.title
		}
	}
	return lang.L("System default")
}

func (u *UI) showSettings() {
	if u.settingsDlg != nil {
		return
	}
	d := u.newSettingsDialog()
	u.settingsDlg = d
	d.dlg.Show()
}

func (u *UI) newSettingsDialog() *settingsDialog {
	s := u.eng.Settings()
	d := &settingsDialog{u: u}
	number := func(v int, valid func(string) error) *escEntry {
		e := newEntry()
		e.SetText(strconv.Itoa(v))
		e.Validator = valid
		return e
	}
	d.folder = newEntry()
	d.folder.SetText(s.Folder)
	d.maxActive = number(defaultInt(s.MaxActive, downloader.DefaultMaxActive), rangeValidator(1, 100))
	d.conns = connectionsEntry(s.Connections)
	d.perHost = number(defaultInt(s.PerHost, downloader.DefaultPerHost), rangeValidator(1, 256))
	d.limit = newEntry()
	if s.GlobalLimit > 0 {
		d.limit.SetText(downloader.FormatRate(s.GlobalLimit))
	}
	d.limit.SetPlaceHolder(lang.L("Unlimited"))
	d.limit.Validator = validateRate

	d.closeToTray = newCheck(lang.L("Closing the window keeps Haul in the tray"), nil)
	d.closeToTray.SetChecked(CloseToTray(s))
	d.notify = newCheck(lang.L("Notify when a download finishes or fails"), nil)
	d.notify.SetChecked(NotificationsEnabled(s))
	d.clipboard = newCheck(lang.L("Offer to download links I copy"), nil)
	d.clipboard.SetChecked(ClipboardWatch(s))
	d.rpc = newCheck(lang.L("Let browser extensions add downloads (aria2 RPC)"), nil)
	d.rpc.SetChecked(uiFlag(s, UIKeyRPC, true))
	port := rpc.DefaultPort
	if p, err := strconv.Atoi(s.UI[UIKeyRPCPort]); err == nil {
		port = p
	}
	d.rpcPort = number(port, rangeValidator(1024, 65535))
	d.rpcSecret = newEntry()
	d.rpcSecret.SetText(s.UI[UIKeyRPCSecret])
	// Off by default: on a LAN anyone who learns the secret can make this
	// computer download, so the form says so in red while it is on.
	d.lanWarning = widget.NewLabel(lang.L("Other devices on your network can reach the RPC; anyone with the secret can add downloads to this computer."))
	d.lanWarning.Importance = widget.DangerImportance
	d.lanWarning.Wrapping = fyne.TextWrapWord
	showWarning := func(on bool) {
		if on {
			d.lanWarning.Show()
		} else {
			d.lanWarning.Hide()
		}
	}
	d.rpcLAN = newCheck(lang.L("Also listen on the local network (LAN)"), showWarning)
	d.rpcLAN.Checked = uiFlag(s, UIKeyRPCLAN, false)
	showWarning(d.rpcLAN.Checked)
	d.webUI = newWebUIField(s)
	d.proxy = newEntry()
	d.proxy.SetText(s.Proxy)
	d.proxy.SetPlaceHolder(lang.L("From the system (HTTP_PROXY)"))
	d.proxy.Validator = func(v string) error {
		if downloader.ParseProxy(strings.TrimSpace(v)) != nil {
			return errors.New(lang.L("A proxy looks like http://host:port or socks5://user:password@host:port."))
		}
		return nil
	}
	// Empty means "make one": the service never runs without a secret.
	d.rpcSecret.SetPlaceHolder(lang.L("Made for you"))
	d.language = newSelect(choiceTitles(languageChoices, languageChoice.name), nil)
	d.language.SetSelected(languageTitle(s.UI[UIKeyLanguage]))

	d.remote = newRemoteSection(s)
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Hide()

	// Three tabs keep the dialog shorter than a 720 px window; one long
	// form ran under its own buttons.
	downloads := widget.NewForm(
		widget.NewFormItem(lang.L("Download folder"), u.folderField(d.folder)),
		&widget.FormItem{Text: lang.L("Parallel downloads"), Widget: d.maxActive, HintText: lang.L("How many downloads run at once; the rest wait in the queue.")},
		widget.NewFormItem(lang.L("Connections per download"), d.conns),
		&widget.FormItem{Text: lang.L("Connections per server"), Widget: d.perHost, HintText: lang.L("Some servers refuse too many connections; Haul lowers this by itself when they do.")},
		&widget.FormItem{Text: lang.L("Speed limit"), Widget: d.limit, HintText: lang.L("For all downloads together, like 500K or 2M; empty for none.")},
		&widget.FormItem{Text: lang.L("Proxy"), Widget: d.proxy, HintText: lang.L("http, https or socks5; empty uses the system's.")},
	)
	desktopForm := widget.NewForm(
		&widget.FormItem{Text: lang.L("Language"), Widget: d.language, HintText: lang.L("Takes effect the next time Haul starts.")},
		widget.NewFormItem("", d.closeToTray),
		widget.NewFormItem("", d.notify),
		widget.NewFormItem("", d.clipboard),
	)
	browser := widget.NewForm(
		widget.NewFormItem("", d.rpc),
		&widget.FormItem{Text: lang.L("RPC port"), Widget: d.rpcPort, HintText: lang.L("Extensions for aria2 connect to http://127.0.0.1:PORT/jsonrpc.")},
		&widget.FormItem{Text: lang.L("RPC secret"), Widget: d.rpcSecret, HintText: lang.L("Enter the same secret in the extension.")},
		widget.NewFormItem("", d.rpcLAN),
		widget.NewFormItem("", d.lanWarning),
	)
	d.webUI.addTo(browser)
	d.sched = u.newScheduleTab(s)
	d.sections = []settingsSection{d.webUI, d.remote, d.sched}
	d.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Downloads"), downloads),
		container.NewTabItem(lang.L("Desktop"), desktopForm),
		container.NewTabItem(lang.L("Browser"), container.NewVBox(browser, u.browserHostsSection())),
		container.NewTabItem(lang.L("Schedule"), d.sched.root),
		container.NewTabItem(lang.L("Another computer"), d.remote.form()),
	)
	d.addOrganizeTabs(s, desktopForm)
	natural := scrollTabs(d.tabs) // settings_fit.go
	d.save = widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), d.apply)
	d.save.Importance = widget.HighImportance
	d.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), d.close)
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Settings"), container.NewBorder(nil, d.problem, nil, nil, d.tabs), u.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, layout.NewSpacer(), d.save})
	d.dlg.SetOnClosed(func() {
		if u.settingsDlg == d {
			u.settingsDlg = nil
		}
	})
	d.resize(natural)
	return d
}

func rangeValidator(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return errors.New(lang.L("Enter a whole number from {{.Min}} to {{.Max}}.", map[string]any{"Min": lo, "Max": hi}))
		}
		return nil
	}
}

// settings reads the form into a copy of the current settings, keeping
// fields this dialog does not show (MinSplit, unknown UI keys).
func (d *settingsDialog) settings() (downloader.Settings, error) {
	s := d.u.eng.Settings()
	fields := []struct {
		name string
		e    *escEntry
	}{
		{lang.L("Parallel downloads"), d.maxActive},
		{lang.L("Connections per download"), d.conns},
		{lang.L("Connections per server"), d.perHost},
		{lang.L("Speed limit"), d.limit},
		{lang.L("RPC port"), d.rpcPort},
		{lang.L("Proxy"), d.proxy},
	}
	for _, f := range fields {
		if err := f.e.Validator(f.e.Text); err != nil {
			return s, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	folder := strings.TrimSpace(d.folder.Text)
	if folder == "" {
		return s, errors.New(lang.L("Choose a download folder."))
	}
	s.Folder = folder
	s.MaxActive, _ = strconv.Atoi(strings.TrimSpace(d.maxActive.Text))
	s.Connections, _ = parseConnections(d.conns.Text)
	s.PerHost, _ = strconv.Atoi(strings.TrimSpace(d.perHost.Text))
	s.Proxy = strings.TrimSpace(d.proxy.Text)
	s.GlobalLimit = 0
	if t := strings.TrimSpace(d.limit.Text); t != "" {
		s.GlobalLimit, _ = downloader.ParseRate(t)
	}
	ui := maps.Clone(s.UI)
	if ui == nil {
		ui = make(map[string]string)
	}
	ui[UIKeyCloseToTray] = onOff(d.closeToTray.Checked)
	ui[UIKeyNotifications] = onOff(d.notify.Checked)
	ui[UIKeyClipboardWatch] = onOff(d.clipboard.Checked)
	ui[UIKeyRPC] = onOff(d.rpc.Checked)
	ui[UIKeyRPCLAN] = onOff(d.rpcLAN.Checked)
	ui[UIKeyRPCPort] = strings.TrimSpace(d.rpcPort.Text)
	if secret := strings.TrimSpace(d.rpcSecret.Text); secret != "" {
		ui[UIKeyRPCSecret] = secret
	}
	ui[UIKeyLanguage] = LanguageSystem
	if c, ok := choiceOf(languageChoices, languageChoice.name, d.language.Selected); ok {
		ui[UIKeyLanguage] = c.value
	}
	s.UI = ui
	return s, d.readSections(&s)
}

func (d *settingsDialog) apply() {
	s, err := d.settings()
	if err == nil {
		err = d.u.eng.SetSettings(s)
	}
	if err == nil {
		err = d.sectionsSaved()
	}
	if err != nil {
		d.problem.SetText(lang.L("Not saved: {{.Error}}", map[string]any{"Error": err.Error()}))
		d.problem.Show()
		return
	}
	d.u.settingsChanged(s)
	d.close()
}

func (d *settingsDialog) close() {
	if d.u.settingsDlg == d {
		d.u.settingsDlg = nil
	}
	d.dlg.Hide()
}

// settingsChanged refreshes what shows settings outside the dialog and
// tells main.go, which owns the RPC service. (The engine's EventSettings
// refreshes the window too; doing it here as well shows the change
// without waiting for the next tick.)
func (u *UI) settingsChanged(s downloader.Settings) {
	u.showEngineSettings()
	if u.opts.OnSettingsSaved != nil {
		u.opts.OnSettingsSaved(s)
	}
}
