package tasklist

import (
	"bytes"
	"strings"
	"testing"

	"haul/downloader"
)

// FuzzParse: any input yields only requests with valid links, and what
// WriteAria2 makes of them parses back to the same links.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("https://h/a\n  out=x\n  header=A: b\n\thttps://h/b\n")
	f.Add("\ufeff#c\nhttps://h/\t\n  checksum=md5=00\n  split=x\n")
	f.Fuzz(func(t *testing.T, in string) {
		reqs, _ := Parse(strings.NewReader(in))
		snaps := make([]downloader.Snapshot, len(reqs))
		for i, r := range reqs {
			if _, err := downloader.ParseURL(r.URL); err != nil {
				t.Fatalf("request with a bad link %q", r.URL)
			}
			snaps[i] = downloader.Snapshot{URL: r.URL, Folder: r.Folder, Name: r.Name, Options: r.Options}
		}
		var out bytes.Buffer
		if err := WriteAria2(&out, snaps); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(&out)
		if err != nil || len(again) != len(reqs) {
			t.Fatalf("re-read %d of %d: %v\n%s", len(again), len(reqs), err, out.String())
		}
		for i := range again {
			if again[i].URL != shareableURL(reqs[i].URL) {
				t.Fatalf("link %q came back as %q", reqs[i].URL, again[i].URL)
			}
		}
	})
}
