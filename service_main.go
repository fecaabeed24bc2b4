package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"haul/downloader"
	"haul/gui"
	"haul/rpc"
)

// serviceFlags are the command-line overrides of the RPC preferences.
type serviceFlags struct {
	port   int
	secret string
}

// rpcSettings is what the service was started with, to tell whether a
// settings change needs a restart.
func rpcSettings(s downloader.Settings) [4]string {
	return [4]string{s.UI[gui.UIKeyRPC], s.UI[gui.UIKeyRPCPort], s.UI[gui.UIKeyRPCSecret], s.UI[gui.UIKeyRPCLAN]}
}

// startService runs the loopback service: the aria2-compatible RPC when it
// is on, else only the single-instance hand-off on a free port. A taken
// port is not fatal: the hand-off still runs and warning says what
// happened, for the window to show.
func startService(m *downloader.Manager, dataDir string, fl serviceFlags, onShow, onQuit func()) (stop func(), warning string) {
	st := m.Settings()
	secret := fl.secret
	if secret == "" {
		secret = st.UI[gui.UIKeyRPCSecret]
	}
	rotated := secret != "" && fl.secret == "" && rpc.SecretMayHaveLeaked(dataDir, secret)
	if secret == "" || rotated {
		secret = rpc.NewSecret()
		if st.UI == nil {
			st.UI = map[string]string{}
		}
		st.UI[gui.UIKeyRPCSecret] = secret
		_ = m.SetSettings(st) // a new secret next time is the only cost
	}
	port := rpc.DefaultPort
	if p, err := strconv.Atoi(st.UI[gui.UIKeyRPCPort]); err == nil && p > 0 && p < 65536 {
		port = p
	}
	if fl.port > 0 {
		port = fl.port
	}
	cfg := rpc.Config{
		Engine:     m,
		Port:       port,
		Secret:     secret,
		DataDir:    dataDir,
		Version:    downloader.Version,
		OnShow:     onShow,
		OnShutdown: func(bool) { onQuit() },
	}
	if st.UI[gui.UIKeyRPC] == "off" && fl.port == 0 {
		cfg.Port, cfg.HandoffOnly = rpc.AnyPort, true
	}
	// The hand-off alone always stays on loopback; the secret is never
	// empty here, which listening on the LAN requires.
	cfg.AllowRemote = !cfg.HandoffOnly && st.UI[gui.UIKeyRPCLAN] == "on"
	srv, err := rpc.Start(cfg)
	if errors.Is(err, rpc.ErrPortInUse) {
		warning = fmt.Sprintf("The aria2-compatible RPC could not start: %v. Browser extensions cannot reach Haul until you choose another port in Settings.", err)
		cfg.Port, cfg.HandoffOnly, cfg.AllowRemote = rpc.AnyPort, true, false
		srv, err = rpc.Start(cfg)
	}
	if err != nil {
		return func() {}, fmt.Sprintf("Haul could not start its local service (%v); opening links from other programs will not reach this window.", err)
	}
	if rotated {
		warning = strings.TrimSpace(warning + "\n\nHaul made a new RPC secret: the old one may have reached another program after Haul last stopped unexpectedly. Enter the new secret (Settings) in the browser extension.")
	}
	return func() { srv.Close() }, warning
}
