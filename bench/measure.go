package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Why a helper process: Go starts children with vfork (CLONE_VM), so at
// the child's first exec the kernel folds the *parent's* peak RSS into the
// child's ru_maxrss. Measured straight from the bench process (which holds
// the test server), every tool would report at least the bench's own RSS.
// `bench measure` is a fresh, small process that starts the tool, waits for
// it and records its rusage; the tool then inherits only the helper's few
// MiB, recorded as Floor so the report can tell.

// measured is what `bench measure` writes to its result file.
type measured struct {
	Secs    float64 `json:"secs"`
	CPU     float64 `json:"cpu"`
	RSSKB   int64   `json:"rss_kb"`
	FloorKB int64   `json:"floor_kb"`
	Exit    int     `json:"exit"`
	Err     string  `json:"err,omitempty"`
}

// measure runs argv, then writes a measured to resultPath and exits with
// the tool's status.
func measure(resultPath string, argv []string) int {
	m := measured{FloorKB: vmHWM()}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	m.Secs = time.Since(start).Seconds()
	if ps := cmd.ProcessState; ps != nil {
		m.CPU = (ps.UserTime() + ps.SystemTime()).Seconds()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			m.RSSKB = ru.Maxrss
		}
		m.Exit = ps.ExitCode()
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		m.Err, m.Exit = err.Error(), 127
	}
	data, _ := json.Marshal(m)
	if werr := os.WriteFile(resultPath, data, 0o644); werr != nil {
		return 125
	}
	if m.Exit < 0 {
		return 1
	}
	return m.Exit
}

// vmHWM is this process's peak resident set in KiB.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
