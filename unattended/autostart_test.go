package unattended

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutostartFiles writes and removes each file-based entry under a
// temporary HOME and checks what the session would read.
func TestAutostartFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	xdg, err := NewXDGAutostart()
	if err != nil {
		t.Fatal(err)
	}
	agent, err := NewLaunchAgent()
	if err != nil {
		t.Fatal(err)
	}
	exe := "/opt/My Apps/haul$1"
	tests := []struct {
		name string
		a    Autostart
		path string
		want []string
	}{
		{"xdg", xdg, filepath.Join(home, ".config", "autostart", "app.haul.Haul.desktop"), []string{
			"[Desktop Entry]\n", "Type=Application\n", "Name=Haul\n",
			`Exec="/opt/My Apps/haul\\$1" "--hidden"` + "\n", "X-GNOME-Autostart-enabled=true\n",
		}},
		{"launchagent", agent, filepath.Join(home, "Library", "LaunchAgents", "app.haul.Haul.plist"), []string{
			"<key>Label</key>\n\t<string>app.haul.Haul</string>",
			"<string>/opt/My Apps/haul$1</string>\n\t\t<string>--hidden</string>",
			"<key>RunAtLoad</key>\n\t<true/>",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if on, err := tt.a.Enabled(); err != nil || on {
				t.Fatalf("enabled before Enable: %v, %v", on, err)
			}
			if err := tt.a.Disable(); err != nil {
				t.Fatalf("Disable without an entry: %v", err)
			}
			if err := tt.a.Enable(exe, HiddenFlag); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("%s lacks %q:\n%s", tt.path, w, data)
				}
			}
			if on, err := tt.a.Enabled(); err != nil || !on {
				t.Fatalf("not enabled after Enable: %v", err)
			}
			if err := tt.a.Enable(exe, HiddenFlag); err != nil {
				t.Fatalf("Enable twice: %v", err)
			}
			if err := tt.a.Disable(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tt.path); !os.IsNotExist(err) {
				t.Fatalf("%s still there after Disable: %v", tt.path, err)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(tt.path), ".haul-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestXDGAutostartHonoursConfigHome(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	x, err := NewXDGAutostart()
	if err != nil {
		t.Fatal(err)
	}
	if x.Dir != filepath.Join(cfg, "autostart") {
		t.Errorf("dir %s, want under XDG_CONFIG_HOME", x.Dir)
	}
}

func TestDesktopExecQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/haul":       `"/usr/bin/haul"`,
		`/a "b"/haul`:         `"/a \\"b\\"/haul"`,
		"/x/100%/haul":        `"/x/100%%/haul"`,
		"/x/back\\slash/haul": `"/x/back\\\\slash/haul"`,
		"/x/`cmd`":            "\"/x/\\\\`cmd\\\\`\"",
	} {
		if got := desktopExec([]string{in}); got != want {
			t.Errorf("desktopExec(%q) = %s, want %s", in, got, want)
		}
	}
}

// fakeRunKey is the Run key as a map.
type fakeRunKey map[string]string

func (k fakeRunKey) SetStringValue(name, value string) error { k[name] = value; return nil }
func (k fakeRunKey) DeleteValue(name string) error           { delete(k, name); return nil }
func (k fakeRunKey) HasValue(name string) (bool, error)      { _, ok := k[name]; return ok, nil }

func TestRunKeyAutostart(t *testing.T) {
	key := fakeRunKey{"Other": "other.exe"}
	r := &RunAutostart{Key: key}
	if err := r.Enable(`C:\Program Files\Haul\haul.exe`, HiddenFlag); err != nil {
		t.Fatal(err)
	}
	if got, want := key["Haul"], `"C:\Program Files\Haul\haul.exe" --hidden`; got != want {
		t.Errorf("Run value %s, want %s", got, want)
	}
	if on, _ := r.Enabled(); !on {
		t.Error("not enabled")
	}
	if err := r.Disable(); err != nil {
		t.Fatal(err)
	}
	if _, ok := key["Haul"]; ok || key["Other"] != "other.exe" {
		t.Errorf("after Disable: %v", key)
	}
	if got, want := windowsCommandLine([]string{`C:\a b\`, `say "hi"`}), `"C:\a b\\" "say \"hi\""`; got != want {
		t.Errorf("windowsCommandLine = %s, want %s", got, want)
	}
}
