package gui_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/gui"
)

// waitingTask is a download whose link expired.
func waitingTask() downloader.Snapshot {
	s := task("exp", downloader.StatePaused, 0)
	s.Name, s.Size, s.Done = "ubuntu-24.04.1-desktop-amd64.iso", 6<<30, 4<<30
	s.URL = "https://cdn.example.net/ubuntu.iso?X-Amz-Date=20261130T010000Z&X-Amz-Expires=3600&X-Amz-Signature=ab12"
	s.ErrorKind, s.Phase, s.Resumable = downloader.KindLinkExpired, downloader.PhaseWaitingLink, true
	s.Error = "The link has expired: the server now refuses every connection after sending part of the file. Give the download a fresh link of the same file (Change link…) and it continues where it stopped."
	s.Segments = []downloader.SegmentState{{Segment: downloader.Segment{Start: 0, End: 6 << 30, Done: 4 << 30}}}
	return s
}

// check submits the dialog and waits for the outcome to be shown.
func check(t *testing.T, f *gui.ChangeLinkForm, link string) {
	t.Helper()
	done := make(chan struct{}, 1)
	*f.Checked = func() { done <- struct{}{} }
	f.Entry.SetText(link)
	test.Tap(f.OK)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the check never ended")
	}
}

// Issue 16: details → "Change link…" on a download waiting for a fresh
// link; a refused link keeps the dialog open with the sentence, an
// accepted one resumes the download and closes it.
func TestChangeLinkDialog(t *testing.T) {
	u, eng := open(t, waitingTask(), task("run", downloader.StateActive, 1))
	u.Click(1, 0)
	if u.DetailsChangeLink().Visible() {
		t.Error("a running download offers Change link…")
	}
	u.Click(0, 0)
	btn := u.DetailsChangeLink()
	if !btn.Visible() {
		t.Fatal("no Change link… for a download waiting for a fresh link")
	}
	test.Tap(btn)
	f := u.ChangeLink()
	if f == nil {
		t.Fatal("Change link… opened no dialog")
	}
	eng.ChangeErr = fmt.Errorf("change link: %w", downloader.ErrDifferentFile)
	check(t, f, "https://other.example.org/ubuntu.iso")
	if !strings.Contains(f.Status.Text, "That link leads to a different file") {
		t.Errorf("refusal shown as %q", f.Status.Text)
	}
	if slices.Contains(eng.CallLog(), "resume exp") || u.ChangeLink() == nil {
		t.Fatalf("a refused link resumed the download or closed the dialog: %v", eng.CallLog())
	}
	eng.ChangeErr = nil
	check(t, f, "https://mirror.example.org/ubuntu.iso")
	calls := eng.CallLog()
	if !slices.Contains(calls, "changeurl exp https://mirror.example.org/ubuntu.iso") || !slices.Contains(calls, "resume exp") {
		t.Errorf("calls %v", calls)
	}
	if u.ChangeLink() != nil {
		t.Error("the dialog stayed open after the link was accepted")
	}
}

// Pasting one link onto a download waiting for a fresh link opens
// "Change link…" with it; onto a merely paused one, the add dialog.
func TestPasteLinkOntoTask(t *testing.T) {
	paused := task("p", downloader.StatePaused, 1)
	u, _ := open(t, waitingTask(), paused)
	u.Click(0, 0)
	fyne.CurrentApp().Clipboard().SetContent("https://mirror.example.org/ubuntu.iso")
	shortcut(u, fyne.KeyV)
	f := u.ChangeLink()
	if f == nil || f.Entry.Text != "https://mirror.example.org/ubuntu.iso" {
		t.Fatalf("paste onto a waiting download: dialog %v", f)
	}
	if u.AddForm() != nil {
		t.Error("the add dialog opened too")
	}
}

func TestPasteLinkOntoPausedTaskAdds(t *testing.T) {
	u, _ := open(t, task("p", downloader.StatePaused, 0))
	u.Click(0, 0)
	fyne.CurrentApp().Clipboard().SetContent("https://example.org/new.iso")
	shortcut(u, fyne.KeyV)
	if u.ChangeLink() != nil || u.AddForm() == nil {
		t.Error("pasting onto a paused download did not open the add dialog")
	}
}

// The Verification row says how a file was checked.
func TestDetailsVerification(t *testing.T) {
	cases := []struct {
		v     downloader.Verification
		state downloader.State
		want  string
	}{
		{downloader.Verification{Algo: "sha256", Sum: "ab", Source: downloader.VerifyServer, Verified: true}, downloader.StateCompleted, "Verified (SHA-256 from the server)"},
		{downloader.Verification{Algo: "sha256", Sum: "ab", Source: downloader.VerifySidecar, From: "SHA256SUMS", Verified: true}, downloader.StateCompleted, "Verified (SHA-256 from SHA256SUMS)"},
		{downloader.Verification{}, downloader.StateCompleted, "Not verified (no checksum offered)"},
		{downloader.Verification{Algo: "sha512", Sum: "ab", Source: downloader.VerifyServer}, downloader.StateActive, "Will be verified with SHA-512 from the server"},
	}
	for _, c := range cases {
		s := task("d", c.state, 0)
		s.Verification = c.v
		u, _ := open(t, s)
		u.Click(0, 0)
		if got := u.DetailsVerification(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
}

// TestLinkScreenshots writes the "Change link…" dialog and a verified
// download's details to the PNGs named by HAUL_SCREENSHOT_CHANGELINK and
// HAUL_SCREENSHOT_VERIFIED; skipped otherwise.
func TestLinkScreenshots(t *testing.T) {
	link, verified := os.Getenv("HAUL_SCREENSHOT_CHANGELINK"), os.Getenv("HAUL_SCREENSHOT_VERIFIED")
	if link == "" && verified == "" && os.Getenv("HAUL_SCREENSHOT_WAITING") == "" {
		t.Skip("set HAUL_SCREENSHOT_CHANGELINK / HAUL_SCREENSHOT_VERIFIED to render them")
	}
	done := task("done", downloader.StateCompleted, 1)
	done.Name, done.Size, done.Done = "debian-13.1.0-amd64-netinst.iso", 754<<20, 754<<20
	done.URL = "https://cdimage.example.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso"
	done.Resumable, done.ETag = true, `"2f200000-63e4c1a2"`
	done.Segments = []downloader.SegmentState{{Segment: downloader.Segment{Start: 0, End: 754 << 20, Done: 754 << 20}}}
	done.Verification = downloader.Verification{Algo: "sha256", Sum: "ab", Source: downloader.VerifyServer, From: "Repr-Digest", Verified: true}
	done.Finished = time.Date(2026, 11, 30, 2, 12, 0, 0, time.UTC)
	u, _ := open(t, waitingTask(), done)
	u.Window().Resize(fyne.NewSize(1100, 680))
	if verified != "" {
		u.Window().Resize(fyne.NewSize(1100, 780)) // down to the Verification row
		u.Click(1, 0)
		writePNG(t, verified, u.Window().Canvas())
	}
	if waiting := os.Getenv("HAUL_SCREENSHOT_WAITING"); waiting != "" {
		u.Window().Resize(fyne.NewSize(1100, 680))
		u.Click(0, 0)
		writePNG(t, waiting, u.Window().Canvas())
	}
	if link != "" {
		u.Window().Resize(fyne.NewSize(1100, 680))
		u.Click(0, 0)
		test.Tap(u.DetailsChangeLink())
		u.ChangeLink().Entry.SetText("https://mirror.example.org/ubuntu/24.04/ubuntu-24.04.1-desktop-amd64.iso")
		writePNG(t, link, u.Window().Canvas())
	}
}

// Several links with "these are mirrors" ticked add one download with
// the others as its mirrors; the choice shows only for several links.
func TestAddDialogMirrors(t *testing.T) {
	u, eng := open(t)
	shortcut(u, fyne.KeyN)
	f, check := u.AddForm(), u.AddMirrors()
	f.URLs.SetText("https://a.example.org/x.iso")
	if check.Visible() {
		t.Error("the mirrors choice shows for one link")
	}
	f.URLs.SetText("https://a.example.org/x.iso\nhttps://b.example.org/x.iso\nhttps://c.example.org/x.iso")
	if !check.Visible() {
		t.Fatal("no mirrors choice for three links")
	}
	check.SetChecked(true)
	if !strings.HasPrefix(f.Summary.Text, "1 download from 3 mirrors.") {
		t.Errorf("summary %q", f.Summary.Text)
	}
	test.Tap(f.OK)
	reqs := eng.Requests()
	if len(reqs) != 1 || reqs[0].URL != "https://a.example.org/x.iso" ||
		strings.Join(reqs[0].Mirrors, " ") != "https://b.example.org/x.iso https://c.example.org/x.iso" {
		t.Errorf("requests %+v", reqs)
	}
}
