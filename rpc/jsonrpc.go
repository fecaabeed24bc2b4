package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error is a JSON-RPC error object. aria2 reports almost every failure with
// code 1 and a sentence; the JSON-RPC codes below are used for envelopes
// that cannot be understood at all.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// JSON-RPC 2.0 envelope error codes, with aria2's messages.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeInvalidParams  = -32602
	codeGeneric        = 1 // aria2's code for everything a method rejects
)

var (
	errParse        = &Error{codeParseError, "Parse error."}
	errInvalidReq   = &Error{codeInvalidRequest, "Invalid Request."}
	errUnauthorized = &Error{codeGeneric, "Unauthorized"}
	errTorrent      = &Error{codeGeneric, "Haul downloads HTTP and HTTPS links only; torrents, magnets and metalinks are not supported."}
)

func failf(format string, args ...any) *Error {
	return &Error{codeGeneric, fmt.Sprintf(format, args...)}
}

// asError turns any error a method returns into the error object sent.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{codeGeneric, err.Error()}
}

// request is one decoded JSON-RPC request.
type request struct {
	ID     json.RawMessage
	Method string
	Params []json.RawMessage
}

// rpcCall is one element of what a client sent: a request, or why it is not
// one (then its id is still echoed when it could be read).
type rpcCall struct {
	req request
	err *Error
}

type response struct {
	ID      json.RawMessage `json:"id"`
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

var nullID = json.RawMessage("null")

// decodeRequests parses a body: one request or a batch. err is set when
// the body as a whole is unusable (then no calls are returned); a batch
// element that is not a request becomes a call with err set.
func decodeRequests(body []byte) (calls []rpcCall, batch bool, err *Error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return nil, false, errParse
	}
	if body[0] == '[' {
		var elems []json.RawMessage
		if json.Unmarshal(body, &elems) != nil {
			return nil, true, errParse
		}
		if len(elems) == 0 || len(elems) > maxCalls {
			return nil, true, errInvalidReq
		}
		calls = make([]rpcCall, len(elems))
		for i, e := range elems {
			calls[i] = decodeOne(e)
		}
		return calls, true, nil
	}
	c := decodeOne(body)
	return []rpcCall{c}, false, nil
}

// decodeOne decodes one request object (already known to be valid JSON).
func decodeOne(raw json.RawMessage) rpcCall {
	var env struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return rpcCall{req: request{ID: nullID}, err: errInvalidReq}
	}
	id := bytes.TrimSpace(env.ID)
	switch {
	case len(id) == 0:
		id = nullID
	case id[0] == '{' || id[0] == '[' || id[0] == 't' || id[0] == 'f':
		// Objects, arrays and booleans are not ids.
		return rpcCall{req: request{ID: nullID}, err: errInvalidReq}
	}
	r := request{ID: id}
	if json.Unmarshal(env.Method, &r.Method) != nil || r.Method == "" {
		return rpcCall{req: r, err: errInvalidReq}
	}
	if p := bytes.TrimSpace(env.Params); len(p) > 0 && !bytes.Equal(p, []byte("null")) {
		if p[0] != '[' || json.Unmarshal(p, &r.Params) != nil {
			return rpcCall{req: r, err: &Error{codeInvalidParams, "Invalid params: params must be an array."}}
		}
	}
	return rpcCall{req: r}
}

// encodeResponse marshals a result or an error into a response object.
func encodeResponse(id json.RawMessage, result any, e *Error) response {
	resp := response{ID: id, JSONRPC: "2.0"}
	if len(resp.ID) == 0 {
		resp.ID = nullID
	}
	if e != nil {
		resp.Error = e
		return resp
	}
	b, err := json.Marshal(result)
	if err != nil {
		resp.Error = failf("cannot encode the result: %v", err)
		return resp
	}
	resp.Result = b
	return resp
}

// callCtx carries per-call facts to methods.
type callCtx struct {
	context.Context
	// authed is set once a call on this connection passes the token check.
	authed func()
	// listen subscribes a WebSocket connection to haul.onChange; nil on
	// HTTP, where nothing can be sent unasked.
	listen func()
	// budget is what is left of this request's limits (limits.go).
	budget *budget
}

// execute runs every call and returns the encoded reply: one object or an
// array. ok is false when the reply is a single error (aria2 answers those
// with HTTP 400).
func (s *Server) execute(ctx callCtx, calls []rpcCall, batch bool) (reply []byte, ok bool) {
	ctx.budget = newBudget()
	resps := make([]response, len(calls))
	for i, c := range calls {
		if c.err != nil {
			resps[i] = encodeResponse(c.req.ID, nil, c.err)
			continue
		}
		res, e := s.invoke(ctx, c.req.Method, c.req.Params, false)
		resps[i] = encodeResponse(c.req.ID, res, e)
		// A multicall counted its results as it made them.
		if c.req.Method != "system.multicall" && !ctx.budget.spend(resps[i].Result) {
			resps[i] = encodeResponse(c.req.ID, nil, errReplyTooLarge)
		}
	}
	var v any = resps[0]
	if batch {
		v = resps
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(encodeResponse(nil, nil, failf("cannot encode the reply")))
		return b, false
	}
	return b, batch || resps[0].Error == nil
}

// invoke authorises and runs one method.
func (s *Server) invoke(ctx callCtx, name string, params []json.RawMessage, inMulticall bool) (any, *Error) {
	// A multicall is charged for the calls inside it, not itself.
	if name != "system.multicall" && !ctx.budget.take() {
		return nil, errTooManyCalls
	}
	m, ok := s.methods[name]
	if !ok {
		return nil, failf("No such method: %s", name)
	}
	if name == "system.multicall" && inMulticall {
		return nil, failf("Recursive system.multicall forbidden.")
	}
	if !m.public {
		rest, ok := s.checkToken(params)
		if !ok {
			return nil, errUnauthorized
		}
		params = rest
		if ctx.authed != nil {
			ctx.authed()
		}
	}
	res, err := m.fn(ctx, args(params))
	if err != nil {
		return nil, asError(err)
	}
	return res, nil
}

// checkToken strips a "token:SECRET" first parameter and says whether it is
// the right one.
func (s *Server) checkToken(params []json.RawMessage) ([]json.RawMessage, bool) {
	if len(params) == 0 {
		return params, false
	}
	var tok string
	if json.Unmarshal(params[0], &tok) != nil || !strings.HasPrefix(tok, "token:") {
		return params, false
	}
	return params[1:], s.secretMatches(strings.TrimPrefix(tok, "token:"))
}

// multicall is system.multicall: each element is {methodName, params};
// each result is [result] or an error object, as aria2 answers.
func (s *Server) multicall(ctx callCtx, p args) (any, error) {
	var list []struct {
		MethodName string            `json:"methodName"`
		Params     []json.RawMessage `json:"params"`
	}
	if len(p) < 1 || json.Unmarshal(p[0], &list) != nil {
		return nil, failf("system.multicall needs an array of {methodName, params}.")
	}
	// Refused whole when it does not fit what is left of the request's
	// calls: one error, not one per call, keeps the reply small.
	if !ctx.budget.fits(len(list)) {
		return nil, errTooManyCalls
	}
	out := make([]any, len(list))
	for i, c := range list {
		res, e := s.invoke(ctx, c.MethodName, c.Params, true)
		if e == nil {
			// Encoded here to count it against the reply's size.
			b, err := json.Marshal([]any{res})
			switch {
			case err != nil:
				e = failf("cannot encode the result: %v", err)
			case !ctx.budget.spend(b):
				e = errReplyTooLarge
			default:
				out[i] = json.RawMessage(b)
				continue
			}
		}
		out[i] = e
	}
	return out, nil
}

// args are a method's parameters after the token.
type args []json.RawMessage

func (a args) has(i int) bool {
	return i < len(a) && !bytes.Equal(bytes.TrimSpace(a[i]), []byte("null"))
}

// str reads a required string parameter.
func (a args) str(i int, what string) (string, error) {
	var s string
	if !a.has(i) || json.Unmarshal(a[i], &s) != nil {
		return "", failf("%s must be a string.", what)
	}
	return s, nil
}

// integer reads an integer given as a JSON number or a numeric string.
func (a args) integer(i int, what string, def int) (int, error) {
	if !a.has(i) {
		return def, nil
	}
	var n json.Number
	if json.Unmarshal(a[i], &n) == nil {
		if v, err := strconv.Atoi(n.String()); err == nil {
			return v, nil
		}
	}
	var s string
	if json.Unmarshal(a[i], &s) == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			return v, nil
		}
	}
	return 0, failf("%s must be an integer.", what)
}

// keys reads an optional array of key names.
func (a args) keys(i int) ([]string, error) {
	if !a.has(i) {
		return nil, nil
	}
	var ks []string
	if json.Unmarshal(a[i], &ks) != nil {
		return nil, failf("keys must be an array of strings.")
	}
	return ks, nil
}

// options reads an optional options struct; values may be strings,
// numbers, booleans or (for header) arrays of strings.
func (a args) options(i int) (map[string][]string, error) {
	out := map[string][]string{}
	if !a.has(i) {
		return out, nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(a[i], &raw) != nil {
		return nil, failf("options must be a struct.")
	}
	for k, v := range raw {
		var s string
		var list []string
		var n json.Number
		var b bool
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = []string{s}
		case json.Unmarshal(v, &list) == nil:
			out[k] = list
		case json.Unmarshal(v, &n) == nil:
			out[k] = []string{n.String()}
		case json.Unmarshal(v, &b) == nil:
			out[k] = []string{strconv.FormatBool(b)}
		default:
			return nil, failf("option %s has an unusable value.", truncate(k, 40))
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r) + "…"
}
