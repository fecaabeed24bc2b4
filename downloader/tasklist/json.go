package tasklist

import (
	"encoding/json"
	"io"

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
