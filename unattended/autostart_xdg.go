package unattended

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

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
