package rpc

import (
	"net"
	"net/url"
	"strings"
)

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

// configuredOrigin reports whether origin is one of Config.AllowedOrigins.
func (s *Server) configuredOrigin(origin string) bool {
	o := normalOrigin(origin)
	for _, a := range s.cfg.AllowedOrigins {
		if a = normalOrigin(a); a == o || a == "*" {
			return true
		}
	}
	return false
}
