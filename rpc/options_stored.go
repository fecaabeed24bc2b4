package rpc

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// aria2 answers getOption and getGlobalOption with every option that was
// set, applied or not. Haul stores what clients set, in memory for the
// life of the server (as aria2 keeps them without --save-session), and
// answers with it under the values Haul tracks itself. Options Haul does
// not carry out are logged as not applied, so a client's "OK" is never
// mistaken for an effect.

// appliedTaskOptions are the per-download options Haul carries out.
var appliedTaskOptions = setOf("dir", "out", "pause", "split", "max-connection-per-server",
	"max-download-limit", "checksum", "header", "referer", "user-agent",
	"all-proxy", "http-proxy", "https-proxy", "all-proxy-user", "all-proxy-passwd",
	"http-proxy-user", "http-proxy-passwd", "https-proxy-user", "https-proxy-passwd",
	"http-user", "http-passwd")

// appliedGlobalOptions are the global options Haul carries out (for this
// session: changeGlobalOption).
var appliedGlobalOptions = setOf("dir", "max-concurrent-downloads", "max-overall-download-limit",
	"split", "max-connection-per-server", "min-split-size", "user-agent",
	"all-proxy", "http-proxy", "https-proxy", "all-proxy-user", "all-proxy-passwd",
	"http-proxy-user", "http-proxy-passwd", "https-proxy-user", "https-proxy-passwd")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Bounds on what a client may park in memory.
const (
	maxStoredOptions  = 64      // per download, and global
	maxStoredValue    = 4 << 10 // bytes per value
	maxStoredTasks    = 10000   // downloads with stored options
	globalOptionsSlot = ""      // the key of the global options
)

// neverReadBack are options whose values are secrets or carried in the
// task's headers: they are applied but never answered. Cookies and
// credentials set by one client must not be handed to another (a POST
// client has no identity beyond the token, so "only to the client that
// set them" cannot be told apart from "to every token holder").
func neverReadBack(name string) bool {
	return strings.Contains(name, "passwd") || strings.Contains(name, "secret") ||
		name == "header" || name == "load-cookies"
}

// storedOptions holds what clients set, per GID and global.
type storedOptions struct {
	mu    sync.Mutex
	byKey map[string]map[string]string
	order []string // GIDs, oldest first, for the cap
}

func newStoredOptions() *storedOptions {
	return &storedOptions{byKey: map[string]map[string]string{}}
}

// remember stores opts for gid ("" for global) and returns the names of
// those Haul does not apply (sorted), for the log.
func (st *storedOptions) remember(gid string, opts map[string][]string, applied map[string]bool) (ignored []string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.byKey[gid]
	if !ok {
		m = map[string]string{}
		st.byKey[gid] = m
		if gid != globalOptionsSlot {
			st.order = append(st.order, gid)
			if len(st.order) > maxStoredTasks {
				delete(st.byKey, st.order[0])
				st.order = st.order[1:]
			}
		}
	}
	for name, v := range opts {
		if !applied[name] {
			ignored = append(ignored, name)
		}
		if neverReadBack(name) {
			continue
		}
		val := strings.Join(v, "\n")
		if len(val) > maxStoredValue {
			val = val[:maxStoredValue]
		}
		if _, had := m[name]; !had && len(m) >= maxStoredOptions {
			continue
		}
		m[name] = val
	}
	slices.Sort(ignored)
	return ignored
}

// get returns a copy of what was stored for gid.
func (st *storedOptions) get(gid string) map[string]string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return maps.Clone(st.byKey[gid])
}

// merged is stored options overlaid with the values Haul tracks.
func merged(stored, tracked map[string]string) map[string]string {
	out := maps.Clone(stored)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, tracked)
	return out
}

// logIgnored says which options a client set that Haul does not apply.
func (s *Server) logIgnored(where string, names []string) {
	for _, n := range names {
		switch n {
		case "check-certificate":
			s.logf("rpc: %s: option check-certificate is stored but not applied: Haul always verifies TLS certificates", where)
		default:
			s.logf("rpc: %s: option %s is stored but not applied by Haul", where, truncate(n, 60))
		}
	}
}
