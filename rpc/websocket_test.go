package rpc

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"haul/downloader"
)

// wsClient is a minimal RFC 6455 client for tests.
type wsClient struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dialWS(t *testing.T, s *Server, hdr map[string]string) (*wsClient, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	key := make([]byte, 16)
	rand.Read(key)
	k := base64.StdEncoding.EncodeToString(key)
	all := map[string]string{"Host": "127.0.0.1", "Upgrade": "websocket", "Connection": "keep-alive, Upgrade", "Sec-WebSocket-Key": k, "Sec-WebSocket-Version": "13"}
	for name, v := range hdr {
		all[name] = v
	}
	req := "GET /jsonrpc HTTP/1.1\r\n"
	for name, v := range all {
		req += name + ": " + v + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusSwitchingProtocols && resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(k) {
		t.Fatalf("bad accept key")
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return &wsClient{t: t, conn: conn, r: r}, resp
}

func (c *wsClient) frame(fin bool, op byte, payload []byte, masked bool) {
	c.t.Helper()
	b0 := op
	if fin {
		b0 |= 0x80
	}
	hdr := []byte{b0}
	mbit := byte(0)
	if masked {
		mbit = 0x80
	}
	switch l := len(payload); {
	case l < 126:
		hdr = append(hdr, mbit|byte(l))
	case l <= 0xFFFF:
		hdr = append(hdr, mbit|126)
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(l))
	default:
		hdr = append(hdr, mbit|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(l))
	}
	p := append([]byte(nil), payload...)
	if masked {
		mask := []byte{1, 2, 3, 4}
		rand.Read(mask)
		hdr = append(hdr, mask...)
		for i := range p {
			p[i] ^= mask[i%4]
		}
	}
	if _, err := c.conn.Write(append(hdr, p...)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	c.frame(true, opText, b, true)
}

// read returns the next frame from the server.
func (c *wsClient) read() (byte, []byte) {
	c.t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	if h[1]&0x80 != 0 {
		c.t.Fatal("server frame is masked")
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var b [2]byte
		io.ReadFull(c.r, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		io.ReadFull(c.r, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(c.r, p); err != nil {
		c.t.Fatal(err)
	}
	return h[0] & 0x0F, p
}

// readJSON returns the next text message, decoded.
func (c *wsClient) readJSON() map[string]any {
	c.t.Helper()
	op, p := c.read()
	if op != opText {
		c.t.Fatalf("opcode %d (%q), want text", op, p)
	}
	var m map[string]any
	if err := json.Unmarshal(p, &m); err != nil {
		c.t.Fatalf("bad JSON %q", p)
	}
	return m
}

func (c *wsClient) expectClose(code int) {
	c.t.Helper()
	op, p := c.read()
	if op != opClose || len(p) < 2 || int(binary.BigEndian.Uint16(p)) != code {
		c.t.Fatalf("got opcode %d payload %q, want close %d", op, p, code)
	}
}

func tokReq(id int, method string, params ...any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": append([]any{"token:" + testSecret}, params...)}
}

func TestWebSocketCallsAndNotifications(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	c, resp := dialWS(t, s, map[string]string{"Origin": "moz-extension://x"})
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake %d", resp.StatusCode)
	}
	// A connection that never made a call listens too, as in aria2.
	listener, _ := dialWS(t, s, nil)
	c.send(tokReq(1, "aria2.addUri", []string{"http://example.com/a"}))
	m := c.readJSON()
	gid, _ := m["result"].(string)
	if m["id"] != float64(1) || len(gid) != 16 {
		t.Fatalf("addUri reply %v", m)
	}
	f.SetState(gid, downloader.StateActive)
	f.Set(gid, func(x *downloader.Snapshot) { x.Done = 5 }) // not a transition
	f.SetState(gid, downloader.StateCompleted)
	for _, want := range []string{"aria2.onDownloadStart", "aria2.onDownloadComplete"} {
		n := c.readJSON()
		params, _ := n["params"].([]any)
		if n["method"] != want || len(params) != 1 || params[0].(map[string]any)["gid"] != gid || n["id"] != nil {
			t.Fatalf("notification %v, want %s for %s", n, want, gid)
		}
	}

	for _, want := range []string{"aria2.onDownloadStart", "aria2.onDownloadComplete"} {
		if n := listener.readJSON(); n["method"] != want {
			t.Fatalf("listen-only connection got %v, want %s", n, want)
		}
	}

	// Ping gets a pong with the same payload.
	c.frame(true, opPing, []byte("hi"), true)
	if op, p := c.read(); op != opPong || string(p) != "hi" {
		t.Fatalf("pong %d %q", op, p)
	}
	// A fragmented message with a ping in the middle.
	msg, _ := json.Marshal(tokReq(2, "aria2.getGlobalStat"))
	c.frame(false, opText, msg[:10], true)
	c.frame(true, opPing, nil, true)
	c.frame(false, opContinuation, msg[10:20], true)
	c.frame(true, opContinuation, msg[20:], true)
	if op, _ := c.read(); op != opPong {
		t.Fatalf("no pong inside fragments")
	}
	if m := c.readJSON(); m["id"] != float64(2) || m["result"] == nil {
		t.Fatalf("fragmented reply %v", m)
	}
	// A batch over WebSocket.
	c.send([]any{tokReq(3, "aria2.getVersion"), tokReq(4, "aria2.tellStatus", gid, []string{"status"})})
	op, p := c.read()
	var batch []testResponse
	if op != opText || json.Unmarshal(p, &batch) != nil || len(batch) != 2 || !strings.Contains(string(batch[1].Result), "complete") {
		t.Fatalf("batch %q", p)
	}
	// Remove → onDownloadStop; pause → onDownloadPause.
	gids, _ := f.Add(t.Context(), downloader.Request{URL: "http://example.com/b"})
	f.SetState(gids[0], downloader.StatePaused)
	if n := c.readJSON(); n["method"] != "aria2.onDownloadPause" {
		t.Fatalf("got %v", n)
	}
	c.send(tokReq(5, "aria2.remove", gids[0]))
	got := map[string]bool{}
	for range 2 {
		n := c.readJSON()
		got[fmtKey(n)] = true
	}
	if !got["notify:aria2.onDownloadStop"] || !got["reply:5"] {
		t.Fatalf("remove: %v", got)
	}
	// Parse error, then a clean close.
	c.frame(true, opText, []byte("{nope"), true)
	if m := c.readJSON(); m["error"].(map[string]any)["code"] != float64(-32700) {
		t.Fatalf("parse error reply %v", m)
	}
	c.frame(true, opClose, binary.BigEndian.AppendUint16(nil, 1000), true)
	c.expectClose(1000)
}

func fmtKey(m map[string]any) string {
	if meth, ok := m["method"].(string); ok {
		return "notify:" + meth
	}
	return "reply:" + strconv.Itoa(int(m["id"].(float64)))
}

func TestWebSocketProtocolErrors(t *testing.T) {
	s := startTest(t, newFake(), nil)
	tests := []struct {
		name string
		send func(c *wsClient)
		code int
	}{
		{"unmasked frame", func(c *wsClient) { c.frame(true, opText, []byte("{}"), false) }, wsProtocol},
		{"continuation first", func(c *wsClient) { c.frame(true, opContinuation, []byte("x"), true) }, wsProtocol},
		{"fragmented ping", func(c *wsClient) { c.frame(false, opPing, nil, true) }, wsProtocol},
		{"bad utf-8", func(c *wsClient) { c.frame(true, opText, []byte{0xff, 0xfe}, true) }, wsBadData},
		{"reserved opcode", func(c *wsClient) { c.frame(true, 0x3, nil, true) }, wsProtocol},
		{"too big", func(c *wsClient) {
			c.conn.Write([]byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 2, 3, 4})
		}, wsTooBig},
		{"text inside fragments", func(c *wsClient) {
			c.frame(false, opText, []byte("{"), true)
			c.frame(true, opText, []byte("}"), true)
		}, wsProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := dialWS(t, s, nil)
			tt.send(c)
			c.expectClose(tt.code)
		})
	}
	t.Run("bad version", func(t *testing.T) {
		_, resp := dialWS(t, s, map[string]string{"Sec-WebSocket-Version": "8"})
		if resp.StatusCode != http.StatusUpgradeRequired && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("evil origin", func(t *testing.T) {
		_, resp := dialWS(t, s, map[string]string{"Origin": "https://evil.example"})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestWebSocketClosedByServer(t *testing.T) {
	s, err := Start(Config{Engine: newFake(), Port: AnyPort, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := dialWS(t, s, nil)
	c.send(tokReq(1, "aria2.getVersion"))
	c.readJSON()
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	c.expectClose(wsGoingAway)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs with a WebSocket client")
	}
}
