package rpc

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeRequest: any body decodes without panicking, and whatever is
// decoded can be answered with a valid JSON reply.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":"1","method":"aria2.addUri","params":["token:x",["http://a/b"],{"split":"4"}]}`,
		`[{"id":1,"method":"aria2.getVersion"},{"id":2,"method":"system.multicall","params":[[{"methodName":"aria2.tellActive","params":["token:x"]}]]}]`,
		`{"id":null,"method":"aria2.tellStatus","params":["token:x","0123456789abcdef",["gid","status"]]}`,
		`{"id":{},"method":"x"}`,
		`{"method":1}`,
		`[]`, `[1,2,3]`, `null`, `"str"`, `{`, ``, `{"params":{}}`,
		`{"id":1e400,"method":"a"}`,
		"{\"id\":\"\xff\",\"method\":\"a\"}",
	} {
		f.Add([]byte(seed))
	}
	s, err := newServer(Config{Engine: newFake(), Secret: "x"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		calls, batch, e := decodeRequests(body)
		if e != nil {
			if len(calls) != 0 {
				t.Fatalf("error %v with %d calls", e, len(calls))
			}
			if !json.Valid(encodeOnly(e)) {
				t.Fatal("error reply is not JSON")
			}
			return
		}
		if len(calls) == 0 || (!batch && len(calls) != 1) || len(calls) > maxCalls {
			t.Fatalf("%d calls, batch=%v", len(calls), batch)
		}
		for _, c := range calls {
			if len(c.req.ID) == 0 || !json.Valid(c.req.ID) {
				t.Fatalf("id %q", c.req.ID)
			}
			if c.err == nil && c.req.Method == "" {
				t.Fatal("request without method")
			}
		}
		// Answer only methods that cannot change anything, to keep the
		// fuzzer off the fake engine's state.
		for i := range calls {
			if m := calls[i].req.Method; m != "system.listMethods" && m != "aria2.getVersion" && m != "system.listNotifications" {
				calls[i].req.Method = "aria2.getVersion"
			}
		}
		reply, _ := s.execute(callCtx{Context: t.Context()}, calls, batch)
		if !json.Valid(reply) {
			t.Fatalf("reply is not JSON: %q", reply)
		}
	})
}
