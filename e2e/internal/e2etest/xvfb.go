package e2etest

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StartProcess runs cmd in its own process group, which is killed (by
// its id) when the test ends. done is closed once cmd has exited.
func StartProcess(t testing.TB, cmd *exec.Cmd) (done <-chan struct{}) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	ch := make(chan struct{})
	go func() { _ = cmd.Wait(); close(ch) }()
	t.Cleanup(func() {
		select {
		case <-ch:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-ch
		}
	})
	return ch
}

// StartXvfb starts an X server on a free display (Xvfb -displayfd), stopped
// when the test ends, and returns the display number.
func StartXvfb(t testing.TB) int {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr SyncBuffer
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stderr = &stderr
	StartProcess(t, cmd)
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("Xvfb display %q: %v\n%s", s, err, stderr.String())
		}
		return n
	case <-time.After(15 * time.Second):
		t.Fatalf("Xvfb gave no display:\n%s", stderr.String())
	}
	return 0
}
