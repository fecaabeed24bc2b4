package main

import (
	"errors"
	"log"

	"haul/internal/plumbing"
	"haul/rpc"
)

// serviceFlags are the command-line overrides of the RPC preferences.
type serviceFlags struct {
	port   int
	secret string
	// origins and hosts add to the allowed lists in settings (rpcflags.go).
	origins, hosts []string
}

// serviceNotice is what the window tells the user about starting the
// service, as facts; servicenotice_main.go words them in the window's
// language. The zero value says nothing.
type serviceNotice struct {
	portInUse int   // another program holds the RPC's port; the hand-off runs alone
	failed    error // not even the hand-off could start
	rotated   bool  // a new RPC secret was made (plumbing.Service.Rotated)
}

// startService runs the loopback service: the aria2-compatible RPC when it
// is on, else only the single-instance hand-off on a free port. A taken
// port is not fatal: the hand-off still runs and the notice says what
// happened, for the window to show. (A connected app's settings change
// reaches the window as the engine's EventSettings.)
func startService(eng engine, dataDir string, fl serviceFlags, onShow, onQuit func()) (stop func(), notice serviceNotice) {
	o := plumbing.ServiceOptions{
		Port:           fl.port,
		Secret:         fl.secret,
		AllowedOrigins: fl.origins,
		AllowedHosts:   fl.hosts,
		OnShow:         onShow,
		OnShutdown:     func(bool) { onQuit() },
		// Refused requests and options a client set that Haul does not
		// apply, for whoever reads Haul's standard error.
		Logf: log.Printf,
	}
	svc, err := plumbing.StartService(eng, dataDir, o)
	if inUse := (*rpc.PortInUseError)(nil); errors.As(err, &inUse) {
		notice.portInUse = inUse.Port
		o.HandoffOnly = true
		svc, err = plumbing.StartService(eng, dataDir, o)
	}
	if err != nil {
		return func() {}, serviceNotice{failed: err}
	}
	notice.rotated = svc.Rotated
	return func() { svc.Close() }, notice
}
