package testserver

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
)

// Source is the endless byte stream of one seed. Byte i is fixed by the
// seed and i alone, which is what lets the server produce any range of a
// huge file without storing it.
//
// The stream is made of 8-byte little-endian words; word k is a splitmix64
// finalizer applied to key(seed)+k·φ. That is a couple of multiplies per
// 8 bytes: well over 1 GB/s on one core, so the server is never the
// bottleneck of a loopback benchmark.
type Source uint64

const golden = 0x9E3779B97F4A7C15

// mix64 is the splitmix64 finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// key spreads the seed first so that nearby seeds do not give streams that
// are shifted copies of each other.
func (s Source) key() uint64 { return mix64(uint64(s) + golden) }

var errNegativeOffset = errors.New("testserver: negative offset")

// ReadAt fills p with the stream from offset off. It never returns io.EOF:
// the stream has no end; use Content for a sized view.
func (s Source) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errNegativeOffset
	}
	k := s.key()
	n := len(p)
	word := uint64(off) / 8
	// Leading partial word when off is not 8-aligned.
	if skip := int(off % 8); skip != 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], mix64(k+word*golden))
		c := copy(p, tmp[skip:])
		p = p[c:]
		word++
	}
	z := k + word*golden
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, mix64(z))
		z += golden
		p = p[8:]
	}
	if len(p) > 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], mix64(z))
		copy(p, tmp[:])
	}
	return n, nil
}

// Content is the first size bytes of the stream of seed, readable with
// Read, ReadAt and Seek (io.SectionReader gives io.EOF at the end).
func Content(seed uint64, size int64) *io.SectionReader {
	return io.NewSectionReader(Source(seed), 0, size)
}

// SHA256 is the lowercase hex SHA-256 of Content(seed, size).
func SHA256(seed uint64, size int64) string {
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var off int64
	for off < size {
		n := int64(len(buf))
		if size-off < n {
			n = size - off
		}
		Source(seed).ReadAt(buf[:n], off)
		h.Write(buf[:n])
		off += n
	}
	return hex.EncodeToString(h.Sum(nil))
}
