package unattended

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
)

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
