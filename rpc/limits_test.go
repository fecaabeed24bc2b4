package rpc

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"haul/downloader"
)

// TestRequestLimits: a batch of multicalls cannot multiply into more than
// maxCalls calls, and the reply stays under maxReply bytes.
func TestRequestLimits(t *testing.T) {
	s := startTest(t, newFake(), nil)
	listMethods := map[string]any{"methodName": "system.listMethods", "params": []any{}}
	inner := make([]any, 600)
	for i := range inner {
		inner[i] = listMethods
	}
	var body []byte // the request being sent, for the log
	multicall := map[string]any{"jsonrpc": "2.0", "id": 1, "method": "system.multicall", "params": []any{inner}}
	tests := []struct {
		name  string
		req   any
		check func(t *testing.T, b []byte)
	}{
		{"batch over the call limit", func() any {
			b := make([]any, maxCalls+1)
			for i := range b {
				b[i] = map[string]any{"jsonrpc": "2.0", "id": i, "method": "system.listMethods"}
			}
			return b
		}(), wantCode(codeInvalidRequest)},
		{"multicalls in a batch share one budget", []any{multicall, multicall}, func(t *testing.T, b []byte) {
			var resps []struct {
				Result []json.RawMessage `json:"result"`
				Error  *Error            `json:"error"`
			}
			if err := json.Unmarshal(b, &resps); err != nil || len(resps) != 2 {
				t.Fatalf("reply %.200s: %v", b, err)
			}
			if len(resps[0].Result) != 600 || !strings.Contains(string(resps[0].Result[599]), "system.listMethods") {
				t.Errorf("the first multicall: %d results", len(resps[0].Result))
			}
			// 600 + 600 > 1000: the second is refused whole.
			if e := resps[1].Error; e == nil || !strings.Contains(e.Message, "Too many calls") {
				t.Errorf("the second multicall: %v", e)
			}
		}},
		{"a batch of 1000 multicalls stays small", func() any {
			// The probe's shape: as many multicalls as the body holds.
			b := make([]any, maxCalls)
			for i := range b {
				b[i] = map[string]any{"jsonrpc": "2.0", "id": i, "method": "system.multicall", "params": []any{inner[:60]}}
			}
			return b
		}(), func(t *testing.T, b []byte) {
			if len(b) > 2<<20 {
				t.Errorf("reply of %d bytes", len(b))
			}
			t.Logf("a %d-byte batch of multicalls: a %d-byte reply", len(body), len(b))
			if n := strings.Count(string(b), "Too many calls"); n != maxCalls-maxCalls/60 {
				t.Errorf("%d multicalls refused, want %d", n, maxCalls-maxCalls/60)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ = json.Marshal(tt.req)
			_, b := post(t, s, string(body), nil)
			if len(b) > maxReply+1<<16 {
				t.Fatalf("reply of %d bytes", len(b))
			}
			tt.check(t, b)
		})
	}
}

func TestReplyBudget(t *testing.T) {
	b := newBudget()
	big := make(json.RawMessage, maxReply/2+1)
	if !b.spend(big) {
		t.Fatal("the first half did not fit")
	}
	if b.spend(big) {
		t.Fatal("a reply past maxReply fit")
	}
	if b.spend(json.RawMessage("1")) {
		t.Fatal("a spent budget took more")
	}
}

// TestUnauthedSocketCap: past maxUnauthedSockets the oldest connection
// without a token is closed; one that made a call with the token stays.
func TestUnauthedSocketCap(t *testing.T) {
	s := startTest(t, newFake(), nil)
	authed, _ := dialWS(t, s, nil)
	authed.send(tokReq(1, "aria2.getVersion"))
	if m := authed.readJSON(); m["result"] == nil {
		t.Fatalf("getVersion %v", m)
	}
	var idle []*wsClient
	for range maxUnauthedSockets + 1 {
		c, resp := dialWS(t, s, nil)
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("handshake %d", resp.StatusCode)
		}
		idle = append(idle, c)
	}
	idle[0].expectClose(wsPolicy)
	// The others and the authorised one still answer.
	for _, c := range []*wsClient{idle[1], idle[len(idle)-1], authed} {
		c.frame(true, opPing, []byte("x"), true)
		if op, _ := c.read(); op != opPong {
			t.Fatalf("got opcode %d, want a pong", op)
		}
	}
}

func TestGIDPrefix(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	ids := addTasks(t, s, 2)
	for i, id := range []string{"abc0000000000001", "abd0000000000002"} {
		f.Set(ids[i], func(x *downloader.Snapshot) { x.ID = id })
		ids[i] = id
	}
	tests := []struct {
		gid, want, err string
	}{
		{ids[0], ids[0], ""},
		{strings.ToUpper(ids[1][:14]), ids[1], ""},
		{ids[0][:15], ids[0], ""},
		{"ab", "", "is not unique"},
		{"b", "", "is not found"},
		{"xyz", "", "Invalid GID"},
		{ids[0] + "0", "", "Invalid GID"},
	}
	for _, tt := range tests {
		var st map[string]any
		res, e := call(t, s, "aria2.tellStatus", tt.gid, []string{"gid"})
		if tt.err != "" {
			if e == nil || !strings.Contains(e.Message, tt.err) {
				t.Errorf("%s: %v, want %q", tt.gid, e, tt.err)
			}
			continue
		}
		if e != nil || json.Unmarshal(res, &st) != nil || st["gid"] != tt.want {
			t.Errorf("%s: %s %v, want %s", tt.gid, res, e, tt.want)
		}
	}
	// A removed result is found by its prefix too.
	mustCall(t, s, nil, "aria2.remove", ids[0])
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", ids[0][:15], []string{"status"})
	if st["status"] != "removed" {
		t.Errorf("removed by prefix: %v", st)
	}
}

func TestGetPeers(t *testing.T) {
	s := startTest(t, newFake(), nil)
	ids := addTasks(t, s, 1)
	var peers []any
	mustCall(t, s, &peers, "aria2.getPeers", ids[0])
	if peers == nil || len(peers) != 0 {
		t.Errorf("getPeers %v, want []", peers)
	}
	if _, e := call(t, s, "aria2.getPeers", "0123456789abcdef"); e == nil {
		t.Error("getPeers of an unknown GID answered")
	}
}

// TestListensOnIPv6Loopback: loopback-only serves ::1 on the same port.
func TestListensOnIPv6Loopback(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here:", err)
	} else {
		ln.Close()
	}
	s := startTest(t, newFake(), nil)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post("http://[::1]:"+strconv.Itoa(s.Port())+Path, "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":["token:`+testSecret+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d over ::1", resp.StatusCode)
	}
	// A fixed port taken on ::1 only is a taken port.
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if _, err := Start(Config{Engine: newFake(), Port: port, Secret: testSecret}); err == nil {
		t.Error("started although [::1]:port belongs to another program")
	}
}
