package hls

// The one adapter over github.com/grafov/m3u8: switching parsers changes
// this file only. It also covers the library's gaps: EXT-X-GAP (a custom
// tag decoder) and EXT-X-BYTERANGE without @offset, which RFC 8216
// §4.3.2.2 says continues after the previous sub-range of the same URI
// (the library resets it to 0).

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/grafov/m3u8"
)

// MaxPlaylistBytes bounds a playlist read from the network.
const MaxPlaylistBytes = 16 << 20

// Parse reads a playlist whose final URL (after redirects) is base, and
// returns either a *Master or a *Media. It fails with ErrNotPlaylist when
// data does not start with #EXTM3U and with ErrBadPlaylist when it cannot
// be read.
func Parse(data []byte, base *url.URL) (pl any, err error) {
	if !IsPlaylist(data) {
		return nil, ErrNotPlaylist
	}
	defer func() {
		// A parser bug on hostile input must cost the task, not the app.
		if v := recover(); v != nil {
			pl, err = nil, fmt.Errorf("%w: parser failed (%v)", ErrBadPlaylist, v)
		}
	}()
	decoders := []m3u8.CustomDecoder{gapDecoder{}, rangeDecoder{}}
	p, kind, err := m3u8.DecodeWith(*bytes.NewBuffer(data), false, decoders)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPlaylist, err)
	}
	switch kind {
	case m3u8.MASTER:
		return masterFrom(p.(*m3u8.MasterPlaylist), base)
	case m3u8.MEDIA:
		return mediaFrom(p.(*m3u8.MediaPlaylist), base)
	}
	return nil, fmt.Errorf("%w: neither a master nor a media playlist", ErrBadPlaylist)
}

// IsPlaylist reports whether data starts like an HLS playlist (a UTF-8
// byte order mark allowed).
func IsPlaylist(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(data, []byte("#EXTM3U"))
}

func masterFrom(p *m3u8.MasterPlaylist, base *url.URL) (*Master, error) {
	m := &Master{}
	for _, v := range p.Variants {
		if v == nil || v.Iframe {
			continue // I-frame playlists are for trick play, not saving
		}
		u, err := resolve(base, v.URI)
		if err != nil {
			return nil, err
		}
		w, h := parseResolution(v.Resolution)
		m.Variants = append(m.Variants, Variant{
			URI: u, Bandwidth: int64(v.Bandwidth), Width: w, Height: h, Codecs: v.Codecs,
			SeparateAudio: separateAudio(v),
		})
	}
	if len(m.Variants) == 0 {
		return nil, fmt.Errorf("%w: a master playlist without variants", ErrBadPlaylist)
	}
	return m, nil
}

// separateAudio reports whether the variant's sound is an EXT-X-MEDIA
// rendition of its own (a URI), which saving the variant does not include.
func separateAudio(v *m3u8.Variant) bool {
	if v.Audio == "" {
		return false
	}
	for _, a := range v.Alternatives {
		if a != nil && strings.EqualFold(a.Type, "AUDIO") && a.GroupId == v.Audio && a.URI != "" {
			return true
		}
	}
	return false
}

func mediaFrom(p *m3u8.MediaPlaylist, base *url.URL) (*Media, error) {
	md := &Media{Ended: p.Closed}
	var key *Key
	var init *Init
	// Where the previous sub-range of each URI ended.
	rangeEnd := map[string]int64{}
	for _, s := range p.Segments[:p.Count()] {
		if s == nil {
			continue
		}
		if s.Key != nil {
			k, err := keyFrom(s.Key, base)
			if err != nil {
				return nil, err
			}
			key = k
		}
		if s.Map != nil {
			in, err := initFrom(s.Map, base)
			if err != nil {
				return nil, err
			}
			init = in
		}
		u, err := resolve(base, s.URI)
		if err != nil {
			return nil, err
		}
		seg := Segment{
			Seq:           s.SeqId,
			URI:           u,
			Duration:      s.Duration,
			Key:           key,
			Init:          init,
			Discontinuity: s.Discontinuity,
		}
		if _, ok := s.Custom[gapTag].(flagTag); ok {
			seg.Gap = true
		}
		if s.Limit > 0 {
			off := s.Offset
			if t, ok := s.Custom[rangeTag].(rangeTagValue); ok && !t.hasOffset {
				prev, seen := rangeEnd[u]
				if !seen {
					return nil, fmt.Errorf("%w: EXT-X-BYTERANGE without an offset for the first sub-range of %s", ErrBadPlaylist, s.URI)
				}
				off = prev
			}
			if off < 0 {
				return nil, fmt.Errorf("%w: negative byte range offset", ErrBadPlaylist)
			}
			seg.Range = &ByteRange{Offset: off, Length: s.Limit}
			rangeEnd[u] = off + s.Limit
		}
		md.Segments = append(md.Segments, seg)
	}
	if len(md.Segments) == 0 {
		return nil, fmt.Errorf("%w: a media playlist without segments", ErrBadPlaylist)
	}
	return md, nil
}

func keyFrom(k *m3u8.Key, base *url.URL) (*Key, error) {
	out := &Key{Method: strings.ToUpper(k.Method), Format: k.Keyformat}
	if out.Method == "" || out.Method == MethodNone {
		return nil, nil
	}
	if k.URI != "" {
		// DRM keys live at skd:// and the like: left empty here, Check
		// refuses them with the DRM sentence rather than "damaged".
		if u, err := resolve(base, k.URI); err == nil {
			out.URI = u
		}
	}
	if k.IV != "" {
		iv, err := parseIV(k.IV)
		if err != nil {
			return nil, err
		}
		out.IV, out.HasIV = iv, true
	}
	return out, nil
}

func initFrom(m *m3u8.Map, base *url.URL) (*Init, error) {
	u, err := resolve(base, m.URI)
	if err != nil {
		return nil, err
	}
	in := &Init{URI: u}
	if m.Limit > 0 {
		in.Range = &ByteRange{Offset: m.Offset, Length: m.Limit}
	}
	return in, nil
}

// parseIV reads the IV attribute: 0x followed by 32 hex digits (fewer are
// taken as the low-order bytes, as players do).
func parseIV(s string) ([16]byte, error) {
	var iv [16]byte
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(h) == 0 || len(h) > 32 {
		return iv, fmt.Errorf("%w: IV %q is not a 128-bit hexadecimal number", ErrBadPlaylist, s)
	}
	if len(h)%2 == 1 {
		h = "0" + h
	}
	for i := 0; i < len(h)/2; i++ {
		b, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return iv, fmt.Errorf("%w: IV %q is not a 128-bit hexadecimal number", ErrBadPlaylist, s)
		}
		iv[16-len(h)/2+i] = byte(b)
	}
	return iv, nil
}

func parseResolution(s string) (w, h int) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if !ok {
		return 0, 0
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w < 0 || h < 0 {
		return 0, 0
	}
	return w, h
}

// resolve makes ref absolute against base; only http and https results
// are accepted, so a playlist cannot point Haul at local files.
func resolve(base *url.URL, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", fmt.Errorf("%w: an empty URI", ErrBadPlaylist)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("%w: URI %q: %v", ErrBadPlaylist, ref, err)
	}
	u := r
	if base != nil {
		u = base.ResolveReference(r)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%w: URI %q is not an http or https link", ErrBadPlaylist, ref)
	}
	return u.String(), nil
}

const (
	gapTag   = "#EXT-X-GAP"
	rangeTag = "#EXT-X-BYTERANGE:"
)

// gapDecoder marks segments under EXT-X-GAP (RFC 8216bis §4.4.4.7).
type gapDecoder struct{}

func (gapDecoder) TagName() string  { return gapTag }
func (gapDecoder) SegmentTag() bool { return true }
func (gapDecoder) Decode(line string) (m3u8.CustomTag, error) {
	if strings.TrimSpace(line) != gapTag {
		return nil, errors.New("not EXT-X-GAP")
	}
	return flagTag(gapTag), nil
}

// rangeDecoder records whether an EXT-X-BYTERANGE had its @offset; the
// library parses the numbers itself.
type rangeDecoder struct{}

func (rangeDecoder) TagName() string  { return rangeTag }
func (rangeDecoder) SegmentTag() bool { return true }
func (rangeDecoder) Decode(line string) (m3u8.CustomTag, error) {
	return rangeTagValue{hasOffset: strings.Contains(line, "@")}, nil
}

type flagTag string

func (t flagTag) TagName() string       { return string(t) }
func (t flagTag) Encode() *bytes.Buffer { return bytes.NewBufferString(string(t)) }
func (t flagTag) String() string        { return string(t) }

type rangeTagValue struct{ hasOffset bool }

func (rangeTagValue) TagName() string       { return rangeTag }
func (rangeTagValue) Encode() *bytes.Buffer { return nil }
func (rangeTagValue) String() string        { return "" }
