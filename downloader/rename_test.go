package downloader

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRenameNoReplace(t *testing.T) {
	dir := t.TempDir()
	part, final := filepath.Join(dir, "a.part"), filepath.Join(dir, "a")
	os.WriteFile(part, []byte("new"), 0o644)
	os.WriteFile(final, []byte("theirs"), 0o644)
	if err := renameNoReplace(part, final); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("rename onto an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(final); string(b) != "theirs" {
		t.Fatalf("existing file replaced: %q", b)
	}
	if err := renameNoReplace(part, filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("part file still there after rename: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b")); string(b) != "new" {
		t.Errorf("renamed file holds %q", b)
	}
}
