// Command haul is a download manager: with no verb it opens the window;
// `haul get URL…` downloads in the terminal.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"haul/cli"
	"haul/downloader"
	"haul/internal/initlog"
	"haul/internal/plumbing"
)

const usage = `Haul %s — fast, resumable downloads.

Usage:
  haul [URL...]            open the window (and add the links); a second
                           launch hands its links to the running Haul
  haul get [flags] URL...  download in the terminal (haul get -h for flags)
  haul add URL...          hand links to the running Haul, or queue them for its next start
  haul import FILE         queue the links of a text or aria2 input file
  haul export [--format aria2|json] [FILE]
                           write every task (no cookies or passwords)
  haul version             print the version

Window flags: --hidden starts in the tray without the window;
--when-done quit|sleep|shutdown acts once all downloads finish.

Every verb accepts --data DIR to use a separate data folder.
`

// initLog is what packages logged while they initialised (Fyne's locale
// complaints): the window passes it on to stderr as before; a terminal
// verb prints only its own output.
var initLog []byte

func main() {
	initLog = initlog.Stop()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if isHostLaunch(args) { // a browser starting the native messaging host
		return runHost(os.Stdin, stdout, stderr)
	}
	if len(args) == 0 {
		return runGUI(args, stdout, stderr)
	}
	switch args[0] {
	case "get":
		runHeadless("get", args[1:]) // returns when hauld cannot take it
		return cli.Get(args[1:], stdout, stderr)
	case "add":
		return cli.Add(args[1:], stdout, stderr)
	case "import":
		return cli.Import(args[1:], stdout, stderr)
	case "export":
		return cli.Export(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "haul", downloader.Version+plumbing.SourceNote())
		return 0
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, downloader.Version)
		return 0
	}
	// Flags, or links (a browser or the desktop opening Haul with a URL),
	// go to the window.
	if strings.HasPrefix(args[0], "-") || strings.Contains(args[0], "://") {
		return runGUI(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "haul: unknown command %q\n\n", args[0])
	fmt.Fprintf(stderr, usage, downloader.Version)
	return plumbing.ExitUsage
}
