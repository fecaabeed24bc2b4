package main

import "testing"

func TestIsHostLaunch(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"chrome-extension://omflgbnanfgpmnaoddcaegdeedgpnlgn/"}, true},
		{[]string{"chrome-extension://omflgbnanfgpmnaoddcaegdeedgpnlgn/", "--parent-window=0"}, true}, // Windows
		{[]string{"/home/me/.mozilla/native-messaging-hosts/app.haul.host.json", "haul@haul.app"}, true},
		{[]string{"https://example.com/file.iso"}, false},
		{[]string{"/tmp/app.haul.host.json"}, false},
		{[]string{"/tmp/app.haul.host.json", "other@ext"}, false},
		{[]string{"--data", "/tmp/x"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := isHostLaunch(tt.args); got != tt.want {
			t.Errorf("isHostLaunch(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
