package e2e

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// TestE2EHaulDBDamaged fills haul.db with garbage: haul get must move it
// aside, say so, and download anyway.
func TestE2EHaulDBDamaged(t *testing.T) {
	needHaul(t)
	const (
		size = 3<<20 + 123
		seed = 99
	)
	srv := testserver.New(testserver.WithFile("/small.bin", testserver.File{Size: size, Seed: seed}))
	defer srv.Close()
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(filepath.Join(data, "haul.db"), garbage, 0o600); err != nil {
		t.Fatal(err)
	}

	code, p := runHaul(t, 60*time.Second, "get", "--data", data, "-d", out, srv.URL("/small.bin"))
	if code != 0 {
		t.Fatalf("exit %d, want 0; %s", code, p.output())
	}
	if !strings.Contains(p.stderr.String(), "damaged") {
		t.Errorf("no notice that the damaged database was moved aside; %s", p.output())
	}
	broken, _ := filepath.Glob(filepath.Join(data, "haul.db.broken-*"))
	if len(broken) != 1 {
		t.Fatalf("want one haul.db.broken-*, have %v", broken)
	}
	if b, err := os.ReadFile(broken[0]); err != nil || !bytes.Equal(b, garbage) {
		t.Errorf("%s does not hold the damaged file unchanged (err %v)", broken[0], err)
	}
	if got, want := fileSHA256(t, filepath.Join(out, "small.bin")), testserver.SHA256(seed, size); got != want {
		t.Errorf("SHA-256 %s, want %s", got, want)
	}
	// The new database is a working one: the next run finds the file done.
	code, p = runHaul(t, 60*time.Second, "get", "--data", data, "-d", out, srv.URL("/small.bin"))
	if code != 0 || strings.Contains(p.stderr.String(), "damaged") {
		t.Errorf("second run: exit %d; %s", code, p.output())
	}
}

// TestE2EHaulDBLocked runs a second haul get on the data folder of one
// still downloading: it must give up at once with a sentence, and leave
// the first one alone.
func TestE2EHaulDBLocked(t *testing.T) {
	needHaul(t)
	const (
		size = 8 << 20
		seed = 5
	)
	srv := testserver.New(
		testserver.WithFile("/slow.bin", testserver.File{Size: size, Seed: seed}),
		testserver.WithFile("/other.bin", testserver.File{Size: 1 << 20, Seed: 6}),
		testserver.WithPerConnRate(256<<10),
	)
	defer srv.Close()
	base := t.TempDir()
	data := filepath.Join(base, "data")
	args := []string{"get", "--data", data, "-d", filepath.Join(base, "out1"), "-x", "2", srv.URL("/slow.bin")}
	first := startHaul(t, args...)
	// Bytes flowing means the first one has the database open.
	if !waitUntil(first, 30*time.Second, func() bool { return srv.Stats().BytesServed > 0 }) {
		t.Fatalf("first haul did not start downloading; %s", first.output())
	}

	code, second := runHaul(t, 15*time.Second, "get", "--data", data, "-d", filepath.Join(base, "out2"), srv.URL("/other.bin"))
	if code == 0 {
		t.Errorf("second haul on a busy data folder exited 0; %s", second.output())
	}
	if !hasSentence(second.stderr.String(), "another Haul is using") {
		t.Errorf("second haul did not say another Haul is using the data folder; %s", second.output())
	}
	if first.exited() {
		t.Fatalf("the first haul ended while the second ran; %s", first.output())
	}

	first.cmd.Process.Signal(syscall.SIGINT)
	if code := first.wait(t, 20*time.Second); code != 130 {
		t.Errorf("first haul: exit %d after SIGINT, want 130; %s", code, first.output())
	}
	srv.Set(testserver.WithPerConnRate(0))
	code, p := runHaul(t, 60*time.Second, args...)
	if code != 0 {
		t.Fatalf("rerun of the first: exit %d; %s", code, p.output())
	}
	if got, want := fileSHA256(t, filepath.Join(base, "out1", "slow.bin")), testserver.SHA256(seed, size); got != want {
		t.Errorf("SHA-256 %s, want %s", got, want)
	}
}
