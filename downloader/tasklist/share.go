package tasklist

import (
	"net/http"
	"net/url"
	"slices"

	"haul/downloader"
)

// shareableHeaders lists "Name: value" for every header but the secret
// ones (downloader.SecretHeader: logins and sessions), sorted so exports
// are stable.
func shareableHeaders(h http.Header) []string {
	var out []string
	for name, values := range h {
		name = http.CanonicalHeaderKey(name)
		if downloader.SecretHeader(name) {
			continue
		}
		for _, v := range values {
			out = append(out, name+": "+v)
		}
	}
	slices.Sort(out)
	return out
}

// shareableURL removes a password from the link's user info.
func shareableURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}
