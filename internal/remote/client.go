// Package remote drives the queue of a Haul or hauld on another computer
// over its aria2-compatible JSON-RPC. Engine has the method set the window
// needs (gui.Engine), so the desktop window can show and control that
// queue while its own engine stays idle.
//
// It polls tellActive and tellWaiting once a second (tellStopped every
// few seconds, whenever a task leaves them, and at once after every
// command) in one system.multicall, and turns the
// differences into downloader events; the window's code is the same for a
// local and a remote queue. While no task there is active and the remote
// announces changes (haul.listen over a WebSocket, listen.go), it reads
// the queue when told to, and otherwise every ten seconds.
package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrRemote wraps an error the remote Haul answered (its sentence follows).
var ErrRemote = errors.New("the other computer refused")

// ErrUnreachable wraps a failure to reach the remote Haul at all.
var ErrUnreachable = errors.New("cannot reach the other computer")

// callTimeout bounds one call: a vanished server must not hang the window.
const callTimeout = 10 * time.Second

// maxReply bounds what one answer may hold (a queue of thousands of tasks
// is a few MiB).
const maxReply = 64 << 20

// client makes JSON-RPC calls with the token.
type client struct {
	endpoint string // http(s)://host:port/jsonrpc
	token    string // "token:SECRET"
	http     *http.Client
}

// Endpoint turns what a user types ("nas.local", "192.168.1.5:6800",
// "http://nas:6800/jsonrpc") into the RPC's URL: http, port 6800 and path
// /jsonrpc unless given.
func Endpoint(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", errors.New("no address given")
	}
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	u, err := url.Parse(addr)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not an address like nas.local:6800", addr)
	}
	switch u.Scheme {
	case "http", "https":
	case "ws", "wss":
		u.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
	default:
		return "", fmt.Errorf("%q: the address must start with http:// or https://", addr)
	}
	if u.Port() == "" {
		u.Host += ":6800"
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/jsonrpc"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String(), nil
}

func newClient(endpoint, secret string) *client {
	return &client{
		endpoint: endpoint,
		token:    "token:" + secret,
		http:     &http.Client{Timeout: callTimeout},
	}
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// call invokes method with the token first and decodes the result into out.
func (c *client) call(ctx context.Context, out any, method string, params ...any) error {
	return c.callPublic(ctx, out, method, append([]any{c.token}, params...)...)
}

// callPublic invokes method with params as they are (system.multicall
// carries the token inside each call).
func (c *client) callPublic(ctx context.Context, out any, method string, params ...any) error {
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": "haul", "method": method, "params": params,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	raw, err := c.post(ctx, body)
	if err != nil {
		return err // a sentence about the connection; the method adds nothing
	}
	var reply struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return fmt.Errorf("%s: %w: the answer is not JSON-RPC", method, ErrUnreachable)
	}
	if reply.Error != nil {
		return fmt.Errorf("%w: %s", ErrRemote, reply.Error.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(reply.Result, out); err != nil {
		return fmt.Errorf("%s: unexpected answer: %w", method, err)
	}
	return nil
}

func (c *client) post(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, why(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	// aria2 answers errors with 4xx/5xx and a JSON body; anything else
	// without JSON is not an aria2 RPC.
	if resp.StatusCode != http.StatusOK && !json.Valid(raw) {
		return nil, fmt.Errorf("%w: HTTP %s", ErrUnreachable, resp.Status)
	}
	return raw, nil
}
