package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// runResult is one download by one tool.
type runResult struct {
	Secs  float64   // wall time from start to exit of the tool
	Exit  time.Time // when the measuring helper saw the tool exit (traces)
	Floor int64     // KiB of RSS the tool inherits from the measuring helper
	CPU   float64   // user+sys seconds of the child
	RSSKB int64     // peak resident set of the child, KiB
	OK    bool      // exit 0 and, where a file is written, checksum good
	Err   string    // why not OK
	// BadSum is a checksum mismatch (as opposed to a failed or slow tool).
	BadSum bool

	// What the server saw.
	PeakConns, PeakInFlight int
	Requests, Refused       int64
	Accepted                int64 // TCP connections opened in the run
	Served                  int64 // body bytes the server sent
	// Delivered is the TCP payload the emulated link handed to the
	// client (WAN scenarios; 0 elsewhere): HTTP headers, retransmissions
	// and what a cut stream had in flight, but not what the server's
	// socket buffer still held when the client closed.
	Delivered int64
}

// tail keeps the last bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2048 {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-2048:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// current is the process group of the running child, for the signal
// handler.
var current atomic.Int64

// runChild runs argv under `self measure` (see measure.go) in its own
// process group and returns the tool's measurements. It kills the whole
// group after timeout.
func runChild(self string, argv []string, dir string, timeout time.Duration) runResult {
	resPath := filepath.Join(dir, "measured.json")
	cmd := exec.Command(self, append([]string{"measure", resPath, "--"}, argv...)...)
	cmd.Dir = dir
	out := &tail{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return runResult{Err: err.Error()}
	}
	pid := cmd.Process.Pid
	current.Store(int64(pid))
	var timedOut atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	})
	err := cmd.Wait()
	elapsed := time.Since(start)
	timer.Stop()
	current.Store(0)
	// Anything the tool left behind in its group goes too.
	_ = syscall.Kill(-pid, syscall.SIGKILL)

	r := runResult{Secs: elapsed.Seconds(), Exit: start.Add(elapsed)}
	var m measured
	if data, rerr := os.ReadFile(resPath); rerr == nil && json.Unmarshal(data, &m) == nil {
		r.Secs, r.CPU, r.RSSKB, r.Floor = m.Secs, m.CPU, m.RSSKB, m.FloorKB
	}
	switch {
	case timedOut.Load():
		r.Err = fmt.Sprintf("timed out after %v", timeout)
	case err != nil:
		r.Err = fmt.Sprintf("%v: %s", err, lastLine(out.String()))
	default:
		r.OK = true
	}
	return r
}

func lastLine(s string) string {
	if i := bytes.LastIndexByte([]byte(s), '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// fileSHA256 hashes the file at path, and checks its size.
func fileSHA256(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	if n != size {
		return "", fmt.Errorf("size %d, want %d", n, size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
