package unattended

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"

	"golang.org/x/sys/windows"
)

// SetThreadExecutionState flags (winbase.h).
const (
	esContinuous     = 0x80000000
	esSystemRequired = 0x00000001
)

var (
	kernel32                    = windows.NewLazySystemDLL("kernel32.dll")
	procSetThreadExecutionState = kernel32.NewProc("SetThreadExecutionState")
	powrprof                    = windows.NewLazySystemDLL("powrprof.dll")
	procSetSuspendState         = powrprof.NewProc("SetSuspendState")
)

// windowsPower keeps the computer awake with SetThreadExecutionState and
// sleeps or shuts it down with the system's own calls.
type windowsPower struct{}

// Inhibit sets ES_SYSTEM_REQUIRED on a thread of its own: the state
// belongs to the thread that set it, and a goroutine may change threads.
func (windowsPower) Inhibit(ctx context.Context) (func() error, error) {
	set := make(chan error, 1)
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		r, _, err := procSetThreadExecutionState.Call(esContinuous | esSystemRequired)
		if r == 0 {
			set <- fmt.Errorf("SetThreadExecutionState: %w", err)
			return
		}
		set <- nil
		<-done
		procSetThreadExecutionState.Call(esContinuous)
	}()
	if err := <-set; err != nil {
		return nil, err
	}
	return func() error { close(done); <-exited; return nil }, nil
}

// Suspend calls SetSuspendState(hibernate=false, force=false, wakeups=false).
func (windowsPower) Suspend(ctx context.Context) error {
	if r, _, err := procSetSuspendState.Call(0, 0, 0); r == 0 {
		return fmt.Errorf("SetSuspendState: %w", err)
	}
	return nil
}

// PowerOff runs the system's shutdown command, which asks for the
// privilege ExitWindowsEx would need and tells logged-in users.
func (windowsPower) PowerOff(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "shutdown", "/s", "/t", "0").CombinedOutput()
	if err != nil {
		return fmt.Errorf("shutdown: %w: %s", err, out)
	}
	return nil
}

// System returns the inhibitor and power control of this system.
func System() (Inhibitor, Power) { return windowsPower{}, windowsPower{} }
