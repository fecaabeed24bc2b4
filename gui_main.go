package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"haul/assets"
	"haul/cli"
	"haul/downloader"
	"haul/gui"
)

// appID is the application identity; it must match FyneApp.toml.
const appID = "app.haul.Haul"

// runGUI opens the window on the engine and runs until the user quits.
// URLs given on the command line are queued.
func runGUI(args []string, _ io.Writer, stderr io.Writer) int {
	fs := flag.NewFlagSet("haul", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataFlag := fs.String("data", "", "data `folder` holding haul.db")
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	dataDir, err := cli.DataDir(*dataFlag)
	if err != nil {
		fmt.Fprintln(stderr, "haul:", err)
		return cli.ExitFailed
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

	a := app.NewWithID(appID)
	// `go build` embeds no FyneApp.toml metadata, so set the icon here:
	// the tray falls back to it and notifications carry it.
	a.SetIcon(assets.Icon)
	desk, _ := gui.InstallTray(a)
	// Notifications are D-Bus calls on Linux that wait for the server's
	// answer; they are sent off the UI goroutine.
	notify, stopNotify := gui.AsyncNotifier(a.SendNotification)
	defer stopNotify()
	u := gui.New(a, m, gui.Options{
		Version: downloader.Version,
		Desktop: desk,
		Notify:  notify,
		Open:    gui.OpenPath,
		OnQuit: func() {
			// Record every byte before the app goes away; Close is quick.
			m.Close()
			a.Quit()
		},
	})
	if notice != "" {
		a.Lifecycle().SetOnStarted(func() {
			dialog.ShowInformation("Haul", notice, u.Window())
		})
	}
	u.ShowAndRun()
	return cli.ExitOK
}
