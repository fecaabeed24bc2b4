package cli

import (
	"fmt"
	"io"

	"haul/downloader"
	"haul/downloader/tasklist"
	"haul/internal/atomicfile"
)

const exportUsage = `Usage: haul export [--format aria2|json] [--data DIR] [FILE]

Writes every task to FILE (standard output without FILE): as an aria2
input file that haul import and aria2c -i read, or as JSON (url, name,
folder, size, state, checksum). Cookies, Authorization headers and
passwords in links are never written.

Flags:
`

// Export runs `haul export` and returns the exit status.
func Export(args []string, stdout, stderr io.Writer) int {
	fs, data := listFlags("export", exportUsage, stderr)
	format := fs.String("format", "aria2", "`aria2` input file or json")
	if status, ok := parseListFlags(fs, args); !ok {
		return status
	}
	write := map[string]func(io.Writer, []downloader.Snapshot) error{"aria2": tasklist.WriteAria2, "json": tasklist.WriteJSON}[*format]
	if write == nil || fs.NArg() > 1 {
		fs.Usage()
		return ExitUsage
	}
	m, closeAll, err := openForList("export", *data, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "haul export:", err)
		return ExitFailed
	}
	tasks := m.List()
	closeAll()
	if fs.NArg() == 0 {
		err = write(stdout, tasks)
	} else {
		err = writeFileAtomic(fs.Arg(0), func(w io.Writer) error { return write(w, tasks) })
	}
	if err != nil {
		fmt.Fprintln(stderr, "haul export:", err)
		return ExitFailed
	}
	if fs.NArg() == 1 {
		fmt.Fprintln(stdout, trN("Exported {{.Count}} tasks to {{.File}}.", len(tasks), map[string]any{"Count": len(tasks), "File": fs.Arg(0)}))
	}
	return ExitOK
}

// writeFileAtomic writes through a temporary file renamed over path, so
// a failed export never leaves half a list where a good one was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, ".haul-export-*", 0o644, write); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
