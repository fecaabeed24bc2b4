package downloader

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"
)

// Checksum is an expected digest of a finished download. The zero value
// means "nothing to verify".
type Checksum struct {
	// Algo is the canonical algorithm name: "sha256", "sha512", "sha1"
	// or "md5".
	Algo string
	// Sum is the digest's bytes (32 for sha256, 64 for sha512, 20 for
	// sha1, 16 for md5).
	Sum []byte
}

// checksumAlgos maps canonical names to constructors. MD5 and SHA-1 are
// broken for security but still what many download pages publish; they
// guard against corruption, not tampering.
var checksumAlgos = map[string]struct {
	new  func() hash.Hash
	size int
}{
	"sha256": {sha256.New, sha256.Size},
	"sha512": {sha512.New, sha512.Size},
	"sha1":   {sha1.New, sha1.Size},
	"md5":    {md5.New, md5.Size},
}

// ParseChecksum parses "ALGO=HEX" as users paste it: the algorithm is
// case-insensitive and may be written "sha-256" or "SHA256"; ":" is also
// accepted as separator. A bare hex digest is accepted when its length
// identifies the algorithm, since that is what most download pages show.
// An empty string gives the zero Checksum. Errors wrap ErrBadChecksum.
func ParseChecksum(s string) (Checksum, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Checksum{}, nil
	}
	var algo, digest string
	if i := strings.IndexAny(s, "=:"); i >= 0 {
		algo = strings.ToLower(strings.TrimSpace(s[:i]))
		algo = strings.NewReplacer("-", "", "_", "").Replace(algo)
		digest = strings.TrimSpace(s[i+1:])
	} else {
		digest = s
		switch len(s) {
		case 2 * sha256.Size:
			algo = "sha256"
		case 2 * sha1.Size:
			algo = "sha1"
		case 2 * md5.Size:
			algo = "md5"
		default:
			return Checksum{}, fmt.Errorf("%w: no algorithm given, and %d hex digits match none", ErrBadChecksum, len(s))
		}
	}
	a, ok := checksumAlgos[algo]
	if !ok {
		return Checksum{}, fmt.Errorf("%w: unknown algorithm %q", ErrBadChecksum, truncForError(algo))
	}
	if len(digest) != 2*a.size {
		return Checksum{}, fmt.Errorf("%w: %s needs %d hex digits, got %d", ErrBadChecksum, algo, 2*a.size, len(digest))
	}
	sum, err := hex.DecodeString(digest)
	if err != nil {
		return Checksum{}, fmt.Errorf("%w: %s digest is not hexadecimal", ErrBadChecksum, algo)
	}
	return Checksum{Algo: algo, Sum: sum}, nil
}

// truncForError keeps error messages short when users paste junk.
func truncForError(s string) string {
	if len(s) > 40 {
		return cutUTF8(s, 40) + "…"
	}
	return s
}

// IsZero reports whether there is nothing to verify.
func (c Checksum) IsZero() bool { return c.Algo == "" && len(c.Sum) == 0 }

// New returns a fresh hash for c's algorithm, or nil for the zero or an
// unknown algorithm.
func (c Checksum) New() hash.Hash {
	if a, ok := checksumAlgos[c.Algo]; ok {
		return a.new()
	}
	return nil
}

// String gives the "algo=hex" form ParseChecksum reads, or "" when zero.
func (c Checksum) String() string {
	if c.IsZero() {
		return ""
	}
	return c.Algo + "=" + hex.EncodeToString(c.Sum)
}

// Aria2 gives the form aria2 reads and writes ("sha-256=hex", "sha-1=hex",
// "md5=hex"; its --checksum option), or "" when zero. ParseChecksum reads
// it back.
func (c Checksum) Aria2() string {
	if c.IsZero() {
		return ""
	}
	algo := c.Algo
	if rest, ok := strings.CutPrefix(algo, "sha"); ok {
		algo = "sha-" + rest
	}
	return algo + "=" + hex.EncodeToString(c.Sum)
}

// MarshalText gives the "algo=hex" form, so in JSON a Checksum is the
// string records held before it was a type.
func (c Checksum) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads what ParseChecksum reads; "" is the zero Checksum.
// Errors wrap ErrBadChecksum.
func (c *Checksum) UnmarshalText(b []byte) error {
	v, err := ParseChecksum(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// clone shares no bytes with c.
func (c Checksum) clone() Checksum {
	c.Sum = bytes.Clone(c.Sum)
	return c
}

// Verify hashes r to its end and compares. A mismatch wraps ErrChecksum and
// names both digests so a user can compare with the download page. The
// zero Checksum accepts anything without reading.
func (c Checksum) Verify(r io.Reader) error {
	if c.IsZero() {
		return nil
	}
	h := c.New()
	if h == nil {
		return fmt.Errorf("%w: unknown algorithm %q", ErrBadChecksum, truncForError(c.Algo))
	}
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	return c.Match(h.Sum(nil))
}

// Match compares an already computed digest, for callers that hash while
// writing instead of re-reading the file.
func (c Checksum) Match(got []byte) error {
	if c.IsZero() || bytes.Equal(got, c.Sum) {
		return nil
	}
	return fmt.Errorf("%w: %s expected %x, got %x", ErrChecksum, c.Algo, c.Sum, got)
}
