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
		fmt.Fprintln(stderr, trN("The task database was damaged ({{.Reason}}). {{.Count}} downloads were recovered ({{.FromBackup}} of them from the backup), {{.Lost}} could not be read. The damaged file was kept as {{.Path}}.", recovered.Kept, plumbing.RecoveryNoticeData(recovered)))
	}
	return db, nil
}
