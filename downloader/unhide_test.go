package downloader

import (
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
)

func TestServerNameNotHidden(t *testing.T) {
	for in, want := range map[string]string{
		".bash_profile": "bash_profile",
		"...hidden.tar": "hidden.tar",
		"dir/.ssh":      "ssh",
		".":             fallbackName,
		"..":            fallbackName,
		"report.pdf":    "report.pdf",
		"a.b.c":         "a.b.c",
		" . profile":    "profile",
	} {
		if got := serverName(in); got != want {
			t.Errorf("serverName(%q) = %q, want %q", in, got, want)
		}
	}
}

// End to end: a file the server names ".bashrc" is saved visible, while a
// name the user chose is kept as chosen.
func TestDownloadDotNameVisible(t *testing.T) {
	f := testserver.File{Size: 1000, Seed: 3}
	srv := testserver.New(testserver.WithFile("/.bashrc", f))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	for _, tc := range []struct{ name, want string }{{"", "bashrc"}, {".chosen", ".chosen"}} {
		id := addOne(t, m, Request{URL: srv.URL("/.bashrc"), Name: tc.name})
		s := waitState(t, m, id, 30*time.Second, StateCompleted, StateFailed)
		if s.State != StateCompleted || s.Name != tc.want {
			t.Fatalf("name %q: %s %q (%s), want %q", tc.name, s.State, s.Name, s.Error, tc.want)
		}
		if got := fileSHA(t, filepath.Join(dir, tc.want)); got != f.SHA256() {
			t.Fatal("content differs")
		}
	}
}
