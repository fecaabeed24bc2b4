package unattended

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AppID names Haul's autostart entries; it matches FyneApp.toml.
const AppID = "app.haul.Haul"

// HiddenFlag starts Haul in the tray without its window.
const HiddenFlag = "--hidden"

// Autostart registers Haul to start when the user logs in.
type Autostart interface {
	// Enable makes the session start exe with args.
	Enable(exe string, args ...string) error
	// Disable removes the entry; without one it does nothing.
	Disable() error
	// Enabled reports whether the entry exists.
	Enabled() (bool, error)
}

// XDGAutostart writes a desktop entry into $XDG_CONFIG_HOME/autostart
// (XDG Autostart Specification 0.5), read by GNOME, KDE, Xfce and others.
type XDGAutostart struct {
	// Dir is the autostart folder.
	Dir string
}

// NewXDGAutostart uses $XDG_CONFIG_HOME/autostart, else
// $HOME/.config/autostart.
func NewXDGAutostart() (*XDGAutostart, error) {
	base := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("autostart: %w", err)
		}
		base = filepath.Join(home, ".config")
	}
	return &XDGAutostart{Dir: filepath.Join(base, "autostart")}, nil
}

func (x *XDGAutostart) path() string { return filepath.Join(x.Dir, AppID+".desktop") }

func (x *XDGAutostart) Enable(exe string, args ...string) error {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\nName=Haul\nComment=Download manager\n")
	b.WriteString("Exec=" + desktopExec(append([]string{exe}, args...)) + "\n")
	b.WriteString("Icon=" + AppID + "\nTerminal=false\nX-GNOME-Autostart-enabled=true\n")
	return writeFileAtomic(x.path(), []byte(b.String()))
}

func (x *XDGAutostart) Disable() error { return removeIfExists(x.path()) }

func (x *XDGAutostart) Enabled() (bool, error) { return exists(x.path()) }

// desktopExec quotes argv for an Exec key (Desktop Entry Specification,
// "The Exec key"): every argument in double quotes with ", `, $ and \
// escaped, % doubled, and then backslashes doubled again as the string
// type's own escape.
func desktopExec(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range a {
			switch r {
			case '"', '`', '$', '\\':
				b.WriteByte('\\')
			case '%':
				b.WriteByte('%')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
		quoted[i] = strings.ReplaceAll(b.String(), `\`, `\\`)
	}
	return strings.Join(quoted, " ")
}

// LaunchAgent writes a launchd property list into ~/Library/LaunchAgents
// that runs Haul at login (launchd.plist(5): RunAtLoad).
type LaunchAgent struct {
	// Dir is the LaunchAgents folder.
	Dir string
}

// NewLaunchAgent uses $HOME/Library/LaunchAgents.
func NewLaunchAgent() (*LaunchAgent, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("autostart: %w", err)
	}
	return &LaunchAgent{Dir: filepath.Join(home, "Library", "LaunchAgents")}, nil
}

func (l *LaunchAgent) path() string { return filepath.Join(l.Dir, AppID+".plist") }

func (l *LaunchAgent) Enable(exe string, args ...string) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + AppID + `</string>
	<key>ProgramArguments</key>
	<array>
`)
	for _, a := range append([]string{exe}, args...) {
		b.WriteString("\t\t<string>")
		if err := xml.EscapeText(&b, []byte(a)); err != nil {
			return err
		}
		b.WriteString("</string>\n")
	}
	b.WriteString(`	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`)
	return writeFileAtomic(l.path(), b.Bytes())
}

func (l *LaunchAgent) Disable() error { return removeIfExists(l.path()) }

func (l *LaunchAgent) Enabled() (bool, error) { return exists(l.path()) }

// RunKey is the part of the registry key
// HKCU\Software\Microsoft\Windows\CurrentVersion\Run that RunAutostart
// uses.
type RunKey interface {
	SetStringValue(name, value string) error
	DeleteValue(name string) error
	// HasValue reports whether the value exists.
	HasValue(name string) (bool, error)
}

// RunAutostart is Windows' per-user Run key entry.
type RunAutostart struct {
	Key RunKey
}

// runValueName is the value's name in the Run key.
const runValueName = "Haul"

func (r *RunAutostart) Enable(exe string, args ...string) error {
	if err := r.Key.SetStringValue(runValueName, windowsCommandLine(append([]string{exe}, args...))); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func (r *RunAutostart) Disable() error {
	ok, err := r.Key.HasValue(runValueName)
	if err != nil || !ok {
		return err
	}
	if err := r.Key.DeleteValue(runValueName); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func (r *RunAutostart) Enabled() (bool, error) { return r.Key.HasValue(runValueName) }

// windowsCommandLine quotes argv as CommandLineToArgvW reads it:
// backslashes are literal except before a quote, where they double.
func windowsCommandLine(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t\"") {
			out[i] = a
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		slashes := 0
		for _, r := range a {
			switch r {
			case '\\':
				slashes++
				continue
			case '"':
				b.WriteString(strings.Repeat(`\`, 2*slashes+1))
			default:
				b.WriteString(strings.Repeat(`\`, slashes))
			}
			slashes = 0
			b.WriteRune(r)
		}
		b.WriteString(strings.Repeat(`\`, 2*slashes))
		b.WriteByte('"')
		out[i] = b.String()
	}
	return strings.Join(out, " ")
}

// writeFileAtomic replaces path with data so that a crash leaves the old
// file or the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".haul-autostart-*")
	if err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("autostart: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("autostart: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("autostart: %w", err)
}
