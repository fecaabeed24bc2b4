package downloader

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
)

func TestClassify(t *testing.T) {
	var s CategorySettings
	tests := []struct {
		name, mime string
		want       Category
	}{
		{"movie.mp4", "", CategoryVideo},
		{"MOVIE.MKV", "application/octet-stream", CategoryVideo},
		{"clip.bin", "video/mp4", CategoryVideo},
		{"clip.bin", "Video/MP4; codecs=avc1", CategoryVideo},
		{"song.flac", "", CategoryMusic},
		{"download", "audio/mpeg", CategoryMusic},
		{"paper.pdf", "", CategoryDocuments},
		{"get.php", "application/pdf", CategoryDocuments},
		{"src.tar.gz", "", CategoryArchives},
		{"data.gz", "", CategoryArchives},
		{"setup.exe", "", CategoryPrograms},
		{"debian.iso", "", CategoryPrograms},
		{"pic.JPEG", "", CategoryImages},
		{"x", "image/webp", CategoryImages},
		{"blob.bin", "application/octet-stream", CategoryOther},
		{"noext", "", CategoryOther},
		{"noext", "not a type", CategoryOther},
		{"movie.mp4", "text/html", CategoryVideo}, // the extension decides first
	}
	for _, tt := range tests {
		if got := s.Classify(tt.name, tt.mime); got != tt.want {
			t.Errorf("Classify(%q, %q) = %s, want %s", tt.name, tt.mime, got, tt.want)
		}
	}
	// Edited lists replace the defaults of their category.
	s.Rules = map[Category]CategoryRule{CategoryDocuments: {Extensions: []string{".bin"}}}
	if got := s.Classify("blob.bin", ""); got != CategoryDocuments {
		t.Errorf("edited list: %s, want documents", got)
	}
	if got := s.Classify("paper.pdf", ""); got != CategoryOther {
		t.Errorf("pdf removed from the edited list still classified %s", got)
	}
}

func TestCategoryFolder(t *testing.T) {
	s := CategorySettings{Rules: map[Category]CategoryRule{
		CategoryImages: {Folder: "/srv/pics"},
		CategoryOther:  {Folder: ""},
	}}
	base := filepath.FromSlash("/home/u/Downloads")
	for c, want := range map[Category]string{
		CategoryVideo:  filepath.Join(base, "Video"),
		CategoryImages: filepath.FromSlash("/srv/pics"),
		CategoryOther:  base,
	} {
		if got := s.Folder(c, base); got != want {
			t.Errorf("Folder(%s) = %q, want %q", c, got, want)
		}
	}
}

// TestSortByCategory: with sorting on, a task added without a folder goes
// into the folder of the category the probe decided (a .bin served as
// video/mp4 is Video); a task with a folder stays there; with sorting off
// nothing moves.
func TestSortByCategory(t *testing.T) {
	f := testserver.File{Size: 64 << 10, Seed: 5, ContentType: "video/mp4"}
	srv := testserver.New(testserver.WithFile("/clip.bin", f))
	defer srv.Close()
	tests := []struct {
		name       string
		sort       bool
		folder     string
		wantFolder func(dir string) string
	}{
		{"sorted", true, "", func(dir string) string { return filepath.Join(dir, "Video") }},
		{"explicit folder", true, "mine", func(dir string) string { return filepath.Join(dir, "mine") }},
		{"sorting off", false, "", func(dir string) string { return dir }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			set := m.Settings()
			set.Categories.Sort = tt.sort
			if err := m.SetSettings(set); err != nil {
				t.Fatal(err)
			}
			req := Request{URL: srv.URL("/clip.bin")}
			if tt.folder != "" {
				req.Folder = filepath.Join(dir, tt.folder)
			}
			ids, err := m.Add(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, ids[0], 20*time.Second, StateCompleted, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("task %s: %s", s.State, s.Error)
			}
			if s.Category != CategoryVideo {
				t.Errorf("category %s, want video", s.Category)
			}
			if want := tt.wantFolder(dir); s.Folder != want {
				t.Errorf("folder %q, want %q", s.Folder, want)
			}
			if got := fileSHA(t, s.Path()); got != f.SHA256() {
				t.Errorf("file at %s has the wrong bytes", s.Path())
			}
		})
	}
}

// TestSortVideoTask: an HLS playlist is Video whatever its name, and
// with sorting on the joined video lands in the Video folder.
func TestSortVideoTask(t *testing.T) {
	srv := testserver.New()
	defer srv.Close()
	set := srv.AddHLS("s", testserver.HLSOptions{Segments: 4})
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	st := m.Settings()
	st.Categories.Sort = true
	if err := m.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	s := addVideo(t, m, Request{URL: set.URL()})
	if s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	if want := filepath.Join(dir, "Video"); s.Folder != want || s.Category != CategoryVideo {
		t.Errorf("folder %q category %s, want %q video", s.Folder, s.Category, want)
	}
	if got := fileSHA(t, s.Path()); got != set.WantSHA256(0) {
		t.Error("the joined video differs from the segments")
	}
}
