package desktop

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestDesktopSecondInstance: a second haul on the same data folder hands
// its link to the running one and exits; the first downloads it.
func TestDesktopSecondInstance(t *testing.T) {
	bin := needDesktop(t)
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr)
	file := testserver.File{Size: 3 << 20, Seed: 77}
	srv := testserver.New(testserver.WithFile("/second.bin", file))
	t.Cleanup(srv.Close)
	data := filepath.Join(d.home, "haul-data")

	first := d.runApp(bin, data)
	if _, ok := d.window(true, 20*time.Second); !ok {
		t.Fatalf("no window within 20 s (running: %v)", first.running())
	}
	// instance.json appears once the service listens.
	if !e2etest.WaitFor(10*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(data, "instance.json"))
		return err == nil
	}) {
		t.Fatal("the first haul wrote no instance.json")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, "--data", data, srv.URL("/second.bin"))
	second.Env = d.env
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("second haul: %v\n%s", err, out)
	}
	if !first.running() {
		t.Fatal("the first haul exited")
	}
	final := filepath.Join(d.home, "Downloads", "second.bin")
	if !e2etest.WaitFor(30*time.Second, func() bool {
		st, err := os.Stat(final)
		return err == nil && st.Size() == file.Size
	}) {
		t.Fatalf("the handed-off link was not downloaded to %s", final)
	}
	if sum, err := testserver.FileSHA256(final); err != nil || sum != file.SHA256() {
		t.Fatalf("SHA-256 %s (%v), want %s", sum, err, file.SHA256())
	}
}
