package testserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
)

func TestContentReadAtConsistent(t *testing.T) {
	const size = 10_000
	all := make([]byte, size)
	if n, err := io.ReadFull(Content(42, size), all); n != size || err != nil {
		t.Fatalf("ReadFull = %d, %v", n, err)
	}
	// Unaligned starts and lengths must agree with the sequential stream.
	for _, c := range []struct{ off, n int64 }{
		{0, 1}, {1, 7}, {3, 8}, {7, 9}, {8, 16}, {13, 1000}, {size - 5, 5}, {4093, 4099},
	} {
		got := make([]byte, c.n)
		if _, err := Source(42).ReadAt(got, c.off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, all[c.off:c.off+c.n]) {
			t.Errorf("ReadAt(off=%d, n=%d) differs from the stream", c.off, c.n)
		}
	}
	if bytes.Equal(all[:64], mustRead(t, Content(43, 64))) {
		t.Error("seeds 42 and 43 give the same bytes")
	}
	if _, err := Source(1).ReadAt(make([]byte, 1), -1); err == nil {
		t.Error("negative offset accepted")
	}
	// Content is sized: reading past the end is io.EOF.
	if n, err := Content(42, size).ReadAt(make([]byte, 10), size-4); n != 4 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v", n, err)
	}
}

func TestSHA256MatchesContent(t *testing.T) {
	for _, size := range []int64{0, 1, 8, 1<<20 + 3, 3<<20 + 1} {
		h := sha256.New()
		io.Copy(h, Content(7, size))
		if want, got := hex.EncodeToString(h.Sum(nil)), SHA256(7, size); got != want {
			t.Errorf("size %d: SHA256 = %s, want %s", size, got, want)
		}
	}
}

func mustRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkSourceReadAt(b *testing.B) {
	buf := make([]byte, bufSize)
	b.SetBytes(bufSize)
	for i := 0; b.Loop(); i++ {
		Source(1).ReadAt(buf, int64(i)*bufSize+3)
	}
}
