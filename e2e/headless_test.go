package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestE2EGetRunsInHauld: with a hauld of the same build beside haul (as
// `make` leaves them), `haul get` runs its download in hauld's smaller
// process and still saves the file; HAUL_IN_PROCESS keeps it in haul.
func TestE2EGetRunsInHauld(t *testing.T) {
	needHaul(t)
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		t.Skip("needs /proc to see which executable runs")
	}
	hauld := filepath.Join(filepath.Dir(haulBin), "hauld")
	if _, err := os.Stat(hauld); err != nil {
		t.Skip("no hauld beside " + haulBin + " (make e2e builds both with one source stamp)")
	}
	const size, seed = 8 << 20, 0x5eed
	srv := testserver.New(
		testserver.WithFile("/f.bin", testserver.File{Size: size, Seed: seed}),
		testserver.WithPerConnRate(1<<20),
	)
	defer srv.Close()
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"beside hauld", nil, "hauld"},
		{"HAUL_IN_PROCESS", []string{"HAUL_IN_PROCESS=1"}, "haul"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			out := filepath.Join(base, "out")
			p := startHaulEnv(t, c.env, "get", "-q", "--data", filepath.Join(base, "data"), "-d", out, "-x", "2", srv.URL("/f.bin"))
			// Once bytes flow the download runs in its final image: exec
			// comes before the first request. 8 MiB at 2 × 1 MiB/s leave
			// seconds to look.
			if !waitUntil(p, 10*time.Second, func() bool { return srv.Stats().BytesServed > 0 }) {
				t.Fatalf("no bytes flowed: %s", p.output())
			}
			exe, err := os.Readlink("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/exe")
			if err != nil {
				t.Fatalf("reading the running executable: %v", err)
			}
			if got := filepath.Base(exe); got != c.want {
				t.Errorf("haul get ran as %q, want %q", got, c.want)
			}
			if code := p.wait(t, 30*time.Second); code != 0 {
				t.Fatalf("haul get exited %d: %s", code, p.output())
			}
			if got, want := e2etest.FileSHA256(t, filepath.Join(out, "f.bin")), testserver.SHA256(seed, size); got != want {
				t.Fatalf("saved file's SHA-256 %s, want %s", got, want)
			}
		})
	}
}
