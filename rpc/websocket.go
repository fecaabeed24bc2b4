package rpc

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// A minimal RFC 6455 server: text (and binary) messages, fragmentation,
// ping/pong and the closing handshake. No extensions, no subprotocols.

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// Close codes.
const (
	wsNormal       = 1000
	wsGoingAway    = 1001
	wsProtocol     = 1002
	wsBadData      = 1007
	wsPolicy       = 1008
	wsTooBig       = 1009
	wsWriteTimeout = 10 * time.Second
	// wsQueue is how many notifications may wait for a slow client before
	// it is disconnected.
	wsQueue = 256
)

// wsError ends a connection with a close code.
type wsError struct {
	code   int
	reason string
}

func (e *wsError) Error() string { return e.reason }

var errPeerClosed = errors.New("peer closed")

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func isUpgrade(r *http.Request) bool {
	return headerHasToken(r.Header, "Connection", "upgrade") && strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// serveWebSocket completes the handshake and serves the connection until
// it closes. Host and Origin were checked by the caller.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Sec-WebSocket-Version") != "13" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		http.Error(w, "Unsupported WebSocket version.", http.StatusUpgradeRequired)
		return
	}
	key := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
		http.Error(w, "Bad Sec-WebSocket-Key.", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "Haul is closing.", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	netConn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "WebSocket is not available here.", http.StatusInternalServerError)
		return
	}
	_ = netConn.SetDeadline(time.Time{})
	hdr := w.Header()
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acceptKey(key) + "\r\n"
	if o := hdr.Get("Access-Control-Allow-Origin"); o != "" {
		resp += "Access-Control-Allow-Origin: " + o + "\r\n"
	}
	resp += "\r\n"
	// Listed before the client learns the upgrade succeeded: a client may
	// act on its 101 at once (add a download in another call) and must
	// hear of it. Notifications only queue until serve starts writing,
	// after the 101. Listed afterwards, a listen-only client missed the
	// events of its first milliseconds (2 runs in 40 under -race).
	c := newWSConn(s, netConn, brw.Reader)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		netConn.Close()
		return
	}
	evict := s.admitSocketLocked()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	_ = netConn.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	if _, err := io.WriteString(netConn, resp); err != nil {
		netConn.Close()
		return
	}
	if evict != nil {
		s.logf("rpc: closed the oldest of %d WebSocket connections without a token", maxUnauthedSockets)
		evict.shutdown(wsPolicy, "too many connections without a token")
	}
	c.serve()
}

// wsConn is one WebSocket client.
type wsConn struct {
	s      *Server
	conn   net.Conn
	r      *bufio.Reader
	wmu    sync.Mutex
	out    chan []byte
	quit   chan struct{}
	once   sync.Once
	authed atomic.Bool
	seq    uint64 // age order, for admitSocketLocked
	// listening: the client asked for haul.onChange (changes.go);
	// changes paces those, and shutdown stops it; changeQueued: one is
	// queued and not yet written.
	listening    atomic.Bool
	changes      *pacer
	changeQueued atomic.Bool
}

func newWSConn(s *Server, conn net.Conn, r *bufio.Reader) *wsConn {
	c := &wsConn{s: s, conn: conn, r: r, out: make(chan []byte, wsQueue), quit: make(chan struct{}), seq: socketSeq.Add(1)}
	c.changes = s.newChangePacer(c)
	return c
}

func (c *wsConn) serve() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	var writers sync.WaitGroup
	writers.Add(1)
	go func() {
		defer writers.Done()
		c.writeLoop()
	}()
	defer writers.Wait()
	cc := callCtx{Context: ctx, authed: func() { c.authed.Store(true) }, listen: func() { c.listening.Store(true) }}
	for {
		msg, err := c.readMessage()
		if err != nil {
			var we *wsError
			switch {
			case errors.As(err, &we):
				c.shutdown(we.code, we.reason)
			case errors.Is(err, errPeerClosed):
				c.shutdown(-1, "") // the close reply was sent already
			default:
				c.shutdown(wsGoingAway, "")
			}
			return
		}
		calls, batch, e := decodeRequests(msg)
		var reply []byte
		if e != nil {
			reply = encodeOnly(e)
		} else {
			reply, _ = c.s.execute(cc, calls, batch)
		}
		if err := c.writeFrame(opText, reply); err != nil {
			c.shutdown(-1, "")
			return
		}
	}
}

// writeLoop sends queued notifications.
func (c *wsConn) writeLoop() {
	for {
		select {
		case msg := <-c.out:
			if isChangeNotification(msg) {
				// A change from now on queues another.
				c.changeQueued.Store(false)
			}
			if err := c.writeFrame(opText, msg); err != nil {
				c.shutdown(-1, "")
				return
			}
		case <-c.quit:
			return
		}
	}
}

// notify queues a notification; a client that does not keep up is
// disconnected rather than allowed to hold the engine's events back.
// Every connection gets them, as in aria2: it passed the Host and Origin
// checks, and a notification carries only a GID, so listen-only clients
// (aria2p, an extension's background worker) hear of completions.
func (c *wsConn) notify(msg []byte) {
	select {
	case c.out <- msg:
	case <-c.quit:
	default:
		go c.shutdown(wsPolicy, "too slow reading notifications")
	}
}

// shutdown sends a close frame (code < 0: none) and closes the socket.
// The pacer stops first: a change window still open would otherwise queue
// haul.onChange for a closed connection when it ends.
func (c *wsConn) shutdown(code int, reason string) {
	c.once.Do(func() {
		c.changes.stop()
		if code > 0 {
			payload := make([]byte, 2, 2+len(reason))
			binary.BigEndian.PutUint16(payload, uint16(code))
			payload = append(payload, truncate(reason, 100)...)
			_ = c.writeFrame(opClose, payload)
		}
		close(c.quit)
		c.conn.Close()
	})
}

func (c *wsConn) writeFrame(op byte, payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var hdr [10]byte
	hdr[0] = 0x80 | op
	n := 2
	switch l := len(payload); {
	case l < 126:
		hdr[1] = byte(l)
	case l <= 0xFFFF:
		hdr[1] = 126
		binary.BigEndian.PutUint16(hdr[2:], uint16(l))
		n = 4
	default:
		hdr[1] = 127
		binary.BigEndian.PutUint64(hdr[2:], uint64(l))
		n = 10
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	if _, err := c.conn.Write(append(hdr[:n:n], payload...)); err != nil {
		return err
	}
	return nil
}

// frame is one received frame, unmasked.
type frame struct {
	fin     bool
	op      byte
	payload []byte
}

func (c *wsConn) readFrame() (frame, error) {
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return frame{}, err
	}
	f := frame{fin: h[0]&0x80 != 0, op: h[0] & 0x0F}
	if h[0]&0x70 != 0 {
		return f, &wsError{wsProtocol, "reserved bits set"}
	}
	if h[1]&0x80 == 0 {
		return f, &wsError{wsProtocol, "client frames must be masked"}
	}
	length := uint64(h[1] & 0x7F)
	switch length {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.r, b[:]); err != nil {
			return f, err
		}
		length = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.r, b[:]); err != nil {
			return f, err
		}
		length = binary.BigEndian.Uint64(b[:])
	}
	if f.op >= opClose {
		if f.op > opPong {
			return f, &wsError{wsProtocol, "unknown opcode"}
		}
		if !f.fin || length > 125 {
			return f, &wsError{wsProtocol, "bad control frame"}
		}
	}
	if length > maxBody {
		return f, &wsError{wsTooBig, "message too big"}
	}
	var mask [4]byte
	if _, err := io.ReadFull(c.r, mask[:]); err != nil {
		return f, err
	}
	f.payload = make([]byte, length)
	if _, err := io.ReadFull(c.r, f.payload); err != nil {
		return f, err
	}
	for i := range f.payload {
		f.payload[i] ^= mask[i%4]
	}
	return f, nil
}

// readMessage returns the next complete data message, answering pings and
// the closing handshake on the way.
func (c *wsConn) readMessage() ([]byte, error) {
	var msg []byte
	var op byte
	started := false
	for {
		f, err := c.readFrame()
		if err != nil {
			return nil, err
		}
		switch f.op {
		case opPing:
			if err := c.writeFrame(opPong, f.payload); err != nil {
				return nil, err
			}
			continue
		case opPong:
			continue
		case opClose:
			code := wsNormal
			if len(f.payload) >= 2 {
				code = int(binary.BigEndian.Uint16(f.payload))
				if !validCloseCode(code) || !utf8.Valid(f.payload[2:]) {
					return nil, &wsError{wsProtocol, "bad close frame"}
				}
			} else if len(f.payload) == 1 {
				return nil, &wsError{wsProtocol, "bad close frame"}
			}
			var reply []byte
			if len(f.payload) >= 2 {
				reply = binary.BigEndian.AppendUint16(nil, uint16(code))
			}
			_ = c.writeFrame(opClose, reply)
			return nil, errPeerClosed
		case opText, opBinary:
			if started {
				return nil, &wsError{wsProtocol, "new message inside a fragmented one"}
			}
			started, op, msg = true, f.op, f.payload
		case opContinuation:
			if !started {
				return nil, &wsError{wsProtocol, "continuation without a message"}
			}
			if len(msg)+len(f.payload) > maxBody {
				return nil, &wsError{wsTooBig, "message too big"}
			}
			msg = append(msg, f.payload...)
		default:
			return nil, &wsError{wsProtocol, "unknown opcode"}
		}
		if f.fin {
			if op == opText && !utf8.Valid(msg) {
				return nil, &wsError{wsBadData, "text is not UTF-8"}
			}
			return msg, nil
		}
	}
}

func validCloseCode(c int) bool {
	switch {
	case c >= 3000 && c <= 4999:
		return true
	case c == 1000, c == 1001, c == 1002, c == 1003, c == 1007, c == 1008, c == 1009, c == 1010, c == 1011:
		return true
	}
	return false
}
