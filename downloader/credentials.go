package downloader

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Credentials the user supplies (the Authorization header, URL userinfo)
// go only to the origin they were given for (RFC 6454: scheme, host,
// port); the user's Cookie header is handed to the task's cookie jar,
// whose domain rules decide (RFC 6265). Every other header (Referer,
// User-Agent, custom ones) goes to every request of the task.

// credentialHeaders are the request headers that carry the user's
// credentials. Cookie is listed so that no Cookie header the user set
// slips past the jar.
var credentialHeaders = []string{"Authorization", "Cookie"}

// origin is scheme://host:port of u, lower-cased, with the default port
// filled in, so http://H and http://h:80 are the same origin.
func origin(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + host + ":" + port
}

// credentials are the user's credentials of one task and their origin.
type credentials struct {
	origin string
	user   *url.Userinfo // from the task's URL, nil when none
	auth   []string      // the user's Authorization values
}

type credentialsKey struct{}

// withCredentials carries the task's credentials to newRequest and the
// redirect policy through the request's context.
func withCredentials(ctx context.Context, c *credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// newCredentials splits the user's credentials off hdr (which keeps the
// headers that go everywhere) for the task URL rawURL.
func newCredentials(rawURL string, hdr http.Header) *credentials {
	c := &credentials{}
	if u, err := url.Parse(rawURL); err == nil {
		c.origin, c.user = origin(u), u.User
	}
	c.auth = hdr.Values("Authorization")
	for _, k := range credentialHeaders {
		hdr.Del(k)
	}
	return c
}

// stripForeignCredentials applies the rule to req, built from the task's
// headers or copied by a redirect: credentials stay only on requests to
// their origin, and userinfo is put back on same-origin redirect targets
// (net/http drops it when Location has none).
func stripForeignCredentials(req *http.Request) {
	c, _ := req.Context().Value(credentialsKey{}).(*credentials)
	if c == nil {
		return
	}
	for _, k := range credentialHeaders {
		req.Header.Del(k)
	}
	if origin(req.URL) != c.origin {
		req.URL.User = nil
		return
	}
	for _, v := range c.auth {
		req.Header.Add("Authorization", v)
	}
	if req.URL.User == nil {
		req.URL.User = c.user
	}
}

// withoutUserinfo is raw without its user:password@ part, to compare
// links whatever credentials they carry.
func withoutUserinfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// secretHeaders carry a user's session or credentials (RFC 6265 §5.4,
// RFC 9110 §11.6.2 and §11.7.2).
var secretHeaders = []string{"Cookie", "Authorization", "Proxy-Authorization"}

// SecretHeader reports whether the request header name (any case)
// carries a user's session or credentials: Cookie, Authorization or
// Proxy-Authorization. Such headers are never shown, exported or sent to
// another host.
func SecretHeader(name string) bool {
	return slices.Contains(secretHeaders, http.CanonicalHeaderKey(name))
}

// withoutSecrets is h without the headers that carry a user's session or
// credentials (SecretHeader), as a copy; nil when nothing is left.
func withoutSecrets(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range secretHeaders {
		out.Del(k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
