package nmhost

import (
	"os"
	"strconv"
)

// ParentExe is the executable of the process that started this one (the
// browser, for a host), or "" when it cannot be read.
func ParentExe() string {
	p, err := os.Readlink("/proc/" + strconv.Itoa(os.Getppid()) + "/exe")
	if err != nil {
		return ""
	}
	return p
}
