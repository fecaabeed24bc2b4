package gui_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/downloader/logins"
	"haul/gui"
)

// TestOrganizeScreenshots writes docs/categories.png (the sidebar with
// categories, Video selected) and docs/settings-sites.png into the folder
// named by HAUL_ORGANIZE_SHOTS; skipped otherwise.
func TestOrganizeScreenshots(t *testing.T) {
	dir := os.Getenv("HAUL_ORGANIZE_SHOTS")
	if dir == "" {
		t.Skip("set HAUL_ORGANIZE_SHOTS=dir to render the screenshots")
	}
	mk := func(id, name string, st downloader.State, c downloader.Category, folder string, pos int) downloader.Snapshot {
		s := task(id, st, pos)
		s.Name, s.Category, s.Folder, s.Size, s.Done = name, c, "/home/me/Downloads/"+folder, 700<<20, 700<<20
		if st != downloader.StateCompleted {
			s.Done = 210 << 20
		}
		return s
	}
	tasks := []downloader.Snapshot{
		mk("v1", "conference-keynote-2025.mp4", downloader.StateActive, downloader.CategoryVideo, "Video", 0),
		mk("v2", "lecture-07.bin", downloader.StateCompleted, downloader.CategoryVideo, "Video", 1),
		mk("m1", "podcast-episode-212.mp3", downloader.StateQueued, downloader.CategoryMusic, "Music", 2),
		mk("d1", "report-final.pdf", downloader.StateCompleted, downloader.CategoryDocuments, "Documents", 3),
		mk("a1", "photos-2024.tar.xz", downloader.StatePaused, downloader.CategoryArchives, "Archives", 4),
		mk("p1", "ubuntu-24.04.1-desktop-amd64.iso", downloader.StateActive, downloader.CategoryPrograms, "Programs", 5),
		mk("i1", "wallpaper-4k.png", downloader.StateCompleted, downloader.CategoryImages, "Images", 6),
	}
	tasks[0].Speed, tasks[5].Speed = 3<<20, 38<<20
	u, eng := open(t, tasks...)
	u.Window().Resize(fyne.NewSize(1100, 640))
	u.SetFilter(gui.CategoryFilter(downloader.CategoryVideo))
	writePNG(t, filepath.Join(dir, "categories.png"), u.Window().Canvas())

	keys := logins.New(nil)
	gui.UseLogins(keys)
	set := eng.Settings()
	set.Sites = []downloader.Site{
		{Host: "*.example-cdn.net", Connections: 4, PerHost: 4},
		{Host: "files.example.com", SpeedLimit: 2 << 20, User: "ann", Referer: "https://example.com/"},
		{Host: "archive.example.org", Connections: 1, Headers: http.Header{"X-Client": {"haul"}}},
	}
	if err := eng.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	u.Window().Resize(fyne.NewSize(900, 700))
	test.Tap(u.Toolbar().Settings)
	u.SelectSettingsTab("Sites")
	writePNG(t, filepath.Join(dir, "settings-sites.png"), u.Window().Canvas())
	f := u.EditSite(1)
	_ = f
	writePNG(t, filepath.Join(dir, "settings-site-edit.png"), u.Window().Canvas())
}
