package gui_test

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

func TestDropLinksAndLists(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "links.TXT")
	if err := os.WriteFile(list, []byte("# weekend\nhttps://a.example/1.iso\nnot a link\n\nhttp://b.example/2.zip https://b.example/3.zip\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(empty, []byte("nothing here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "photos.zip")
	if err := os.WriteFile(archive, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	link, err := storage.ParseURI("https://c.example/dragged.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		items     []fyne.URI
		wantLinks string // "" = no add dialog, a message instead
	}{
		{"a link and a list", []fyne.URI{link, storage.NewFileURI(list)},
			"https://c.example/dragged.tar.gz\nhttps://a.example/1.iso\nhttp://b.example/2.zip\nhttps://b.example/3.zip"},
		{"a list without links", []fyne.URI{storage.NewFileURI(empty)}, ""},
		{"a file that is not a list", []fyne.URI{storage.NewFileURI(archive)}, ""},
		{"a list that cannot be read", []fyne.URI{storage.NewFileURI(filepath.Join(dir, "gone.txt"))}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, _ := open(t)
			u.Drop(c.items...)
			f := u.AddForm()
			if c.wantLinks == "" {
				if f != nil {
					t.Fatalf("add dialog opened with %q", f.URLs.Text)
				}
				if u.Window().Canvas().Overlays().Top() == nil {
					t.Fatal("nothing told the user why the drop did nothing")
				}
				return
			}
			if f == nil {
				t.Fatal("no add dialog")
			}
			if f.URLs.Text != c.wantLinks {
				t.Fatalf("links %q, want %q", f.URLs.Text, c.wantLinks)
			}
		})
	}
}
