package unattended

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// macPower keeps the Mac awake with caffeinate (an IOPM assertion held by
// a child that exits with Haul) and sleeps or shuts down through the
// system's own commands.
type macPower struct{}

// Inhibit starts `caffeinate -i -w PID`: it holds a "prevent idle sleep"
// assertion until killed or until Haul exits.
func (macPower) Inhibit(ctx context.Context) (func() error, error) {
	cmd := exec.Command("/usr/bin/caffeinate", "-i", "-w", strconv.Itoa(os.Getpid()))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("caffeinate: %w", err)
	}
	return func() error {
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // killed on purpose: its exit status says so
		return nil
	}, nil
}

// Suspend runs `pmset sleepnow`.
func (macPower) Suspend(ctx context.Context) error {
	return runQuiet(ctx, "/usr/bin/pmset", "sleepnow")
}

// PowerOff asks System Events to shut down, as the Apple menu does, so
// other apps may save their work.
func (macPower) PowerOff(ctx context.Context) error {
	return runQuiet(ctx, "/usr/bin/osascript", "-e", `tell application "System Events" to shut down`)
}

func runQuiet(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, out)
	}
	return nil
}

// System returns the inhibitor and power control of this system.
func System() (Inhibitor, Power) { return macPower{}, macPower{} }
