package hls

import "fmt"

// Master is a master playlist: the variants of one presentation.
type Master struct {
	Variants []Variant
}

// Variant is one EXT-X-STREAM-INF entry (RFC 8216 §4.3.4.2).
type Variant struct {
	// URI is the variant's media playlist, absolute.
	URI string
	// Bandwidth is the peak bit rate in bits per second.
	Bandwidth int64
	// Width and Height are the RESOLUTION in pixels; 0 when not given.
	Width, Height int
	// Codecs is the CODECS attribute, verbatim.
	Codecs string
	// SeparateAudio is set when the variant's sound is a rendition of its
	// own (EXT-X-MEDIA TYPE=AUDIO with a URI), not in its segments.
	SeparateAudio bool `json:",omitempty"`
}

// String is a short label: "1280x720, 2.5 Mbit/s".
func (v Variant) String() string {
	bw := fmt.Sprintf("%.1f Mbit/s", float64(v.Bandwidth)/1e6)
	if v.Bandwidth < 1e6 {
		bw = fmt.Sprintf("%d kbit/s", v.Bandwidth/1000)
	}
	if v.Height > 0 {
		return fmt.Sprintf("%dx%d, %s", v.Width, v.Height, bw)
	}
	return bw
}

// Media is a media playlist: the segments of one rendition, in order.
type Media struct {
	Segments []Segment
	// Ended is set by EXT-X-ENDLIST: the playlist will not grow (VOD).
	Ended bool
}

// Segment is one media segment (RFC 8216 §3).
type Segment struct {
	// Seq is the media sequence number (EXT-X-MEDIA-SEQUENCE + position).
	Seq uint64
	// URI is absolute.
	URI string
	// Duration is the EXTINF duration in seconds.
	Duration float64
	// Range is the EXT-X-BYTERANGE sub-range of URI; nil for the whole.
	Range *ByteRange
	// Key encrypts the segment; nil when it is in the clear.
	Key *Key
	// Init is the EXT-X-MAP initialization section that applies; nil for
	// MPEG-TS.
	Init *Init
	// Discontinuity is set by EXT-X-DISCONTINUITY before this segment.
	Discontinuity bool
	// Gap is set by EXT-X-GAP: the segment is missing and must not be
	// loaded.
	Gap bool
}

// ByteRange is a sub-range of a resource: Length bytes from Offset.
type ByteRange struct {
	Offset, Length int64
}

// Key is an EXT-X-KEY (RFC 8216 §4.3.2.4) other than METHOD=NONE.
type Key struct {
	// Method is AES-128, SAMPLE-AES or another value, upper-cased.
	Method string
	// URI is where the key is, absolute.
	URI string
	// IV is the IV attribute when HasIV is set.
	IV    [16]byte
	HasIV bool
	// Format is KEYFORMAT; "" means "identity".
	Format string
}

// Init is an EXT-X-MAP: the initialization section of fMP4 segments.
type Init struct {
	URI   string
	Range *ByteRange
}

// Same reports whether two initialization sections are one resource.
func (in *Init) Same(o *Init) bool {
	if in == nil || o == nil {
		return in == o
	}
	if in.URI != o.URI || (in.Range == nil) != (o.Range == nil) {
		return false
	}
	return in.Range == nil || *in.Range == *o.Range
}

// Key methods (RFC 8216 §4.3.2.4).
const (
	MethodNone      = "NONE"
	MethodAES128    = "AES-128"
	MethodSampleAES = "SAMPLE-AES"
)

// Fragmented reports whether the playlist's segments are fMP4 (they have
// an initialization section) rather than MPEG-TS.
func (m *Media) Fragmented() bool {
	for _, s := range m.Segments {
		if s.Init != nil {
			return true
		}
	}
	return false
}
