//go:build !windows && !darwin

package gui

import "os/exec"

var platformOpeners = unixOpeners

func platformPrepare(*exec.Cmd) {}
