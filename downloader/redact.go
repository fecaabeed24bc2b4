package downloader

import (
	"net/url"
	"regexp"
)

// RedactURL is raw with the password of its userinfo replaced by "xxxxx"
// (user:xxxxx@host), for every place a URL leaves the program as text:
// messages, logs, notifications, the window, RPC answers. Records keep
// the real URL. A string that does not parse is redacted as free text.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return RedactText(raw)
	}
	if _, ok := u.User.Password(); !ok {
		return raw
	}
	return u.Redacted()
}

// userinfoRE finds "scheme://user:password@" in free text; Go's errors
// quote the URL they failed on ("Get \"http://u:p@h/\": ...").
var userinfoRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://[^/?#@\s"':]*):[^/?#@\s"']*@`)

// RedactText replaces the password of every URL in s by "xxxxx".
func RedactText(s string) string {
	return userinfoRE.ReplaceAllString(s, "${1}:xxxxx@")
}
