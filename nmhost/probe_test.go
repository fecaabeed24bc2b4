package nmhost

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestMain lets this test binary stand in for haul in host mode, so Probe
// can start it the way a browser starts the host.
func TestMain(m *testing.M) {
	if os.Getenv("NMHOST_TEST_AS_HOST") == "1" {
		h := &Host{Submit: &fakeSubmitter{}, Version: "test-host"}
		if err := h.Serve(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestProbe(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("NMHOST_TEST_AS_HOST", "1")
	home := t.TempDir()
	mkdirs(t, filepath.Join(home, ".config", "chromium"), filepath.Join(home, ".mozilla"))
	env := Env{GOOS: "linux", Home: home}
	for _, st := range (Registrar{Env: env, Exe: exe}).Register(false) {
		if !st.Found {
			continue
		}
		v, err := Probe(context.Background(), env, st.Browser)
		if err != nil || v != "test-host" {
			t.Errorf("Probe(%s) = %q, %v", st.Key, v, err)
		}
	}
	// A manifest naming a program that is not a host fails with a reason.
	if err := writeFileAtomic(Browsers[0].ManifestPath(env), []byte(`{"name":"app.haul.host","path":"/bin/true"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := Probe(context.Background(), env, Browsers[0]); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("Probe of /bin/true: %v, want ErrNoAnswer", err)
	}
	os.Remove(Browsers[0].ManifestPath(env))
	if _, err := Probe(context.Background(), env, Browsers[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Probe without a manifest: %v, want ErrNotExist", err)
	}
}
