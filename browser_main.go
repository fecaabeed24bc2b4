package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"haul/gui"
	"haul/nmhost"
)

// browserHosts registers Haul's native messaging host with the browsers
// on this computer and reports them to Settings → Browser.
type browserHosts struct {
	reg     nmhost.Registrar
	dataDir string
}

// newBrowserHosts describes the running binary on this user's folders.
// ok is false when the binary's path is not one to register: a `go run`
// build in a temporary folder would leave manifests pointing at nothing.
func newBrowserHosts(dataDir string) (h *browserHosts, ok bool) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	home, herr := os.UserHomeDir()
	if err != nil || herr != nil || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return nil, false
	}
	env := nmhost.Env{
		GOOS: runtime.GOOS, Home: home, ConfigHome: os.Getenv("XDG_CONFIG_HOME"),
		AppData: os.Getenv("APPDATA"), LocalAppData: os.Getenv("LOCALAPPDATA"), DataDir: dataDir,
	}
	return &browserHosts{reg: nmhost.Registrar{Env: env, Exe: exe, Registry: nmhost.SystemRegistry()}, dataDir: dataDir}, true
}

// Browsers implements gui.BrowserHosts.
func (h *browserHosts) Browsers() []gui.BrowserHost { return h.show(h.reg.Check()) }

// SetUp implements gui.BrowserHosts.
func (h *browserHosts) SetUp() []gui.BrowserHost { return h.show(h.reg.Register(false)) }

// Test implements gui.BrowserHosts.
func (h *browserHosts) Test(ctx context.Context, key string) error {
	for _, b := range nmhost.Browsers {
		if b.Key == key {
			_, err := nmhost.Probe(ctx, h.reg.Env, b)
			return err
		}
	}
	return fmt.Errorf("no browser %q", key)
}

// show keeps the browsers found (installed, registered or sandboxed).
func (h *browserHosts) show(list []nmhost.Status) []gui.BrowserHost {
	seen := nmhost.LastSeen(h.dataDir)
	var out []gui.BrowserHost
	for _, st := range list {
		if !st.Found && !st.Registered && len(st.Sandboxed) == 0 {
			continue
		}
		b := gui.BrowserHost{Key: st.Key, Name: st.Name, Registered: st.Registered,
			Sandboxed: len(st.Sandboxed) > 0, LastSeen: seen[st.Key]}
		if st.Err != nil {
			b.Problem = st.Err.Error()
		}
		out = append(out, b)
	}
	return out
}
