package plumbing

import (
	"strconv"
	"strings"

	"haul/downloader"
	"haul/rpc"
)

// Keys of Settings.UI that hold the RPC preferences; gui's UIKeyRPC*
// constants name the same keys. The values are strings because Settings.UI
// is the engine's opaque front-end map; RPCPrefs reads them typed.
const (
	KeyRPC       = "rpc"       // "on"/"off": the aria2-compatible RPC; default on
	KeyRPCPort   = "rpcPort"   // decimal TCP port; default rpc.DefaultPort
	KeyRPCSecret = "rpcSecret" // the token, made on first start
	KeyRPCLAN    = "rpcLAN"    // "on"/"off": every interface, not only loopback; default off
	// KeyRPCOrigins: web page origins allowed besides local pages and
	// browser extensions ("https://ariang.example", "null"), one a line.
	KeyRPCOrigins = "rpcAllowedOrigins"
	// KeyRPCHosts: host names the RPC may be reached by besides loopback
	// (a NAS's name), one a line.
	KeyRPCHosts = "rpcAllowedHosts"
)

// RPCPrefs are the stored preferences of the aria2-compatible RPC.
type RPCPrefs struct {
	// Enabled serves the RPC; off leaves only the single-instance
	// hand-off on a free loopback port. Default true.
	Enabled bool
	// Port is the TCP port, 1–65535; rpc.DefaultPort when unset or bad.
	Port int
	// Secret is the token callers pass as "token:SECRET"; "" until the
	// first start makes one.
	Secret string
	// LAN listens on every interface instead of loopback. Default false.
	LAN bool
	// Origins and Hosts are the stored lists of allowed web interface
	// origins and host names, one entry a line (see AllowedOrigins and
	// AllowedHosts); kept as text so RPCPrefs stays comparable.
	Origins, Hosts string
}

// AllowedOrigins is the list of allowed web interface origins.
func (p RPCPrefs) AllowedOrigins() []string { return lines(p.Origins) }

// AllowedHosts is the list of allowed host names.
func (p RPCPrefs) AllowedHosts() []string { return lines(p.Hosts) }

func lines(v string) []string {
	var out []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// RPCPrefsOf reads the RPC preferences from s, with their defaults.
func RPCPrefsOf(s downloader.Settings) RPCPrefs {
	p := RPCPrefs{
		Enabled: s.UI[KeyRPC] != "off",
		Port:    rpc.DefaultPort,
		Secret:  s.UI[KeyRPCSecret],
		LAN:     s.UI[KeyRPCLAN] == "on",
		Origins: s.UI[KeyRPCOrigins],
		Hosts:   s.UI[KeyRPCHosts],
	}
	if n, err := strconv.Atoi(s.UI[KeyRPCPort]); err == nil && n > 0 && n < 65536 {
		p.Port = n
	}
	return p
}

// Put writes p into s.UI (allocating it when nil).
func (p RPCPrefs) Put(s *downloader.Settings) {
	if s.UI == nil {
		s.UI = map[string]string{}
	}
	s.UI[KeyRPC] = onOff(p.Enabled)
	s.UI[KeyRPCPort] = strconv.Itoa(p.Port)
	s.UI[KeyRPCSecret] = p.Secret
	s.UI[KeyRPCLAN] = onOff(p.LAN)
	s.UI[KeyRPCOrigins] = p.Origins
	s.UI[KeyRPCHosts] = p.Hosts
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
