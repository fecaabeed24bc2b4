//go:build !unix

package main

// runHeadless: without exec (Windows) the verb runs in this process.
func runHeadless(string, []string) {}
