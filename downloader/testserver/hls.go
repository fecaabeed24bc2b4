package testserver

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"haul/downloader/hls"
)

// HLSOptions describes a synthetic HLS set served under /hls/NAME/.
type HLSOptions struct {
	// Segments per variant (default 6).
	Segments int
	// Packets is the number of 188-byte MPEG-TS packets per segment
	// (default 20); fMP4 fragments are about that size too.
	Packets int
	// Variants: 0 or 1 serves a media playlist only; 2 or more a master
	// playlist with that many variants (v0 the lowest bandwidth).
	Variants int
	// KeyEvery > 0 encrypts with AES-128, the key rotating every KeyEvery
	// segments. Even key groups have implied IVs and relative key URIs,
	// odd ones explicit IVs and absolute key URIs.
	KeyEvery int
	// Fragmented serves fMP4: an EXT-X-MAP initialization section and
	// .m4s fragments.
	Fragmented bool
	// ByteRanges serves each variant's segments as sub-ranges of one file
	// (EXT-X-BYTERANGE, the offset given only on every third).
	ByteRanges bool
	// Gap marks the segment at this index (1-based; 0 none) EXT-X-GAP and
	// answers 404 for it.
	Gap int
	// Live leaves out EXT-X-ENDLIST; SampleAES uses METHOD=SAMPLE-AES;
	// WrongKey serves keys other than those the segments are encrypted
	// with.
	Live, SampleAES, WrongKey bool
	// Expiring puts a token on segment links; Expire makes the old ones
	// answer 403, as signed CDN links do. ExpireAfter > 0 expires them by
	// itself after that many segment requests.
	Expiring    bool
	ExpireAfter int
	Seed        uint64
}

// HLSSet is a served HLS set. Its methods are safe for concurrent use.
type HLSSet struct {
	s    *Server
	name string
	o    HLSOptions

	mu      sync.Mutex
	blobs   map[string][]byte // path under the set → body
	plain   [][]byte          // per variant: the decrypted units joined in order
	hits    map[string]int
	token   int
	segReqs int
}

// AddHLS serves a new HLS set under /hls/name/.
func (s *Server) AddHLS(name string, o HLSOptions) *HLSSet {
	if o.Segments <= 0 {
		o.Segments = 6
	}
	if o.Packets <= 0 {
		o.Packets = 20
	}
	h := &HLSSet{s: s, name: name, o: o, blobs: map[string][]byte{}, hits: map[string]int{}}
	for v := range max(1, o.Variants) {
		h.build(v)
	}
	s.Set(func(st *settings) {
		if st.hls == nil {
			st.hls = map[string]*HLSSet{}
		}
		st.hls[name] = h
	})
	return h
}

// URL is the set's entry: the master playlist, or the media playlist
// when there is one variant.
func (h *HLSSet) URL() string {
	if h.o.Variants >= 2 {
		return h.s.URL("/hls/" + h.name + "/master.m3u8")
	}
	return h.MediaURL(0)
}

// MediaURL is variant v's media playlist.
func (h *HLSSet) MediaURL(v int) string {
	return h.s.URL(fmt.Sprintf("/hls/%s/v%d/index.m3u8", h.name, v))
}

// Want is variant v's expected file: its decrypted units joined in order.
func (h *HLSSet) Want(v int) []byte { return h.plain[v] }

// WantSHA256 is the hex SHA-256 of Want(v).
func (h *HLSSet) WantSHA256(v int) string {
	sum := sha256.Sum256(h.plain[v])
	return hex.EncodeToString(sum[:])
}

// Hits counts the requests for path under the set ("v0/seg3.ts",
// "keys/k1.key", "master.m3u8").
func (h *HLSSet) Hits(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

// HitsWithSuffix sums Hits over paths ending in suffix (".ts", ".key").
func (h *HLSSet) HitsWithSuffix(suffix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for p, c := range h.hits {
		if strings.HasSuffix(p, suffix) {
			n += c
		}
	}
	return n
}

// Expire makes the segment links handed out so far answer 403.
func (h *HLSSet) Expire() {
	h.mu.Lock()
	h.token++
	h.mu.Unlock()
}

func (h *HLSSet) segExt() string {
	if h.o.Fragmented {
		return ".m4s"
	}
	return ".ts"
}

// keyFor is the key of group g.
func (h *HLSSet) keyFor(g int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, h.o.Seed+uint64(g)*7919)
	copy(k[8:], fmt.Sprintf("key%05d", g))
	return k
}

// ivFor is the IV of segment i (media sequence i) in group g.
func (h *HLSSet) ivFor(i, g int) (iv [16]byte, explicit bool) {
	if g%2 == 1 {
		iv[0], iv[15] = byte(g), 0xa5
		return iv, true
	}
	binary.BigEndian.PutUint64(iv[8:], uint64(i))
	return iv, false
}

// segmentPlain is segment i of variant v in the clear.
func (h *HLSSet) segmentPlain(v, i int) []byte {
	src := Source(h.o.Seed + uint64(v)*1000 + uint64(i) + 1)
	if h.o.Fragmented {
		b := make([]byte, h.o.Packets*188+i*37)
		src.ReadAt(b, 0)
		copy(b, "\x00\x00\x00\x10moof")
		return b
	}
	b := make([]byte, h.o.Packets*188)
	src.ReadAt(b, 0)
	for p := 0; p < len(b); p += 188 {
		b[p] = 0x47 // MPEG-TS sync byte
	}
	return b
}

// build makes variant v's segments, keys and expected output.
func (h *HLSSet) build(v int) {
	var want []byte
	if h.o.Fragmented {
		init := append([]byte("\x00\x00\x00\x18ftypisom"), fmt.Sprintf("init-variant-%d", v)...)
		h.blobs[fmt.Sprintf("v%d/init.mp4", v)] = init
		want = append(want, init...)
	}
	var all []byte
	for i := range h.o.Segments {
		plain := h.segmentPlain(v, i)
		body := plain
		if h.o.KeyEvery > 0 {
			g := i / h.o.KeyEvery
			iv, _ := h.ivFor(i, g)
			body, _ = hls.Encrypt(plain, h.keyFor(g), iv)
			key := h.keyFor(g)
			if h.o.WrongKey {
				key = h.keyFor(g + 1000)
			}
			h.blobs[fmt.Sprintf("keys/k%d.key", g)] = key
		}
		if i+1 == h.o.Gap {
			continue // announced, never served
		}
		want = append(want, plain...)
		if h.o.ByteRanges {
			all = append(all, body...)
			continue
		}
		h.blobs[fmt.Sprintf("v%d/seg%d%s", v, i, h.segExt())] = body
	}
	if h.o.ByteRanges {
		h.blobs[fmt.Sprintf("v%d/all%s", v, h.segExt())] = all
	}
	h.plain = append(h.plain, want)
}

// master renders the master playlist.
func (h *HLSSet) master() string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:4\n")
	heights := []int{360, 720, 1080, 1440}
	for v := range h.o.Variants {
		ht := heights[v%len(heights)]
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"avc1.4d401f,mp4a.40.2\"\nv%d/index.m3u8\n",
			(v+1)*800000, ht*16/9, ht, v)
	}
	return b.String()
}

// media renders variant v's media playlist, with the current token.
func (h *HLSSet) media(v int) string {
	h.mu.Lock()
	token := h.token
	h.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n")
	if h.o.Fragmented {
		b.WriteString("#EXT-X-MAP:URI=\"init.mp4\"\n")
	}
	var off int64
	for i := range h.o.Segments {
		if h.o.KeyEvery > 0 && i%h.o.KeyEvery == 0 {
			g := i / h.o.KeyEvery
			method := "AES-128"
			if h.o.SampleAES {
				method = "SAMPLE-AES"
			}
			uri := fmt.Sprintf("../keys/k%d.key", g)
			if g%2 == 1 {
				uri = h.s.URL(fmt.Sprintf("/hls/%s/keys/k%d.key", h.name, g))
			}
			fmt.Fprintf(&b, "#EXT-X-KEY:METHOD=%s,URI=\"%s\"", method, uri)
			if iv, explicit := h.ivFor(i, g); explicit {
				fmt.Fprintf(&b, ",IV=0x%x", iv)
			}
			b.WriteString("\n")
		}
		if i+1 == h.o.Gap {
			b.WriteString("#EXT-X-GAP\n")
		}
		fmt.Fprintf(&b, "#EXTINF:4.0,\n")
		if h.o.ByteRanges {
			n := h.encryptedLen(v, i)
			if i%3 == 0 {
				fmt.Fprintf(&b, "#EXT-X-BYTERANGE:%d@%d\n", n, off)
			} else {
				fmt.Fprintf(&b, "#EXT-X-BYTERANGE:%d\n", n)
			}
			off += int64(n)
			fmt.Fprintf(&b, "all%s\n", h.segExt())
			continue
		}
		fmt.Fprintf(&b, "seg%d%s", i, h.segExt())
		if h.o.Expiring {
			fmt.Fprintf(&b, "?t=%d", token)
		}
		b.WriteString("\n")
	}
	if !h.o.Live {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.String()
}

func (h *HLSSet) encryptedLen(v, i int) int {
	n := len(h.segmentPlain(v, i))
	if h.o.KeyEvery > 0 {
		n = (n/16 + 1) * 16
	}
	return n
}

// serveHLS answers a request under /hls/.
func (s *Server) serveHLS(w http.ResponseWriter, r *http.Request, rest string) {
	name, p, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	h := s.set.hls[name]
	s.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	h.hits[p]++
	token := h.token
	// Only segments actually served count toward ExpireAfter, as a CDN
	// link expires after use, not after refusals: counting the 403s of
	// parallel connections too could expire each renewed playlist before
	// its first segment (the test then failed about once in 200 runs).
	if h.o.ExpireAfter > 0 && strings.Contains(p, "/seg") &&
		(!h.o.Expiring || r.URL.Query().Get("t") == strconv.Itoa(token)) {
		h.segReqs++
		if h.segReqs%h.o.ExpireAfter == 0 {
			h.token++
		}
	}
	body, ok := h.blobs[p]
	h.mu.Unlock()
	ctype := "application/octet-stream"
	switch {
	case p == "master.m3u8" && h.o.Variants >= 2:
		body, ok, ctype = []byte(h.master()), true, "application/vnd.apple.mpegurl"
	case strings.HasSuffix(p, "/index.m3u8"):
		v, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSuffix(p, "/index.m3u8"), "v"))
		if err != nil || v < 0 || v >= max(1, h.o.Variants) {
			break
		}
		body, ok, ctype = []byte(h.media(v)), true, "application/vnd.apple.mpegurl"
	case h.o.Expiring && strings.Contains(p, "/seg") && r.URL.Query().Get("t") != strconv.Itoa(token):
		http.Error(w, "link expired", http.StatusForbidden)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Accept-Ranges", "bytes")
	status, start, end := http.StatusOK, int64(0), int64(len(body))
	if rg := r.Header.Get("Range"); rg != "" {
		a, b, res := parseRange(rg, int64(len(body)))
		switch res {
		case rangeUnsatisfiable:
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", len(body)))
			http.Error(w, "range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
			return
		case rangeOK:
			status, start, end = http.StatusPartialContent, a, b+1
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, len(body)))
		}
	}
	w.Header().Set("Content-Length", strconv.FormatInt(end-start, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	s.sendPaced(r.Context(), w, "/hls/"+rest, body[start:end])
}

// sendPaced writes b at the per-connection rate (WithPerConnRate), like
// file bodies.
func (s *Server) sendPaced(ctx context.Context, w http.ResponseWriter, path string, b []byte) {
	rc := http.NewResponseController(w)
	t0 := time.Now()
	var sent int64
	for len(b) > 0 {
		rate := s.rateFor(&bodyPlan{})
		c := len(b)
		if rate > 0 {
			c = min(c, int(max(rate/32, 512)))
		}
		if _, err := w.Write(b[:c]); err != nil {
			return
		}
		b = b[c:]
		sent += int64(c)
		s.account(path, int64(c))
		if rate > 0 {
			_ = rc.Flush()
			due := t0.Add(time.Duration(float64(sent) / float64(rate) * float64(time.Second)))
			if !s.sleep(ctx, time.Until(due)) {
				return
			}
		}
	}
}
