package nmhost

import "path/filepath"

// HostName is the native messaging host's name, as the extension calls
// runtime.connectNative / sendNativeMessage with it.
const HostName = "app.haul.host"

// ExtensionID is the Chromium ID of browser/extension: the first 32 hex
// digits of the SHA-256 of the manifest's "key" (a DER public key), with
// 0–f written as a–p. The manifest key fixes it for unpacked installs.
const ExtensionID = "omflgbnanfgpmnaoddcaegdeedgpnlgn"

// GeckoID is the extension's id in Firefox (browser_specific_settings.gecko.id).
const GeckoID = "haul@haul.app"

// Family is how a browser finds hosts and names extensions.
type Family int

const (
	// Chromium-family browsers read allowed_origins (chrome-extension://ID/).
	Chromium Family = iota
	// Firefox-family browsers read allowed_extensions (gecko ids).
	Firefox
)

// Browser is one browser Haul registers its host with.
type Browser struct {
	// Key is a stable identifier ("chromium", "chrome", …).
	Key string
	// Name is the browser's product name, shown as is in every language.
	Name   string
	Family Family
	// exe holds base names of the browser's main executable, to tell which
	// browser started the host (lower case, without .exe).
	exe []string
	// linux, darwin: the config folder (relative to XDG_CONFIG_HOME on
	// Linux, to ~/Library/Application Support on macOS, or to HOME when
	// it starts with "."); the host folder is inside it.
	linux, darwin string
	// windows: the registry path under HKCU\Software, and the folder under
	// %LOCALAPPDATA% or %APPDATA% whose presence says the browser is used.
	winKey, winData string
	// flatpak and snap app ids: a sandboxed install cannot start a host.
	flatpak, snap string
}

// Browsers lists every browser Haul knows, Chromium family first.
var Browsers = []Browser{
	{Key: "chromium", Name: "Chromium", Family: Chromium, exe: []string{"chromium", "chromium-browser"},
		linux: "chromium", darwin: "Chromium", winKey: `Chromium`, winData: `Chromium\User Data`,
		flatpak: "org.chromium.Chromium", snap: "chromium"},
	{Key: "chrome", Name: "Google Chrome", Family: Chromium, exe: []string{"chrome", "google-chrome"},
		linux: "google-chrome", darwin: "Google/Chrome", winKey: `Google\Chrome`, winData: `Google\Chrome\User Data`,
		flatpak: "com.google.Chrome"},
	{Key: "brave", Name: "Brave", Family: Chromium, exe: []string{"brave", "brave-browser"},
		linux: "BraveSoftware/Brave-Browser", darwin: "BraveSoftware/Brave-Browser", winKey: `BraveSoftware\Brave-Browser`, winData: `BraveSoftware\Brave-Browser\User Data`,
		flatpak: "com.brave.Browser", snap: "brave"},
	{Key: "edge", Name: "Microsoft Edge", Family: Chromium, exe: []string{"msedge", "microsoft-edge"},
		linux: "microsoft-edge", darwin: "Microsoft Edge", winKey: `Microsoft\Edge`, winData: `Microsoft\Edge\User Data`,
		flatpak: "com.microsoft.Edge"},
	{Key: "vivaldi", Name: "Vivaldi", Family: Chromium, exe: []string{"vivaldi", "vivaldi-bin"},
		linux: "vivaldi", darwin: "Vivaldi", winKey: `Vivaldi`, winData: `Vivaldi\User Data`,
		flatpak: "com.vivaldi.Vivaldi"},
	{Key: "firefox", Name: "Firefox", Family: Firefox, exe: []string{"firefox", "firefox-esr", "firefox-bin"},
		linux: ".mozilla", darwin: "Mozilla", winKey: `Mozilla`, winData: `Mozilla\Firefox`,
		flatpak: "org.mozilla.firefox", snap: "firefox"},
	{Key: "librewolf", Name: "LibreWolf", Family: Firefox, exe: []string{"librewolf", "librewolf-bin"},
		linux: ".librewolf", darwin: "LibreWolf", winKey: `LibreWolf`, winData: `LibreWolf`,
		flatpak: "io.gitlab.librewolf-community"},
}

// Env is where the current user's folders are; tests point it at a
// temporary HOME.
type Env struct {
	GOOS string
	Home string
	// ConfigHome is $XDG_CONFIG_HOME (Linux); "" means Home/.config.
	ConfigHome string
	// AppData and LocalAppData are %APPDATA% and %LOCALAPPDATA% (Windows).
	AppData, LocalAppData string
	// DataDir is Haul's data folder: on Windows the manifests live there
	// and the registry points at them.
	DataDir string
}

// configDir is the folder whose existence says the browser is used on
// Linux or macOS, and hostDir the folder it reads host manifests from.
func (b Browser) configDir(e Env) string {
	switch e.GOOS {
	case "darwin":
		return filepath.Join(e.Home, "Library", "Application Support", filepath.FromSlash(b.darwin))
	case "windows":
		if b.Family == Firefox {
			return filepath.Join(e.AppData, b.winData)
		}
		return filepath.Join(e.LocalAppData, b.winData)
	}
	if b.linux[0] == '.' {
		return filepath.Join(e.Home, b.linux)
	}
	base := e.ConfigHome
	if base == "" {
		base = filepath.Join(e.Home, ".config")
	}
	return filepath.Join(base, filepath.FromSlash(b.linux))
}

// hostDir is where the browser reads host manifests (Linux, macOS). On
// Windows it is the folder in Haul's data folder the registry points to.
func (b Browser) hostDir(e Env) string {
	switch {
	case e.GOOS == "windows":
		return filepath.Join(e.DataDir, "native-messaging", b.Key)
	case b.Family == Firefox && e.GOOS == "darwin":
		return filepath.Join(b.configDir(e), "NativeMessagingHosts")
	case b.Family == Firefox:
		return filepath.Join(b.configDir(e), "native-messaging-hosts")
	}
	return filepath.Join(b.configDir(e), "NativeMessagingHosts")
}

// ManifestPath is the host manifest's path for b.
func (b Browser) ManifestPath(e Env) string {
	return filepath.Join(b.hostDir(e), HostName+".json")
}

// registryKey is b's host key under HKEY_CURRENT_USER.
func (b Browser) registryKey() string {
	return `Software\` + b.winKey + `\NativeMessagingHosts\` + HostName
}

// sandboxDirs are where a Flatpak or Snap install of b keeps its profile.
func (b Browser) sandboxDirs(e Env) []string {
	var dirs []string
	if e.GOOS != "linux" {
		return nil
	}
	if b.flatpak != "" {
		dirs = append(dirs, filepath.Join(e.Home, ".var", "app", b.flatpak))
	}
	if b.snap != "" {
		dirs = append(dirs, filepath.Join(e.Home, "snap", b.snap))
	}
	return dirs
}
