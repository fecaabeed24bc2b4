package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"

	"haul/downloader"
)

// segFormat is the first byte of an encoded segment list, so the encoding
// can change without a schema bump. Format 2 is format 1 followed by a
// CRC-32C of everything before it: the counters say which bytes of a part
// file are trusted, so a flipped bit must not pass as progress. Format 1
// (no checksum) is still read.
const (
	segFormat       = 2
	segFormatNoCRC  = 1
	segChecksumSize = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeRecord stamps the current RecordVersion: the store owns the format,
// so whatever it writes is by definition the current version.
func encodeRecord(rec downloader.TaskRecord) ([]byte, error) {
	rec.Version = downloader.RecordVersion
	return json.Marshal(rec)
}

// decodeRecord parses a stored record for key id. Its errors are phrased
// for a user, since LoadTasks turns them into TaskRecord.Broken.
func decodeRecord(id string, b []byte) (downloader.TaskRecord, error) {
	var rec downloader.TaskRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		// A newer record may not parse as this version's struct; "update
		// Haul" is more useful to the user than a JSON type error.
		var head struct {
			Version int `json:"v"`
		}
		if json.Unmarshal(b, &head) == nil && head.Version > downloader.RecordVersion {
			return downloader.TaskRecord{}, newerError(head.Version)
		}
		return downloader.TaskRecord{}, fmt.Errorf("damaged data (%v)", err)
	}
	switch {
	case rec.Version < 1:
		return downloader.TaskRecord{}, errors.New("it has no valid version number")
	case rec.Version > downloader.RecordVersion:
		return downloader.TaskRecord{}, newerError(rec.Version)
	}
	switch {
	case rec.ID == "":
		return downloader.TaskRecord{}, errors.New("it has no task ID")
	case rec.ID != id:
		// A record under the wrong key means the file was tampered with or
		// damaged; trusting either ID could make two tasks share one.
		return downloader.TaskRecord{}, fmt.Errorf("it carries the ID %q of another task", rec.ID)
	}
	return rec, nil
}

func newerError(v int) error {
	return fmt.Errorf("it was written by a newer version of Haul (record version %d, this one reads up to %d)",
		v, downloader.RecordVersion)
}

// validSegment reports why s cannot describe bytes on disk, or nil.
func validSegment(s downloader.Segment) error {
	switch {
	case s.Start < 0:
		return fmt.Errorf("segment start %d is negative", s.Start)
	case s.End < -1:
		return fmt.Errorf("segment end %d is invalid", s.End)
	case s.End >= 0 && s.End < s.Start:
		return fmt.Errorf("segment [%d,%d) ends before it starts", s.Start, s.End)
	case s.Done < 0:
		return fmt.Errorf("segment done %d is negative", s.Done)
	case s.End >= 0 && s.Done > s.End-s.Start:
		return fmt.Errorf("segment [%d,%d) claims %d bytes done", s.Start, s.End, s.Done)
	}
	return nil
}

// encodeSegments returns the binary form described in the package doc.
// It refuses invalid segments so a caller's bug surfaces at write time
// rather than as a broken task after a restart.
func encodeSegments(segs []downloader.Segment) ([]byte, error) {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(segs)*3*5)
	b = append(b, segFormat)
	b = binary.AppendUvarint(b, uint64(len(segs)))
	for i, s := range segs {
		if err := validSegment(s); err != nil {
			return nil, fmt.Errorf("%w: #%d: %v", ErrBadSegments, i, err)
		}
		b = binary.AppendVarint(b, s.Start)
		b = binary.AppendVarint(b, s.End)
		b = binary.AppendVarint(b, s.Done)
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

// decodeSegments parses the output of encodeSegments. Its errors are
// phrased for a user, like decodeRecord's.
func decodeSegments(b []byte) ([]downloader.Segment, error) {
	if len(b) == 0 {
		return nil, errors.New("empty progress data")
	}
	switch b[0] {
	case segFormat:
		if len(b) < 1+segChecksumSize {
			return nil, errors.New("damaged progress data (too short)")
		}
		body, sum := b[:len(b)-segChecksumSize], b[len(b)-segChecksumSize:]
		if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(sum) {
			return nil, errors.New("damaged progress data (checksum mismatch)")
		}
		b = body
	case segFormatNoCRC:
	default:
		return nil, fmt.Errorf("unknown progress format %d", b[0])
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return nil, errors.New("damaged progress data (bad count)")
	}
	b = b[k:]
	// Each segment takes at least 3 bytes; checking first keeps a damaged
	// count from allocating gigabytes.
	if n > uint64(len(b)/3) {
		return nil, fmt.Errorf("damaged progress data (%d segments in %d bytes)", n, len(b))
	}
	segs := make([]downloader.Segment, n)
	for i := range segs {
		var v [3]int64
		for j := range v {
			x, k := binary.Varint(b)
			if k <= 0 {
				return nil, fmt.Errorf("damaged progress data (segment #%d truncated)", i)
			}
			v[j], b = x, b[k:]
		}
		segs[i] = downloader.Segment{Start: v[0], End: v[1], Done: v[2]}
		if err := validSegment(segs[i]); err != nil {
			return nil, fmt.Errorf("damaged progress data (%v)", err)
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("damaged progress data (%d trailing bytes)", len(b))
	}
	return segs, nil
}

func encodeSettings(s downloader.Settings) ([]byte, error) { return json.Marshal(s) }

func decodeSettings(b []byte) (downloader.Settings, error) {
	var s downloader.Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return downloader.Settings{}, fmt.Errorf("%w: %v", ErrBadSettings, err)
	}
	return s, nil
}
