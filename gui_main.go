package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"haul/assets"
	"haul/downloader"
	"haul/gui"
	"haul/internal/plumbing"
	"haul/rpc"
	"haul/unattended"
)

// appID is the application identity; it must match FyneApp.toml.
const appID = "app.haul.Haul"

// runGUI opens the window on the engine and runs until the user quits.
// URLs given on the command line are queued.
func runGUI(args []string, _ io.Writer, stderr io.Writer) int {
	_, _ = stderr.Write(initLog)
	fs := flag.NewFlagSet("haul", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataFlag := fs.String("data", "", "data `folder` holding haul.db")
	var sf serviceFlags
	fs.IntVar(&sf.port, "rpc-port", 0, "serve the aria2-compatible RPC on this `port` (default: settings, 6800)")
	fs.StringVar(&sf.secret, "rpc-secret", "", "the RPC `token` (default: the one in settings)")
	addAllowFlags(fs, &sf)
	var uf unattendedFlags
	uf.register(fs)
	if err := fs.Parse(args); err != nil {
		return plumbing.ExitUsage
	}
	if err := checkAllowFlags(&sf); err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return plumbing.ExitUsage
	}
	uf.data = *dataFlag
	if _, err := unattended.ParseAction(uf.whenDone); err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return plumbing.ExitUsage
	}
	dataDir, err := plumbing.DataDir(*dataFlag)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return plumbing.ExitFailed
	}
	// One Haul per data folder: a second launch gives its links to the
	// first, which shows its window, and exits.
	if handled, err := rpc.HandOff(dataDir, fs.Args()); handled {
		if err != nil {
			fmt.Fprintln(stderr, "haul:", err)
			return plumbing.ExitFailed
		}
		return plumbing.ExitOK
	}
	db, recovered, err := plumbing.OpenStore(dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		if errors.Is(err, plumbing.ErrInUse) {
			fmt.Fprintln(stderr, "Haul is already running with this data folder.")
		}
		return plumbing.ExitFailed
	}
	defer db.Close()

	ctx := context.Background()
	m, rem, remoteAddr, remoteErr, err := openEngine(ctx, db)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return plumbing.ExitFailed
	}
	defer m.Close()
	var eng engine = m
	if rem != nil {
		defer rem.Close()
		eng = rem
	}
	if urls := fs.Args(); len(urls) > 0 {
		reqs := make([]downloader.Request, len(urls))
		for i, u := range urls {
			reqs[i] = downloader.Request{URL: u}
		}
		if _, err := eng.Add(ctx, reqs...); err != nil {
			fmt.Fprintln(stderr, "haul:", err)
		}
	}

	var browsers gui.BrowserHosts
	if h, ok := newBrowserHosts(dataDir); ok {
		h.SetUp() // idempotent: writes only manifests that changed
		browsers = h
	}

	// `go build` embeds no FyneApp.toml metadata: without a name the tray
	// and Fyne's notifications would call Haul by its ID.
	app.SetMetadata(fyne.AppMetadata{ID: appID, Name: "Haul", Version: downloader.Version, Icon: assets.Icon})
	a := app.NewWithID(appID)
	// The tray falls back to the app icon and notifications carry it.
	a.SetIcon(assets.Icon)
	desk, _ := gui.InstallTray(ctx, a)
	// Notifications are D-Bus calls on Linux that wait for the server's
	// answer; they are sent off the UI goroutine.
	sendNote, closeNotes := gui.DesktopNotifier(ctx, a)
	defer closeNotes()
	notify, stopNotify := gui.AsyncNotifier(sendNote)
	defer stopNotify()
	stopService := func() {}
	quit := func() {
		// Stop taking requests, record every byte, then go; all quick.
		stopService()
		m.Close()
		a.Quit()
	}
	var u *gui.UI
	show := func() { u.ShowWindow() }
	shutdown := func() { fyne.Do(quit) }
	un, err := newUnattended(m, uf, shutdown, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return plumbing.ExitUsage
	}
	// What the service was started with, to tell whether a settings
	// change needs a restart.
	running := plumbing.RPCPrefsOf(eng.Settings())
	opts := gui.Options{
		Version:    downloader.Version,
		PaceHidden: true,
		Desktop:    desk,
		Notify:     notify,
		Open:       gui.OpenPath,
		OnQuit:     quit,
		Unattended: un,
		OnSettingsSaved: func(s downloader.Settings) {
			un.settingsSaved(s)
			if plumbing.RPCPrefsOf(s) == running {
				return
			}
			// The RPC moved or turned on or off: restart it now.
			running = plumbing.RPCPrefsOf(s)
			stopService()
			stop, said := startService(eng, dataDir, serviceFlags{origins: sf.origins, hosts: sf.hosts}, show, shutdown)
			stopService = stop
			if msg := said.text(); msg != "" {
				dialog.ShowInformation("Haul", msg, u.Window())
			}
		},
		Browsers: browsers,
	}
	if rem != nil {
		opts.Remote, opts.Open = rem.Host(), gui.RemoteOpen(rem.Host())
	}
	u = gui.New(a, eng, opts)
	if rem != nil {
		rem.OnHealth(func(err error) { fyne.Do(func() { u.SetRemoteProblem(err) }) })
	}
	stop, said := startService(eng, dataDir, sf, show, shutdown)
	stopService = stop
	running = plumbing.RPCPrefsOf(eng.Settings()) // the secret may be new
	defer func() { stopService() }()
	// Worded here, after gui.New loaded the window's language.
	var notice string
	if recovered != nil {
		notice = lang.N("The task database was damaged ({{.Reason}}). {{.Count}} downloads were recovered ({{.FromBackup}} of them from the backup), {{.Lost}} could not be read. The damaged file was kept as {{.Path}}.", recovered.Kept, plumbing.RecoveryNoticeData(recovered))
	}
	if remoteErr != nil {
		notice = strings.TrimSpace(notice + "\n\n" + gui.RemoteUnreachable(remoteAddr, remoteErr))
	}
	if msg := strings.TrimSpace(notice + "\n\n" + said.text()); msg != "" {
		a.Lifecycle().SetOnStarted(func() {
			dialog.ShowInformation("Haul", msg, u.Window())
		})
	}
	un.start(u.Countdown())
	defer un.stop()
	if uf.startHidden(desk != nil) {
		u.StartHidden()
		a.Run() // the tray shows the window on demand
		u.Close()
		return plumbing.ExitOK
	}
	u.ShowAndRun()
	return plumbing.ExitOK
}
