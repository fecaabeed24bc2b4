package tasklist

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
)

const sample = "# exported by hand\n" +
	"https://example.com/a.iso\thttps://mirror.example.com/a.iso\n" +
	"  dir=/data/isos\n" +
	"  out=debian.iso\n" +
	"  header=Referer: https://example.com/\n" +
	"  header=Cookie: session=secret\n" +
	"  checksum=sha-256=" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "\n" +
	"  split=4\n" +
	"  max-download-limit=1M\n" +
	"\n" +
	"https://example.com/b.zip\r\n" +
	"ftp://example.com/refused\n" +
	"  dir=/nowhere\n" +
	"https://example.com/c.bin\n" +
	"  unknown-option=1\n"

func TestParse(t *testing.T) {
	reqs, err := Parse(strings.NewReader(sample))
	if !errors.Is(err, ErrBadList) || !strings.Contains(err.Error(), "line 12") {
		t.Errorf("error %v should name line 12 and wrap ErrBadList", err)
	}
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3: %+v", len(reqs), reqs)
	}
	a := reqs[0]
	if a.URL != "https://example.com/a.iso" || a.Folder != "/data/isos" || a.Name != "debian.iso" ||
		a.Connections != 4 || a.SpeedLimit != 1<<20 || a.Checksum.Algo != "sha256" ||
		a.Headers.Get("Referer") != "https://example.com/" {
		t.Errorf("first request %+v", a)
	}
	if reqs[1].URL != "https://example.com/b.zip" || reqs[1].Folder != "" {
		t.Errorf("second request %+v (the refused link's dir must not leak into it)", reqs[1])
	}
}

func TestParsePlainList(t *testing.T) {
	reqs, err := Parse(strings.NewReader("\ufeffhttps://h/1\nhttps://h/2\n\nhttps://h/3"))
	if err != nil || len(reqs) != 3 || reqs[0].URL != "https://h/1" {
		t.Fatalf("%+v, %v", reqs, err)
	}
}

// TestRoundTrip: import → export → import gives the same tasks, and the
// export never carries the cookie or the link's password.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := strings.Replace(sample, "https://example.com/b.zip", "https://user:hunter2@example.com/b.zip", 1)
	first, _ := Parse(strings.NewReader(in))
	m := openManager(t, dir)
	if _, err := m.Add(context.Background(), first...); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteAria2(&out, m.List()); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "secret") || strings.Contains(s, "hunter2") {
		t.Fatalf("export carries a secret:\n%s", s)
	}
	second, err := Parse(&out)
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, out.String())
	}
	m2 := openManager(t, t.TempDir())
	if _, err := m2.Add(context.Background(), second...); err != nil {
		t.Fatal(err)
	}
	a, b := m.List(), m2.List()
	if len(a) != len(b) {
		t.Fatalf("%d tasks, then %d", len(a), len(b))
	}
	for i := range a {
		a[i].Options.Headers.Del("Cookie")
		wantURL := strings.Replace(a[i].URL, "user:hunter2@", "user@", 1)
		if b[i].URL != wantURL || b[i].Folder != a[i].Folder || b[i].Name != a[i].Name ||
			b[i].Options.Checksum.String() != a[i].Options.Checksum.String() || b[i].Options.Connections != a[i].Options.Connections ||
			b[i].Options.SpeedLimit != a[i].Options.SpeedLimit || !sameHeaders(a[i].Options.Headers, b[i].Options.Headers) {
			t.Errorf("task %d: %+v\nthen %+v", i, a[i], b[i])
		}
	}
}

func TestWriteJSON(t *testing.T) {
	tasks := []downloader.Snapshot{{URL: "https://u:p@h/x", Name: "x", Folder: "/d", Size: 10, State: downloader.StateCompleted,
		Options: downloader.Options{Checksum: downloader.Checksum{Algo: "md5", Sum: []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}}, Headers: http.Header{"Cookie": {"c=1"}}}}}
	var out bytes.Buffer
	if err := WriteJSON(&out, tasks); err != nil {
		t.Fatal(err)
	}
	var got []Entry
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := Entry{URL: "https://u@h/x", Name: "x", Folder: "/d", Size: 10, State: downloader.StateCompleted, Checksum: "md5=00112233445566778899aabbccddeeff"}
	if len(got) != 1 || got[0] != want || strings.Contains(out.String(), "c=1") {
		t.Errorf("got %s", out.String())
	}
}

func sameHeaders(a, b http.Header) bool {
	return slices.Equal(shareableHeaders(a), shareableHeaders(b))
}

func openManager(t *testing.T, dir string) *downloader.Manager {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); db.Close() })
	return m
}

// TestJSONRoundTrip: Parse reads WriteJSON's output back (a JSON export
// can be imported): links, names, folders and checksums come back; a task
// completed where it came from comes back paused; a bad entry is named
// and the others are kept.
func TestJSONRoundTrip(t *testing.T) {
	md5, _ := downloader.ParseChecksum("md5=00112233445566778899aabbccddeeff")
	tasks := []downloader.Snapshot{
		{URL: "https://h/a.iso", Name: "a.iso", Folder: "/d", Size: 10, State: downloader.StateCompleted,
			Options: downloader.Options{Checksum: md5}},
		{URL: "https://h/b.zip", Size: -1, State: downloader.StateQueued},
	}
	var out bytes.Buffer
	if err := WriteJSON(&out, tasks); err != nil {
		t.Fatal(err)
	}
	reqs, err := Parse(strings.NewReader("\ufeff\n  " + out.String()))
	if err != nil {
		t.Fatalf("import of a JSON export: %v", err)
	}
	want := []downloader.Request{
		{URL: "https://h/a.iso", Name: "a.iso", Folder: "/d", Options: downloader.Options{Checksum: md5}, Paused: true},
		{URL: "https://h/b.zip"},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i := range want {
		if reqs[i].URL != want[i].URL || reqs[i].Name != want[i].Name || reqs[i].Folder != want[i].Folder ||
			reqs[i].Options.Checksum.String() != want[i].Options.Checksum.String() || reqs[i].Paused != want[i].Paused {
			t.Errorf("request %d: %+v, want %+v", i, reqs[i], want[i])
		}
	}
	reqs, err = Parse(strings.NewReader(`[{"url":"ftp://h/x"},{"url":"https://h/ok"}]`))
	if !errors.Is(err, ErrBadList) || !strings.Contains(err.Error(), "entry 1") || len(reqs) != 1 {
		t.Errorf("a bad entry: %d requests, %v", len(reqs), err)
	}
	if _, err := Parse(strings.NewReader(`[{"url": `)); !errors.Is(err, ErrBadList) {
		t.Errorf("broken JSON: %v, want ErrBadList", err)
	}
}
