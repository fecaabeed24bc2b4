package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"haul/downloader"
)

// testHoldEnv names a point of the finish where `haul get` stops and waits
// to be killed, so the end-to-end tests (e2e/finishkill_test.go) can kill
// it exactly there rather than by luck:
//
//	verify  in the checksum pass, after its first read
//	rename  verified, before the rename to the final name
//	commit  renamed, before the record says Completed
//
// It prints "haul-test-hold: POINT" to stderr when it stops. Never set it
// in normal use.
const testHoldEnv = "HAUL_TEST_HOLD"

// testHoldFS is the file system for haul get: the operating system's,
// wrapped to stop at the point testHoldEnv names; nil (the default) when
// it is unset.
func testHoldFS(ctx context.Context, stderr io.Writer) downloader.FileSystem {
	point := os.Getenv(testHoldEnv)
	if point == "" {
		return nil
	}
	return &holdFS{FileSystem: downloader.OSFileSystem(), ctx: ctx, point: point, stderr: stderr}
}

type holdFS struct {
	downloader.FileSystem
	ctx    context.Context
	point  string
	stderr io.Writer
}

// hold announces the point and waits for the kill (or an interrupt).
func (h *holdFS) hold(point string) error {
	if h.point != point {
		return nil
	}
	fmt.Fprintf(h.stderr, "haul-test-hold: %s\n", point)
	<-h.ctx.Done()
	return fmt.Errorf("held at %s: %w", point, h.ctx.Err())
}

func (h *holdFS) OpenRead(path string) (io.ReadCloser, error) {
	f, err := h.FileSystem.OpenRead(path)
	if err != nil {
		return nil, err
	}
	return &holdReader{ReadCloser: f, h: h}, nil
}

// holdReader stops the checksum pass after its first read.
type holdReader struct {
	io.ReadCloser
	h     *holdFS
	reads int
}

func (r *holdReader) Read(p []byte) (int, error) {
	if r.reads++; r.reads == 2 {
		if err := r.h.hold("verify"); err != nil {
			return 0, err
		}
	}
	return r.ReadCloser.Read(p)
}

func (h *holdFS) Rename(from, to string) error {
	if err := h.hold("rename"); err != nil {
		return err
	}
	if err := h.FileSystem.Rename(from, to); err != nil {
		return err
	}
	return h.hold("commit")
}
