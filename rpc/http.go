package rpc

// The HTTP transport of the JSON-RPC endpoint: the Host, Origin and
// cross-site checks, CORS preflight, POST bodies, aria2's GET form (with
// JSONP) and the upgrade to WebSocket.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// Handler is the HTTP handler for Path (and 404 elsewhere).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(Path, s.serveRPC)
	return mux
}

func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		s.logf("rpc: refused Host %q from %s", r.Host, r.RemoteAddr)
		http.Error(w, "Forbidden: this Host is not allowed (DNS rebinding protection).", http.StatusForbidden)
		return
	}
	origin := r.Header.Get("Origin")
	if origin == "" && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		// A web page's <script>, <img> or link to us: browsers send no
		// Origin for those, but they do say the request is cross-site.
		s.logf("rpc: refused a cross-site request without Origin from %s", r.RemoteAddr)
		http.Error(w, "Forbidden: cross-site request.", http.StatusForbidden)
		return
	}
	if origin != "" {
		if !s.originAllowed(origin) {
			s.logf("rpc: refused Origin %q from %s", origin, r.RemoteAddr)
			http.Error(w, "Forbidden: this web page may not control Haul.", http.StatusForbidden)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	switch r.Method {
	case http.MethodOptions:
		s.preflight(w, r)
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			s.reply(w, r, encodeOnly(failf("The request is too large or could not be read.")), false)
			return
		}
		s.serveBody(w, r, body)
	case http.MethodGet:
		if isUpgrade(r) {
			s.serveWebSocket(w, r)
			return
		}
		s.serveGet(w, r)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
	}
}

// preflight answers a CORS preflight like aria2 does.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Header.Get("Origin") != "" {
		h.Set("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req)
		}
		h.Set("Access-Control-Max-Age", "1728000")
		// Chrome's Private Network Access asks before a page talks to
		// localhost; the origin was already checked.
		if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
			h.Set("Access-Control-Allow-Private-Network", "true")
		}
	}
	w.WriteHeader(http.StatusOK)
}

func encodeOnly(e *Error) []byte {
	b, _ := json.Marshal(encodeResponse(nil, nil, e))
	return b
}

// rawOrString passes decoded GET params through when they are JSON, so a
// garbled value becomes an "Invalid params" answer instead of a parse error
// of the whole envelope.
func rawOrString(b []byte) any {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return string(b)
}

func (s *Server) serveBody(w http.ResponseWriter, r *http.Request, body []byte) {
	calls, batch, e := decodeRequests(body)
	if e != nil {
		s.reply(w, r, encodeOnly(e), false)
		return
	}
	out, ok := s.execute(callCtx{Context: r.Context()}, calls, batch)
	s.reply(w, r, out, ok)
}

// jsoncallbackRe keeps JSONP callback names to identifiers.
var jsoncallbackRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]{0,127}$`)

// serveGet handles aria2's GET form: /jsonrpc?method=M&id=ID&params=BASE64
// (params is the base64 of a JSON array), optionally &jsoncallback=F.
// Without method, params carries a whole (batch) request in base64.
func (s *Server) serveGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var body []byte
	params, err := decodeBase64(q.Get("params"))
	if err != nil {
		s.reply(w, r, encodeOnly(errParse), false)
		return
	}
	if m := q.Get("method"); m != "" {
		env := map[string]any{"jsonrpc": "2.0", "method": m}
		if id := q.Get("id"); id != "" {
			env["id"] = id
		}
		if len(params) > 0 {
			env["params"] = rawOrString(params)
		}
		body, _ = json.Marshal(env)
	} else {
		body = params
	}
	s.serveBody(w, r, body)
}

func decodeBase64(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	// Clients differ in padding and alphabet; accept all four.
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("bad base64")
}

// reply writes a JSON-RPC answer; JSONP wraps it for GET callers.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, body []byte, ok bool) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if cb := r.URL.Query().Get("jsoncallback"); r.Method == http.MethodGet && cb != "" && jsoncallbackRe.MatchString(cb) {
		h.Set("Content-Type", "text/javascript")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, cb+"(")
		w.Write(body)
		io.WriteString(w, ")")
		return
	}
	h.Set("Content-Type", "application/json-rpc")
	if ok {
		w.WriteHeader(http.StatusOK)
	} else {
		w.WriteHeader(http.StatusBadRequest)
	}
	w.Write(body)
}
