package hauld

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// nodeClient finds node and the npm aria2 client rpc/jsclient installed,
// or skips; under CI=true a gap is a failure (make test installs both).
func nodeClient(t *testing.T) (node, modules string) {
	t.Helper()
	missing := func(what string) {
		msg := what + " (make jsclient installs it)"
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: " + msg)
		}
		t.Skip("skipping the npm aria2 client test: " + msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	modules, err = filepath.Abs(filepath.Join("..", "..", "rpc", "jsclient", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "aria2", "package.json")); err != nil {
		missing("rpc/jsclient/node_modules is missing")
	}
	return node, modules
}

// runClient runs testdata/client.js and decodes its JSON line into out.
func runClient(t *testing.T, node, modules string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join("testdata", "client.js")}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("client %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("client output %q: %v", stdout.String(), err)
	}
}

// freePort finds a loopback port nobody listens on; hauld takes it again
// after its restart.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestE2EHauldServe: hauld serve on a free port with a secret; the npm
// aria2 client is refused without the secret, adds a URI and sees
// onDownloadComplete (file byte-exact); a second download is stopped by
// SIGTERM midway, hauld exits 0, and after a restart the same gid is
// still active with its bytes kept and completes byte-exact without the
// server sending the whole file again.
func TestE2EHauldServe(t *testing.T) {
	node, modules := nodeClient(t)
	fast := testserver.File{Size: 2<<20 + 321, Seed: 7}
	slow := testserver.File{Size: 6 << 20, Seed: 8}
	srv := testserver.New(
		testserver.WithFile("/fast.bin", fast),
		testserver.WithFile("/slow.bin", slow),
		testserver.WithPerConnRate(1<<20), // slow.bin takes ~3 s on 2 connections
	)
	defer srv.Close()

	base := t.TempDir()
	home, data, dir := filepath.Join(base, "home"), filepath.Join(base, "data"), filepath.Join(base, "out")
	for _, d := range []string{home, dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := itoa(freePort(t))
	const secret = "e2e-secret-4f1d"
	args := []string{"serve", "--data", data, "--rpc-port", port, "--rpc-secret", secret}

	p := startHauld(t, home, args...)
	p.waitReady(t)

	// Plain HTTP without the token, the way a stray page would try.
	resp, err := http.Post("http://127.0.0.1:"+port+"/jsonrpc", "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"aria2.tellActive","params":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Unauthorized") {
		t.Errorf("a request without the secret was answered: %s", body)
	}

	var first struct {
		Unauthorized, Fast, Slow, SlowDone string
	}
	runClient(t, node, modules, &first, "--phase", "start", "--port", port, "--secret", secret,
		"--dir", dir, "--fast", srv.URL("/fast.bin"), "--slow", srv.URL("/slow.bin"))
	if first.Unauthorized != "Unauthorized" {
		t.Errorf("the npm client without the secret got %q, want Unauthorized", first.Unauthorized)
	}
	if got := e2etest.FileSHA256(t, filepath.Join(dir, "fast.bin")); got != fast.SHA256() {
		t.Errorf("fast.bin differs from the server's file")
	}

	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("hauld exited %d after SIGTERM; %s", code, p.output())
	}
	if _, err := os.Stat(filepath.Join(dir, "slow.bin")); err == nil {
		t.Fatal("slow.bin was complete before SIGTERM; the test proves nothing")
	}
	servedBefore := srv.Stats().BytesServed
	srv.ResetStats()

	p = startHauld(t, home, args...)
	p.waitReady(t)
	var second struct {
		StatusAtStart, DoneAtStart, Path string
	}
	runClient(t, node, modules, &second, "--phase", "continue", "--port", port, "--secret", secret, "--gid", first.Slow)
	// It stayed Active in the record, so the restart runs it at once.
	if second.StatusAtStart != "active" && second.StatusAtStart != "complete" {
		t.Errorf("after the restart the task is %q, want it active", second.StatusAtStart)
	}
	// stopped bytes were in before SIGTERM (more came until the signal);
	// the restart runs the task at once, so kept may already be higher.
	stopped, _ := strconv.ParseInt(first.SlowDone, 10, 64)
	kept, _ := strconv.ParseInt(second.DoneAtStart, 10, 64)
	if kept < stopped {
		t.Errorf("after the restart the task had %d bytes, %d before SIGTERM: the stop lost progress", kept, stopped)
	}
	if got := e2etest.FileSHA256(t, filepath.Join(dir, "slow.bin")); got != slow.SHA256() {
		t.Errorf("slow.bin differs from the server's file")
	}
	// A clean stop records every byte written: the restart never fetches
	// again what was in before SIGTERM.
	if again := srv.Stats().BytesServed; again > slow.Size-stopped {
		t.Errorf("the restart fetched %d bytes; %d of %d were in before SIGTERM: it fetched again what it had (ranges %v)",
			again, stopped, slow.Size, srv.Stats().Ranges)
	}
	if code := p.stop(t, syscall.SIGINT); code != 0 {
		t.Errorf("hauld exited %d after SIGINT; %s", code, p.output())
	}
	t.Logf("served %d bytes before SIGTERM (slow.bin had %d when the client left); %d after the restart", servedBefore, stopped, srv.Stats().BytesServed)
}
