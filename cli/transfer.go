package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"haul/downloader"
	"haul/internal/plumbing"
)

// openForList opens the data folder's store and a manager that never
// starts a task, for the verbs that read or change the list offline. The
// caller closes both through the returned function.
func openForList(verb, data string, stderr io.Writer) (*downloader.Manager, func(), error) {
	dataDir, err := plumbing.DataDir(data)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(dataDir, stderr)
	if errors.Is(err, plumbing.ErrInUse) {
		return nil, nil, errors.New(tr("Haul is running with this data folder. Use Import or Export in its window, or quit it and try again."))
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: DefaultDownloads(), NoStart: true})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("haul %s: %w", verb, err)
	}
	return m, func() { m.Close(); db.Close() }, nil
}

// listFlags is the flag set of haul import and export, with --data.
func listFlags(verb, usage string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	data := fs.String("data", "", "data `folder` holding haul.db (default: the user config folder)")
	return fs, data
}

// parseListFlags parses args; ok is false when the verb must exit with
// status (help asked, or a bad flag).
func parseListFlags(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return ExitOK, false
	} else if err != nil {
		return ExitUsage, false
	}
	return 0, true
}
