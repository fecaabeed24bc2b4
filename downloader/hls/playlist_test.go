package hls

import (
	"errors"
	"net/url"
	"testing"
)

// sentenceOf is the user sentence of the first *Error in err's chain, or
// "" when there is none (downloader.Sentence reads it the same way).
func sentenceOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.UserSentence()
	}
	return ""
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseMaster(t *testing.T) {
	const src = "#EXTM3U\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\n" +
		"low/index.m3u8\n" +
		"#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI=\"iframes.m3u8\"\n" +
		"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"en\",URI=\"audio/en.m3u8\"\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,AUDIO=\"aud\"\n" +
		"https://cdn.example/hi.m3u8\n"
	pl, err := Parse([]byte(src), mustURL(t, "http://h.example/v/master.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := pl.(*Master)
	if !ok {
		t.Fatalf("got %T, want *Master", pl)
	}
	want := []Variant{
		{URI: "http://h.example/v/low/index.m3u8", Bandwidth: 800000, Width: 640, Height: 360, Codecs: "avc1.4d401e,mp4a.40.2"},
		{URI: "https://cdn.example/hi.m3u8", Bandwidth: 2500000, Width: 1280, Height: 720, SeparateAudio: true},
	}
	if len(m.Variants) != len(want) {
		t.Fatalf("variants %+v, want %+v", m.Variants, want)
	}
	for i := range want {
		if m.Variants[i] != want[i] {
			t.Errorf("variant %d = %+v, want %+v", i, m.Variants[i], want[i])
		}
	}
}

func TestParseMedia(t *testing.T) {
	const src = "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"k1.key\"\n" +
		"#EXTINF:4,\n#EXT-X-BYTERANGE:100@0\nall.ts\n" +
		"#EXTINF:4,\n#EXT-X-BYTERANGE:200\nall.ts\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.example/k2\",IV=0x000102030405060708090a0b0c0d0e0f\n" +
		"#EXTINF:4,\n#EXT-X-BYTERANGE:50\nall.ts\n" +
		"#EXT-X-KEY:METHOD=NONE\n" +
		"#EXT-X-DISCONTINUITY\n#EXTINF:4,\nplain.ts\n" +
		"#EXT-X-GAP\n#EXTINF:4,\ngone.ts\n" +
		"#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n"
	pl, err := Parse([]byte(src), mustURL(t, "http://h.example/v/media.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	m := pl.(*Media)
	if !m.Ended || len(m.Segments) != 6 {
		t.Fatalf("ended %v, %d segments", m.Ended, len(m.Segments))
	}
	type row struct {
		seq    uint64
		uri    string
		rng    *ByteRange
		keyURI string
		hasIV  bool
		disc   bool
		gap    bool
	}
	want := []row{
		{7, "http://h.example/v/all.ts", &ByteRange{0, 100}, "http://h.example/v/k1.key", false, false, false},
		// No @offset: continues after the previous sub-range (§4.3.2.2).
		{8, "http://h.example/v/all.ts", &ByteRange{100, 200}, "http://h.example/v/k1.key", false, false, false},
		{9, "http://h.example/v/all.ts", &ByteRange{300, 50}, "https://keys.example/k2", true, false, false},
		{10, "http://h.example/v/plain.ts", nil, "", false, true, false},
		{11, "http://h.example/v/gone.ts", nil, "", false, false, true},
		{12, "http://h.example/v/last.ts", nil, "", false, false, false},
	}
	for i, w := range want {
		s := m.Segments[i]
		keyURI, hasIV := "", false
		if s.Key != nil {
			keyURI, hasIV = s.Key.URI, s.Key.HasIV
		}
		if s.Seq != w.seq || s.URI != w.uri || keyURI != w.keyURI || hasIV != w.hasIV || s.Discontinuity != w.disc || s.Gap != w.gap {
			t.Errorf("segment %d = %+v (key %q iv %v), want %+v", i, s, keyURI, hasIV, w)
		}
		if (s.Range == nil) != (w.rng == nil) || s.Range != nil && *s.Range != *w.rng {
			t.Errorf("segment %d range %v, want %v", i, s.Range, w.rng)
		}
	}
	if iv := m.Segments[2].Key.IV; iv[1] != 1 || iv[15] != 0x0f {
		t.Errorf("IV %x", iv)
	}
	if m.Fragmented() {
		t.Error("MPEG-TS playlist reported as fMP4")
	}
}

func TestParseFragmented(t *testing.T) {
	const src = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI=\"init.mp4\"\n" +
		"#EXTINF:4,\nf1.m4s\n#EXTINF:4,\nf2.m4s\n#EXT-X-ENDLIST\n"
	pl, err := Parse([]byte(src), mustURL(t, "http://h.example/a/b.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	m := pl.(*Media)
	if !m.Fragmented() || m.Segments[1].Init == nil || m.Segments[1].Init.URI != "http://h.example/a/init.mp4" {
		t.Fatalf("init not carried: %+v", m.Segments[1])
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct {
		src  string
		want error
	}{
		"not a playlist":     {"<html>", ErrNotPlaylist},
		"no segments":        {"#EXTM3U\n#EXT-X-ENDLIST\n", ErrBadPlaylist},
		"file URI":           {"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", ErrBadPlaylist},
		"first range no @":   {"#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:10\na.ts\n#EXT-X-ENDLIST\n", ErrBadPlaylist},
		"bad IV":             {"#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0xZZ\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST\n", ErrBadPlaylist},
		"master w/o variant": {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", ErrBadPlaylist},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), mustURL(t, "http://h.example/x.m3u8"))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestCheckRefusals(t *testing.T) {
	base := "#EXTM3U\n#EXT-X-TARGETDURATION:4\n"
	cases := map[string]struct {
		src      string
		want     error
		sentence string
	}{
		"vod":        {base + "#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", nil, ""},
		"live":       {base + "#EXTINF:4,\na.ts\n", ErrLive, "This is a live stream: its playlist has no end (no EXT-X-ENDLIST). Haul saves only on-demand videos; try again once the broadcast is over and offered as a recording."},
		"sample-aes": {base + "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"k\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", ErrSampleAES, "This video is protected with SAMPLE-AES encryption (DRM), which Haul does not remove."},
		"fairplay":   {base + "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://key\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", ErrSampleAES, "This video is protected with SAMPLE-AES encryption (DRM), which Haul does not remove."},
		"no key uri": {base + "#EXT-X-KEY:METHOD=AES-128\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", ErrBadPlaylist, "The video playlist is damaged or uses something Haul cannot read."},
		"keyformat":  {base + "#EXT-X-KEY:METHOD=AES-128,URI=\"k\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", ErrDRM, "This video is protected by DRM (its key format is not \"identity\"), which Haul does not remove."},
		"identity":   {base + "#EXT-X-KEY:METHOD=AES-128,URI=\"k\",KEYFORMAT=\"identity\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n", nil, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			pl, err := Parse([]byte(c.src), mustURL(t, "http://h.example/x.m3u8"))
			if err != nil {
				t.Fatal(err)
			}
			err = Check(pl.(*Media))
			if !errors.Is(err, c.want) || c.want == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if got := sentenceOf(err); got != c.sentence {
				t.Errorf("sentence %q, want %q", got, c.sentence)
			}
		})
	}
}
