// Package testbus starts a private D-Bus session bus for a test, so tray,
// notification and bus-name checks never touch the user's desktop.
package testbus

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Start runs a session bus of the test's own, stopped when the test ends,
// and returns its address. It has no service activation files, so a
// notification daemon installed on the machine is never started on it.
// The test is skipped when dbus-daemon is not installed.
func Start(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed (scripts/deps.sh gui-test installs it)")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	cmd.Env = append(os.Environ(), "XDG_DATA_DIRS="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read the bus address: %v", err)
	}
	return strings.TrimSpace(line)
}
