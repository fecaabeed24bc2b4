package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"haul/cli"
	"haul/downloader"
	"haul/internal/plumbing"
	"haul/nmhost"
)

// isHostLaunch tells a browser starting Haul's native messaging host from
// a person opening a link: Chromium passes the extension's origin
// (chrome-extension://ID/, and on Windows a --parent-window flag);
// Firefox passes the host manifest's path and the extension's id.
func isHostLaunch(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if strings.HasPrefix(args[0], "chrome-extension://") {
		return true
	}
	return len(args) == 2 && strings.HasSuffix(args[0], nmhost.HostName+".json") && args[1] == nmhost.GeckoID
}

// runHost answers the extension on stdin/stdout until the browser closes
// the port. stdout carries only framed messages; diagnostics go to stderr,
// which browsers keep in their own log.
func runHost(stdin io.Reader, stdout, stderr io.Writer) int {
	dataDir, err := plumbing.DataDir("")
	if err != nil {
		fmt.Fprintln(stderr, "haul host:", err)
		return plumbing.ExitFailed
	}
	exe, _ := os.Executable()
	parent := nmhost.ParentExe()
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "haul host: "+format+"\n", args...) }
	h := &nmhost.Host{
		Version: downloader.Version,
		Submit: nmhost.Loopback{
			DataDir: dataDir,
			Start:   func() (<-chan error, error) { return startHidden(exe, dataDir) },
			Queue: func(ctx context.Context, req downloader.Request) (string, error) {
				return queueRequest(ctx, dataDir, req)
			},
			Logf: logf,
		},
		Seen: func(claimed string) {
			if err := nmhost.RecordSeen(dataDir, nmhost.BrowserKey(parent, claimed), time.Now()); err != nil {
				fmt.Fprintln(stderr, "haul host: record contact:", err)
			}
		},
		Logf: logf,
	}
	if err := h.Serve(context.Background(), stdin, stdout); err != nil {
		fmt.Fprintln(stderr, "haul host:", err)
		return plumbing.ExitFailed
	}
	return plumbing.ExitOK
}

// startHidden starts Haul on dataDir in the tray, in a session of its own
// so it outlives the host the browser ends after each message.
func startHidden(exe, dataDir string) (<-chan error, error) {
	if !filepath.IsAbs(exe) {
		return nil, fmt.Errorf("the path of haul is unknown (%q)", exe)
	}
	cmd := exec.Command(exe, "--hidden", "--data", dataDir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil // never the browser's pipes
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // ends with Haul or with this host
	return exited, nil
}

// queueRequest adds req to haul.db for Haul's next start.
func queueRequest(ctx context.Context, dataDir string, req downloader.Request) (string, error) {
	db, _, err := plumbing.OpenStore(dataDir)
	if err != nil {
		return "", err
	}
	defer db.Close()
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: cli.DefaultDownloads(), NoStart: true})
	if err != nil {
		return "", err
	}
	defer m.Close()
	ids, err := m.Add(ctx, req)
	if err != nil {
		return "", err
	}
	if len(ids) == 0 || ids[0] == "" {
		return "", fmt.Errorf("the download was not added")
	}
	return ids[0], nil
}
