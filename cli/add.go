package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"haul/downloader"
	"haul/internal/plumbing"
	"haul/rpc"
)

const addUsage = `Usage: haul add [--data DIR] URL...

Hands each URL to the running Haul and brings its window forward. When
Haul is not running, the downloads are queued and start when Haul opens.

Flags:
`

// parseAdd reads haul add's flags; flags may follow URLs.
func parseAdd(args []string, stderr io.Writer) (data string, urls []string, err error) {
	fs := flag.NewFlagSet("add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, addUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&data, "data", "", "data `folder` holding haul.db (default: the user config folder)")
	for {
		if err := fs.Parse(args); err != nil {
			return "", nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		urls = append(urls, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(urls) == 0 {
		fs.Usage()
		return "", nil, errors.New("no URL given")
	}
	for _, u := range urls {
		if _, err := downloader.ParseURL(u); err != nil {
			return "", nil, err
		}
	}
	// Numbered series ([01-30]) as haul get and the add dialog take them.
	if urls, err = expandLinks(urls); err != nil {
		return "", nil, err
	}
	return data, urls, nil
}

// Add runs `haul add` and returns the exit status.
func Add(args []string, stdout, stderr io.Writer) int {
	data, urls, err := parseAdd(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "haul add:", err)
		return ExitUsage
	}
	dataDir, err := plumbing.DataDir(data)
	if err != nil {
		fmt.Fprintln(stderr, "haul add:", err)
		return ExitFailed
	}
	handled, err := rpc.HandOff(dataDir, urls)
	if handled {
		if err != nil {
			fmt.Fprintln(stderr, "haul add:", tr("the running Haul refused: {{.Error}}", map[string]any{"Error": err}))
			return ExitFailed
		}
		fmt.Fprintln(stdout, trN("Handed {{.Count}} downloads to the running Haul.", len(urls), map[string]any{"Count": len(urls)}))
		return ExitOK
	}
	return queueOffline(dataDir, urls, stdout, stderr)
}

// queueOffline adds the URLs to haul.db for the next start of Haul.
func queueOffline(dataDir string, urls []string, stdout, stderr io.Writer) int {
	db, err := openStore(dataDir, stderr)
	if errors.Is(err, plumbing.ErrInUse) {
		fmt.Fprintln(stderr, "haul add:", tr("Haul is running with this data folder but does not answer, so the links could not be handed to it."))
		fmt.Fprintln(stderr, tr("Wait until its window is open and try again, or paste the links into its Add dialog."))
		return ExitFailed
	}
	if err != nil {
		fmt.Fprintln(stderr, "haul add:", err)
		return ExitFailed
	}
	defer db.Close()
	ctx := context.Background()
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: DefaultDownloads(), NoStart: true})
	if err != nil {
		fmt.Fprintln(stderr, "haul add:", err)
		return ExitFailed
	}
	reqs := make([]downloader.Request, len(urls))
	for i, u := range urls {
		reqs[i] = downloader.Request{URL: u}
	}
	ids, addErr := m.Add(ctx, reqs...)
	m.Close()
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	status := ExitOK
	if addErr != nil {
		fmt.Fprintln(stderr, "haul add:", addErr)
		status = ExitFailed
	}
	if len(ids) > 0 {
		fmt.Fprintln(stdout, trN("Queued {{.Count}} downloads; they start when Haul opens.", len(ids), map[string]any{"Count": len(ids)}))
	}
	return status
}
