package hauld

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHauldVersionQuiet: under the C locales `hauld version` prints one
// line and nothing on stderr.
func TestHauldVersionQuiet(t *testing.T) {
	home := t.TempDir()
	for _, loc := range []string{"LANG=C", "LANG=C.UTF-8", "LC_ALL=POSIX", "LANGUAGE=C"} {
		cmd := exec.Command(hauldBin, "version")
		cmd.Env = env(home, loc)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s hauld version: %v", loc, err)
		}
		if lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "hauld ") {
			t.Errorf("%s: stdout %q, want one line", loc, stdout.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: stderr %q, want nothing", loc, stderr.String())
		}
	}
}

// TestHauldSecretMadeOnce: without --rpc-secret the first start makes a
// secret, prints it once on stdout (never in the log) and stores it; the
// next start uses it and prints nothing.
func TestHauldSecretMadeOnce(t *testing.T) {
	base := t.TempDir()
	home, data := filepath.Join(base, "home"), filepath.Join(base, "data")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	port := itoa(freePort(t))
	args := []string{"serve", "--data", data, "--rpc-port", port}
	p := startHauld(t, home, args...)
	p.waitReady(t)
	if code := p.stop(t, os.Interrupt); code != 0 {
		t.Fatalf("exit %d; %s", code, p.output())
	}
	m := regexp.MustCompile(`(?m)^RPC secret .*: ([0-9a-f]{32})$`).FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("no secret printed; %s", p.output())
	}
	if strings.Contains(p.stderr.String(), m[1]) {
		t.Errorf("the secret is in the log: %s", p.stderr.String())
	}
	if st, err := os.Stat(filepath.Join(data, "haul.db")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("haul.db holding the secret: %v, mode %v; want 0600", err, st.Mode().Perm())
	}

	p = startHauld(t, home, args...)
	p.waitReady(t)
	resp, err := http.Post("http://127.0.0.1:"+port+"/jsonrpc", "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":["token:`+m[1]+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"result"`) {
		t.Errorf("the printed secret is refused after a restart: %s", body)
	}
	// hauld add hands off with the token the server was started with.
	add := exec.Command(hauldBin, "add", "--data", data, "http://127.0.0.1:9/x")
	add.Env = env(home, "LANG=C")
	out, err := add.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Handed 1 download") {
		t.Errorf("hauld add with the stored secret: %v: %s", err, out)
	}
	if code := p.stop(t, os.Interrupt); code != 0 {
		t.Fatalf("exit %d; %s", code, p.output())
	}
	if strings.Contains(p.stdout.String(), "secret") {
		t.Errorf("the second start printed the secret again: %s", p.stdout.String())
	}
}
