package tasklist

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"

	"haul/downloader"
)

// Entry is one task in the JSON export.
type Entry struct {
	URL    string `json:"url"`
	Name   string `json:"name,omitempty"`
	Folder string `json:"folder,omitempty"`
	// Size in bytes; -1 when unknown.
	Size     int64            `json:"size"`
	State    downloader.State `json:"state"`
	Checksum string           `json:"checksum,omitempty"`
}

// WriteJSON writes tasks as an indented JSON array of Entry. Links lose
// their password; headers (and so cookies) are not part of it.
func WriteJSON(w io.Writer, tasks []downloader.Snapshot) error {
	out := make([]Entry, len(tasks))
	for i, t := range tasks {
		out[i] = Entry{URL: shareableURL(t.URL), Name: t.Name, Folder: t.Folder, Size: t.Size, State: t.State, Checksum: t.Options.Checksum.String()}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// isJSONList reports whether br starts (after a byte order mark and white
// space) with "[", as WriteJSON's output does; it consumes only those.
func isJSONList(br *bufio.Reader) bool {
	for {
		r, _, err := br.ReadRune()
		if err != nil {
			return false
		}
		if r == '\ufeff' || unicode.IsSpace(r) {
			continue
		}
		_ = br.UnreadRune()
		return r == '['
	}
}

// maxJSONList bounds a JSON list read by ParseJSON (bytes).
const maxJSONList = 64 << 20

// ParseJSON reads a JSON array of Entry, as WriteJSON writes it. Each
// entry with a valid link becomes a request with its name, folder and
// checksum; an entry that was completed where it came from is added
// paused, so importing a list never downloads finished files again
// unasked. It returns the requests it could read and an error (wrapping
// ErrBadList, naming each entry by its position from 1) for the others.
func ParseJSON(r io.Reader) ([]downloader.Request, error) {
	var entries []Entry
	if err := json.NewDecoder(io.LimitReader(r, maxJSONList)).Decode(&entries); err != nil {
		return nil, fmt.Errorf("%w: not a JSON list of downloads: %v", ErrBadList, err)
	}
	var reqs []downloader.Request
	var errs []error
	for i, e := range entries {
		if _, err := downloader.ParseURL(e.URL); err != nil {
			errs = append(errs, fmt.Errorf("entry %d: %w: %w", i+1, ErrBadList, err))
			continue
		}
		var sum downloader.Checksum
		if e.Checksum != "" {
			var err error
			if sum, err = downloader.ParseChecksum(e.Checksum); err != nil {
				errs = append(errs, fmt.Errorf("entry %d: %w: %w", i+1, ErrBadList, err))
				continue
			}
		}
		reqs = append(reqs, downloader.Request{URL: e.URL, Name: e.Name, Folder: e.Folder,
			Options: downloader.Options{Checksum: sum}, Paused: e.State == downloader.StateCompleted})
	}
	return reqs, errors.Join(errs...)
}
