package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"haul/downloader"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hauld.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr bool
		check   func(t *testing.T, c fileConfig, s downloader.Settings)
	}{
		{name: "full", text: `
data = "/srv/haul"
folder = "/srv/downloads"
maxActive = 5
connections = 8
perHost = 4
globalLimit = "2M"
minSplit = 524288
proxy = "socks5://127.0.0.1:1080"
[rpc]
port = 6801
secret = "s3"
listenAll = true
allowOrigins = ["https://ariang.example"]
allowHosts = ["nas.local"]
`, check: func(t *testing.T, c fileConfig, s downloader.Settings) {
			if c.Data != "/srv/haul" || c.RPC.Port != 6801 || c.RPC.Secret != "s3" || !c.RPC.ListenAll ||
				!slices.Equal(c.RPC.AllowOrigins, []string{"https://ariang.example"}) || !slices.Equal(c.RPC.AllowHosts, []string{"nas.local"}) {
				t.Errorf("config = %+v", c)
			}
			want := downloader.Settings{Folder: "/srv/downloads", MaxActive: 5, Connections: 8, PerHost: 4,
				GlobalLimit: 2 << 20, MinSplit: 512 << 10, Proxy: "socks5://127.0.0.1:1080"}
			if s.Folder != want.Folder || s.MaxActive != want.MaxActive || s.Connections != want.Connections ||
				s.PerHost != want.PerHost || s.GlobalLimit != want.GlobalLimit || s.MinSplit != want.MinSplit || s.Proxy != want.Proxy {
				t.Errorf("settings = %+v, want %+v", s, want)
			}
		}},
		{name: "partial keeps the rest", text: `globalLimit = "500K"`, check: func(t *testing.T, c fileConfig, s downloader.Settings) {
			if s.GlobalLimit != 500<<10 || s.Connections != downloader.DefaultConnections || s.Folder != "/dl" {
				t.Errorf("settings = %+v", s)
			}
		}},
		{name: "empty changes nothing", text: ``, check: func(t *testing.T, c fileConfig, s downloader.Settings) {
			if c.changes() {
				t.Error("an empty file changes settings")
			}
		}},
		{name: "unknown key", text: "maxActiv = 3", wantErr: true},
		{name: "unknown rpc key", text: "[rpc]\nsecrets = \"x\"", wantErr: true},
		{name: "bad rate", text: `globalLimit = "fast"`, wantErr: true},
		{name: "negative size", text: `minSplit = -1`, wantErr: true},
		{name: "not TOML", text: `folder = `, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(writeConfig(t, tt.text))
			if tt.wantErr {
				if !errors.Is(err, errConfig) {
					t.Fatalf("err = %v, want errConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c, c.apply(downloader.DefaultSettings("/dl")))
		})
	}
}

// TestServePrecedence: flags beat the environment, which beats the file.
func TestServePrecedence(t *testing.T) {
	path := writeConfig(t, "data = \"/from/file\"\n[rpc]\nport = 7001\nsecret = \"file\"\nallowOrigins = [\"https://file.example\"]\n")
	t.Setenv(envConfig, path)
	t.Setenv(envRPCPort, "7002")
	t.Setenv(envRPCSecret, "env")
	t.Setenv(envAllowHosts, "a.local, b.local")
	c, err := parseServe([]string{"--rpc-secret", "flag", "--rpc-allow-origin", "https://x.example", "--rpc-allow-origin", "https://y.example"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Data != "/from/file" || c.RPC.Port != 7002 || c.RPC.Secret != "flag" ||
		!slices.Equal(c.RPC.AllowOrigins, []string{"https://x.example", "https://y.example"}) ||
		!slices.Equal(c.RPC.AllowHosts, []string{"a.local", "b.local"}) {
		t.Errorf("config = %+v", c)
	}
	t.Setenv(envRPCPort, "port")
	if _, err := parseServe(nil, io.Discard); !errors.Is(err, errConfig) {
		t.Errorf("a bad %s gave %v", envRPCPort, err)
	}
}
