package main

import (
	"os/exec"
	"path/filepath"
)

// A tool is one way of downloading the file.
type tool struct {
	Name string // as shown in the tables
	Key  string // for -tools
	Bin  string // executable looked up in PATH ("" = haul or the sink)
	// Haul runs are what the bench judges; the rest are peers.
	Haul bool
	// Multi: the tool opens several connections. Single-connection tools
	// are left out of scenarios that only differ beyond one connection.
	Multi bool
	// Sink: reads to /dev/null and writes no file (scenario 1's limit).
	Sink bool
	// Args builds the command line for url, saving to dir/name; data is a
	// fresh directory for tool state.
	Args func(b *bench, url, dir, name, data string) []string
}

var allTools = []tool{
	{
		Name: "haul (default)", Key: "haul", Haul: true, Multi: true,
		Args: func(b *bench, url, dir, name, data string) []string {
			return []string{b.haul, "get", "-q", "-d", dir, "-o", name, "--data", data, url}
		},
	},
	{
		Name: "haul -x 16", Key: "haul16", Haul: true, Multi: true,
		Args: func(b *bench, url, dir, name, data string) []string {
			return []string{b.haul, "get", "-q", "-x", "16", "-d", dir, "-o", name, "--data", data, url}
		},
	},
	{
		Name: "haul baseline (default)", Key: baselineKey, Haul: true, Multi: true,
		Args: func(b *bench, url, dir, name, data string) []string {
			return []string{b.baseline, "get", "-q", "-d", dir, "-o", name, "--data", data, url}
		},
	},
	{
		Name: "curl", Key: "curl", Bin: "curl",
		Args: func(_ *bench, url, dir, name, _ string) []string {
			return []string{"curl", "-sS", "-f", "-o", filepath.Join(dir, name), url}
		},
	},
	{
		Name: "aria2c (default)", Key: "aria2c", Bin: "aria2c",
		Args: func(_ *bench, url, dir, name, _ string) []string {
			return []string{"aria2c", "--no-conf", "-q", "--allow-overwrite=true", "-d", dir, "-o", name, url}
		},
	},
	{
		Name: "aria2c -x16 -s16 -k1M", Key: "aria2c16", Bin: "aria2c", Multi: true,
		Args: func(_ *bench, url, dir, name, _ string) []string {
			return []string{"aria2c", "--no-conf", "-q", "--allow-overwrite=true", "-x16", "-s16", "-k1M", "-d", dir, "-o", name, url}
		},
	},
	{
		Name: "axel -n 16", Key: "axel16", Bin: "axel", Multi: true,
		Args: func(_ *bench, url, dir, name, _ string) []string {
			return []string{"axel", "-q", "-n", "16", "-o", filepath.Join(dir, name), url}
		},
	},
}

// baselineKey is the tool that runs the -baseline binary; it is part of
// a run only when one is given.
const baselineKey = "haulbase"

// sinkTool is the physical limit of scenario 1: one stream of the same
// server read to /dev/null by this program (see sink.go).
var sinkTool = tool{
	Name: "limit: 1 stream → /dev/null", Key: "sink", Sink: true,
	Args: func(b *bench, url, _, _, _ string) []string {
		return []string{b.self, "sink", url}
	},
}

func (t tool) installed() bool {
	if t.Bin == "" {
		return true
	}
	_, err := exec.LookPath(t.Bin)
	return err == nil
}
