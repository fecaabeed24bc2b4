package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestE2ECLIErrors checks the exit statuses and messages of haul get when
// things go wrong, and that Ctrl-C leaves a download that the same
// command finishes.
func TestE2ECLIErrors(t *testing.T) {
	needHaul(t)
	const (
		size = 16 << 20
		seed = 77
	)
	srv := testserver.New(testserver.WithFile("/file.bin", testserver.File{Size: size, Seed: seed}))
	defer srv.Close()
	url := srv.URL("/file.bin")
	const guard = 60 * time.Second

	dirs := func(t *testing.T) (data, out string) {
		base := t.TempDir()
		return filepath.Join(base, "data"), filepath.Join(base, "out")
	}

	t.Run("unknown flag", func(t *testing.T) {
		data, out := dirs(t)
		code, p := runHaul(t, guard, "get", "--data", data, "-d", out, "--no-such-flag", url)
		if code != 2 {
			t.Errorf("exit %d, want 2; %s", code, p.output())
		}
		if !strings.Contains(p.stderr.String(), "no-such-flag") {
			t.Errorf("stderr does not name the bad flag; %s", p.output())
		}
	})

	t.Run("bad URL", func(t *testing.T) {
		for _, bad := range []string{"ftp://example.invalid/x", "not a url", "http://[::1"} {
			data, out := dirs(t)
			code, p := runHaul(t, guard, "get", "--data", data, "-d", out, bad)
			if code != 2 {
				t.Errorf("%q: exit %d, want 2; %s", bad, code, p.output())
			}
			if !hasSentence(p.stderr.String(), bad) {
				t.Errorf("%q: no sentence about the URL on stderr; %s", bad, p.output())
			}
		}
	})

	t.Run("404", func(t *testing.T) {
		data, out := dirs(t)
		code, p := runHaul(t, guard, "get", "--data", data, "-d", out, srv.URL("/missing.bin"))
		if code != 1 {
			t.Errorf("exit %d, want 1; %s", code, p.output())
		}
		if !hasSentence(p.stderr.String(), "404") {
			t.Errorf("no sentence mentioning 404 on stderr; %s", p.output())
		}
	})

	t.Run("checksum mismatch", func(t *testing.T) {
		data, out := dirs(t)
		wrong := "sha256=" + strings.Repeat("0", 64)
		code, p := runHaul(t, guard, "get", "--data", data, "-d", out, "--checksum", wrong, url)
		if code != 1 {
			t.Errorf("exit %d, want 1; %s", code, p.output())
		}
		if !hasSentence(p.stderr.String(), "checksum") {
			t.Errorf("no sentence about the checksum on stderr; %s", p.output())
		}
		if _, err := os.Stat(filepath.Join(out, "file.bin")); err == nil {
			t.Errorf("file.bin was saved although its checksum is wrong")
		}
		if parts := partFiles(t, out); len(parts) > 0 {
			t.Logf("note: part file kept after a checksum mismatch: %v", parts)
		}
	})

	t.Run("SIGINT then rerun", func(t *testing.T) {
		data, out := dirs(t)
		// 4 connections at 512 KiB/s each: 16 MiB would take 8 s.
		srv.Set(testserver.WithPerConnRate(512 << 10))
		srv.ResetStats()
		args := []string{"get", "--data", data, "-d", out, "-x", "4", url}
		p := startHaul(t, args...)
		if !waitUntil(p, guard, func() bool { return srv.Stats().BytesServed >= 2<<20 }) {
			t.Fatalf("download did not get going; %s", p.output())
		}
		p.cmd.Process.Signal(syscall.SIGINT)
		if code := p.wait(t, 20*time.Second); code != 130 {
			t.Fatalf("exit %d after SIGINT, want 130; %s", code, p.output())
		}
		if !strings.Contains(p.stderr.String(), "Run the same command again") {
			t.Errorf("stderr does not tell to run the same command again; %s", p.output())
		}
		if len(partFiles(t, out)) != 1 {
			t.Errorf("want one part file after the interruption, have %v", partFiles(t, out))
		}
		rec := readDurable(t, data)[url]
		if rec.Done() == 0 {
			t.Errorf("nothing on record after a clean interruption at %s served", mib(srv.Stats().BytesServed))
		}

		srv.Set(testserver.WithPerConnRate(0))
		srv.ResetStats()
		code, p := runHaul(t, guard, args...)
		if code != 0 {
			t.Fatalf("rerun: exit %d, want 0; %s", code, p.output())
		}
		st := srv.Stats()
		if bad := refetched(st.Ranges, rec); len(bad) > 0 {
			t.Errorf("rerun asked again for bytes already on record: %v", bad)
		}
		if missing := size - rec.Done(); st.BytesServed > missing+size/10 {
			t.Errorf("rerun was served %s, but only %s was missing", mib(st.BytesServed), mib(missing))
		}
		if got, want := e2etest.FileSHA256(t, filepath.Join(out, "file.bin")), testserver.SHA256(seed, size); got != want {
			t.Errorf("SHA-256 %s, want %s", got, want)
		}
		if parts := partFiles(t, out); len(parts) > 0 {
			t.Errorf("part files left: %v", parts)
		}
	})
}

// hasSentence reports whether some line of s mentions word and reads like
// words for a person (several words, not only a Go error dump).
func hasSentence(s, word string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, word) && len(strings.Fields(line)) >= 4 && !strings.Contains(line, "Fyne error") {
			return true
		}
	}
	return false
}
