package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EVerbsQuietUnderCLocale: the desktop haul links Fyne, whose lang
// package complains about "C.UTF-8" while it initialises; every terminal
// verb must still print only its own output under the C locales.
func TestE2EVerbsQuietUnderCLocale(t *testing.T) {
	needHaul(t)
	data := filepath.Join(t.TempDir(), "data")
	verbs := []struct {
		args   []string
		stdout string // a substring stdout must hold
		stderr string // all of stderr must start with this ("" = empty)
	}{
		{[]string{"version"}, "haul ", ""},
		{[]string{"help"}, "Usage:", ""},
		{[]string{"add", "--data", data, "http://127.0.0.1:9/a"}, "Queued 1 download", ""},
		{[]string{"add"}, "", "Usage: haul add"},
		{[]string{"get", "-h"}, "", "Usage: haul get"},
	}
	for _, loc := range []string{"LANG=C", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANGUAGE=C", "LANG=POSIX"} {
		for _, v := range verbs {
			cmd := exec.Command(haulBin, v.args...)
			cmd.Env = append(localeFree(childEnv()), loc)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			_ = cmd.Run() // the status is the verb's; the output is what this checks
			if !strings.Contains(stdout.String(), v.stdout) {
				t.Errorf("%s haul %v: stdout %q, want %q in it", loc, v.args, stdout.String(), v.stdout)
			}
			if got := stderr.String(); (v.stderr == "" && got != "") || !strings.HasPrefix(got, v.stderr) || strings.Contains(got, "Fyne") {
				t.Errorf("%s haul %v: stderr %q", loc, v.args, got)
			}
		}
	}
}

// localeFree drops the locale variables from env.
func localeFree(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
