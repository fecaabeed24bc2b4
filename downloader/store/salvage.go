package store

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"os"

	"haul/downloader"
)

// A tolerant reader of bbolt's file format, for files bbolt refuses: it
// follows the tree from the newest valid meta page and skips every page
// that does not check out, so one bad page loses the records on it and no
// others. When no meta page or bucket root survives, it scans every page
// for leaf entries that decode as records.
//
// The layout (bbolt 1.x, internal/common): every page starts with a
// 16-byte header (id u64, flags u16, count u16, overflow u32); branch
// elements are (pos u32, ksize u32, pgid u64), leaf elements (flags u32,
// pos u32, ksize u32, vsize u32), pos counted from the element itself; a
// bucket value is (root pgid u64, sequence u64), followed by an inline
// page when root is 0. Integers are in the machine's order, little-endian
// on every platform Haul ships for.

const (
	pageHeaderSize = 16
	elementSize    = 16
	flagBranch     = 0x01
	flagLeaf       = 0x02
	flagMeta       = 0x04
	flagBucketLeaf = 0x01
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	metaSize       = 64 // magic..checksum
	bucketHeader   = 16
)

var le = binary.LittleEndian

// salvaged is what a tolerant read found.
type salvaged struct {
	tasks    map[string][]byte // id → record as stored
	segs     map[string][]byte // id → segments as stored
	settings []byte
	// badPages counts pages that could not be read: records on them are
	// lost (unless the backup has them).
	badPages int
}

// salvageFile reads what it can of the bbolt file at path.
func salvageFile(path string) (*salvaged, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return salvageBytes(b), nil
}

func salvageBytes(b []byte) *salvaged {
	s := &salvaged{tasks: map[string][]byte{}, segs: map[string][]byte{}}
	r := &pageReader{b: b, seen: map[uint64]bool{}}
	root, ok := r.meta()
	if ok {
		top := map[string][]byte{}
		r.walk(root, nil, func(k, v []byte, flags uint32) {
			if flags&flagBucketLeaf != 0 {
				top[string(k)] = v
			}
		})
		r.bucket(top[string(bucketTasks)], func(k, v []byte) { s.tasks[string(k)] = bytes.Clone(v) })
		r.bucket(top[string(bucketSegments)], func(k, v []byte) { s.segs[string(k)] = bytes.Clone(v) })
		r.bucket(top[string(bucketSettings)], func(k, v []byte) {
			if bytes.Equal(k, keySettings) {
				s.settings = bytes.Clone(v)
			}
		})
	}
	if len(s.tasks) == 0 {
		r.scan(s)
	}
	s.badPages = r.bad
	return s
}

type pageReader struct {
	b    []byte
	psz  int
	seen map[uint64]bool
	bad  int
}

// meta finds the page size and the root bucket's page from the newest
// meta page whose checksum holds.
func (r *pageReader) meta() (root uint64, ok bool) {
	var best uint64
	for _, psz := range []int{0, 4096, 16384, 65536, 8192, 1024, 2048, 32768} {
		for i := range 2 {
			m, good := r.metaAt(i, psz)
			if !good {
				continue
			}
			txid := le.Uint64(m[48:])
			if !ok || txid > best {
				best, ok = txid, true
				root = le.Uint64(m[16:])
				r.psz = int(le.Uint32(m[8:]))
			}
		}
		if ok {
			return root, true
		}
	}
	return 0, false
}

// metaAt returns meta page i's body when it checks out. psz 0 means the
// size page 0 itself announces.
func (r *pageReader) metaAt(i, psz int) ([]byte, bool) {
	if psz == 0 {
		if len(r.b) < pageHeaderSize+metaSize {
			return nil, false
		}
		psz = int(le.Uint32(r.b[pageHeaderSize+8:]))
		if psz < 512 || psz > 1<<20 || psz&(psz-1) != 0 {
			return nil, false
		}
	}
	off := i * psz
	if off+pageHeaderSize+metaSize > len(r.b) {
		return nil, false
	}
	p := r.b[off:]
	if le.Uint16(p[8:]) != flagMeta {
		return nil, false
	}
	m := p[pageHeaderSize : pageHeaderSize+metaSize]
	if le.Uint32(m) != boltMagic || le.Uint32(m[4:]) != boltVersion || int(le.Uint32(m[8:])) != psz {
		return nil, false
	}
	h := fnv.New64a()
	h.Write(m[:56])
	return m, h.Sum64() == le.Uint64(m[56:])
}

// page returns page id with its overflow, or nil when it does not check
// out (out of the file, wrong id, unknown type, elements out of bounds).
func (r *pageReader) page(id uint64) []byte {
	if r.psz == 0 || id < 2 || id > uint64(len(r.b)/r.psz) {
		return nil
	}
	off := int(id) * r.psz
	if off+pageHeaderSize > len(r.b) {
		return nil
	}
	h := r.b[off:]
	if le.Uint64(h) != id {
		return nil
	}
	span := (int(le.Uint32(h[12:])) + 1) * r.psz
	if span <= 0 || off+span > len(r.b) {
		return nil
	}
	return r.b[off : off+span]
}

// walk calls fn for every leaf element below the page p (or page id when
// p is nil), skipping pages that do not check out.
func (r *pageReader) walk(id uint64, p []byte, fn func(k, v []byte, flags uint32)) {
	if p == nil {
		if r.seen[id] {
			return // a loop, or a page two parents claim: damage
		}
		r.seen[id] = true
		if p = r.page(id); p == nil {
			r.bad++
			return
		}
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if pageHeaderSize+count*elementSize > len(p) {
		r.bad++
		return
	}
	for i := range count {
		e := pageHeaderSize + i*elementSize
		switch flags {
		case flagBranch:
			r.walk(le.Uint64(p[e+8:]), nil, fn)
		case flagLeaf:
			eflags := le.Uint32(p[e:])
			pos, ks, vs := int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:])), int(le.Uint32(p[e+12:]))
			k0 := e + pos
			if pos < elementSize || ks < 0 || vs < 0 || k0+ks+vs > len(p) || k0+ks+vs < k0 {
				r.bad++
				continue
			}
			fn(p[k0:k0+ks], p[k0+ks:k0+ks+vs], eflags)
		default:
			r.bad++
			return
		}
	}
}

// bucket calls fn for every plain key and value of the bucket whose
// stored value is v (nil: the bucket was not found).
func (r *pageReader) bucket(v []byte, fn func(k, v []byte)) {
	if len(v) < bucketHeader {
		return
	}
	leaf := func(k, v []byte, flags uint32) {
		if flags&flagBucketLeaf == 0 {
			fn(k, v)
		}
	}
	if root := le.Uint64(v); root != 0 {
		r.walk(root, nil, leaf)
		return
	}
	if inline := v[bucketHeader:]; len(inline) >= pageHeaderSize {
		r.walk(0, inline, leaf)
	}
}

// scan is the last resort when the tree cannot be followed: every page
// that looks like a leaf is read, and entries that decode as a task
// record under their own key, or as segments, are kept. Old copies left
// in freed pages may be among them; their segments never claim more than
// the newer ones did, so the larger claim is kept.
func (r *pageReader) scan(s *salvaged) {
	psz := r.psz
	if psz == 0 {
		psz = os.Getpagesize()
		r.psz = psz
	}
	for id := uint64(2); int(id)*psz < len(r.b); id++ {
		p := r.page(id)
		if p == nil || le.Uint16(p[8:]) != flagLeaf {
			continue
		}
		var entry func(k, v []byte, flags uint32)
		entry = func(k, v []byte, flags uint32) {
			if flags&flagBucketLeaf != 0 {
				// A small bucket lives inline in its parent's leaf.
				if len(v) >= bucketHeader+pageHeaderSize && le.Uint64(v) == 0 {
					r.walk(0, v[bucketHeader:], entry)
				}
				return
			}
			s.keep(string(k), v)
		}
		r.walk(id, p, entry)
	}
}

// keep takes an entry found by scan if it decodes as a task record under
// its own key, or as segments claiming more than those kept so far.
func (s *salvaged) keep(id string, v []byte) {
	if _, err := decodeRecord(id, v); err == nil {
		s.tasks[id] = bytes.Clone(v)
		return
	}
	if segs, err := decodeSegments(v); err == nil && len(segs) > 0 {
		if old, ok := s.segs[id]; ok {
			if prev, _ := decodeSegments(old); doneOf(prev) >= doneOf(segs) {
				return
			}
		}
		s.segs[id] = bytes.Clone(v)
	}
}

func doneOf(segs []downloader.Segment) int64 {
	var n int64
	for _, s := range segs {
		n += s.Done
	}
	return n
}
