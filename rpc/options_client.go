package rpc

import (
	"encoding/base64"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"haul/downloader"
)

// Options aria2 clients set that Haul carries out by other means than a
// field of the same name: proxies, HTTP credentials and an output name
// with folders in it.

// proxyOptions are aria2's proxy options, most specific first per scheme.
var proxyOptions = map[string][]string{
	"http":  {"http-proxy", "all-proxy"},
	"https": {"https-proxy", "all-proxy"},
}

// proxyFor picks the proxy aria2 would use for a link of this scheme:
// http-proxy or https-proxy, else all-proxy, with the matching
// *-proxy-user and *-proxy-passwd as its credentials. found is false when
// the options name no proxy; an empty proxy means none.
func proxyFor(scheme string, opts map[string][]string) (proxy string, found bool, err error) {
	for _, name := range proxyOptions[strings.ToLower(scheme)] {
		v, ok := opts[name]
		if !ok {
			continue
		}
		raw := first(v)
		if raw == "" {
			return "", true, nil
		}
		if !strings.Contains(raw, "://") {
			// aria2 takes [http://][USER:PASSWORD@]HOST[:PORT].
			raw = "http://" + raw
		}
		u, perr := url.Parse(raw)
		if perr != nil || downloader.ParseProxy(raw) != nil {
			return "", true, failf("%s must look like http://host:port or socks5://host:port.", name)
		}
		if user, ok := opts[name+"-user"]; ok {
			pass := first(opts[name+"-passwd"])
			u.User = url.UserPassword(first(user), pass)
		}
		return u.String(), true, nil
	}
	return "", false, nil
}

// applyClientTaskOptions maps proxies and http-user/http-passwd onto a
// task's options. The credentials become an Authorization header, which
// the engine sends to the link's origin only.
func applyClientTaskOptions(o *downloader.Options, link string, opts map[string][]string) error {
	u, err := url.Parse(link)
	if err != nil {
		return failf("Bad URI %s", truncate(link, 80))
	}
	if p, found, err := proxyFor(u.Scheme, opts); err != nil {
		return err
	} else if found {
		o.Proxy = p
	}
	user, hasUser := opts["http-user"]
	pass, hasPass := opts["http-passwd"]
	if hasUser || hasPass {
		hdr := o.Headers.Clone()
		if hdr == nil {
			hdr = map[string][]string{}
		}
		if first(user) == "" && first(pass) == "" {
			hdr.Del("Authorization")
		} else {
			cred := base64.StdEncoding.EncodeToString([]byte(first(user) + ":" + first(pass)))
			hdr.Set("Authorization", "Basic "+cred)
		}
		o.Headers = hdr
	}
	return nil
}

// splitOut places aria2's out option under dir: "sub/x.bin" is saved as
// x.bin in dir/sub (the engine creates the folder). A path that is
// absolute or climbs out of dir is refused. dir is the task's folder ("":
// the default download folder).
func splitOut(dir, out string) (folder, name string, err error) {
	if out == "" {
		return dir, "", nil
	}
	slashed := strings.ReplaceAll(out, `\`, "/")
	clean := path.Clean(slashed)
	if path.IsAbs(clean) || filepath.VolumeName(out) != "" || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", "", failf("out must be a file name, or a path inside dir such as sub/name.bin, not %q.", truncate(out, 80))
	}
	sub, name := path.Split(clean)
	if name == "" || name == "." || strings.HasSuffix(slashed, "/") {
		return "", "", failf("out must end with a file name, not %q.", truncate(out, 80))
	}
	if sub == "" {
		return dir, name, nil
	}
	return filepath.Join(dir, filepath.FromSlash(sub)), name, nil
}

// globalProxy maps aria2's global proxy options onto Haul's one proxy
// setting: Haul sends every link through the same proxy, so http-proxy
// and https-proxy may differ only when one of them is empty.
func globalProxy(opts map[string][]string) (proxy string, found bool, err error) {
	var chosen []string
	for _, scheme := range []string{"https", "http"} {
		p, ok, err := proxyFor(scheme, opts)
		if err != nil {
			return "", true, err
		}
		if ok {
			found = true
			if p != "" {
				chosen = append(chosen, p)
			}
		}
	}
	if len(chosen) == 2 && chosen[0] != chosen[1] {
		return "", true, failf("Haul sends every link through one proxy: set all-proxy, or http-proxy and https-proxy to the same proxy.")
	}
	if len(chosen) > 0 {
		proxy = chosen[0]
	}
	return proxy, found, nil
}

// applyClientGlobalOptions maps the global user-agent and proxy options
// onto Haul's settings.
func applyClientGlobalOptions(st *downloader.Settings, opts map[string][]string) error {
	if v, ok := opts["user-agent"]; ok {
		st.UserAgent = first(v)
	}
	p, found, err := globalProxy(opts)
	if err != nil {
		return err
	}
	if found {
		st.Proxy = p
	}
	return nil
}
