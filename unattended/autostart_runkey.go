package unattended

import (
	"fmt"
	"strings"
)

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
