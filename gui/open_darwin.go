//go:build darwin

package gui

import "os/exec"

var platformOpeners = darwinOpeners

func platformPrepare(*exec.Cmd) {}
