//go:build !windows

package main

import "syscall"

// detached puts a child in a new session: the browser ends the host's
// process group when the extension's port closes.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
