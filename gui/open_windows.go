//go:build windows

package gui

import (
	"os/exec"
	"syscall"
)

var platformOpeners = windowsOpeners

// platformPrepare keeps a console window from flashing up for the opener.
func platformPrepare(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true}
}
