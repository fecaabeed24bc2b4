package downloader

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// SavedCookie is one cookie a server set for a task, kept in the task's
// record so a restart resumes with the same session (RFC 6265 §5.2).
type SavedCookie struct {
	// URL is where it was set (scheme, host and path; no userinfo or
	// query); the jar's domain and path rules start from it.
	URL string `json:"u"`
	// SetCookie is the cookie in Set-Cookie form, with Max-Age turned
	// into Expires so a restart does not extend its life.
	SetCookie string `json:"c"`
}

// maxSavedCookies keeps records small; the newest win.
const maxSavedCookies = 32

// taskJar is a task's cookie jar: net/http/cookiejar with the public
// suffix list (so a server cannot set a cookie for all of .co.uk), seeded
// with the user's Cookie header for the task's origin and fed by every
// response, redirects included. save is called with what to persist
// after every change.
type taskJar struct {
	jar  *cookiejar.Jar
	save func([]SavedCookie)

	mu    sync.Mutex
	saved []SavedCookie
}

// newTaskJar builds the jar of a task whose URL is rawURL: first the
// user's cookies (header lines in Cookie syntax), then the cookies the
// servers set in earlier runs, which may replace them.
func newTaskJar(rawURL string, userCookies []string, saved []SavedCookie, save func([]SavedCookie)) *taskJar {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	j := &taskJar{jar: jar, save: save}
	if u, err := url.Parse(rawURL); err == nil {
		for _, line := range userCookies {
			cs, err := http.ParseCookie(line)
			if err != nil {
				continue
			}
			for _, c := range cs {
				c.Path = "/"
			}
			jar.SetCookies(u, cs)
		}
	}
	for _, s := range saved {
		u, err := url.Parse(s.URL)
		c, cerr := http.ParseSetCookie(s.SetCookie)
		if err != nil || cerr != nil {
			continue
		}
		jar.SetCookies(u, []*http.Cookie{c})
		j.saved = append(j.saved, s)
	}
	return j
}

// Cookies implements http.CookieJar.
func (j *taskJar) Cookies(u *url.URL) []*http.Cookie { return j.jar.Cookies(u) }

// SetCookies implements http.CookieJar and records the cookies.
func (j *taskJar) SetCookies(u *url.URL, cs []*http.Cookie) {
	j.jar.SetCookies(u, cs)
	at := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	now := time.Now()
	changed := false
	j.mu.Lock()
	for _, c := range cs {
		c := *c
		if c.MaxAge > 0 {
			c.Expires, c.MaxAge = now.Add(time.Duration(c.MaxAge)*time.Second), 0
		}
		s := SavedCookie{URL: at.String(), SetCookie: c.String()}
		if s.SetCookie == "" {
			continue // invalid name or value: the jar ignored it too
		}
		// The newest of a cookie (host, name, domain, path) replaces
		// the older one; an unchanged one changes nothing.
		key := func(o SavedCookie, oc *http.Cookie) bool {
			ou, _ := url.Parse(o.URL)
			return ou != nil && ou.Host == u.Host && oc.Name == c.Name && oc.Domain == c.Domain && oc.Path == c.Path
		}
		i := slices.IndexFunc(j.saved, func(o SavedCookie) bool {
			oc, err := http.ParseSetCookie(o.SetCookie)
			return err == nil && key(o, oc)
		})
		if i >= 0 && j.saved[i] == s {
			continue
		}
		if i >= 0 {
			j.saved = slices.Delete(j.saved, i, i+1)
		}
		j.saved = append(j.saved, s)
		changed = true
	}
	if n := len(j.saved); n > maxSavedCookies {
		j.saved = append([]SavedCookie(nil), j.saved[n-maxSavedCookies:]...)
	}
	out := append([]SavedCookie(nil), j.saved...)
	j.mu.Unlock()
	if changed && j.save != nil {
		j.save(out)
	}
}

// clientLocked is the manager's client with a cookie jar for one run of
// the task: the user's cookies, then those saved in the record, and every
// cookie a response sets goes back into the record.
func (t *task) clientLocked() *http.Client {
	c := *t.m.client
	c.Jar = newTaskJar(t.rec.URL, t.rec.Options.Headers.Values("Cookie"), t.rec.Cookies, func(saved []SavedCookie) {
		t.mu.Lock()
		t.rec.Cookies = saved
		t.mu.Unlock()
	})
	return &c
}
