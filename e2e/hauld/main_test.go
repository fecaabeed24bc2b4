// Package hauld tests the headless binary end to end: real hauld
// processes, signals and restarts, driven over the RPC by the unmodified
// npm aria2 client.
package hauld

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"haul/e2e/internal/e2etest"
)

// hauldBin is the binary under test: HAULD_E2E_BIN, else one built with
// CGO_ENABLED=0 into a temporary folder (seconds: it links no C).
var hauldBin string

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "hauld-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "hauld e2e:", err)
		os.Exit(1)
	}
	hauldBin, err = findHauld(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hauld e2e:", err)
		os.RemoveAll(tmp)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func findHauld(dir string) (string, error) {
	if bin := os.Getenv("HAULD_E2E_BIN"); bin != "" {
		return filepath.Abs(bin)
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(dir, "hauld")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, "haul/cmd/hauld")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build hauld: %v\n%s", err, out)
	}
	return bin, nil
}

// proc is one running hauld.
type proc struct {
	cmd    *exec.Cmd
	stdout e2etest.SyncBuffer
	stderr e2etest.SyncBuffer
	ready  chan struct{} // closed when the log says it serves
	done   chan struct{} // closed when it has exited and its pipes drained
	state  *os.ProcessState
}

// env is a child's environment: a private HOME and config folder, no
// proxies, and the terminal locale given.
func env(home string, extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HOME", "XDG_CONFIG_HOME", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE":
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	return append(out, extra...)
}

// startHauld starts hauld with args; cleanup kills it if it still runs.
func startHauld(t *testing.T, home string, args ...string) *proc {
	t.Helper()
	p := &proc{ready: make(chan struct{}), done: make(chan struct{})}
	p.cmd = exec.Command(hauldBin, args...)
	p.cmd.Env = env(home)
	outPipe, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start hauld: %v", err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); p.copy(outPipe, &p.stdout, nil) }()
	go func() {
		defer readers.Done()
		var once sync.Once
		p.copy(errPipe, &p.stderr, func(line string) {
			if strings.Contains(line, `msg="hauld serving"`) {
				once.Do(func() { close(p.ready) })
			}
		})
	}()
	go func() {
		readers.Wait() // the pipes close when the process exits
		_ = p.cmd.Wait()
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

func (p *proc) copy(r io.Reader, into *e2etest.SyncBuffer, each func(string)) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		into.Write([]byte(sc.Text() + "\n"))
		if each != nil {
			each(sc.Text())
		}
	}
}

func (p *proc) output() string {
	return "stdout:\n" + p.stdout.String() + "stderr:\n" + p.stderr.String()
}

// waitReady waits for the "hauld serving" line; an exit first fails.
func (p *proc) waitReady(t *testing.T) {
	t.Helper()
	select {
	case <-p.ready:
	case <-p.done:
		t.Fatalf("hauld exited before serving (%v); %s", p.state, p.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("hauld did not serve within 30 s; %s", p.output())
	}
}

// stop sends sig and returns the exit status (hang guard 30 s).
func (p *proc) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal hauld: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("hauld did not stop within 30 s of %v; %s", sig, p.output())
	}
	if ws, ok := p.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("hauld died of %v instead of stopping cleanly; %s", ws.Signal(), p.output())
	}
	return p.state.ExitCode()
}
