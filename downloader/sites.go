package downloader

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Per-site settings: what a site needs remembered (fewer connections, a
// Referer, a login), keyed by host. They fill a task's options when it is
// added or its link changes; the login is looked up at each request and
// sent only to that site's hosts (see siteLoginTransport).

// Site is the settings of one site.
type Site struct {
	// Host is "example.com" (that host only) or "*.example.com" (the
	// domain and every subdomain); lower case, no port.
	Host string `json:"host"`
	// Connections per task from this site; 0 = the general setting.
	Connections int `json:"connections,omitempty"`
	// PerHost caps the connections to each of the site's hosts across
	// all tasks; 0 = the general setting.
	PerHost int `json:"perHost,omitempty"`
	// SpeedLimit per task in bytes/s; 0 = none.
	SpeedLimit int64  `json:"speedLimit,omitempty"`
	UserAgent  string `json:"userAgent,omitempty"`
	Referer    string `json:"referer,omitempty"`
	// Headers are extra request headers (never Cookie or Authorization:
	// those are per task, or the login below).
	Headers http.Header `json:"headers,omitempty"`
	// User is the login name; its password lives in the OS keyring
	// (downloader/logins), never in the store.
	User string `json:"user,omitempty"`
}

// Logins looks up the password of a site's login. downloader/logins
// implements it on the OS keyring.
type Logins interface {
	// Password returns the password of user at site (Site.Host), or an
	// error when none is known.
	Password(site, user string) (string, error)
}

// NormalizeSiteHost cleans a host pattern as typed: scheme, path and port
// are dropped and it is lower-cased. It returns an error wrapping
// ErrBadSettings for an empty or malformed pattern.
func NormalizeSiteHost(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	s = strings.Trim(s, "[]")
	rest := strings.TrimPrefix(s, "*.")
	if rest == "" || strings.ContainsAny(rest, "* \t@") || strings.HasPrefix(rest, ".") || strings.HasSuffix(rest, ".") {
		return "", fmt.Errorf("site %q is not a host like example.com or *.example.com: %w", s, ErrBadSettings)
	}
	return s, nil
}

// matches tells whether pattern (a normalized Site.Host) covers host.
func siteMatches(pattern, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		return host == rest || strings.HasSuffix(host, "."+rest)
	}
	return host == pattern
}

// SiteFor returns the site whose pattern covers the host of rawURL, the
// most specific one (an exact host over a wildcard, a longer wildcard
// over a shorter).
func SiteFor(sites []Site, rawURL string) (Site, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Site{}, false
	}
	return siteForHost(sites, u.Hostname())
}

func siteForHost(sites []Site, host string) (Site, bool) {
	best, bestScore := Site{}, -1
	for _, s := range sites {
		if !siteMatches(s.Host, host) {
			continue
		}
		score := len(s.Host)
		if !strings.HasPrefix(s.Host, "*.") {
			score += 1 << 16 // exact beats any wildcard
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	return best, bestScore >= 0
}

// ApplySite fills what o leaves unset from the site of rawURL:
// connections, speed limit, User-Agent, Referer and extra headers. What
// the task set itself always wins. The result shares no map with o.
func ApplySite(sites []Site, rawURL string, o Options) Options {
	o = cloneOptions(o)
	s, ok := SiteFor(sites, rawURL)
	if !ok {
		return o
	}
	if o.Connections == 0 {
		o.Connections = s.Connections
	}
	if o.SpeedLimit == 0 {
		o.SpeedLimit = s.SpeedLimit
	}
	set := func(name, value string) {
		if value == "" || o.Headers.Get(name) != "" {
			return
		}
		if o.Headers == nil {
			o.Headers = http.Header{}
		}
		o.Headers.Set(name, value)
	}
	set("User-Agent", s.UserAgent)
	set("Referer", s.Referer)
	for name, values := range s.Headers {
		if len(values) > 0 {
			set(name, values[0])
		}
	}
	return o
}

// validateSites checks each site's pattern and numbers.
func validateSites(sites []Site) error {
	seen := map[string]bool{}
	for _, s := range sites {
		h, err := NormalizeSiteHost(s.Host)
		if err != nil {
			return err
		}
		switch {
		case h != s.Host:
			return fmt.Errorf("site %q is not normalized (%q): %w", s.Host, h, ErrBadSettings)
		case seen[h]:
			return fmt.Errorf("site %s is listed twice: %w", h, ErrBadSettings)
		case s.Connections < 0 || s.Connections > MaxConnections:
			return fmt.Errorf("%s: connections must be between 1 and %d: %w", h, MaxConnections, ErrBadSettings)
		case s.PerHost < 0 || s.PerHost > 256:
			return fmt.Errorf("%s: connections per server must be between 1 and 256: %w", h, ErrBadSettings)
		case s.SpeedLimit < 0:
			return fmt.Errorf("%s: speed limit must not be negative: %w", h, ErrBadSettings)
		}
		for name := range s.Headers {
			if c := http.CanonicalHeaderKey(name); c == "Cookie" || c == "Authorization" {
				return fmt.Errorf("%s: %s is not a site header (use the login or a task's cookie): %w", h, c, ErrBadSettings)
			}
		}
		seen[h] = true
	}
	return nil
}

// sitePerHost is the site's cap for host ("host:port"), 0 when none.
func (m *Manager) sitePerHost(host string) int {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	s, _ := siteForHost(m.settingsSnapshot().Sites, host)
	return s.PerHost
}

func cloneSites(sites []Site) []Site {
	if sites == nil {
		return nil
	}
	out := make([]Site, len(sites))
	for i, s := range sites {
		s.Headers = s.Headers.Clone()
		out[i] = s
	}
	return out
}
