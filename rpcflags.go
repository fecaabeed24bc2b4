package main

import (
	"flag"
	"fmt"
	"strings"

	"haul/rpc"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set adds one value; checkAllowFlags validates them after parsing.
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// addAllowFlags registers --rpc-allow-origin and --rpc-allow-host, which
// add to the lists in Settings → Browser for this run.
func addAllowFlags(fs *flag.FlagSet, sf *serviceFlags) {
	fs.Var((*listFlag)(&sf.origins), "rpc-allow-origin", "also let the web page `ORIGIN` (like https://ariang.example, or null for a page opened from a file) use the RPC; repeatable")
	fs.Var((*listFlag)(&sf.hosts), "rpc-allow-host", "also accept RPC requests addressed to host `NAME` (like nas.local); repeatable")
}

// checkAllowFlags validates the values of addAllowFlags' flags and puts
// them in the form requests are compared in.
func checkAllowFlags(sf *serviceFlags) error {
	for i, o := range sf.origins {
		v, err := rpc.ParseAllowedOrigin(o)
		if err != nil {
			return fmt.Errorf("--rpc-allow-origin: %w", err)
		}
		sf.origins[i] = v
	}
	for i, h := range sf.hosts {
		v, err := rpc.ParseAllowedHost(h)
		if err != nil {
			return fmt.Errorf("--rpc-allow-host: %w", err)
		}
		sf.hosts[i] = v
	}
	return nil
}
