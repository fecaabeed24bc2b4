package rpc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"haul/downloader"
)

func (s *Server) addURI(ctx callCtx, p args) (any, error) {
	var list []string
	if !p.has(0) || json.Unmarshal(p[0], &list) != nil || len(list) == 0 {
		return nil, failf("The first parameter must be a non-empty array of URIs.")
	}
	// aria2 takes several URIs as mirrors of one file: the first HTTP(S)
	// one is the link, the others its mirrors.
	link, mirrors := firstLink(list)
	if link == "" {
		return nil, failf("Haul downloads HTTP and HTTPS links only: %s", truncate(list[0], 80))
	}
	opts, err := p.options(1)
	if err != nil {
		return nil, err
	}
	req := downloader.Request{URL: link, Mirrors: mirrors}
	if err := applyTaskOptions(&req.Options, opts); err != nil {
		return nil, err
	}
	if err := applyClientTaskOptions(&req.Options, link, opts); err != nil {
		return nil, err
	}
	dir := first(opts["dir"])
	if err := checkFolder(dir); err != nil {
		return nil, err
	}
	if req.Folder, req.Name, err = splitOut(dir, first(opts["out"])); err != nil {
		return nil, err
	}
	if req.Folder != "" && !filepath.IsAbs(req.Folder) {
		// out named a subfolder and no dir was given: it goes under the
		// download folder. With neither, Folder stays "" so the engine
		// may sort the download by category.
		req.Folder = filepath.Join(s.engine.Settings().Folder, req.Folder)
	}
	req.Paused = first(opts["pause"]) == "true"
	ids, err := s.engine.Add(ctx, req)
	if err != nil || len(ids) == 0 || ids[0] == "" {
		if err == nil {
			err = fmt.Errorf("the download was not added")
		}
		return nil, failf("%v", err)
	}
	s.logIgnored("download "+ids[0], s.options.remember(ids[0], opts, appliedTaskOptions))
	if p.has(2) {
		pos, err := p.integer(2, "position", 0)
		if err != nil {
			return nil, err
		}
		if _, err := s.reposition(ids[0], pos, "POS_SET"); err != nil {
			return nil, err
		}
	}
	return ids[0], nil
}

// isHTTP reports a link the engine takes (downloader.ParseURL).
func isHTTP(raw string) bool {
	_, err := downloader.ParseURL(strings.TrimSpace(raw))
	return err == nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// parseCount reads a positive integer option.
func parseCount(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, failf("%s must be a whole number from %d to %d, not %q.", name, lo, hi, truncate(v, 20))
	}
	return n, nil
}

// applyTaskOptions applies aria2's per-download options Haul understands
// and ignores the rest, as aria2 ignores options that do not apply.
func applyTaskOptions(o *downloader.Options, opts map[string][]string) error {
	conns := 0
	for _, name := range []string{"split", "max-connection-per-server"} {
		v, ok := opts[name]
		if !ok {
			continue
		}
		// aria2 allows up to 16 per server; Haul allows more, so only
		// clamp what Haul cannot do.
		n, err := parseCount(name, first(v), 1, 1<<20)
		if err != nil {
			return err
		}
		n = min(n, downloader.MaxConnections)
		if conns == 0 || n < conns {
			conns = n
		}
	}
	if conns > 0 {
		o.Connections = conns
	}
	if v, ok := opts["max-download-limit"]; ok {
		limit, err := downloader.ParseRate(first(v))
		if err != nil {
			return failf("max-download-limit: %v", err)
		}
		o.SpeedLimit = limit
	}
	if v, ok := opts["checksum"]; ok {
		sum, err := downloader.ParseChecksum(first(v))
		if err != nil {
			return failf("checksum: %v", err)
		}
		o.Checksum = sum
	}
	if v, ok := opts["haul-variant"]; ok {
		if err := applyVariant(o, first(v)); err != nil {
			return err
		}
	}
	var hdr http.Header
	addHeader := func(name, value string) {
		if hdr == nil {
			hdr = http.Header{}
			for k, vs := range o.Headers {
				hdr[k] = append([]string(nil), vs...)
			}
		}
		hdr.Add(name, value)
	}
	for _, line := range opts["header"] {
		for _, h := range strings.Split(line, "\n") {
			h = strings.TrimSpace(h)
			if h == "" {
				continue
			}
			name, value, err := downloader.ParseHeaderLine(h)
			if err != nil {
				return failf("%v", err)
			}
			addHeader(name, value)
		}
	}
	if v := first(opts["referer"]); v != "" && v != "*" {
		addHeader("Referer", v)
	}
	if v := first(opts["user-agent"]); v != "" {
		if hdr == nil || hdr.Get("User-Agent") == "" {
			addHeader("User-Agent", v)
		}
	}
	if hdr != nil {
		o.Headers = hdr
	}
	return nil
}

// taskOptions is getOption's answer: every value a string; header is
// newline-joined, as aria2 reports a repeatable option.
func taskOptions(snap downloader.Snapshot, st downloader.Settings) map[string]string {
	conns := snap.Options.Connections
	if conns == 0 {
		conns = downloader.ConnectionCeiling(st.Connections)
	}
	m := map[string]string{
		"dir":                       snap.Folder,
		"split":                     strconv.Itoa(conns),
		"max-connection-per-server": strconv.Itoa(conns),
		"max-download-limit":        itoa(snap.Options.SpeedLimit),
		"min-split-size":            itoa(st.MinSplit),
	}
	if snap.Name != "" {
		m["out"] = snap.Name
	}
	if c := snap.Options.Checksum; !c.IsZero() {
		m["checksum"] = c.Aria2()
	}
	if snap.Options.Variant != "" {
		m["haul-variant"] = snap.Options.Variant
	}
	if len(snap.Options.Headers) > 0 {
		var lines []string
		for k, vs := range snap.Options.Headers {
			if downloader.SecretHeader(k) {
				continue
			}
			for _, v := range vs {
				lines = append(lines, k+": "+v)
			}
		}
		slices.Sort(lines)
		if len(lines) > 0 {
			m["header"] = strings.Join(lines, "\n")
		}
	}
	if snap.Options.Proxy != "" {
		m["all-proxy"] = downloader.RedactURL(snap.Options.Proxy)
	}
	return m
}

func (s *Server) getOption(_ callCtx, p args) (any, error) {
	snap, _, err := s.lookupParam(p)
	if err != nil {
		return nil, err
	}
	return merged(s.options.get(snap.ID), taskOptions(snap, s.engine.Settings())), nil
}

func (s *Server) changeOption(_ callCtx, p args) (any, error) {
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	opts, err := p.options(1)
	if err != nil {
		return nil, err
	}
	o := snap.Options
	if _, ok := opts["header"]; ok {
		o.Headers = nil // a new header option replaces the old set
	}
	if err := applyTaskOptions(&o, opts); err != nil {
		return nil, err
	}
	if err := applyClientTaskOptions(&o, snap.URL, opts); err != nil {
		return nil, err
	}
	if err := s.engine.SetOptions(snap.ID, o); err != nil {
		return nil, failf("%v", err)
	}
	s.logIgnored("download "+snap.ID, s.options.remember(snap.ID, opts, appliedTaskOptions))
	return "OK", nil
}

func (s *Server) getGlobalOption(callCtx, args) (any, error) {
	st := s.engine.Settings()
	return merged(s.options.get(globalOptionsSlot), map[string]string{
		"dir":                        st.Folder,
		"max-concurrent-downloads":   strconv.Itoa(st.MaxActive),
		"max-overall-download-limit": itoa(st.GlobalLimit),
		"max-download-limit":         "0",
		"max-overall-upload-limit":   "0",
		"max-upload-limit":           "0",
		"split":                      strconv.Itoa(downloader.ConnectionCeiling(st.Connections)),
		"max-connection-per-server":  strconv.Itoa(downloader.ConnectionCeiling(st.Connections)),
		"min-split-size":             itoa(st.MinSplit),
		"continue":                   "true",
		"rpc-listen-port":            strconv.Itoa(s.Port()),
		"rpc-listen-all":             strconv.FormatBool(s.cfg.AllowRemote),
		"user-agent":                 st.UserAgent,
		"all-proxy":                  downloader.RedactURL(st.Proxy),
	}), nil
}

func (s *Server) changeGlobalOption(_ callCtx, p args) (any, error) {
	opts, err := p.options(0)
	if err != nil {
		return nil, err
	}
	st := s.engine.Settings()
	if v, ok := opts["dir"]; ok {
		if d := first(v); d != "" {
			if err := checkFolder(d); err != nil {
				return nil, err
			}
			st.Folder = d
		}
	}
	if v, ok := opts["max-concurrent-downloads"]; ok {
		if st.MaxActive, err = parseCount("max-concurrent-downloads", first(v), 1, 100); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["max-overall-download-limit"]; ok {
		if st.GlobalLimit, err = downloader.ParseRate(first(v)); err != nil {
			return nil, failf("max-overall-download-limit: %v", err)
		}
	}
	for _, name := range []string{"split", "max-connection-per-server"} {
		if v, ok := opts[name]; ok {
			if st.Connections, err = parseCount(name, first(v), 1, downloader.MaxConnections); err != nil {
				return nil, err
			}
		}
	}
	if v, ok := opts["min-split-size"]; ok {
		if st.MinSplit, err = downloader.ParseRate(first(v)); err != nil {
			return nil, failf("min-split-size: %v", err)
		}
	}
	if err := applyClientGlobalOptions(&st, opts); err != nil {
		return nil, err
	}
	// For this session only, as in aria2: the window offers to keep them.
	if err := s.engine.SetSessionSettings(st); err != nil {
		return nil, failf("%v", err)
	}
	s.logIgnored("global", s.options.remember(globalOptionsSlot, opts, appliedGlobalOptions))
	return "OK", nil
}
