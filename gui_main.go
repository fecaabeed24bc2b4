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

	"haul/assets"
	"haul/cli"
	"haul/downloader"
	"haul/gui"
	"haul/rpc"
)

// appID is the application identity; it must match FyneApp.toml.
const appID = "app.haul.Haul"

// runGUI opens the window on the engine and runs until the user quits.
// URLs given on the command line are queued.
func runGUI(args []string, _ io.Writer, stderr io.Writer) int {
	fs := flag.NewFlagSet("haul", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataFlag := fs.String("data", "", "data `folder` holding haul.db")
	var sf serviceFlags
	fs.IntVar(&sf.port, "rpc-port", 0, "serve the aria2-compatible RPC on this `port` (default: settings, 6800)")
	fs.StringVar(&sf.secret, "rpc-secret", "", "the RPC `token` (default: the one in settings)")
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	dataDir, err := cli.DataDir(*dataFlag)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return cli.ExitFailed
	}
	// One Haul per data folder: a second launch gives its links to the
	// first, which shows its window, and exits.
	if handled, err := rpc.HandOff(dataDir, fs.Args()); handled {
		if err != nil {
			fmt.Fprintln(stderr, "haul:", err)
			return cli.ExitFailed
		}
		return cli.ExitOK
	}
	db, notice, err := cli.OpenStore(dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		if errors.Is(err, cli.ErrInUse) {
			fmt.Fprintln(stderr, "Haul is already running with this data folder.")
		}
		return cli.ExitFailed
	}
	defer db.Close()

	ctx := context.Background()
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: cli.DefaultDownloads()})
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return cli.ExitFailed
	}
	defer m.Close()
	if urls := fs.Args(); len(urls) > 0 {
		reqs := make([]downloader.Request, len(urls))
		for i, u := range urls {
			reqs[i] = downloader.Request{URL: u}
		}
		if _, err := m.Add(ctx, reqs...); err != nil {
			fmt.Fprintln(stderr, "haul:", err)
		}
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
	show := func() { fyne.Do(func() { u.Window().Show(); u.Window().RequestFocus() }) }
	shutdown := func() { fyne.Do(quit) }
	running := rpcSettings(m.Settings())
	u = gui.New(a, m, gui.Options{
		Version: downloader.Version,
		Desktop: desk,
		Notify:  notify,
		Open:    gui.OpenPath,
		OnQuit:  quit,
		OnSettingsSaved: func(s downloader.Settings) {
			if rpcSettings(s) == running {
				return
			}
			// The RPC moved or turned on or off: restart it now.
			running = rpcSettings(s)
			stopService()
			stop, warning := startService(m, dataDir, serviceFlags{}, show, shutdown)
			stopService = stop
			if warning != "" {
				dialog.ShowInformation("Haul", warning, u.Window())
			}
		},
	})
	stop, warning := startService(m, dataDir, sf, show, shutdown)
	stopService = stop
	running = rpcSettings(m.Settings()) // the secret may be new
	defer func() { stopService() }()
	if msg := strings.TrimSpace(notice + "\n\n" + warning); msg != "" {
		a.Lifecycle().SetOnStarted(func() {
			dialog.ShowInformation("Haul", msg, u.Window())
		})
	}
	u.ShowAndRun()
	return cli.ExitOK
}
