package nmhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"haul/internal/atomicfile"
)

// Registry is the part of the Windows registry registration needs: the
// default value of a key under HKEY_CURRENT_USER. Other systems pass nil.
type Registry interface {
	// Default returns the key's default value; an error wrapping
	// fs.ErrNotExist when the key or value is missing.
	Default(key string) (string, error)
	// SetDefault creates the key if needed and sets its default value.
	SetDefault(key, value string) error
}

// Manifest is a native messaging host manifest; exactly one of
// AllowedOrigins (Chromium) and AllowedExtensions (Firefox) is set.
type Manifest struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

// ManifestFor is the manifest for a browser family with exe, the
// absolute path of the haul binary.
func ManifestFor(f Family, exe string) Manifest {
	m := Manifest{Name: HostName, Description: "Haul download manager", Path: exe, Type: "stdio"}
	if f == Firefox {
		m.AllowedExtensions = []string{GeckoID}
	} else {
		m.AllowedOrigins = []string{"chrome-extension://" + ExtensionID + "/"}
	}
	return m
}

// Status is one browser as registration found it.
type Status struct {
	Browser
	// Found says the browser's profile folder exists.
	Found bool
	// Registered says its manifest names this binary.
	Registered bool
	// Sandboxed lists Flatpak or Snap profiles of the browser found; such
	// a browser cannot start hosts on the host system.
	Sandboxed []string
	// Manifest is the manifest's path.
	Manifest string
	// Err is why registering failed.
	Err error
}

// Registrar writes and checks host manifests.
type Registrar struct {
	Env Env
	// Exe is the absolute path of the haul binary the manifests name.
	Exe string
	// Registry is HKCU on Windows; nil elsewhere.
	Registry Registry
}

// Register writes the manifest of every browser found (every one known,
// when all is true), rewriting only those that differ, and returns each
// browser's status. It is idempotent: a second call writes nothing.
func (r Registrar) Register(all bool) []Status {
	out := r.Check()
	for i := range out {
		st := &out[i]
		if st.Registered || (!st.Found && !all) {
			continue
		}
		st.Err = r.register(st.Browser)
		st.Registered = st.Err == nil
		if st.Registered {
			st.Found = true
		}
	}
	return out
}

// Check reports every known browser without writing anything.
func (r Registrar) Check() []Status {
	out := make([]Status, 0, len(Browsers))
	for _, b := range Browsers {
		st := Status{Browser: b, Manifest: b.ManifestPath(r.Env)}
		if _, err := os.Stat(b.configDir(r.Env)); err == nil {
			st.Found = true
		}
		for _, d := range b.sandboxDirs(r.Env) {
			if _, err := os.Stat(d); err == nil {
				st.Sandboxed = append(st.Sandboxed, d)
			}
		}
		st.Registered = r.registered(b)
		out = append(out, st)
	}
	return out
}

func (r Registrar) registered(b Browser) bool {
	want, _ := manifestBytes(ManifestFor(b.Family, r.Exe))
	have, err := os.ReadFile(b.ManifestPath(r.Env))
	if err != nil || !bytes.Equal(have, want) {
		return false
	}
	if r.Env.GOOS == "windows" {
		if r.Registry == nil {
			return false
		}
		v, err := r.Registry.Default(b.registryKey())
		return err == nil && v == b.ManifestPath(r.Env)
	}
	return true
}

func (r Registrar) register(b Browser) error {
	if !filepath.IsAbs(r.Exe) {
		return fmt.Errorf("register the host with %s: %q is not an absolute path", b.Name, r.Exe)
	}
	body, err := manifestBytes(ManifestFor(b.Family, r.Exe))
	if err != nil {
		return err
	}
	path := b.ManifestPath(r.Env)
	if err := writeFileAtomic(path, body); err != nil {
		return fmt.Errorf("register the host with %s: %w", b.Name, err)
	}
	if r.Env.GOOS == "windows" {
		if r.Registry == nil {
			return fmt.Errorf("register the host with %s: %w", b.Name, errors.ErrUnsupported)
		}
		if err := r.Registry.SetDefault(b.registryKey(), path); err != nil {
			return fmt.Errorf("register the host with %s: %w", b.Name, err)
		}
	}
	return nil
}

func manifestBytes(m Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode host manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// writeFileAtomic replaces path with body (mode 0644: browsers read it as
// the user) so a browser never reads half a manifest.
func writeFileAtomic(path string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, ".haul-*.json", 0o644, body)
}
