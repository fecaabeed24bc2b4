// Package initlog holds what the standard logger prints while Go
// initialises the program's packages, until main decides where it goes.
//
// Fyne's lang package parses the locale in its init function and logs
// "Fyne error: Error parsing user locale C" three lines long under
// LANG=C.UTF-8 (and LANGUAGE=C), before main runs. The desktop haul links
// Fyne for its window, but its terminal verbs (haul get, haul add, haul
// version) must print only their own output.
//
// This works by initialisation order (Go spec, "Package initialization"):
// packages initialise in import-path order as soon as their imports have.
// This package imports only bytes, log and os, so it is ready before Fyne's
// lang (which waits for text/template), and main imports it. A test runs
// the built haul under those locales and asserts an empty stderr.
package initlog

import (
	"bytes"
	"log"
	"os"
)

var held bytes.Buffer

func init() { log.SetOutput(&held) }

// Stop sends the standard logger to stderr again and returns what it
// printed until now. Call it once, first thing in main.
func Stop() []byte {
	log.SetOutput(os.Stderr)
	b := bytes.Clone(held.Bytes())
	held = bytes.Buffer{}
	return b
}
