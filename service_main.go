package main

import (
	"errors"
	"fmt"
	"log"
	"strings"

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

// startService runs the loopback service: the aria2-compatible RPC when it
// is on, else only the single-instance hand-off on a free port. A taken
// port is not fatal: the hand-off still runs and warning says what
// happened, for the window to show. (A connected app's settings change
// reaches the window as the engine's EventSettings.)
func startService(eng engine, dataDir string, fl serviceFlags, onShow, onQuit func()) (stop func(), warning string) {
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
	if errors.Is(err, rpc.ErrPortInUse) {
		warning = fmt.Sprintf("The aria2-compatible RPC could not start: %v. Browser extensions cannot reach Haul until you choose another port in Settings.", err)
		o.HandoffOnly = true
		svc, err = plumbing.StartService(eng, dataDir, o)
	}
	if err != nil {
		return func() {}, fmt.Sprintf("Haul could not start its local service (%v); opening links from other programs will not reach this window.", err)
	}
	if svc.Rotated {
		warning = strings.TrimSpace(warning + "\n\nHaul made a new RPC secret: the old one may have reached another program after Haul last stopped unexpectedly. Enter the new secret (Settings) in the browser extension.")
	}
	return func() { svc.Close() }, warning
}
