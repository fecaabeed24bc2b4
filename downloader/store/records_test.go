package store

import (
	"bytes"
	"reflect"
	"testing"

	"haul/downloader"
)

// sg keeps segment tables short (vet rejects unkeyed literals of an
// imported struct).
func sg(start, end, done int64) downloader.Segment {
	return downloader.Segment{Start: start, End: end, Done: done}
}

func TestSegmentsEncoding(t *testing.T) {
	tests := []struct {
		name string
		segs []downloader.Segment
		ok   bool
	}{
		{"empty", []downloader.Segment{}, true},
		{"unknown size", []downloader.Segment{sg(0, -1, 1<<40)}, true},
		{"large", []downloader.Segment{sg(0, 1<<50, 1<<49), sg(1<<50, 1<<62-1, 0)}, true},
		{"complete", []downloader.Segment{sg(10, 20, 10)}, true},
		{"negative start", []downloader.Segment{sg(-1, 20, 0)}, false},
		{"end before start", []downloader.Segment{sg(20, 10, 0)}, false},
		{"end below -1", []downloader.Segment{sg(0, -2, 0)}, false},
		{"negative done", []downloader.Segment{sg(0, 10, -1)}, false},
		{"done past end", []downloader.Segment{sg(0, 10, 11)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := encodeSegments(tt.segs)
			if (err == nil) != tt.ok {
				t.Fatalf("encode err = %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			got, err := decodeSegments(b)
			if err != nil || !reflect.DeepEqual(got, tt.segs) {
				t.Errorf("decode = %v, %v; want %v", got, err, tt.segs)
			}
		})
	}
	// Compactness is the point of the binary form: 16 segments of a 4 GiB
	// file should stay well under their ~600-byte JSON.
	segs := make([]downloader.Segment, 16)
	for i := range segs {
		segs[i] = downloader.Segment{Start: int64(i) << 28, End: int64(i+1) << 28, Done: int64(i) << 20}
	}
	if b, _ := encodeSegments(segs); len(b) > 16*15 {
		t.Errorf("16 segments take %d bytes", len(b))
	}
}

func FuzzDecodeRecord(f *testing.F) {
	good, _ := encodeRecord(sampleRecord("t1", 3))
	f.Add("t1", good)
	f.Add("t1", []byte(`{"v":1,"id":"t1"}`))
	f.Add("t1", []byte(`{"v":2,"id":"t1","options":[]}`))
	f.Add("t1", []byte(`{"v":1,"id":"t1","options":{"headers":{"A":["b"]}},"log":[{"t":"2026-01-01T00:00:00Z","m":"x"}]}`))
	f.Add("", []byte(`{"v":1}`))
	f.Add("k", []byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, id string, b []byte) {
		rec, err := decodeRecord(id, b)
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error: Broken would be an empty sentence")
			}
			return
		}
		if rec.ID != id || id == "" || rec.Version < 1 || rec.Version > downloader.RecordVersion {
			t.Fatalf("accepted invalid record %+v for key %q", rec, id)
		}
		// What was accepted must survive a rewrite unchanged.
		b2, err := encodeRecord(rec)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		rec2, err := decodeRecord(id, b2)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		b3, _ := encodeRecord(rec2)
		if string(b2) != string(b3) {
			t.Fatalf("round trip not stable:\n%s\n%s", b2, b3)
		}
	})
}

func FuzzDecodeSegments(f *testing.F) {
	for _, s := range [][]downloader.Segment{
		nil,
		{sg(0, -1, 5)},
		{sg(0, 100, 100), sg(100, 1<<40, 7)},
	} {
		b, _ := encodeSegments(s)
		f.Add(b)
	}
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{2, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		segs, err := decodeSegments(b)
		if err != nil {
			return
		}
		for i, s := range segs {
			if err := validSegment(s); err != nil {
				t.Fatalf("accepted invalid segment #%d: %v", i, err)
			}
		}
		b2, err := encodeSegments(segs)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		segs2, err := decodeSegments(b2)
		if err != nil || !reflect.DeepEqual(segs, segs2) {
			t.Fatalf("round trip: %v → %v, %v", segs, segs2, err)
		}
	})
}

// A flipped bit anywhere in stored progress is caught, never read as
// bytes the part file holds; progress written before the checksum still
// loads.
func TestSegmentsChecksum(t *testing.T) {
	segs := []downloader.Segment{sg(0, 1000, 1000), sg(1000, 1<<30, 12345)}
	b, err := encodeSegments(segs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(b); i++ {
		for bit := range 8 {
			c := bytes.Clone(b)
			c[i] ^= 1 << bit
			if got, err := decodeSegments(c); err == nil {
				t.Fatalf("byte %d bit %d flipped: decoded %v without an error", i, bit, got)
			}
		}
	}
	legacy := []byte{segFormatNoCRC, 1, 0, 20, 10}
	got, err := decodeSegments(legacy)
	if err != nil || !reflect.DeepEqual(got, []downloader.Segment{sg(0, 10, 5)}) {
		t.Fatalf("format 1: %v, %v", got, err)
	}
}
