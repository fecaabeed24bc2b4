package downloader

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

const maxRedirects = 10

// defaultDial makes Haul's TCP connections when the Config names no
// dialer: 15 s to connect, TCP keep-alive every 30 s.
var defaultDial dialer = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext

// newTransport builds the segment transport: HTTP/1.1 only, because every
// range must travel on its own TCP connection (HTTP/2 would multiplex them
// onto one and lose the speed-up), with an idle pool big enough for every
// connection to keep its socket between ranges. dial makes its TCP
// connections (nil: defaultDial).
func newTransport(proxy func(*http.Request) (*url.URL, error), dial dialer) *http.Transport {
	if dial == nil {
		dial = defaultDial
	}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dial,
		ForceAttemptHTTP2:     false,
		TLSNextProto:          map[string]func(string, *tlsConn) http.RoundTripper{},
		MaxIdleConns:          4 * MaxConnections,
		MaxIdleConnsPerHost:   MaxConnections,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
		// We ask for identity ourselves: byte ranges must mean file bytes.
		DisableCompression: true,
		ReadBufferSize:     64 << 10,
	}
}

// proxyFor is the proxy policy: the task's Options.Proxy (carried in the
// request's context), else the Settings.Proxy URL when set (http, https or
// socks5, credentials in the URL), else HTTP(S)_PROXY/NO_PROXY from the
// environment. It reads the settings on every connection, so a change
// applies to the next one.
func (m *Manager) proxyFor(req *http.Request) (*url.URL, error) {
	if p := taskProxy(req.Context()); p != "" {
		return url.Parse(p)
	}
	if p := m.settingsSnapshot().Proxy; p != "" {
		return url.Parse(p)
	}
	return http.ProxyFromEnvironment(req)
}

// ParseProxy validates a proxy setting: "" (none), or an http, https or
// socks5 URL with a host, like socks5://user:pass@127.0.0.1:1080.
func ParseProxy(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("proxy %q: %w", raw, ErrBadProxy)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
		return nil
	}
	return fmt.Errorf("proxy %q: %w", raw, ErrBadProxy)
}

// newClient wraps rt with Haul's redirect policy: at most maxRedirects
// hops, and only to http or https.
func newClient(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// via holds every request so far: the first plus one per hop
			// already followed, so this is hop len(via).
			if len(via) > maxRedirects {
				return fmt.Errorf("after %d redirects: %w", len(via), ErrTooManyRedirect)
			}
			if err := checkScheme(req.URL); err != nil {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
			}
			stripForeignCredentials(req)
			return nil
		},
	}
}
