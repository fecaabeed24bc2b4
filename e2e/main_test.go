package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/e2e/internal/e2etest"
)

var (
	// haulBin is the binary under test; "" when skipReason says why not.
	haulBin    string
	skipReason string
	// homeDir is HOME (and the config folders) of every haul child, so no
	// test ever touches the user's real settings or downloads.
	homeDir string
)

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "haul-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	homeDir = filepath.Join(tmp, "home")
	if err := os.MkdirAll(homeDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	haulBin, skipReason = findHaul(tmp)
	if skipReason != "" {
		fmt.Fprintln(os.Stderr, "e2e: skipping:", skipReason)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// findHaul returns the binary to test, building it into dir if
// HAUL_E2E_BIN is unset, or a reason to skip.
func findHaul(dir string) (bin, skip string) {
	if bin := os.Getenv("HAUL_E2E_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return "", fmt.Sprintf("HAUL_E2E_BIN=%s: %v", bin, err)
		}
		if _, err := os.Stat(abs); err != nil {
			// Set on purpose but wrong: say so loudly, do not skip.
			fmt.Fprintf(os.Stderr, "e2e: HAUL_E2E_BIN=%s: %v\n", bin, err)
			os.Exit(1)
		}
		return abs, ""
	}
	if raceEnabled {
		return "", "HAUL_E2E_BIN is unset and the race detector is on; the end-to-end tests run in `make e2e` (or `go test ./e2e/` without -race)"
	}
	limit := 3 * time.Minute
	if v := os.Getenv("HAUL_E2E_BUILD_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			limit = d
		}
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	bin = filepath.Join(dir, "haul")
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	// The test runs in e2e/; the main package is the module root.
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, ".")
	cmd.Dir = ".."
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return "", fmt.Sprintf("building haul took longer than %v (HAUL_E2E_BUILD_TIMEOUT); run `make e2e`, which builds it first", limit)
	}
	if err != nil {
		return "", fmt.Sprintf("could not build haul (%v); set HAUL_E2E_BIN or run `make e2e`:\n%s", err, tail(string(out), 2000))
	}
	fmt.Fprintf(os.Stderr, "e2e: built %s in %v\n", bin, time.Since(start).Round(time.Millisecond))
	return bin, ""
}

func needHaul(t *testing.T) {
	t.Helper()
	if haulBin == "" {
		t.Skip(skipReason)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// proc is one running haul process.
type proc struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr e2etest.SyncBuffer
	started        time.Time
	done           chan struct{}
	state          *os.ProcessState
	waitErr        error
}

// childEnv is the environment of haul children: a private HOME and
// config folder, and no proxies (the server is on loopback).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+homeDir,
		"XDG_CONFIG_HOME="+filepath.Join(homeDir, ".config"),
		"XDG_DATA_HOME="+filepath.Join(homeDir, ".local", "share"),
	)
}

// startHaul starts `haul args...`; the test's cleanup kills it if it is
// still running.
func startHaul(t *testing.T, args ...string) *proc {
	t.Helper()
	return startHaulEnv(t, nil, args...)
}

// startHaulEnv is startHaul with env ("K=V") added to the child's.
func startHaulEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{args: args, done: make(chan struct{})}
	p.cmd = exec.Command(haulBin, args...)
	p.cmd.Env = append(childEnv(), env...)
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start haul %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		p.state = p.cmd.ProcessState
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end, at most guard (a hang guard: it
// kills the process and fails the test). It returns the exit status, or
// -1 if a signal ended it.
func (p *proc) wait(t *testing.T, guard time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(guard):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("haul %s hung for %v; stdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), guard, tail(p.stdout.String(), 3000), tail(p.stderr.String(), 3000))
	}
	var ee *exec.ExitError
	if p.waitErr != nil && !errors.As(p.waitErr, &ee) {
		t.Fatalf("wait haul: %v", p.waitErr)
	}
	if ws, ok := p.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1
	}
	return p.state.ExitCode()
}

// kill sends SIGKILL and waits; it reports whether the signal is what
// ended the process (false: it had already exited on its own).
func (p *proc) kill(t *testing.T) bool {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("haul did not die after SIGKILL")
	}
	ws, ok := p.state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// output is both streams, for failure messages.
func (p *proc) output() string {
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", tail(p.stdout.String(), 3000), tail(p.stderr.String(), 3000))
}

// runHaul runs haul to its end (hang guard: guard) and returns its exit
// status and streams.
func runHaul(t *testing.T, guard time.Duration, args ...string) (code int, p *proc) {
	t.Helper()
	p = startHaul(t, args...)
	return p.wait(t, guard), p
}

// waitUntil polls cond every 10 ms until it holds (true), the process
// exits, or guard passes (both false).
func waitUntil(p *proc, guard time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(guard)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		if p != nil && p.exited() {
			return cond()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// partFiles lists the *.part files left in dir.
func partFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.part"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a non-negative integer", name, v)
	}
	return n
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
