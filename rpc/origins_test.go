package rpc

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestAllowedOriginEverywhere: a page origin is refused by default and
// admitted once configured, alike on POST, preflight, GET and WebSocket.
func TestAllowedOriginEverywhere(t *testing.T) {
	body := `{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":["token:` + testSecret + `"]}`
	get := s2url("?method=aria2.getVersion&id=1&params=" + base64.StdEncoding.EncodeToString([]byte(`["token:`+testSecret+`"]`)))
	kinds := []struct {
		name string
		do   func(t *testing.T, s *Server, origin string) int
	}{
		{"POST", func(t *testing.T, s *Server, origin string) int {
			st, _ := post(t, s, body, map[string]string{"Origin": origin})
			return st
		}},
		{"preflight", func(t *testing.T, s *Server, origin string) int {
			return send(t, http.MethodOptions, s.URL(), map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"})
		}},
		{"GET", func(t *testing.T, s *Server, origin string) int {
			return send(t, http.MethodGet, get(s), map[string]string{"Origin": origin})
		}},
		{"WebSocket", func(t *testing.T, s *Server, origin string) int {
			_, resp := dialWS(t, s, map[string]string{"Origin": origin})
			return resp.StatusCode
		}},
	}
	tests := []struct {
		name    string
		allowed []string
		origin  string
		ok      bool
	}{
		{"null by default", nil, "null", false},
		{"null allowed", []string{"null"}, "null", true},
		{"hosted page by default", nil, "https://ariang.example", false},
		{"hosted page allowed, spelled differently", []string{"HTTPS://AriaNg.Example:443/"}, "https://ariang.example", true},
		{"another page stays refused", []string{"https://ariang.example"}, "https://evil.example", false},
		{"null does not admit pages", []string{"null"}, "https://evil.example", false},
		{"other port is another origin", []string{"http://nas.local:8080"}, "http://nas.local:9090", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startTest(t, newFake(), func(c *Config) { c.AllowedOrigins = tt.allowed })
			for _, k := range kinds {
				got := k.do(t, s, tt.origin)
				ok := got == http.StatusOK || got == http.StatusSwitchingProtocols
				if ok != tt.ok {
					t.Errorf("%s: HTTP %d", k.name, got)
				}
			}
		})
	}
}

// TestAllowedHostOnLAN: with LAN listening, a web UI served by a NAS
// reaches Haul by a configured name, and an unlisted name stays refused.
func TestAllowedHostOnLAN(t *testing.T) {
	s := startTest(t, newFake(), func(c *Config) {
		c.AllowRemote = true
		c.AllowedOrigins = []string{"http://nas.local:6880"}
		c.AllowedHosts = []string{"haul-box.local"}
	})
	body := `{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":["token:` + testSecret + `"]}`
	for _, tt := range []struct {
		host, origin string
		want         int
	}{
		{"haul-box.local:6800", "http://nas.local:6880", 200},
		{"192.168.1.20:6800", "http://nas.local:6880", 200},
		{"other.local:6800", "http://nas.local:6880", 403},
		{"haul-box.local:6800", "http://other.local:6880", 403},
	} {
		if got, _ := post(t, s, body, map[string]string{"Host": tt.host, "Origin": tt.origin}); got != tt.want {
			t.Errorf("Host %s Origin %s: HTTP %d, want %d", tt.host, tt.origin, got, tt.want)
		}
	}
}

func TestNormalOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"null":                      "null",
		"https://AriaNg.example/":   "https://ariang.example",
		"http://nas.local:80":       "http://nas.local",
		"http://nas.local:8080":     "http://nas.local:8080",
		"http://[::1]:6880":         "http://[::1]:6880",
		"https://[FE80::1]":         "https://[fe80::1]",
		"chrome-extension://abcdef": "chrome-extension://abcdef",
	} {
		if got := normalOrigin(in); got != want {
			t.Errorf("normalOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}

func s2url(query string) func(*Server) string {
	return func(s *Server) string { return s.URL() + query }
}

// send makes one request and returns its status.
func send(t *testing.T, method, url string, hdr map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestParseAllowed(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		host     bool
	}{
		{"null", "null", false},
		{" https://AriaNg.example/ ", "https://ariang.example", false},
		{"http://nas.local:8080", "http://nas.local:8080", false},
		{"https://ariang.example/index.html", "", false},
		{"https://ariang.example/?x", "", false},
		{"https://u:p@ariang.example", "", false},
		{"file:///x", "", false},
		{"ariang.example", "", false},
		{"*", "", false},
		{"NAS.local.", "nas.local", true},
		{"nas.local:80", "", true},
		{"http://nas.local", "", true},
		{"192.168.1.2", "", true},
		{"", "", true},
	} {
		parse, sentinel := ParseAllowedOrigin, ErrBadOrigin
		if tt.host {
			parse, sentinel = ParseAllowedHost, ErrBadHost
		}
		got, err := parse(tt.in)
		if tt.want == "" {
			if !errors.Is(err, sentinel) {
				t.Errorf("%q: %q %v, want %v", tt.in, got, err, sentinel)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: %q %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestAllowListsCheckedAtStart: whoever sets the allow-lists (flags,
// settings, hauld's config or environment), a wrong entry stops the
// server at start with the reason instead of never matching.
func TestAllowListsCheckedAtStart(t *testing.T) {
	for _, tt := range []struct {
		name           string
		origins, hosts []string
		want           error
	}{
		{"origin with a path", []string{"https://ariang.example/ui"}, nil, ErrBadOrigin},
		{"host with a port", nil, []string{"nas.local:6800"}, ErrBadHost},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(Config{Engine: newFake(), Port: AnyPort, Secret: "s", AllowedOrigins: tt.origins, AllowedHosts: tt.hosts})
			if !errors.Is(err, tt.want) {
				t.Errorf("Start = %v, want %v", err, tt.want)
			}
		})
	}
}
