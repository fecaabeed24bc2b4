package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"haul/downloader/tasklist"
	"haul/internal/plumbing"
	"haul/rpc"
)

const importUsage = `Usage: haul import [--data DIR] FILE

Adds the downloads listed in FILE: a text file with one link a line, or
an aria2 input file (links with indented dir=, out=, header=, checksum=
options). They are queued and start when Haul opens. A line that cannot
be read is named and skipped; the others are added.

Flags:
`

// Import runs `haul import` and returns the exit status.
func Import(args []string, stdout, stderr io.Writer) int {
	fs, data := listFlags("import", importUsage, stderr)
	if status, ok := parseListFlags(fs, args); !ok {
		return status
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "haul import:", err)
		return ExitFailed
	}
	reqs, parseErr := tasklist.Parse(f)
	f.Close()
	status := ExitOK
	if parseErr != nil {
		fmt.Fprintln(stderr, "haul import:", parseErr)
		status = ExitFailed
	}
	if len(reqs) == 0 {
		fmt.Fprintln(stderr, "haul import:", tr("The file lists no links."))
		return ExitFailed
	}
	reqs, err = expandRequests(reqs)
	if err != nil {
		fmt.Fprintln(stderr, "haul import:", err)
		return ExitFailed
	}
	// A running Haul takes the list through the hand-off, with each
	// link's options; otherwise the list is queued into haul.db.
	if dataDir, err := plumbing.DataDir(*data); err == nil {
		ids, handled, err := rpc.HandOffRequests(context.Background(), dataDir, reqs)
		if handled {
			if err != nil {
				fmt.Fprintln(stderr, "haul import:", err)
				status = ExitFailed
			}
			n := len(slices.DeleteFunc(ids, func(id string) bool { return id == "" }))
			fmt.Fprintln(stdout, trN("Gave {{.Count}} downloads to the running Haul.", n, map[string]any{"Count": n}))
			return status
		}
	}
	m, closeAll, err := openForList("import", *data, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "haul import:", err)
		return ExitFailed
	}
	ids, addErr := m.Add(context.Background(), reqs...)
	closeAll()
	if addErr != nil {
		fmt.Fprintln(stderr, "haul import:", addErr)
		status = ExitFailed
	}
	n := len(slices.DeleteFunc(ids, func(id string) bool { return id == "" }))
	fmt.Fprintln(stdout, trN("Queued {{.Count}} downloads; they start when Haul opens.", n, map[string]any{"Count": n}))
	return status
}
