package browser

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"haul/downloader/store"
	"haul/nmhost"
)

// TestHostStdoutIsFramesOnly starts haul as Chromium and Firefox start a
// host and checks stdout carries exactly the framed answers, even for a
// bad message, with no window opened (no DISPLAY: a window would panic).
func TestHostStdoutIsFramesOnly(t *testing.T) {
	bin := os.Getenv("HAUL_E2E_BIN")
	if bin == "" {
		t.Skip("set HAUL_E2E_BIN to a built haul binary")
	}
	home := t.TempDir()
	manifest := filepath.Join(home, ".mozilla", "native-messaging-hosts", nmhost.HostName+".json")
	for _, args := range [][]string{
		{"chrome-extension://" + nmhost.ExtensionID + "/"},
		{manifest, nmhost.GeckoID},
	} {
		var in bytes.Buffer
		nmhost.WriteMessage(&in, map[string]any{"type": "ping"})
		in.Write([]byte{3, 0, 0, 0, 'b', 'a', 'd'})
		nmhost.WriteMessage(&in, map[string]any{"type": "hello", "browser": "firefox"})
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		cmd.Stdin = &in
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, errOut.String())
		}
		var got []nmhost.Reply
		for out.Len() > 0 {
			raw, err := nmhost.ReadMessage(&out)
			if err != nil {
				t.Fatalf("%q: stdout is not only frames: %v", args, err)
			}
			var r nmhost.Reply
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("%q: a frame is not JSON: %s", args, raw)
			}
			got = append(got, r)
		}
		if len(got) != 3 || !got[0].OK || got[1].Error != nmhost.CodeMalformed || !got[2].OK {
			t.Errorf("%q: replies %+v", args, got)
		}
	}
	if seen := nmhost.LastSeen(filepath.Join(home, ".config", "Haul")); seen["firefox"].IsZero() {
		t.Errorf("the hello was not recorded: %v", seen)
	}
}

// TestHostQueuesWhenHaulCannotStart: with no Haul running and none able to
// start (no display), the host queues the download into haul.db with its
// cookie, name and referer, and tells the extension so.
func TestHostQueuesWhenHaulCannotStart(t *testing.T) {
	bin := os.Getenv("HAUL_E2E_BIN")
	if bin == "" {
		t.Skip("set HAUL_E2E_BIN to a built haul binary")
	}
	home := t.TempDir()
	var in bytes.Buffer
	nmhost.WriteMessage(&in, nmhost.Request{Type: nmhost.TypeDownload, Download: &nmhost.Download{
		URL: "http://127.0.0.1:9/file.iso", Referrer: "http://127.0.0.1:9/page", Filename: "file.iso",
		Cookies: []nmhost.Cookie{{Name: "sid", Value: "abc"}},
	}})
	cmd := exec.Command(bin, "chrome-extension://"+nmhost.ExtensionID+"/")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")} // no DISPLAY: Haul cannot open
	cmd.Stdin = &in
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	raw, err := nmhost.ReadMessage(&out)
	if err != nil {
		t.Fatalf("no reply: %v\n%s", err, errOut.String())
	}
	var r nmhost.Reply
	if json.Unmarshal(raw, &r) != nil || !r.OK || !r.Queued || r.TaskID == "" {
		t.Fatalf("reply %s, want queued with a task id\n%s", raw, errOut.String())
	}
	if strings.Contains(errOut.String(), "abc") {
		t.Errorf("the cookie reached the host's log:\n%s", errOut.String())
	}
	db, err := store.Open(filepath.Join(home, ".config", "Haul", "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.LoadTasks()
	if err != nil || len(recs) != 1 {
		t.Fatalf("haul.db holds %d tasks (%v), want 1", len(recs), err)
	}
	rec := recs[0]
	if rec.ID != r.TaskID || rec.Name != "file.iso" || rec.Options.Headers.Get("Cookie") != "sid=abc" ||
		rec.Options.Headers.Get("Referer") != "http://127.0.0.1:9/page" {
		t.Errorf("queued task %+v", rec)
	}
}
