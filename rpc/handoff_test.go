package rpc

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestHandOff(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	f := newFake()
	shown := make(chan struct{}, 4)
	s := startTest(t, f, func(c *Config) {
		c.DataDir = dataDir
		c.Secret = "" // the usual case: a random token
		c.OnShow = func() { shown <- struct{}{} }
	})

	path := filepath.Join(dataDir, InstanceFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("instance.json mode %v, want 0600", fi.Mode().Perm())
	}
	var in Instance
	b, _ := os.ReadFile(path)
	if json.Unmarshal(b, &in) != nil || in.Port != s.Port() || in.Token != s.Secret() || in.PID != os.Getpid() {
		t.Fatalf("instance.json %s", b)
	}

	handled, err := HandOff(dataDir, []string{"https://example.com/a.iso", "ftp://example.com/b", "http://example.com/c"})
	if !handled {
		t.Fatal("running instance did not take the URLs")
	}
	if err == nil || !strings.Contains(err.Error(), "ftp://example.com/b") {
		t.Errorf("err %v, want the ftp URL rejected", err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].URL != "https://example.com/a.iso" || reqs[1].URL != "http://example.com/c" {
		t.Errorf("engine got %+v", reqs)
	}
	select {
	case <-shown:
	case <-time.After(time.Second):
		t.Fatal("OnShow not called")
	}
	// A second launch without URLs only shows the window.
	if handled, err := HandOff(dataDir, nil); !handled || err != nil {
		t.Fatalf("show only: %v %v", handled, err)
	}
	<-shown

	// After Close the file is gone and nobody takes URLs.
	s.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("instance.json left behind: %v", err)
	}
	if handled, err := HandOff(dataDir, []string{"http://example.com/x"}); handled || err != nil {
		t.Errorf("after close: %v %v", handled, err)
	}
}

func TestHandOffStale(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	other := startTest(t, newFake(), nil) // a server that does not know the token
	tests := []struct {
		name, content string
	}{
		{"missing", ""},
		{"garbage", "{not json"},
		{"no token", `{"port":6800}`},
		{"dead port", `{"port":` + itoa(int64(port)) + `,"token":"abc","pid":1}`},
		{"wrong token", `{"port":` + itoa(int64(other.Port())) + `,"token":"abc","pid":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(filepath.Join(dir, InstanceFile))
			if tt.content != "" {
				os.WriteFile(filepath.Join(dir, InstanceFile), []byte(tt.content), 0o600)
			}
			handled, err := HandOff(dir, []string{"http://example.com/a"})
			if handled || err != nil {
				t.Fatalf("handled=%v err=%v", handled, err)
			}
		})
	}
}

func TestHandoffOnlyServerTakesHandOff(t *testing.T) {
	dataDir := t.TempDir()
	f := newFake()
	startTest(t, f, func(c *Config) { c.DataDir = dataDir; c.HandoffOnly = true })
	if handled, err := HandOff(dataDir, []string{"http://example.com/a"}); !handled || err != nil {
		t.Fatalf("%v %v", handled, err)
	}
	if len(f.Requests()) != 1 {
		t.Fatal("URL not added")
	}
}
