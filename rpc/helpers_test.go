package rpc

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"haul/downloader"
)

// The real engine is an Engine.
var _ Engine = (*downloader.Manager)(nil)

const testSecret = "s3cret"

// startTest starts a server on a free loopback port.
func startTest(t *testing.T, eng Engine, mod func(*Config)) *Server {
	t.Helper()
	cfg := Config{Engine: eng, Port: AnyPort, Secret: testSecret}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// post sends a raw body and returns the HTTP status and decoded body.
func post(t *testing.T, s *Server, body string, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL(), bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type testResponse struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
}

// rawCall calls method with exactly these params.
func rawCall(t *testing.T, s *Server, method string, params ...any) (json.RawMessage, *Error) {
	t.Helper()
	if params == nil {
		params = []any{}
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": "t", "method": method, "params": params})
	status, b := post(t, s, string(body), nil)
	var r testResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: bad reply %q: %v", method, b, err)
	}
	if string(r.ID) != `"t"` {
		t.Errorf("%s: id %s, want \"t\"", method, r.ID)
	}
	if (r.Error == nil) != (status == http.StatusOK) {
		t.Errorf("%s: HTTP %d with error %v", method, status, r.Error)
	}
	return r.Result, r.Error
}

// call calls method with the right token first.
func call(t *testing.T, s *Server, method string, params ...any) (json.RawMessage, *Error) {
	t.Helper()
	return rawCall(t, s, method, append([]any{"token:" + testSecret}, params...)...)
}

// mustCall fails the test on an RPC error and decodes the result into v.
func mustCall(t *testing.T, s *Server, v any, method string, params ...any) {
	t.Helper()
	res, e := call(t, s, method, params...)
	if e != nil {
		t.Fatalf("%s: %v", method, e)
	}
	if v != nil {
		if err := json.Unmarshal(res, v); err != nil {
			t.Fatalf("%s: decode %s: %v", method, res, err)
		}
	}
}
