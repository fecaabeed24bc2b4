package rpc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestHostAndOriginChecks(t *testing.T) {
	s := startTest(t, newFake(), func(c *Config) {
		c.AllowedOrigins = []string{"https://ariang.example"}
		c.AllowedHosts = []string{"mybox.lan"}
	})
	body := `{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":["token:` + testSecret + `"]}`
	tests := []struct {
		name     string
		hdr      map[string]string
		status   int
		wantACAO string
	}{
		{"plain local", nil, 200, ""},
		{"localhost host", map[string]string{"Host": "localhost:6800"}, 200, ""},
		{"ipv6 loopback host", map[string]string{"Host": "[::1]:6800"}, 200, ""},
		{"127.x host", map[string]string{"Host": "127.1.2.3"}, 200, ""},
		{"extra allowed host", map[string]string{"Host": "MyBox.lan:6800"}, 200, ""},
		{"rebinding host", map[string]string{"Host": "evil.example:6800"}, 403, ""},
		{"lan ip without AllowRemote", map[string]string{"Host": "192.168.1.5:6800"}, 403, ""},
		{"localhost lookalike", map[string]string{"Host": "localhost.evil.example"}, 403, ""},
		{"chrome extension", map[string]string{"Origin": "chrome-extension://abcdef"}, 200, "chrome-extension://abcdef"},
		{"firefox extension", map[string]string{"Origin": "moz-extension://1234-5678"}, 200, "moz-extension://1234-5678"},
		{"local page", map[string]string{"Origin": "http://localhost:8080"}, 200, "http://localhost:8080"},
		{"local ip page", map[string]string{"Origin": "http://127.0.0.1"}, 200, "http://127.0.0.1"},
		{"configured origin", map[string]string{"Origin": "https://ariang.example"}, 200, "https://ariang.example"},
		{"web page", map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"null origin", map[string]string{"Origin": "null"}, 403, ""},
		{"garbage origin", map[string]string{"Origin": "::::"}, 403, ""},
		{"cross-site without origin", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader(body))
			for k, v := range tt.hdr {
				if k == "Host" {
					req.Host = v
				} else {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("HTTP %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("ACAO %q, want %q", got, tt.wantACAO)
			}
		})
	}
}

func TestRemoteHostsNeedAllowRemote(t *testing.T) {
	s, err := newServer(Config{Engine: newFake(), AllowRemote: true, Secret: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.hostAllowed("192.168.1.5:6800") || s.hostAllowed("evil.example") {
		t.Error("LAN host check wrong")
	}
}

func TestCORSPreflight(t *testing.T) {
	s := startTest(t, newFake(), nil)
	req, _ := http.NewRequest(http.MethodOptions, s.URL(), nil)
	req.Header.Set("Origin", "chrome-extension://abc")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	req.Header.Set("Access-Control-Request-Private-Network", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 200 || h.Get("Access-Control-Allow-Origin") != "chrome-extension://abc" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		h.Get("Access-Control-Allow-Headers") != "content-type" || h.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("preflight %d %v", resp.StatusCode, h)
	}
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("evil preflight %d %v", resp.StatusCode, resp.Header)
	}
}

func TestGETWithBase64Params(t *testing.T) {
	s := startTest(t, newFake(), nil)
	params := base64.StdEncoding.EncodeToString([]byte(`["token:` + testSecret + `"]`))
	get := func(q url.Values) (int, string, string) {
		resp, err := http.Get(s.URL() + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	status, _, body := get(url.Values{"method": {"aria2.getGlobalStat"}, "id": {"7"}, "params": {params}})
	var r testResponse
	if status != 200 || json.Unmarshal([]byte(body), &r) != nil || r.Error != nil || string(r.ID) != `"7"` {
		t.Errorf("GET: %d %s", status, body)
	}
	status, ctype, body := get(url.Values{"method": {"aria2.getVersion"}, "id": {"1"}, "params": {params}, "jsoncallback": {"cb"}})
	if status != 200 || ctype != "text/javascript" || !strings.HasPrefix(body, "cb({") || !strings.HasSuffix(body, "})") {
		t.Errorf("JSONP: %d %s %s", status, ctype, body)
	}
	status, _, body = get(url.Values{"method": {"aria2.getVersion"}, "id": {"1"}})
	if status != 400 || !strings.Contains(body, "Unauthorized") {
		t.Errorf("GET without token: %d %s", status, body)
	}
	status, _, _ = get(url.Values{"method": {"aria2.getVersion"}, "params": {"!!!"}})
	if status != 400 {
		t.Errorf("bad base64: %d", status)
	}
}

func TestOtherPathsAndMethods(t *testing.T) {
	s := startTest(t, newFake(), nil)
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(s.Port()) + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("/: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPut, s.URL(), nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("PUT: %d", resp.StatusCode)
	}
	big := `{"method":"aria2.getVersion","params":["` + strings.Repeat("a", maxBody) + `"]}`
	status, _ := post(t, s, big, nil)
	if status != 400 {
		t.Errorf("huge body: %d", status)
	}
}

func TestPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Start(Config{Engine: newFake(), Port: port, Secret: "x"})
	if !errors.Is(err, ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("err %v, want ErrPortInUse naming the port", err)
	}
	if _, err := Start(Config{Engine: newFake(), Port: 70000}); err == nil {
		t.Error("port 70000 accepted")
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	s, err := Start(Config{Engine: newFake(), Port: AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("still serving after Close")
	}
}
