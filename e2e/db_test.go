package e2e

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
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
	if got, want := e2etest.FileSHA256(t, filepath.Join(out, "small.bin")), testserver.SHA256(seed, size); got != want {
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
	if got, want := e2etest.FileSHA256(t, filepath.Join(base, "out1", "slow.bin")), testserver.SHA256(seed, size); got != want {
		t.Errorf("SHA-256 %s, want %s", got, want)
	}
}

// TestE2EHaulDBSalvageResumes kills a download midway, damages both meta
// pages of haul.db (bbolt refuses the file), and runs the same command:
// the record is salvaged from the damaged file, its part file adopted, and
// the download resumes without fetching again what was on record.
func TestE2EHaulDBSalvageResumes(t *testing.T) {
	needHaul(t)
	const size, seed = 16 << 20, 77
	srv := testserver.New(testserver.WithFile("/s.bin", testserver.File{Size: size, Seed: seed}), testserver.WithPerConnRate(2<<20))
	defer srv.Close()
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	url := srv.URL("/s.bin")
	args := []string{"get", "--data", data, "-d", out, "-q", "-x", "4", url}
	p := startHaul(t, args...)
	if !waitUntil(p, 60*time.Second, func() bool {
		return time.Since(p.started) > 1500*time.Millisecond && srv.Stats().BytesServed >= size/2
	}) || !p.kill(t) {
		t.Fatalf("the kill missed; %s", p.output())
	}
	before := readDurable(t, data)[url]
	if before.Done() == 0 {
		t.Fatal("nothing on record before the damage")
	}
	path := filepath.Join(data, "haul.db")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The checksum of each meta page (bbolt: 16-byte page header, then
	// 56 bytes of meta before its checksum).
	ps := int(binary.LittleEndian.Uint32(b[16+8:]))
	b[16+56] ^= 0xff
	b[ps+16+56] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.ResetStats()
	code, p2 := runHaul(t, 2*time.Minute, args...)
	if code != 0 {
		t.Fatalf("rerun exit %d; %s", code, p2.output())
	}
	if !strings.Contains(p2.stderr.String(), "1 download was recovered") {
		t.Errorf("no notice of what was recovered; %s", p2.output())
	}
	if bad := refetched(srv.Stats().Ranges, before); len(bad) > 0 {
		t.Errorf("the rerun fetched again bytes the salvaged record had: %v", bad)
	}
	if got := e2etest.FileSHA256(t, filepath.Join(out, "s.bin")); got != testserver.SHA256(seed, size) {
		t.Error("s.bin is not byte-exact")
	}
	if names := dirList(t, out); len(names) != 1 {
		t.Errorf("folder holds %v, want one file", names)
	}
	t.Logf("on record before the damage %s of %s; the rerun fetched %s", mib(before.Done()), mib(size), mib(srv.Stats().BytesServed))
}
