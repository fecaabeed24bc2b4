package plumbing

import (
	"fmt"

	"haul/downloader"
	"haul/rpc"
)

// ServiceOptions are what a main sets on top of the stored RPCPrefs when
// it starts the loopback service. Zero values defer to the preferences.
type ServiceOptions struct {
	// Port overrides the stored port when > 0 (and turns the RPC on).
	Port int
	// Secret overrides the stored secret when non-empty; it is not saved,
	// and no secret is made then.
	Secret string
	// AlwaysRPC serves the RPC even when the preferences turn it off
	// (hauld exists for it).
	AlwaysRPC bool
	// ListenAll listens on every interface whatever the LAN preference.
	ListenAll bool
	// HandoffOnly serves only the single-instance hand-off, on a free
	// loopback port, whatever the preferences say.
	HandoffOnly bool
	// AllowedOrigins and AllowedHosts are added to the stored lists
	// (RPCPrefs.AllowedOrigins, AllowedHosts) for this run.
	AllowedOrigins, AllowedHosts []string
	// OnShow, OnShutdown and Logf go to rpc.Config as they are. (A
	// client's session change reaches a window as the engine's
	// EventSettings, not through the service.)
	OnShow     func()
	OnShutdown func(force bool)
	Logf       func(format string, args ...any)
}

// Service is a running loopback service.
type Service struct {
	*rpc.Server
	// Prefs are the preferences it started from (the secret filled in),
	// to tell later whether a settings change needs a restart.
	Prefs RPCPrefs
	// RPC is false when only the hand-off runs.
	RPC bool
	// Remote is true when it listens beyond loopback.
	Remote bool
	// NewSecret is true when this start made the secret and saved it in
	// the settings (haul.db, mode 0600): the caller may show it once.
	NewSecret bool
	// Rotated is true when the stored secret was replaced because it may
	// have leaked (rpc.SecretMayHaveLeaked): clients must be given the new
	// one, and the caller says so.
	Rotated bool
}

// StartService starts the aria2-compatible RPC (or, when it is off, the
// hand-off alone) on eng, writing dataDir/instance.json while it runs. A
// stored secret is used, else one is made and saved: every call needs a
// token, and a LAN listener an unguessable one. Errors wrap
// rpc.ErrPortInUse when the port is taken.
//
// eng is *downloader.Manager, or the remote queue the window shows
// (internal/remote), so links handed to this computer go there.
func StartService(eng rpc.Engine, dataDir string, o ServiceOptions) (*Service, error) {
	st := eng.Settings()
	prefs := RPCPrefsOf(st)
	svc := &Service{}
	// A stale instance file of the old hand-off, which sent the token to
	// whatever listened on its port, may have given the secret away.
	svc.Rotated = prefs.Secret != "" && o.Secret == "" && rpc.SecretMayHaveLeaked(dataDir, prefs.Secret)
	if (prefs.Secret == "" || svc.Rotated) && o.Secret == "" {
		prefs.Secret = rpc.NewSecret()
		prefs.Put(&st)
		// A failed save costs only a new secret at the next start.
		svc.NewSecret = eng.SetSettings(st) == nil
	}
	svc.Prefs = prefs
	secret := prefs.Secret
	if o.Secret != "" {
		secret = o.Secret
	}
	cfg := rpc.Config{
		Engine:         eng,
		Port:           prefs.Port,
		Secret:         secret,
		DataDir:        dataDir,
		Version:        downloader.Version,
		AllowedOrigins: append(prefs.AllowedOrigins(), o.AllowedOrigins...),
		AllowedHosts:   append(prefs.AllowedHosts(), o.AllowedHosts...),
		OnShow:         o.OnShow,
		OnShutdown:     o.OnShutdown,
		Logf:           o.Logf,
	}
	if o.Port > 0 {
		cfg.Port = o.Port
	}
	svc.RPC = !o.HandoffOnly && (prefs.Enabled || o.Port > 0 || o.AlwaysRPC)
	if !svc.RPC {
		cfg.Port, cfg.HandoffOnly = rpc.AnyPort, true
	}
	// The hand-off alone always stays on loopback; the secret is never
	// empty here, which listening beyond loopback requires.
	cfg.AllowRemote = svc.RPC && (prefs.LAN || o.ListenAll)
	srv, err := rpc.Start(cfg)
	if err != nil && svc.RPC {
		return nil, fmt.Errorf("start the RPC on port %d: %w", cfg.Port, err)
	}
	if err != nil {
		return nil, fmt.Errorf("start the single-instance service: %w", err)
	}
	svc.Server, svc.Remote = srv, cfg.AllowRemote
	return svc, nil
}
