package cli

import (
	"fmt"
	"io"

	"haul/downloader/store"
	"haul/internal/plumbing"
)

// openStore opens the data folder's store and tells the terminal, in its
// language, when a damaged file was moved aside.
func openStore(dataDir string, stderr io.Writer) (*store.DB, error) {
	db, recovered, err := plumbing.OpenStore(dataDir)
	if err != nil {
		return nil, err
	}
	if recovered != nil {
		fmt.Fprintln(stderr, tr("The task database was damaged ({{.Reason}}); it was moved to {{.Path}} and Haul started with an empty one.", map[string]any{"Reason": recovered.Reason, "Path": recovered.BrokenPath}))
	}
	return db, nil
}
