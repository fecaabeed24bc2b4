package downloader

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSniffPlaylist(t *testing.T) {
	cases := []struct {
		name, url, ctype, body string
		want                   bool
	}{
		{"m3u8 URL", "http://h/v/master.m3u8", "application/octet-stream", "anything", true},
		{"m3u8 URL upper case", "http://h/v/MASTER.M3U8?sig=1", "", "anything", true},
		{"playlist type", "http://h/play", "application/vnd.apple.mpegurl", "#EXTM3U\n", true},
		{"x-mpegurl type", "http://h/play", "application/x-mpegURL; charset=utf-8", "", true},
		{"audio/mpegurl type", "http://h/play", "audio/mpegurl", "", true},
		{"body", "http://h/play.php", "text/plain", "#EXTM3U\n#EXT-X-VERSION:3\n", true},
		{"body with BOM", "http://h/play", "", "\xef\xbb\xbf#EXTM3U\n", true},
		{"m3u music list", "http://h/songs.m3u", "text/plain", "#EXTM3U\n#EXTINF:1,a\na.mp3\n", false},
		{"binary file", "http://h/file.bin", "application/octet-stream", "\x00\x01binary data that is long enough", false},
		{"short file", "http://h/tiny", "", "abc", false},
		{"empty file", "http://h/empty", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, _ := url.Parse(c.url)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			req := (&http.Request{URL: u}).WithContext(ctx)
			resp := &http.Response{Request: req, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(c.body))}
			resp.Header.Set("Content-Type", c.ctype)
			got, err := sniffPlaylist(resp, cancel)
			if err != nil || got != c.want {
				t.Fatalf("sniff = %v, %v; want %v", got, err, c.want)
			}
			rest, err := io.ReadAll(resp.Body)
			if err != nil || string(rest) != c.body {
				t.Errorf("body after sniffing %q, %v; want it whole: %q", rest, err, c.body)
			}
		})
	}
}

// stallBody sends nothing until its request is aborted.
type stallBody struct{ ctx context.Context }

func (b stallBody) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}
func (stallBody) Close() error { return nil }

func TestSniffPlaylistStall(t *testing.T) {
	old := StallTimeout
	StallTimeout = 50 * time.Millisecond
	defer func() { StallTimeout = old }()
	u, _ := url.Parse("http://h/file")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	req := (&http.Request{URL: u}).WithContext(ctx)
	resp := &http.Response{Request: req, Header: http.Header{}, Body: stallBody{ctx}}
	_, err := sniffPlaylist(resp, cancel)
	if !errors.Is(err, ErrNoProgress) || classify(err) != classNetwork {
		t.Fatalf("err = %v, want ErrNoProgress (retried as a network failure)", err)
	}
}
