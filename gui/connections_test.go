package gui

import (
	"testing"

	"haul/downloader"
)

// TestParseConnections: "Auto" and empty are the automatic count, numbers
// in range pin it, anything else is refused with a sentence.
func TestParseConnections(t *testing.T) {
	cases := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", downloader.ConnectionsAuto, false},
		{"Auto", downloader.ConnectionsAuto, false},
		{" auto ", downloader.ConnectionsAuto, false},
		{"1", 1, false},
		{"64", 64, false},
		{"0", 0, true},
		{"65", 0, true},
		{"many", 0, true},
	}
	for _, c := range cases {
		got, err := parseConnections(c.in)
		if (err != nil) != c.wantErr || err == nil && got != c.want {
			t.Errorf("parseConnections(%q) = %d, %v; want %d, error %v", c.in, got, err, c.want, c.wantErr)
		}
	}
	// What the window shows parses back to the same setting.
	for _, n := range []int{downloader.ConnectionsAuto, 1, 16, 64} {
		if got, err := parseConnections(connectionsText(n)); err != nil || got != n {
			t.Errorf("connectionsText(%d) = %q reads back as %d, %v", n, connectionsText(n), got, err)
		}
	}
	if connectionsText(downloader.ConnectionsAuto) != "Auto" {
		t.Errorf("the automatic count shows as %q, want Auto", connectionsText(downloader.ConnectionsAuto))
	}
}
