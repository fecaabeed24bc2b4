package nmhost

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeRegistry is HKCU in memory.
type fakeRegistry map[string]string

func (f fakeRegistry) Default(key string) (string, error) {
	v, ok := f[key]
	if !ok {
		return "", fs.ErrNotExist
	}
	return v, nil
}

func (f fakeRegistry) SetDefault(key, value string) error { f[key] = value; return nil }

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRegisterPerOS: for each system, the browsers whose profile folder
// exists get a manifest at the path that browser reads, naming the binary
// and the extension; others get none.
func TestRegisterPerOS(t *testing.T) {
	const exe = "/opt/haul/haul"
	tests := []struct {
		goos     string
		profiles func(home string, e Env) []string
		want     map[string]string // browser key → manifest path (relative to home)
	}{
		{"linux", func(h string, e Env) []string {
			return []string{h + "/.config/chromium", h + "/.config/BraveSoftware/Brave-Browser", h + "/.mozilla"}
		}, map[string]string{
			"chromium": ".config/chromium/NativeMessagingHosts/app.haul.host.json",
			"brave":    ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/app.haul.host.json",
			"firefox":  ".mozilla/native-messaging-hosts/app.haul.host.json",
		}},
		{"darwin", func(h string, e Env) []string {
			return []string{h + "/Library/Application Support/Google/Chrome", h + "/Library/Application Support/Mozilla",
				h + "/Library/Application Support/Vivaldi"}
		}, map[string]string{
			"chrome":  "Library/Application Support/Google/Chrome/NativeMessagingHosts/app.haul.host.json",
			"vivaldi": "Library/Application Support/Vivaldi/NativeMessagingHosts/app.haul.host.json",
			"firefox": "Library/Application Support/Mozilla/NativeMessagingHosts/app.haul.host.json",
		}},
		{"windows", func(h string, e Env) []string {
			return []string{filepath.Join(e.LocalAppData, `Microsoft\Edge\User Data`), filepath.Join(e.AppData, `LibreWolf`)}
		}, map[string]string{
			"edge":      "data/native-messaging/edge/app.haul.host.json",
			"librewolf": "data/native-messaging/librewolf/app.haul.host.json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			home := t.TempDir()
			env := Env{GOOS: tt.goos, Home: home, DataDir: filepath.Join(home, "data"),
				AppData: filepath.Join(home, "AppData"), LocalAppData: filepath.Join(home, "Local")}
			mkdirs(t, tt.profiles(home, env)...)
			var reg Registry
			fake := fakeRegistry{}
			if tt.goos == "windows" {
				reg = fake
			}
			r := Registrar{Env: env, Exe: exe, Registry: reg}
			for _, st := range r.Register(false) {
				rel, want := tt.want[st.Key]
				if st.Err != nil {
					t.Errorf("%s: %v", st.Key, st.Err)
				}
				if st.Registered != want || st.Found != want {
					t.Errorf("%s: registered %v found %v, want %v", st.Key, st.Registered, st.Found, want)
				}
				_, err := os.Stat(st.Manifest)
				if want != (err == nil) {
					t.Errorf("%s: manifest %s exists = %v, want %v", st.Key, st.Manifest, err == nil, want)
				}
				if !want {
					continue
				}
				if st.Manifest != filepath.Join(home, filepath.FromSlash(rel)) {
					t.Errorf("%s: manifest at %s, want %s", st.Key, st.Manifest, rel)
				}
				checkManifest(t, st)
				if tt.goos == "windows" && fake[st.registryKey()] != st.Manifest {
					t.Errorf("%s: HKCU\\%s = %q, want %q", st.Key, st.registryKey(), fake[st.registryKey()], st.Manifest)
				}
			}
		})
	}
}

func checkManifest(t *testing.T, st Status) {
	t.Helper()
	raw, err := os.ReadFile(st.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", st.Manifest, err)
	}
	if m.Name != HostName || m.Path != "/opt/haul/haul" || m.Type != "stdio" {
		t.Errorf("%s: %+v", st.Key, m)
	}
	if st.Family == Firefox {
		if len(m.AllowedExtensions) != 1 || m.AllowedExtensions[0] != GeckoID || m.AllowedOrigins != nil {
			t.Errorf("%s: allowed %+v", st.Key, m)
		}
	} else if len(m.AllowedOrigins) != 1 || m.AllowedOrigins[0] != "chrome-extension://"+ExtensionID+"/" || m.AllowedExtensions != nil {
		t.Errorf("%s: allowed %+v (the origin needs its trailing slash)", st.Key, m)
	}
}

// TestRegisterIdempotent: a second start rewrites nothing; a moved binary
// or a damaged manifest is rewritten.
func TestRegisterIdempotent(t *testing.T) {
	home := t.TempDir()
	env := Env{GOOS: "linux", Home: home}
	mkdirs(t, filepath.Join(home, ".config", "chromium"))
	r := Registrar{Env: env, Exe: "/usr/bin/haul"}
	st := r.Register(false)[0]
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(st.Manifest, old, old); err != nil {
		t.Fatal(err)
	}
	r.Register(false)
	if fi, _ := os.Stat(st.Manifest); !fi.ModTime().Equal(old) {
		t.Error("a second registration rewrote an unchanged manifest")
	}
	entries, _ := os.ReadDir(filepath.Dir(st.Manifest))
	if len(entries) != 1 {
		t.Errorf("host folder holds %d files, want 1", len(entries))
	}
	r.Exe = "/home/me/bin/haul"
	if r.Check()[0].Registered {
		t.Error("a manifest naming another binary counts as registered")
	}
	if !r.Register(false)[0].Registered {
		t.Error("the moved binary was not registered")
	}
	os.WriteFile(st.Manifest, []byte("{"), 0o644)
	if got := r.Register(false)[0]; !got.Registered {
		t.Errorf("a damaged manifest was not rewritten: %+v", got)
	}
	checkManifestPath(t, st.Manifest, "/home/me/bin/haul")
}

func checkManifestPath(t *testing.T, path, exe string) {
	t.Helper()
	var m Manifest
	raw, _ := os.ReadFile(path)
	if json.Unmarshal(raw, &m) != nil || m.Path != exe {
		t.Errorf("%s names %q, want %q", path, m.Path, exe)
	}
}

func TestRegisterRefusesRelativePath(t *testing.T) {
	home := t.TempDir()
	mkdirs(t, filepath.Join(home, ".config", "chromium"))
	st := Registrar{Env: Env{GOOS: "linux", Home: home}, Exe: "haul"}.Register(false)[0]
	if st.Err == nil || st.Registered {
		t.Errorf("a relative binary path was registered: %+v", st)
	}
}

func TestSandboxedBrowsersNamed(t *testing.T) {
	home := t.TempDir()
	mkdirs(t, filepath.Join(home, ".var", "app", "org.mozilla.firefox"), filepath.Join(home, "snap", "chromium"))
	for _, st := range (Registrar{Env: Env{GOOS: "linux", Home: home}, Exe: "/usr/bin/haul"}).Register(false) {
		sandboxed := st.Key == "firefox" || st.Key == "chromium"
		if (len(st.Sandboxed) > 0) != sandboxed || st.Registered {
			t.Errorf("%s: sandboxed %v registered %v", st.Key, st.Sandboxed, st.Registered)
		}
	}
}

func TestXDGConfigHome(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, "cfg")
	mkdirs(t, filepath.Join(cfg, "google-chrome"))
	for _, st := range (Registrar{Env: Env{GOOS: "linux", Home: home, ConfigHome: cfg}, Exe: "/usr/bin/haul"}).Register(false) {
		if st.Key == "chrome" && st.Manifest != filepath.Join(cfg, "google-chrome", "NativeMessagingHosts", HostName+".json") {
			t.Errorf("chrome manifest at %s", st.Manifest)
		}
		if st.Registered != (st.Key == "chrome") {
			t.Errorf("%s registered = %v", st.Key, st.Registered)
		}
	}
}
