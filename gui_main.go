package main

import (
	"fmt"
	"io"

	"haul/downloader"
)

// runGUI opens the window. Until the window lands it prints the help.
func runGUI(_ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, usage, downloader.Version)
	return 0
}
