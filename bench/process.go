package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// The bench's own process: cleanups and signals, the machine's load, and
// copies of the binaries it measures.

// Cleanup and signals: namespaces, temp files and the running child must
// go however the bench ends.

var (
	cleanMu  sync.Mutex
	cleanups []func()
)

func registerCleanup(f func()) {
	cleanMu.Lock()
	cleanups = append(cleanups, f)
	cleanMu.Unlock()
}

func runCleanups() {
	cleanMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func handleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-ch
		if pid := current.Load(); pid > 0 {
			_ = syscall.Kill(-int(pid), syscall.SIGKILL)
		}
		fmt.Fprintf(os.Stderr, "\nbench: %v: cleaning up\n", s)
		runCleanups()
		os.Exit(130)
	}()
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// command output's first line, or "".
func firstLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	s, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return s
}

// copyHaul copies a haul binary and the hauld beside it, if any, into
// the folder dir (made here), and returns the copy's path.
func copyHaul(src, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst, err := copyExecutable(src, filepath.Join(dir, "haul"))
	if err != nil {
		return "", err
	}
	if hauld := filepath.Join(filepath.Dir(src), "hauld"); fileExists(hauld) {
		_, err = copyExecutable(hauld, filepath.Join(dir, "hauld"))
	}
	return dst, err
}

func copyExecutable(src, dst string) (string, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	return dst, os.WriteFile(dst, data, 0o755)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
