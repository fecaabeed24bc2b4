// Command hauld is headless Haul for servers and NAS boxes: the same
// engine, queue and aria2-compatible JSON-RPC as the desktop haul, without
// a window. It never imports Fyne or gui/, so CGO_ENABLED=0 builds a
// static binary:
//
//	hauld serve [--data DIR] [--config FILE] [--rpc-port N] [--rpc-secret S] [--rpc-listen-all]
//	hauld get [flags] URL...   download in the terminal
//	hauld add URL...           hand links to the running hauld (or queue them)
//	hauld version
//
// See docs/headless.md for the configuration file, the environment
// overrides, a systemd unit and how to point AriaNg or the Haul browser
// extension at it.
package main

import (
	"fmt"
	"io"
	"os"

	"haul/cli"
	"haul/downloader"
	"haul/internal/plumbing"
)

const usage = `hauld %s — headless Haul: downloads driven over aria2's JSON-RPC.

Usage:
  hauld serve [flags]       run the engine and the RPC until SIGTERM or SIGINT
                            (hauld serve -h for flags)
  hauld get [flags] URL...  download in the terminal (hauld get -h for flags)
  hauld add URL...          hand links to the running hauld, or queue them for its next start
  hauld version             print the version

Every verb accepts --data DIR to use a separate data folder.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, downloader.Version)
		return plumbing.ExitUsage
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "get":
		return cli.Get(args[1:], stdout, stderr)
	case "add":
		return cli.Add(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "hauld", downloader.Version+plumbing.SourceNote())
		return plumbing.ExitOK
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, downloader.Version)
		return plumbing.ExitOK
	}
	fmt.Fprintf(stderr, "hauld: unknown command %q\n\n", args[0])
	fmt.Fprintf(stderr, usage, downloader.Version)
	return plumbing.ExitUsage
}
