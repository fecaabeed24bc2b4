package rpc

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Errors of ParseAllowedOrigin and ParseAllowedHost.
var (
	ErrBadOrigin = errors.New("an origin looks like https://ariang.example or http://nas.local:8080, or null for a page opened from a file")
	ErrBadHost   = errors.New("a host name looks like nas.local, without http:// or a port")
)

// ParseAllowedOrigin checks a web page origin for Config.AllowedOrigins
// (a setting, or --rpc-allow-origin): "null", or http(s)://host[:port]
// with nothing after it (RFC 6454 §6.1). It returns it as browsers send it.
func ParseAllowedOrigin(o string) (string, error) {
	o = strings.TrimSpace(o)
	if o == "null" {
		return o, nil
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q: %w", o, ErrBadOrigin)
	}
	return normalOrigin(o), nil
}

// ParseAllowedHost checks a host name for Config.AllowedHosts (a setting,
// or --rpc-allow-host): a name, not an address (addresses follow the LAN
// option), without scheme or port. It returns it in lower case.
func ParseAllowedHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.TrimSpace(h), ".")
	if h == "" || strings.ContainsAny(h, "/:@ []") || net.ParseIP(h) != nil {
		return "", fmt.Errorf("%q: %w", h, ErrBadHost)
	}
	return strings.ToLower(h), nil
}

// normalOrigin is an origin in the form browsers send it, for comparing
// a configured one with a request's: scheme and host lower case, no
// default port, no trailing slash. "null" (a page opened from a file, a
// sandboxed frame) stays "null"; what is not an origin is returned as is.
func normalOrigin(o string) string {
	o = strings.TrimSuffix(strings.TrimSpace(o), "/")
	if o == "null" || o == "*" {
		return o
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return o
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host
}

// parseAll is each entry of list through parse, as a new slice.
func parseAll(list []string, parse func(string) (string, error)) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, v := range list {
		p, err := parse(v)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// configuredOrigin reports whether origin is one of Config.AllowedOrigins
// (normalised by newServer).
func (s *Server) configuredOrigin(origin string) bool {
	return slices.Contains(s.cfg.AllowedOrigins, normalOrigin(origin))
}

// hostAllowed is the DNS-rebinding defence: the Host a browser sends is the
// name it resolved, so only loopback names and addresses (and, for a LAN
// listener, IP addresses) are served.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" {
		return false
	}
	if isLocalhostName(host) {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || s.cfg.AllowRemote
	}
	for _, a := range s.cfg.AllowedHosts {
		if strings.EqualFold(a, host) {
			return true
		}
	}
	return false
}

// originAllowed admits browser extensions, local pages and the configured
// origins; other web pages may not drive the server even with the token.
func (s *Server) originAllowed(origin string) bool {
	if s.configuredOrigin(origin) {
		return true
	}
	if origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "chrome-extension", "moz-extension", "safari-web-extension", "ms-browser-extension", "extension":
		return true
	case "http", "https":
		host := u.Hostname()
		if isLocalhostName(strings.TrimSuffix(host, ".")) {
			return true
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return true
		}
	}
	return false
}

// isLocalhostName reports whether host (without a trailing dot) is
// localhost or a name under it, which resolve to loopback only (RFC 6761
// §6.3).
func isLocalhostName(host string) bool {
	lower := strings.ToLower(host)
	return lower == "localhost" || strings.HasSuffix(lower, ".localhost")
}
