package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

// jsSummary is the JSON line rpc/jsclient/drive.js prints on success.
type jsSummary struct {
	Unauthorized string `json:"unauthorized"`
	HTTPVersion  string `json:"httpVersion"`
	Version      string `json:"version"`
	Fast         struct {
		GID             string   `json:"gid"`
		Status          string   `json:"status"`
		TotalLength     string   `json:"totalLength"`
		CompletedLength string   `json:"completedLength"`
		Path            string   `json:"path"`
		Events          []string `json:"events"`
	} `json:"fast"`
	Slow struct {
		GID             string   `json:"gid"`
		PausedStatus    string   `json:"pausedStatus"`
		PausedAt        string   `json:"pausedAt"`
		Status          string   `json:"status"`
		TotalLength     string   `json:"totalLength"`
		CompletedLength string   `json:"completedLength"`
		Path            string   `json:"path"`
		Events          []string `json:"events"`
	} `json:"slow"`
	Global     map[string]string `json:"global"`
	NumStopped string            `json:"numStopped"`
}

// nodeClient finds node and the installed npm client, or skips. CI must not
// skip silently: `make test` installs both, so there a gap is a failure.
func nodeClient(t *testing.T) (node, script string) {
	t.Helper()
	missing := func(what string) {
		msg := what + " (make test installs it: scripts/deps.sh node, then npm ci --prefix rpc/jsclient)"
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: " + msg)
		}
		t.Skip("skipping the npm aria2 client test: " + msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("jsclient", "node_modules", "aria2", "package.json")); err != nil {
		missing("rpc/jsclient/node_modules is missing")
	}
	script, err = filepath.Abs(filepath.Join("jsclient", "drive.js"))
	if err != nil {
		t.Fatal(err)
	}
	return node, script
}

// runNode runs a jsclient script with a 90 s budget and returns the last
// line it printed (its JSON summary).
func runNode(t *testing.T, node, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(script), err, stdout.String(), stderr.String())
	}
	t.Logf("%s finished in %v", filepath.Base(script), time.Since(start).Round(time.Millisecond))
	line := strings.TrimSpace(stdout.String())
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	}
	t.Logf("summary: %s", line)
	return line
}

// TestNpmAria2Client drives a real Haul (rpc server over a real
// downloader.Manager) with the unmodified npm "aria2" library: a wrong
// secret is refused, addUri + onDownloadComplete + tellStatus, pause and
// unpause of a slow download, changeGlobalOption and getGlobalOption.
func TestNpmAria2Client(t *testing.T) {
	node, script := nodeClient(t)

	fastFile := testserver.File{Size: 3<<20 + 321, Seed: 41}
	fast := testserver.New(testserver.WithFile("/fast.bin", fastFile))
	defer fast.Close()
	// Its own server, paced per connection, keeps the second download
	// running long enough for the pause to land mid-way.
	slowFile := testserver.File{Size: 2<<20 + 77, Seed: 42}
	slow := testserver.New(testserver.WithFile("/slow.bin", slowFile), testserver.WithPerConnRate(512<<10))
	defer slow.Close()

	dir := t.TempDir()
	m := openManager(t, newMemStore(), t.TempDir())
	secret := NewSecret()
	s := startTest(t, m, func(c *Config) { c.Secret = secret })

	const limit = "3M"
	limitBytes, err := downloader.ParseRate(limit)
	if err != nil {
		t.Fatal(err)
	}
	line := runNode(t, node, script,
		"--port", strconv.Itoa(s.Port()), "--secret", secret, "--dir", dir,
		"--fast", fast.URL("/fast.bin"), "--slow", slow.URL("/slow.bin"),
		"--limit", limit, "--limit-bytes", strconv.FormatInt(limitBytes, 10),
		"--timeout", "60")
	var sum jsSummary
	if err := json.Unmarshal([]byte(line), &sum); err != nil {
		t.Fatalf("summary %q: %v", line, err)
	}

	if sum.Unauthorized != "Unauthorized" {
		t.Errorf("wrong secret: %q, want Unauthorized", sum.Unauthorized)
	}
	if sum.Version != downloader.Version || sum.HTTPVersion != downloader.Version {
		t.Errorf("versions %q (WebSocket), %q (HTTP), want %q", sum.Version, sum.HTTPVersion, downloader.Version)
	}

	fastSize := strconv.FormatInt(fastFile.Size, 10)
	if sum.Fast.Status != "complete" || sum.Fast.TotalLength != fastSize || sum.Fast.CompletedLength != fastSize {
		t.Errorf("fast download: %+v, want complete %s/%s", sum.Fast, fastSize, fastSize)
	}
	if n := len(sum.Fast.Events); n == 0 || sum.Fast.Events[0] != "onDownloadStart" || sum.Fast.Events[n-1] != "onDownloadComplete" {
		t.Errorf("fast notifications %v", sum.Fast.Events)
	}

	slowSize := strconv.FormatInt(slowFile.Size, 10)
	if sum.Slow.Status != "complete" || sum.Slow.TotalLength != slowSize || sum.Slow.CompletedLength != slowSize {
		t.Errorf("slow download: %+v, want complete %s/%s", sum.Slow, slowSize, slowSize)
	}
	if at, _ := strconv.ParseInt(sum.Slow.PausedAt, 10, 64); sum.Slow.PausedStatus != "paused" || at >= slowFile.Size {
		t.Errorf("while paused: status %q at %s of %d", sum.Slow.PausedStatus, sum.Slow.PausedAt, slowFile.Size)
	}
	// Start, pause, start again, complete: in that order.
	if got, want := strings.Join(sum.Slow.Events, ","), "onDownloadStart,onDownloadPause,onDownloadStart,onDownloadComplete"; got != want {
		t.Errorf("slow notifications %s, want %s", got, want)
	}

	if sum.Global["max-concurrent-downloads"] != "2" || sum.Global["max-overall-download-limit"] != strconv.FormatInt(limitBytes, 10) {
		t.Errorf("global options %v", sum.Global)
	}
	if st := m.Settings(); st.MaxActive != 2 || st.GlobalLimit != limitBytes {
		t.Errorf("engine settings: MaxActive %d, GlobalLimit %d", st.MaxActive, st.GlobalLimit)
	}
	if sum.NumStopped != "2" {
		t.Errorf("numStopped %q, want 2", sum.NumStopped)
	}

	// The bytes on disk are the server's, also for the paused and resumed one.
	for _, f := range []struct {
		name, reported string
		file           testserver.File
	}{{"fast.bin", sum.Fast.Path, fastFile}, {"slow.bin", sum.Slow.Path, slowFile}} {
		path := filepath.Join(dir, f.name)
		if f.reported != path {
			t.Errorf("%s: tellStatus path %q, want %q", f.name, f.reported, path)
		}
		if got := fileSHA256(t, path); got != f.file.SHA256() {
			t.Errorf("%s: SHA-256 %s, want %s", f.name, got, f.file.SHA256())
		}
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	sum, err := testserver.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestNpmAria2ClientOptions drives Haul with the npm aria2 client the way
// real clients use it (rpc/jsclient/clients.js): a listen-only WebSocket
// hears onDownloadComplete; Origin null is refused by default and
// answered by a server started with --rpc-allow-origin null; http-user
// and http-passwd reach a Basic-auth server; out with a folder; all-proxy
// through a proxy that records what it carries; changeOption
// max-download-limit on a running download, measured within ±10 %.
func TestNpmAria2ClientOptions(t *testing.T) {
	node, script := nodeClient(t)
	script = filepath.Join(filepath.Dir(script), "clients.js")

	file := testserver.File{Size: 1<<20 + 99, Seed: 51}
	srv := testserver.New(testserver.WithFile("/f.bin", file), testserver.WithFile("/big.bin", testserver.File{Size: 64 << 20, Seed: 52}))
	defer srv.Close()
	auth := newBasicAuthServer(t, "alice", "pa:ss word", file)
	proxy := newProxy(t)

	dir := t.TempDir()
	m := openManager(t, newMemStore(), dir)
	secret := NewSecret()
	s := startTest(t, m, func(c *Config) { c.Secret = secret })
	fromFile := startTest(t, m, func(c *Config) { c.Secret, c.AllowedOrigins = secret, []string{"null"} })

	const limit = 1 << 20
	line := runNode(t, node, script,
		"--port", strconv.Itoa(s.Port()), "--null-port", strconv.Itoa(fromFile.Port()),
		"--secret", secret, "--dir", dir,
		"--file", srv.URL("/f.bin"), "--auth", auth.URL+"/f.bin", "--user", "alice", "--passwd", "pa:ss word",
		"--proxy", proxy.URL, "--limited", srv.URL("/big.bin"), "--limit-bytes", strconv.Itoa(limit))
	var sum struct {
		ListenOnly  []string       `json:"listenOnly"`
		NullDefault map[string]int `json:"nullDefault"`
		NullAllowed struct {
			Post int    `json:"post"`
			HTTP string `json:"http"`
			WS   string `json:"ws"`
		} `json:"nullAllowed"`
		Auth, Out, Proxy string
		MeasuredRate     float64 `json:"measuredRate"`
		LimitOption      string  `json:"limitOption"`
	}
	if err := json.Unmarshal([]byte(line), &sum); err != nil {
		t.Fatalf("summary %q: %v", line, err)
	}
	if !slices.Contains(sum.ListenOnly, "onDownloadComplete") {
		t.Errorf("listen-only client heard %v", sum.ListenOnly)
	}
	if sum.NullDefault["post"] != http.StatusForbidden || sum.NullDefault["ws"] != http.StatusForbidden {
		t.Errorf("Origin null by default: %v, want 403 on POST and WebSocket", sum.NullDefault)
	}
	if a := sum.NullAllowed; a.Post != http.StatusOK || a.HTTP != downloader.Version || a.WS != downloader.Version {
		t.Errorf("Origin null allowed: %+v", a)
	}
	for path, want := range map[string]string{
		sum.Auth:  filepath.Join(dir, "auth.bin"),
		sum.Out:   filepath.Join(dir, "sub", "deeper", "out.bin"),
		sum.Proxy: filepath.Join(dir, "proxied.bin"),
	} {
		if path != want {
			t.Errorf("tellStatus path %q, want %q", path, want)
		}
		if got := fileSHA256(t, want); got != file.SHA256() {
			t.Errorf("%s: SHA-256 %s, want %s", want, got, file.SHA256())
		}
	}
	if len(proxy.Requests()) == 0 {
		t.Error("all-proxy: the proxy saw no request")
	}
	if sum.LimitOption != strconv.Itoa(limit) {
		t.Errorf("getOption max-download-limit %q", sum.LimitOption)
	}
	if r := sum.MeasuredRate / limit; r < 0.9 || r > 1.1 {
		t.Errorf("after changeOption max-download-limit=%d: %.0f bytes/s (%.2f×)", limit, sum.MeasuredRate, r)
	}
	t.Logf("changeOption max-download-limit=%d B/s: measured %.0f B/s (%.3f×)", limit, sum.MeasuredRate, sum.MeasuredRate/limit)
}
