package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

func TestAllowFlags(t *testing.T) {
	tests := []struct {
		args           []string
		origins, hosts []string
		ok             bool
	}{
		{[]string{"--rpc-allow-origin", "null", "--rpc-allow-origin", "HTTPS://AriaNg.example:443/", "--rpc-allow-host", "NAS.local"},
			[]string{"null", "https://ariang.example"}, []string{"nas.local"}, true},
		{[]string{"--rpc-allow-origin", "https://ariang.example/index.html"}, nil, nil, false},
		{[]string{"--rpc-allow-origin", "*"}, nil, nil, false},
		{[]string{"--rpc-allow-host", "http://nas.local"}, nil, nil, false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("haul", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var sf serviceFlags
		addAllowFlags(fs, &sf)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		err := checkAllowFlags(&sf)
		if (err == nil) != tt.ok {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if tt.ok && (!slices.Equal(sf.origins, tt.origins) || !slices.Equal(sf.hosts, tt.hosts)) {
			t.Errorf("%q: origins %q hosts %q", tt.args, sf.origins, sf.hosts)
		}
	}
}
