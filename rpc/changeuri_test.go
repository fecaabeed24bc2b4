package rpc

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

// waitTask waits until cond holds for the task, watching its events.
func waitTask(t *testing.T, m *downloader.Manager, id, what string, cond func(downloader.Snapshot) bool) downloader.Snapshot {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond) // progress events coalesce
	defer tick.Stop()
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(s) {
			return s
		}
		select {
		case <-events:
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s: %s/%s %q", what, s.State, s.Phase, s.Error)
		}
	}
}

// reprDigest is the Repr-Digest header of f.
func reprDigest(t *testing.T, f testserver.File) http.Header {
	b, err := io.ReadAll(f.Content())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return http.Header{"Repr-Digest": {"sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"}}
}

// linkServers serves f (with its Repr-Digest) at a's /a.bin, paced so
// it can expire mid-way, and at other's /fresh.bin without an ETag (a
// fresh link on another CDN), beside /other.bin, another file of the
// same size without validators. Stalls end fast so an expiry shows soon.
func linkServers(t *testing.T, seed uint64) (f testserver.File, a, other *testserver.Server) {
	old := downloader.StallTimeout
	downloader.StallTimeout = 300 * time.Millisecond
	t.Cleanup(func() { downloader.StallTimeout = old })
	f = testserver.File{Size: 6 << 20, Seed: seed}
	f.Header = reprDigest(t, f)
	a = testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(1<<20))
	t.Cleanup(a.Close)
	other = testserver.New(
		testserver.WithFile("/other.bin", testserver.File{Size: f.Size, Seed: seed + 1, NoETag: true, NoLastModified: true}),
		testserver.WithFile("/fresh.bin", testserver.File{Size: f.Size, Seed: f.Seed, NoETag: true}))
	t.Cleanup(other.Close)
	return f, a, other
}

// Issue 16 over aria2's RPC: addUri with two URIs (link and mirror), a
// link that expires reads as paused with the sentence, changeUri to a
// different file is refused, changeUri to the same file answers
// [deleted, added], unpause continues, and tellStatus says verified.
func TestChangeURIOverRPC(t *testing.T) {
	f, a, other := linkServers(t, 1606)
	dir := t.TempDir()
	m := openManager(t, newMemStore(), dir)
	s := startTest(t, m, nil)

	var gid string
	mirror := other.URL("/fresh.bin") + "?m=1"
	mustCall(t, s, &gid, "aria2.addUri", []string{a.URL("/a.bin"), mirror}, map[string]string{"split": "4"})
	var uris []map[string]string
	mustCall(t, s, &uris, "aria2.getUris", gid)
	if len(uris) != 2 || uris[1]["uri"] != mirror || uris[1]["status"] != "waiting" {
		t.Fatalf("getUris %v", uris)
	}
	// The mirror goes (aria2: delete it), so the expiry is what stops it.
	var res []int
	mustCall(t, s, &res, "aria2.changeUri", gid, 1, []string{mirror}, []string{})
	if len(res) != 2 || res[0] != 1 || res[1] != 0 {
		t.Fatalf("changeUri delete mirror: %v", res)
	}
	waitTask(t, m, gid, "progress", func(s downloader.Snapshot) bool { return s.Done >= 1<<20 })
	a.Set(testserver.WithFail5xx(1<<30, http.StatusForbidden), testserver.WithPerConnRate(1))
	waitTask(t, m, gid, "a fresh link", func(s downloader.Snapshot) bool { return s.State == downloader.StatePaused })
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gid)
	if st["status"] != "paused" || !strings.Contains(st["errorMessage"].(string), "The link has expired") {
		t.Fatalf("tellStatus of an expired link: status %v errorMessage %v", st["status"], st["errorMessage"])
	}
	// Another file of the same size: refused with the sentence.
	_, e := call(t, s, "aria2.changeUri", gid, 1, []string{a.URL("/a.bin")}, []string{other.URL("/other.bin")})
	if e == nil || !strings.Contains(e.Message, "That link leads to a different file") {
		t.Fatalf("changeUri to another file: %v", e)
	}
	mustCall(t, s, &res, "aria2.changeUri", gid, 1, []string{a.URL("/a.bin")}, []string{other.URL("/fresh.bin")})
	if len(res) != 2 || res[0] != 1 || res[1] != 1 {
		t.Fatalf("changeUri: %v, want [1 1]", res)
	}
	mustCall(t, s, nil, "aria2.unpause", gid)
	done := waitTask(t, m, gid, "completion", func(s downloader.Snapshot) bool {
		return s.State == downloader.StateCompleted || s.State == downloader.StateFailed
	})
	if done.State != downloader.StateCompleted {
		t.Fatalf("%s: %q", done.State, done.Error)
	}
	mustCall(t, s, &st, "aria2.tellStatus", gid)
	if st["status"] != "complete" || st["verified"] != "sha-256 from the server" {
		t.Errorf("tellStatus: status %v verified %v", st["status"], st["verified"])
	}
	got, err := os.ReadFile(filepath.Join(dir, done.Name))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(f.Content())
	if string(got) != string(want) {
		t.Error("the file is not byte-exact")
	}
}

// A digest the file does not match fails with aria2's checksum code and
// leaves no file.
func TestDigestMismatchOverRPC(t *testing.T) {
	f := testserver.File{Size: 1 << 20, Seed: 1608}
	f.Header = reprDigest(t, testserver.File{Size: f.Size, Seed: 1609})
	srv := testserver.New(testserver.WithFile("/f.iso", f))
	defer srv.Close()
	dir := t.TempDir()
	m := openManager(t, newMemStore(), dir)
	s := startTest(t, m, nil)
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{srv.URL("/f.iso")})
	waitTask(t, m, gid, "the end", func(s downloader.Snapshot) bool { return s.State == downloader.StateFailed })
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gid)
	if st["status"] != "error" || st["errorCode"] != "32" {
		t.Errorf("status %v errorCode %v", st["status"], st["errorCode"])
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// TestNpmAria2ClientLinks is TestChangeURIOverRPC through the unmodified
// npm aria2 client (rpc/jsclient/links.js).
func TestNpmAria2ClientLinks(t *testing.T) {
	node, script := nodeClient(t)
	script = filepath.Join(filepath.Dir(script), "links.js")
	f, a, other := linkServers(t, 1614)
	dir := t.TempDir()
	m := openManager(t, newMemStore(), t.TempDir())
	secret := NewSecret()
	s := startTest(t, m, func(c *Config) { c.Secret = secret })

	// The link expires once a MiB is down, whichever task the client made.
	events, stop := m.Subscribe()
	defer stop()
	expired := make(chan struct{})
	go func() {
		defer close(expired)
		for ev := range events {
			if ev.Task.URL == a.URL("/a.bin") && ev.Task.Done >= 1<<20 {
				a.Set(testserver.WithFail5xx(1<<30, http.StatusForbidden), testserver.WithPerConnRate(1))
				return
			}
		}
	}()
	line := runNode(t, node, script, "--port", strconv.Itoa(s.Port()), "--secret", secret, "--dir", dir,
		"--link", a.URL("/a.bin"), "--mirror", other.URL("/fresh.bin")+"?m=1",
		"--other", other.URL("/other.bin"), "--fresh", other.URL("/fresh.bin"))
	stop()
	<-expired
	var sum struct {
		URIs          []string `json:"uris"`
		DropMirror    []int    `json:"dropMirror"`
		PausedStatus  string   `json:"pausedStatus"`
		PausedMessage string   `json:"pausedMessage"`
		Refused       string   `json:"refused"`
		Changed       []int    `json:"changed"`
		Status        string   `json:"status"`
		Verified      string   `json:"verified"`
		Path          string   `json:"path"`
	}
	if err := json.Unmarshal([]byte(line), &sum); err != nil {
		t.Fatalf("summary %q: %v", line, err)
	}
	if strings.Join(sum.URIs, ",") != "used,waiting" || !slices.Equal(sum.DropMirror, []int{1, 0}) || !slices.Equal(sum.Changed, []int{1, 1}) {
		t.Errorf("uris %v, changeUri answers %v and %v", sum.URIs, sum.DropMirror, sum.Changed)
	}
	if sum.PausedStatus != "paused" || !strings.Contains(sum.PausedMessage, "The link has expired") {
		t.Errorf("expired link read as %q %q", sum.PausedStatus, sum.PausedMessage)
	}
	if !strings.Contains(sum.Refused, "That link leads to a different file") {
		t.Errorf("refusal %q", sum.Refused)
	}
	if sum.Status != "complete" || sum.Verified != "sha-256 from the server" {
		t.Errorf("status %q verified %q", sum.Status, sum.Verified)
	}
	if got := fileSHA256(t, sum.Path); got != f.SHA256() {
		t.Errorf("SHA-256 %s, want %s", got, f.SHA256())
	}
}
