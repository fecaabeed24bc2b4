package hls

import (
	"net/url"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the adapter: it must never panic,
// and what it accepts must be usable (absolute http(s) URIs, sane ranges).
func FuzzParse(f *testing.F) {
	seeds := []string{
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=2x3\na.m3u8\n",
		"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x01\n#EXTINF:1,\n#EXT-X-BYTERANGE:5@2\na.ts\n#EXTINF:1,\n#EXT-X-BYTERANGE:5\na.ts\n#EXT-X-GAP\n#EXTINF:1,\nb.ts\n#EXT-X-ENDLIST\n",
		"#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\",BYTERANGE=\"10@0\"\n#EXTINF:1,\nf.m4s\n",
		"#EXTM3U\n#EXTINF:,\n#EXT-X-BYTERANGE:-1@-5\n/x\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	base, _ := url.Parse("http://h.example/dir/p.m3u8")
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := Parse(data, base)
		if err != nil {
			return
		}
		switch p := pl.(type) {
		case *Master:
			for _, v := range p.Variants {
				if _, err := url.Parse(v.URI); err != nil || v.URI == "" {
					t.Fatalf("variant URI %q", v.URI)
				}
			}
		case *Media:
			for _, s := range p.Segments {
				if s.Range != nil && (s.Range.Offset < 0 || s.Range.Length <= 0) {
					t.Fatalf("range %+v", s.Range)
				}
				if s.URI == "" || s.Key != nil && s.Key.Method == "" {
					t.Fatalf("segment %+v", s)
				}
			}
			_ = Check(p)
		default:
			t.Fatalf("Parse returned %T", pl)
		}
	})
}
