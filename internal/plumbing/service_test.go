package plumbing

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"haul/downloader"
	"haul/rpc"
)

func TestRPCPrefsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		ui   map[string]string
		want RPCPrefs
	}{
		{"defaults", nil, RPCPrefs{Enabled: true, Port: rpc.DefaultPort}},
		{"stored", map[string]string{KeyRPC: "off", KeyRPCPort: "6900", KeyRPCSecret: "s", KeyRPCLAN: "on"}, RPCPrefs{Port: 6900, Secret: "s", LAN: true}},
		{"bad port", map[string]string{KeyRPCPort: "70000"}, RPCPrefs{Enabled: true, Port: rpc.DefaultPort}},
		{"words", map[string]string{KeyRPCPort: "six"}, RPCPrefs{Enabled: true, Port: rpc.DefaultPort}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RPCPrefsOf(downloader.Settings{UI: tt.ui})
			if got != tt.want {
				t.Fatalf("RPCPrefsOf = %+v, want %+v", got, tt.want)
			}
			var s downloader.Settings
			got.Put(&s)
			if back := RPCPrefsOf(s); back != got {
				t.Errorf("Put then RPCPrefsOf = %+v, want %+v", back, got)
			}
		})
	}
}

func openManager(t *testing.T) (*downloader.Manager, string) {
	t.Helper()
	dir := t.TempDir()
	db, rec, err := OpenStore(dir)
	if err != nil || rec != nil {
		t.Fatalf("OpenStore: %v, %v", err, rec)
	}
	t.Cleanup(func() { db.Close() })
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, dir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestStartService(t *testing.T) {
	tests := []struct {
		name       string
		stored     map[string]string
		opts       func(port int) ServiceOptions
		wantRPC    bool
		wantRemote bool
		wantNew    bool
	}{
		{"first start makes a secret", nil, func(p int) ServiceOptions { return ServiceOptions{Port: p} }, true, false, true},
		{"stored secret kept", map[string]string{KeyRPCSecret: "abc"}, func(p int) ServiceOptions { return ServiceOptions{Port: p} }, true, false, false},
		{"flag secret makes none", nil, func(p int) ServiceOptions { return ServiceOptions{Port: p, Secret: "flag"} }, true, false, false},
		{"off: hand-off only", map[string]string{KeyRPC: "off", KeyRPCLAN: "on", KeyRPCSecret: "abc"}, func(int) ServiceOptions { return ServiceOptions{} }, false, false, false},
		{"off but AlwaysRPC", map[string]string{KeyRPC: "off", KeyRPCSecret: "abc"}, func(p int) ServiceOptions { return ServiceOptions{Port: p, AlwaysRPC: true} }, true, false, false},
		{"LAN stored", map[string]string{KeyRPCLAN: "on", KeyRPCSecret: "abc"}, func(p int) ServiceOptions { return ServiceOptions{Port: p} }, true, true, false},
		{"ListenAll", map[string]string{KeyRPCSecret: "abc"}, func(p int) ServiceOptions { return ServiceOptions{Port: p, ListenAll: true} }, true, true, false},
		{"HandoffOnly beats LAN", map[string]string{KeyRPCLAN: "on", KeyRPCSecret: "abc"}, func(p int) ServiceOptions { return ServiceOptions{Port: p, HandoffOnly: true} }, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, dir := openManager(t)
			s := m.Settings()
			s.UI = tt.stored
			if err := m.SetSettings(s); err != nil {
				t.Fatal(err)
			}
			o := tt.opts(freePort(t))
			svc, err := StartService(m, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			if svc.RPC != tt.wantRPC || svc.Remote != tt.wantRemote || svc.NewSecret != tt.wantNew {
				t.Errorf("RPC %v Remote %v NewSecret %v, want %v %v %v", svc.RPC, svc.Remote, svc.NewSecret, tt.wantRPC, tt.wantRemote, tt.wantNew)
			}
			if tt.wantRPC && o.Port > 0 && svc.Port() != o.Port {
				t.Errorf("port %d, want %d", svc.Port(), o.Port)
			}
			stored := RPCPrefsOf(m.Settings()).Secret
			switch {
			case o.Secret != "" && svc.Secret() != o.Secret:
				t.Errorf("served secret %q, want the flag's", svc.Secret())
			case o.Secret == "" && (stored == "" || svc.Secret() != stored):
				t.Errorf("served secret %q, stored %q: want the stored one", svc.Secret(), stored)
			}
			if _, err := os.Stat(filepath.Join(dir, rpc.InstanceFile)); err != nil {
				t.Errorf("no instance file while serving: %v", err)
			}
		})
	}
}

func TestStartServicePortInUse(t *testing.T) {
	m, dir := openManager(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = StartService(m, dir, ServiceOptions{Port: port})
	if !errors.Is(err, rpc.ErrPortInUse) {
		t.Fatalf("err = %v, want ErrPortInUse", err)
	}
	if want := strconv.Itoa(port); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name port %s", err, want)
	}
}

func TestOpenStoreInUse(t *testing.T) {
	dir := t.TempDir()
	db, _, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := OpenStore(dir); !errors.Is(err, ErrInUse) {
		t.Errorf("second open: %v, want ErrInUse", err)
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("HOME", "/home/u")
	got, err := DataDir("")
	if err != nil || got != filepath.Join("/cfg", "Haul") {
		t.Errorf("DataDir(\"\") = %q, %v", got, err)
	}
	got, err = DataDir("rel")
	if err != nil || !filepath.IsAbs(got) || filepath.Base(got) != "rel" {
		t.Errorf("DataDir(rel) = %q, %v", got, err)
	}
}
