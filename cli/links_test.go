package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
)

// seedWaiting leaves in dataDir the record of a download of f into dir
// whose link expired after its first MiB, with those bytes in its part
// file, as an earlier `haul get` would.
func seedWaiting(t *testing.T, dataDir, dir, oldURL string, f testserver.File) {
	t.Helper()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const have = 1 << 20
	part := make([]byte, f.Size)
	if _, err := io.ReadFull(io.NewSectionReader(f.Content(), 0, have), part[:have]); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.iso.part"), part, 0o644); err != nil {
		t.Fatal(err)
	}
	rec := downloader.TaskRecord{ID: "t1", URL: oldURL, Folder: dir, Name: "x.iso", PartOwned: true,
		Size: f.Size, Resumable: true, State: downloader.StatePaused, ErrorKind: downloader.KindLinkExpired,
		Error: downloader.Sentence(downloader.ErrLinkExpired), Segments: []downloader.Segment{{Start: 0, End: f.Size, Done: have}}}
	if err := db.PutTask(rec); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSegments("t1", rec.Segments); err != nil {
		t.Fatal(err)
	}
}

// Issue 16: `haul get --replaces OLD NEW` gives the earlier download the
// fresh link after the same-file check and finishes it; the last line
// says how it was verified. A link to another file is refused with the
// sentence and exit status 1.
func TestGetReplaces(t *testing.T) {
	f := testserver.File{Size: 3 << 20, Seed: 1610, NoETag: true}
	body, _ := io.ReadAll(f.Content())
	sum := sha256.Sum256(body)
	f.Header = http.Header{"Repr-Digest": {"sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"}}
	srv := testserver.New(testserver.WithFile("/fresh/x.iso", f),
		testserver.WithFile("/other/x.iso", testserver.File{Size: f.Size, Seed: 1611, NoETag: true, NoLastModified: true}))
	defer srv.Close()
	base := t.TempDir()
	data, dir := filepath.Join(base, "data"), filepath.Join(base, "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := "https://cdn.example.invalid/x.iso?Expires=1"
	seedWaiting(t, data, dir, old, f)

	var out, errOut bytes.Buffer
	code := Get([]string{"--data", data, "-d", dir, "-q", "--replaces", old, srv.URL("/other/x.iso")}, &out, &errOut)
	if code != ExitFailed || !strings.Contains(errOut.String(), "That link leads to a different file") {
		t.Fatalf("another file: exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	srv.ResetStats()
	code = Get([]string{"--data", data, "-d", dir, "-q", "--replaces", old, srv.URL("/fresh/x.iso")}, &out, &errOut)
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	if want := "verified with SHA-256 from the server"; !strings.Contains(out.String(), want) {
		t.Errorf("last line %q lacks %q", out.String(), want)
	}
	got, err := os.ReadFile(filepath.Join(dir, "x.iso"))
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("the file is not byte-exact (%v)", err)
	}
	if served, limit := srv.Stats().BytesServed, int64(f.Size-(1<<20)+5*(64<<10)); served > limit {
		t.Errorf("served %d bytes after the change, more than missing plus samples (%d)", served, limit)
	}
	// No earlier download of that link: a sentence, not a new download.
	errOut.Reset()
	if code := Get([]string{"--data", data, "-d", dir, "--replaces", "https://nowhere.invalid/y.iso", srv.URL("/fresh/x.iso")}, &out, &errOut); code != ExitFailed ||
		!strings.Contains(errOut.String(), "no earlier download") {
		t.Errorf("unknown --replaces: exit %d, %q", code, errOut.String())
	}
}

func TestGetMirrorFlags(t *testing.T) {
	o, err := parseGet([]string{"--mirror", "http://b/x.iso", "http://a/x.iso", "--mirror", "http://c/x.iso"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := o.requests()
	if err != nil || len(reqs) != 1 || strings.Join(reqs[0].Mirrors, " ") != "http://b/x.iso http://c/x.iso" {
		t.Fatalf("requests %+v, %v", reqs, err)
	}
	for _, bad := range [][]string{
		{"--mirror", "http://b/x", "http://a/1", "http://a/2"},
		{"--mirror", "ftp://b/x", "http://a/1"},
		{"--replaces", "http://old/x", "http://a/1", "http://a/2"},
	} {
		if _, err := parseGet(bad, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
