package rpc

import "path/filepath"

// checkFolder refuses a download folder that is not an absolute path: a
// relative one would resolve against Haul's working directory, which the
// caller neither sees nor chooses. "" (the default folder) passes.
func checkFolder(dir string) error {
	if dir == "" || filepath.IsAbs(dir) {
		return nil
	}
	return failf("The folder must be a full path (such as %s), not %q.", exampleFolder(), truncate(dir, 80))
}

func exampleFolder() string {
	if filepath.Separator == '\\' {
		return `C:\Users\you\Downloads`
	}
	return "/home/you/Downloads"
}
