package downloader

import "net/http"

// siteLoginTransport adds a site's login (HTTP Basic, RFC 7617) to each
// request whose own host is one of the site's, and to no other. It sits
// below http.Client, so every hop of a redirect is judged by its own
// URL: a redirect to another host never carries the password, and the
// password is never part of a task's record.
type siteLoginTransport struct {
	base http.RoundTripper
	m    *Manager
}

func (t siteLoginTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" || t.m.logins == nil {
		return t.base.RoundTrip(req)
	}
	site, ok := siteForHost(t.m.settingsSnapshot().Sites, req.URL.Hostname())
	if !ok || site.User == "" {
		return t.base.RoundTrip(req)
	}
	password, err := t.m.logins.Password(site.Host, site.User)
	if err != nil {
		return t.base.RoundTrip(req)
	}
	// A RoundTripper must not change the caller's request.
	req = req.Clone(req.Context())
	req.SetBasicAuth(site.User, password)
	return t.base.RoundTrip(req)
}

func (t siteLoginTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
