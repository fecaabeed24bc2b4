package rpc

import (
	"path/filepath"
	"strings"
	"testing"
)

// A relative folder over RPC is refused with a sentence, never resolved
// against Haul's working directory; an absolute one is taken.
func TestRelativeFolderRefused(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	abs := filepath.Join(t.TempDir(), "in")
	for _, tc := range []struct {
		method string
		params []any
	}{
		{"aria2.addUri", []any{[]string{"http://e.com/a"}, map[string]string{"dir": "../../.ssh"}}},
		{"aria2.addUri", []any{[]string{"http://e.com/a"}, map[string]string{"dir": "Downloads"}}},
		{"aria2.changeGlobalOption", []any{map[string]string{"dir": "relative/dir"}}},
	} {
		_, e := call(t, s, tc.method, tc.params...)
		if e == nil || !strings.Contains(e.Message, "full path") {
			t.Errorf("%s %v: %v, want refused with a sentence", tc.method, tc.params, e)
		}
	}
	if len(f.Requests()) != 0 {
		t.Fatalf("engine got %+v", f.Requests())
	}
	if f.Settings().Folder != "/downloads" {
		t.Fatalf("default folder changed to %q", f.Settings().Folder)
	}
	if _, e := call(t, s, "aria2.addUri", []string{"http://e.com/a"}, map[string]string{"dir": abs}); e != nil {
		t.Fatalf("absolute folder refused: %v", e)
	}
	if reqs := f.Requests(); len(reqs) != 1 || reqs[0].Folder != abs {
		t.Fatalf("engine got %+v", reqs)
	}
}
