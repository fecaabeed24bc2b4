package downloader

import (
	"bufio"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// Sidecar checksum files: release pages put "<name>.sha256",
// "<name>.sha256sum" or a "SHA256SUMS" list next to the file.

// sidecarMax is the most read of a sidecar file: a SHA256SUMS of a big
// release is a few KiB; anything larger is not one.
const sidecarMax = 256 << 10

// sidecarTimeout bounds one sidecar request.
const sidecarTimeout = 15 * time.Second

// releaseSuffixes are names worth looking for a sidecar for: disk
// images, archives and installers, which projects publish sums of.
var releaseSuffixes = []string{
	".iso", ".img", ".zip", ".tar", ".tgz", ".gz", ".xz", ".bz2", ".zst", ".7z",
	".dmg", ".exe", ".msi", ".deb", ".rpm", ".appimage", ".apk", ".pkg",
	".qcow2", ".vmdk", ".ova", ".raw", ".jar", ".whl",
}

// releaseLike reports whether a file name looks like a published release.
func releaseLike(name string) bool {
	name = strings.ToLower(name)
	for _, s := range releaseSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// sidecarDigest looks for a SHA-256 next to the task's link, one small
// GET per candidate, for release-like names only. Zero when none found:
// a missing sidecar is normal and never an error.
func (r *run) sidecarDigest() Verification {
	t := r.t
	t.mu.Lock()
	raw := t.rec.FinalURL
	if raw == "" {
		raw = t.rec.URL
	}
	t.mu.Unlock()
	u, err := url.Parse(raw)
	if err != nil {
		return Verification{}
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	name := path.Base(u.Path)
	if name == "" || name == "/" || !releaseLike(name) {
		return Verification{}
	}
	dir := *u
	dir.Path = path.Join(path.Dir(u.Path), "SHA256SUMS")
	dir.RawPath = ""
	for _, side := range []string{u.String() + ".sha256", u.String() + ".sha256sum", dir.String()} {
		if sum := r.fetchSidecar(side, name); sum != "" {
			return Verification{Algo: "sha256", Sum: sum, Source: VerifySidecar, From: path.Base(side)}
		}
	}
	return Verification{}
}

// fetchSidecar GETs one sidecar and finds name's SHA-256 in it. The
// run's transfer context has ended by now (all ranges are done), so the
// request keeps its values (proxy, credentials) under a short deadline.
func (r *run) fetchSidecar(raw, name string) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), sidecarTimeout)
	defer cancel()
	req, err := newRequest(ctx, raw, r.hdr, r.ua)
	if err != nil {
		return ""
	}
	resp, err := do(r.client, req)
	if err != nil {
		return ""
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return parseSums(io.LimitReader(resp.Body, sidecarMax), name)
}

// parseSums reads sha256sum output ("HEX  name", "HEX *name") or a bare
// digest, and returns name's digest in lower-case hex, or "".
func parseSums(rd io.Reader, name string) string {
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || len(fields[0]) != 64 {
			continue
		}
		b, err := hex.DecodeString(fields[0])
		if err != nil {
			continue
		}
		if len(fields) == 1 || strings.TrimPrefix(fields[1], "*") == name || path.Base(strings.TrimPrefix(fields[1], "*")) == name {
			return hex.EncodeToString(b)
		}
	}
	return ""
}
