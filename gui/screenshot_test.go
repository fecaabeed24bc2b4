package gui_test

import (
	"image/png"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"haul/downloader"
)

// TestScreenshot writes the window with a realistic queue to the PNG
// named by HAUL_SCREENSHOT, for eyes to judge; it is skipped otherwise.
func TestScreenshot(t *testing.T) {
	out := os.Getenv("HAUL_SCREENSHOT")
	if out == "" {
		t.Skip("set HAUL_SCREENSHOT=file.png to render the window")
	}
	seg := func(s, e, d int64, a bool) downloader.SegmentState {
		return downloader.SegmentState{Segment: downloader.Segment{Start: s, End: e, Done: d}, Active: a}
	}
	const gib = 1 << 30
	run := task("ubuntu", downloader.StateActive, 0)
	run.Name, run.Size, run.Done, run.Speed, run.ETA = "ubuntu-24.04.1-desktop-amd64.iso", 6*gib, 4*gib, 38<<20, 53*time.Second
	run.Phase, run.Connections, run.Resumable = downloader.PhaseDownloading, 8, true
	run.URL = "https://releases.ubuntu.com/24.04/ubuntu-24.04.1-desktop-amd64.iso"
	run.FinalURL = "https://mirror.example.net/ubuntu/24.04/ubuntu-24.04.1-desktop-amd64.iso"
	run.ETag, run.LastModified = `"66c8a1f2-17c000000"`, "Fri, 23 Aug 2024 14:12:02 GMT"
	run.Options.Connections = 16
	run.Segments = []downloader.SegmentState{
		seg(0, 2*gib, 2*gib, false), seg(2*gib, 3*gib, 800<<20, true), seg(3*gib, 4*gib, 700<<20, true),
		seg(4*gib, 5*gib, 400<<20, true), seg(5*gib, 6*gib, 100<<20, true),
	}
	vid := task("video", downloader.StateActive, 1)
	vid.Name, vid.Size, vid.Done, vid.Speed, vid.ETA = "conference-keynote-2025.mp4", 900<<20, 120<<20, 3<<20, 4*time.Minute
	vid.Phase, vid.Connections = downloader.PhaseDownloading, 4
	probe := task("probe", downloader.StateActive, 2)
	probe.Name, probe.Size, probe.Phase = "", -1, downloader.PhaseProbing
	probe.URL = "https://downloads.example.org/releases/tool-1.4.2-linux-x86_64.tar.gz"
	q := task("queued", downloader.StateQueued, 3)
	q.Name, q.Size = "dataset-part-07.zip", 2*gib
	p := task("paused", downloader.StatePaused, 4)
	p.Name, p.Size, p.Done = "podcast-episode-212.mp3", 84<<20, 30<<20
	f := task("failed", downloader.StateFailed, 5)
	f.Name, f.Error = "report-final.pdf", "server answered 404 Not Found"
	d := task("done", downloader.StateCompleted, 6)
	d.Name, d.Size, d.Done = "photos-2024.tar.xz", 3*gib, 3*gib

	u, _ := open(t, run, vid, probe, q, p, f, d)
	u.Window().Resize(fyne.NewSize(1100, 680))
	u.Click(0, 0)
	writePNG(t, out, u.Window().Canvas())
	if name := os.Getenv("HAUL_SCREENSHOT_ADD"); name != "" {
		fyne.CurrentApp().Clipboard().SetContent("https://example.com/a.iso\nhttps://example.com/b.iso\nftp://nope")
		shortcut(u, fyne.KeyN)
		writePNG(t, name, u.Window().Canvas())
		u.AddForm().Cancel.OnTapped()
	}
	if name := os.Getenv("HAUL_SCREENSHOT_SETTINGS"); name != "" {
		shortcut(u, fyne.KeyComma)
		writePNG(t, name, u.Window().Canvas())
	}
}

func writePNG(t *testing.T, name string, c fyne.Canvas) {
	fh, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := png.Encode(fh, c.Capture()); err != nil {
		t.Fatal(err)
	}
}
