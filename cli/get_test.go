package cli

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"haul/downloader"
)

func TestParseGet(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o *getOptions)
	}{
		{name: "flags after URL", args: []string{"http://a/x", "-x", "8", "--limit", "2M"}, check: func(t *testing.T, o *getOptions) {
			if o.conns != 8 || o.limit != "2M" || len(o.urls) != 1 {
				t.Errorf("got %+v", o)
			}
		}},
		{name: "several URLs and headers", args: []string{"-H", "Cookie: a=b", "http://a/1", "http://a/2", "-H", "Referer: http://r/"}, check: func(t *testing.T, o *getOptions) {
			if len(o.urls) != 2 || len(o.headers) != 2 {
				t.Errorf("got %+v", o)
			}
		}},
		{name: "variant", args: []string{"http://a/m.m3u8", "--variant", "720p"}, check: func(t *testing.T, o *getOptions) {
			reqs, err := o.requests()
			if err != nil || reqs[0].Variant != "720p" {
				t.Errorf("requests %+v, %v", reqs, err)
			}
		}},
		{name: "bad variant", args: []string{"--variant", "hd", "http://a/m.m3u8"}, check: func(t *testing.T, o *getOptions) {
			if _, err := o.requests(); err == nil || !strings.Contains(err.Error(), "--variant") {
				t.Errorf("err %v, want a --variant error", err)
			}
		}},
		{name: "remux", args: []string{"--remux", "mp4", "http://a/m.m3u8"}, check: func(t *testing.T, o *getOptions) {
			if reqs, err := o.requests(); err != nil || reqs[0].Remux != "mp4" {
				t.Errorf("requests %+v, %v", reqs, err)
			}
			o.remux = "mkv"
			if _, err := o.requests(); err == nil {
				t.Error("--remux mkv accepted")
			}
		}},
		{name: "pattern", args: []string{"http://a/img[01-30].jpg", "http://a/x"}, check: func(t *testing.T, o *getOptions) {
			if len(o.urls) != 31 || o.urls[0] != "http://a/img01.jpg" || o.urls[29] != "http://a/img30.jpg" || o.urls[30] != "http://a/x" {
				t.Errorf("urls %d: %q", len(o.urls), o.urls)
			}
		}},
		{name: "pattern beyond the limit", args: []string{"http://a/[1-6000]", "http://a/b[1-6000]"}, wantErr: "10000"},
		{name: "backwards pattern", args: []string{"http://a/[9-1]"}, wantErr: "backwards"},
		{name: "-o with a pattern", args: []string{"-o", "a", "http://a/[1-2]"}, wantErr: "-o names one file"},
		{name: "no URL", args: []string{"-x", "4"}, wantErr: "no URL"},
		{name: "-o with two URLs", args: []string{"-o", "a", "http://a/1", "http://a/2"}, wantErr: "-o names one file"},
		{name: "too many connections", args: []string{"-x", "65", "http://a/1"}, wantErr: "-x must be"},
		{name: "bad header", args: []string{"-H", "NoColon", "http://a/1"}, wantErr: "must look like"},
		{name: "unknown flag", args: []string{"--nope", "http://a/1"}, wantErr: "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseGet(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

func TestRequests(t *testing.T) {
	o := &getOptions{urls: []string{"http://h/f"}, limit: "500K", checksum: "sha1=" + strings.Repeat("a", 40), headers: headerFlags{"Cookie: a=b"}, conns: 4}
	reqs, err := o.requests()
	if err != nil {
		t.Fatal(err)
	}
	r := reqs[0]
	if r.SpeedLimit != 500<<10 || r.Connections != 4 || r.Headers.Get("Cookie") != "a=b" {
		t.Errorf("request %+v", r)
	}
	bad := []*getOptions{
		{urls: []string{"ftp://h/f"}},
		{urls: []string{"http://h/f"}, limit: "fast"},
		{urls: []string{"http://h/f"}, checksum: "crc=1"},
	}
	for _, o := range bad {
		if _, err := o.requests(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestFindEarlier(t *testing.T) {
	list := []downloader.Snapshot{
		{ID: "a", URL: "http://h/f", Folder: "/d", State: downloader.StatePaused},
		{ID: "b", URL: "http://h/g", Folder: "/d", State: downloader.StateActive, Broken: true},
	}
	if s, ok := findEarlier(list, downloader.Request{URL: "http://h/f"}, []string{"/d"}); !ok || s.ID != "a" {
		t.Errorf("paused task for the same URL not found")
	}
	if _, ok := findEarlier(list, downloader.Request{URL: "http://h/f"}, []string{"/other"}); ok {
		t.Errorf("task in another folder matched")
	}
	// Without -d, a task whose folder sorting chose is found in any folder;
	// with -d only in that folder.
	sorted := append(list, downloader.Snapshot{ID: "c", URL: "http://h/v", Folder: "/d/Video", AutoFolder: true, State: downloader.StatePaused})
	set := downloader.DefaultSettings("/d")
	if s, ok := findEarlier(sorted, downloader.Request{URL: "http://h/v"}, candidateFolders(set, downloader.Request{})); !ok || s.ID != "c" {
		t.Errorf("task in its category folder not found")
	}
	if _, ok := findEarlier(sorted, downloader.Request{URL: "http://h/v", Folder: "/d"}, candidateFolders(set, downloader.Request{Folder: "/d"})); ok {
		t.Errorf("task in a category folder matched an explicit -d")
	}
	set.Folder = "/elsewhere"
	if _, ok := findEarlier(sorted, downloader.Request{URL: "http://h/v"}, candidateFolders(set, downloader.Request{})); ok {
		t.Errorf("task under an old download folder matched")
	}
	if _, ok := findEarlier(list, downloader.Request{URL: "http://h/g"}, []string{"/d"}); ok {
		t.Errorf("broken task matched")
	}
	merged := mergeOptions(downloader.Options{Connections: 3, Headers: http.Header{"A": {"1"}}}, downloader.Options{SpeedLimit: 9})
	if merged.Connections != 3 || merged.SpeedLimit != 9 || merged.Headers.Get("A") != "1" {
		t.Errorf("merge %+v", merged)
	}
}
