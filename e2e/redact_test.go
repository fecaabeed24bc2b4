package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/rpc"
)

// TestE2ENoURLPassword runs haul get on links with a password that fail
// (a login the server refuses, a missing file, a host that refuses
// connections is left out: it retries forever), then greps the CLI's
// output, each task's log and error, and the RPC's tellStatus for the
// password. The stored record keeps the real URL.
func TestE2ENoURLPassword(t *testing.T) {
	needHaul(t)
	const secret = "pa55-w0rd-XYZ"
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 20, Seed: 5}),
		testserver.WithBasicAuth("alice", "another"))
	defer srv.Close()
	withPass := func(u string) string { return strings.Replace(u, "http://", "http://alice:"+secret+"@", 1) }
	urls := []string{withPass(srv.URL("/f.bin")), withPass(srv.URL("/missing.bin")), withPass("http://[::1")}
	base := t.TempDir()
	data := filepath.Join(base, "data")
	for _, u := range urls {
		code, p := runHaul(t, 60*time.Second, "get", "--data", data, "-d", filepath.Join(base, "out"), u)
		if code == 0 {
			t.Errorf("%s: exit 0", u)
		}
		if out := p.output(); strings.Contains(out, secret) {
			t.Errorf("the CLI printed the password: %s", out)
		}
	}

	db, err := store.Open(filepath.Join(data, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: base, Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { m.Close(); db.Close() }()
	tasks := m.List()
	if len(tasks) < 2 {
		t.Fatalf("%d tasks recorded, want the two that reached the server", len(tasks))
	}
	s, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, task := range tasks {
		if !strings.Contains(task.URL, secret) {
			t.Errorf("the record lost the real URL: %s", downloader.RedactURL(task.URL))
		}
		var log []string
		for _, e := range task.Log {
			log = append(log, e.Text)
		}
		if text := strings.Join(append(log, task.Error), "\n"); strings.Contains(text, secret) {
			t.Errorf("task %s: log or error shows the password: %s", task.ID, text)
		}
		if reply := tellStatus(t, s, task.ID); strings.Contains(reply, secret) || !strings.Contains(reply, "alice:xxxxx@") {
			t.Errorf("tellStatus %s: %s", task.ID, reply)
		}
	}
}

func tellStatus(t *testing.T, s *rpc.Server, gid string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "aria2.tellStatus", "params": []any{"token:s", gid}})
	resp, err := http.Post(s.URL(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
