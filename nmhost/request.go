package nmhost

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"haul/downloader"
)

// Request turns the download into the engine's request: the cookies
// become one Cookie header, the referrer a Referer header, the browser's
// User-Agent the task's; only the last element of Filename is kept.
func (d *Download) Request() (downloader.Request, error) {
	u, err := url.Parse(d.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return downloader.Request{}, fmt.Errorf("Haul takes http and https links; this one is %q.", truncate(downloader.RedactURL(d.URL), 80))
	}
	req := downloader.Request{URL: d.URL, Folder: d.Folder}
	if name := baseName(d.Filename); name != "" {
		req.Name = downloader.SanitizeName(name)
	}
	hdr := http.Header{}
	if len(d.Cookies) > 0 {
		parts := make([]string, 0, len(d.Cookies))
		for _, c := range d.Cookies {
			if c.Name == "" || strings.ContainsAny(c.Name+c.Value, ";\r\n") {
				continue // not sendable as a cookie-pair (RFC 6265 §4.2.1)
			}
			parts = append(parts, c.Name+"="+c.Value)
		}
		if len(parts) > 0 {
			hdr.Set("Cookie", strings.Join(parts, "; "))
		}
	}
	if r, err := url.Parse(d.Referrer); err == nil && (r.Scheme == "http" || r.Scheme == "https") {
		hdr.Set("Referer", d.Referrer)
	}
	if ua := strings.TrimSpace(d.UserAgent); ua != "" && !strings.ContainsAny(ua, "\r\n") {
		hdr.Set("User-Agent", ua)
	}
	if len(hdr) > 0 {
		req.Headers = hdr
	}
	return req, nil
}

// baseName keeps the last element of a name the browser gave, whichever
// separator its platform uses.
func baseName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	if name == "." || name == "/" {
		return ""
	}
	return name
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
