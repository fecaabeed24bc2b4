//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
)

// runHeadless replaces this process with the headless hauld installed
// beside haul, when it is the very same build, to run a terminal verb.
// hauld carries the same engine and the same cli package without the
// window toolkit, whose code and data the kernel maps in whole once the
// packages initialise: a 32-connection `haul get` peaked at 32.5 MB, the
// same download under hauld at 17.7 MB. Arguments, standard streams,
// signals and the exit status are the process's own, as exec keeps them.
// It returns only when there is no such hauld or the exec failed; the
// caller then runs the verb itself.
func runHeadless(verb string, args []string) {
	if os.Getenv(envInProcess) != "" {
		return
	}
	self, err := os.Executable()
	if err != nil {
		return
	}
	path := filepath.Join(filepath.Dir(self), "hauld")
	if !sameBuildAsSelf(path) {
		return
	}
	_ = syscall.Exec(path, append([]string{path, verb}, args...), os.Environ())
}
