package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"haul/downloader"
	"haul/gui"
	"haul/unattended"
)

// unattendedFlags are the window's flags for leaving Haul alone.
type unattendedFlags struct {
	hidden   bool
	whenDone string
	data     string // --data, repeated in the autostart entry
}

func (f *unattendedFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.hidden, "hidden", false, "start in the tray without showing the window (when the desktop has a tray)")
	fs.StringVar(&f.whenDone, "when-done", "", "when all downloads finish, `quit`, sleep or shutdown (this session)")
}

// unattendedSet runs keep-awake and when-done beside the window and
// answers the window's questions about them (gui.Unattended).
type unattendedSet struct {
	m        *downloader.Manager
	awake    *unattended.KeepAwake
	whenDone *unattended.WhenDone
	auto     unattended.Autostart // nil where none can be made
	autoErr  error
	data     string

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// newUnattended prepares the set; start runs it once the window exists.
func newUnattended(m *downloader.Manager, f unattendedFlags, quit func(), stderr io.Writer) (*unattendedSet, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "haul: "+format+"\n", args...) }
	inh, power := unattended.System()
	s := m.Settings()
	action, _ := unattended.ParseAction(s.UI[gui.UIKeyWhenDone])
	if f.whenDone != "" {
		a, err := unattended.ParseAction(f.whenDone)
		if err != nil {
			return nil, err
		}
		action = a
	}
	u := &unattendedSet{
		m:        m,
		awake:    &unattended.KeepAwake{Inhibitor: inh, Logf: logf},
		whenDone: &unattended.WhenDone{Queue: m, Power: power, Quit: quit, Logf: logf},
		data:     f.data,
	}
	u.awake.SetEnabled(gui.KeepAwake(s))
	u.whenDone.SetAction(action)
	u.auto, u.autoErr = unattended.SystemAutostart()
	return u, nil
}

// start runs keep-awake and when-done with countdown shown by the window.
func (u *unattendedSet) start(countdown unattended.Countdown) {
	ctx, cancel := context.WithCancel(context.Background())
	u.cancel = cancel
	u.whenDone.Countdown = countdown
	flow, stopFlow := u.m.WatchFlow()
	u.wg.Add(2)
	go func() { defer u.wg.Done(); defer stopFlow(); u.awake.Run(ctx, flow) }()
	go func() { defer u.wg.Done(); u.whenDone.Run(ctx) }()
}

// stop ends both and waits: the inhibitor is released on return.
func (u *unattendedSet) stop() {
	if u.cancel != nil {
		u.cancel()
	}
	u.wg.Wait()
}

// settingsSaved follows the keep-awake preference.
func (u *unattendedSet) settingsSaved(s downloader.Settings) { u.awake.SetEnabled(gui.KeepAwake(s)) }

func (u *unattendedSet) WhenDone() unattended.Action     { return u.whenDone.Action() }
func (u *unattendedSet) SetWhenDone(a unattended.Action) { u.whenDone.SetAction(a) }

func (u *unattendedSet) Autostart() bool {
	if u.auto == nil {
		return false
	}
	on, _ := u.auto.Enabled()
	return on
}

// SetAutostart writes or removes the entry that starts this executable
// hidden at login.
func (u *unattendedSet) SetAutostart(on bool) error {
	if u.auto == nil {
		return u.autoErr
	}
	if !on {
		return u.auto.Disable()
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	args := []string{unattended.HiddenFlag}
	if u.data != "" {
		// Start on the data folder this Haul uses, not the default one.
		if abs, err := filepath.Abs(u.data); err == nil {
			args = append(args, "--data", abs)
		}
	}
	return u.auto.Enable(exe, args...)
}

// startHidden reports whether the window may stay hidden: asked for, and
// a tray exists to bring it back.
func (f unattendedFlags) startHidden(tray bool) bool {
	return f.hidden && tray && unattended.TrayAvailable()
}
