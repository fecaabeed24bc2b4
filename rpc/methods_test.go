package rpc

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"haul/downloader"
)

func TestTokenRequired(t *testing.T) {
	s := startTest(t, newFake(), nil)
	tests := []struct {
		name   string
		method string
		params []any
		unauth bool
	}{
		{"no params", "aria2.getGlobalStat", nil, true},
		{"no token", "aria2.tellActive", []any{[]string{"gid"}}, true},
		{"wrong token", "aria2.getGlobalStat", []any{"token:nope"}, true},
		{"token prefix only", "aria2.getGlobalStat", []any{"token:"}, true},
		{"bare secret", "aria2.getGlobalStat", []any{testSecret}, true},
		{"right token", "aria2.getGlobalStat", []any{"token:" + testSecret}, false},
		{"listMethods is public", "system.listMethods", nil, false},
		{"listNotifications is public", "system.listNotifications", nil, false},
		{"addUri without token", "aria2.addUri", []any{[]string{"http://example.com/a"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := rawCall(t, s, tt.method, tt.params...)
			if tt.unauth {
				if e == nil || e.Code != 1 || e.Message != "Unauthorized" {
					t.Fatalf("got %v, want aria2's Unauthorized", e)
				}
			} else if e != nil {
				t.Fatalf("got %v", e)
			}
		})
	}
}

func TestRandomSecretWhenNoneGiven(t *testing.T) {
	s := startTest(t, newFake(), func(c *Config) { c.Secret = "" })
	if len(s.Secret()) < 32 {
		t.Fatalf("secret %q", s.Secret())
	}
	if _, e := rawCall(t, s, "aria2.getGlobalStat"); e == nil || e.Message != "Unauthorized" {
		t.Fatalf("no token accepted: %v", e)
	}
	if _, e := rawCall(t, s, "aria2.getGlobalStat", "token:"+s.Secret()); e != nil {
		t.Fatal(e)
	}
}

func TestAllowRemoteNeedsSecret(t *testing.T) {
	_, err := Start(Config{Engine: newFake(), Port: AnyPort, AllowRemote: true})
	if err != ErrNeedSecret {
		t.Fatalf("err %v", err)
	}
}

// addTasks adds n tasks through the RPC and returns their gids.
func addTasks(t *testing.T, s *Server, n int) []string {
	t.Helper()
	var gids []string
	for i := range n {
		var gid string
		mustCall(t, s, &gid, "aria2.addUri", []string{"http://example.com/f" + string(rune('a'+i))})
		gids = append(gids, gid)
	}
	return gids
}

func TestAddURIOptions(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{"magnet:?xt=1", "https://example.com/iso"}, map[string]any{
		"dir":                       "/tmp/dl",
		"out":                       "x.iso",
		"split":                     "8",
		"max-connection-per-server": 4,
		"header":                    []string{"Cookie: a=b", "X-Token: 1"},
		"referer":                   "https://example.com/",
		"max-download-limit":        "2M",
		"checksum":                  "sha-256=" + strings.Repeat("ab", 32),
		"pause":                     "true",
		"bt-tracker":                "ignored",
	})
	if len(gid) != 16 {
		t.Fatalf("gid %q", gid)
	}
	r := f.Requests()[0]
	want := downloader.Request{URL: "https://example.com/iso", Folder: "/tmp/dl", Name: "x.iso", Paused: true}
	if r.URL != want.URL || r.Folder != want.Folder || r.Name != want.Name || !r.Paused {
		t.Errorf("request %+v", r)
	}
	if r.Connections != 4 || r.SpeedLimit != 2<<20 || r.Checksum.Aria2() != "sha-256="+strings.Repeat("ab", 32) {
		t.Errorf("options %+v", r.Options)
	}
	if r.Headers.Get("Cookie") != "a=b" || r.Headers.Get("X-Token") != "1" || r.Headers.Get("Referer") != "https://example.com/" {
		t.Errorf("headers %v", r.Headers)
	}
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gid, []string{"status"})
	if st["status"] != "paused" {
		t.Errorf("status %v", st)
	}

	bad := []struct {
		name   string
		params []any
		want   string
	}{
		{"torrent only", []any{[]string{"magnet:?xt=urn:btih:abc"}}, "HTTP and HTTPS links only"},
		{"no uris", []any{[]string{}}, "non-empty array"},
		{"bad limit", []any{[]string{"http://e.com/a"}, map[string]string{"max-download-limit": "fast"}}, "max-download-limit"},
		{"bad checksum", []any{[]string{"http://e.com/a"}, map[string]string{"checksum": "sha-256=zz"}}, "checksum"},
		{"bad split", []any{[]string{"http://e.com/a"}, map[string]string{"split": "0"}}, "split"},
		{"bad header", []any{[]string{"http://e.com/a"}, map[string]any{"header": "NoColon"}}, "header"},
		{"options not a struct", []any{[]string{"http://e.com/a"}, "x"}, "options"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, e := call(t, s, "aria2.addUri", tt.params...)
			if e == nil || e.Code != 1 || !strings.Contains(e.Message, tt.want) {
				t.Fatalf("got %v, want %q", e, tt.want)
			}
		})
	}
}

func TestUnsupportedMethods(t *testing.T) {
	s := startTest(t, newFake(), nil)
	for _, m := range []string{"aria2.addTorrent", "aria2.addMetalink"} {
		_, e := call(t, s, m, "AAAA")
		if e == nil || e.Code != 1 || !strings.Contains(e.Message, "HTTP and HTTPS links only") {
			t.Errorf("%s: %v", m, e)
		}
	}
	_, e := call(t, s, "aria2.nope")
	if e == nil || e.Code != 1 || e.Message != "No such method: aria2.nope" {
		t.Errorf("unknown method: %v", e)
	}
}

// shapes checks that every value is a string except the listed keys.
func allStrings(t *testing.T, where string, m map[string]any, except ...string) {
	t.Helper()
	for k, v := range m {
		if slices.Contains(except, k) {
			continue
		}
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %s = %#v is not a string", where, k, v)
		}
	}
}

func TestResultShapes(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	gids := addTasks(t, s, 4)
	f.Set(gids[0], func(x *downloader.Snapshot) {
		x.State, x.Size, x.Done, x.Speed, x.Connections, x.Name = downloader.StateActive, 3<<20, 1<<20+5, 1000, 4, "a.bin"
		x.Segments = []downloader.SegmentState{{Segment: downloader.Segment{Start: 0, End: 2 << 20, Done: 1<<20 + 5}}}
	})
	f.Set(gids[1], func(x *downloader.Snapshot) { x.State, x.Size, x.Done = downloader.StateCompleted, 10, 10 })
	f.Set(gids[2], func(x *downloader.Snapshot) { x.State, x.Error = downloader.StateFailed, "The server answered 404." })

	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gids[0])
	allStrings(t, "tellStatus", st, "files")
	want := map[string]string{
		"gid": gids[0], "status": "active", "totalLength": "3145728", "completedLength": "1048581",
		"downloadSpeed": "1000", "uploadSpeed": "0", "connections": "4", "dir": "/downloads",
		"numPieces": "3", "pieceLength": "1048576", "bitfield": "80",
	}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("tellStatus %s = %v, want %s", k, st[k], v)
		}
	}
	fl := st["files"].([]any)[0].(map[string]any)
	allStrings(t, "files", fl, "uris")
	if fl["index"] != "1" || fl["path"] != "/downloads/a.bin" || fl["length"] != "3145728" || fl["selected"] != "true" {
		t.Errorf("files %v", fl)
	}
	if u := fl["uris"].([]any)[0].(map[string]any); u["uri"] != "http://example.com/fa" || u["status"] != "used" {
		t.Errorf("uris %v", u)
	}

	words := map[string]string{gids[0]: "active", gids[1]: "complete", gids[2]: "error", gids[3]: "waiting"}
	for gid, w := range words {
		var st map[string]any
		mustCall(t, s, &st, "aria2.tellStatus", gid, []string{"status", "errorCode", "errorMessage"})
		if st["status"] != w {
			t.Errorf("%s: status %v, want %s", gid, st["status"], w)
		}
		switch w {
		case "error":
			if st["errorCode"] != "1" || st["errorMessage"] != "The server answered 404." {
				t.Errorf("error fields %v", st)
			}
		case "complete":
			if st["errorCode"] != "0" {
				t.Errorf("complete errorCode %v", st)
			}
		}
	}

	var list []map[string]any
	mustCall(t, s, &list, "aria2.tellActive", []string{"gid"})
	if len(list) != 1 || list[0]["gid"] != gids[0] || len(list[0]) != 1 {
		t.Errorf("tellActive %v", list)
	}
	mustCall(t, s, &list, "aria2.tellWaiting", 0, 10)
	if len(list) != 1 || list[0]["gid"] != gids[3] {
		t.Errorf("tellWaiting %v", list)
	}
	mustCall(t, s, &list, "aria2.tellStopped", 0, 10, []string{"gid", "status"})
	if len(list) != 2 {
		t.Errorf("tellStopped %v", list)
	}

	var fs []map[string]any
	mustCall(t, s, &fs, "aria2.getFiles", gids[1])
	if len(fs) != 1 || fs[0]["completedLength"] != "10" {
		t.Errorf("getFiles %v", fs)
	}
	var us []map[string]string
	mustCall(t, s, &us, "aria2.getUris", gids[1])
	if len(us) != 1 || us[0]["uri"] != "http://example.com/fb" || us[0]["status"] != "used" {
		t.Errorf("getUris %v", us)
	}
	var servers []map[string]any
	mustCall(t, s, &servers, "aria2.getServers", gids[0])
	if len(servers) != 1 || servers[0]["index"] != "1" {
		t.Errorf("getServers %v", servers)
	}

	var gs map[string]string
	mustCall(t, s, &gs, "aria2.getGlobalStat")
	wantGS := map[string]string{"downloadSpeed": "1000", "uploadSpeed": "0", "numActive": "1", "numWaiting": "1", "numStopped": "2", "numStoppedTotal": "2"}
	for k, v := range wantGS {
		if gs[k] != v {
			t.Errorf("getGlobalStat %s = %q, want %q", k, gs[k], v)
		}
	}

	var ver struct {
		Version         string   `json:"version"`
		EnabledFeatures []string `json:"enabledFeatures"`
	}
	mustCall(t, s, &ver, "aria2.getVersion")
	if ver.Version != downloader.Version || ver.EnabledFeatures == nil {
		t.Errorf("getVersion %+v", ver)
	}
	var sess map[string]string
	mustCall(t, s, &sess, "aria2.getSessionInfo")
	if len(sess["sessionId"]) != 40 {
		t.Errorf("getSessionInfo %v", sess)
	}
	var okStr string
	mustCall(t, s, &okStr, "aria2.saveSession")
	if okStr != "OK" {
		t.Errorf("saveSession %q", okStr)
	}
	var names []string
	mustCall(t, s, &names, "system.listMethods")
	if !slices.Contains(names, "aria2.addUri") || !slices.Contains(names, "system.multicall") || !slices.Contains(names, "haul.show") {
		t.Errorf("listMethods %v", names)
	}
	mustCall(t, s, &names, "system.listNotifications")
	if !slices.Contains(names, "aria2.onDownloadComplete") {
		t.Errorf("listNotifications %v", names)
	}
	_, e := call(t, s, "aria2.tellStatus", "0123456789abcdef")
	if e == nil || e.Message != "GID 0123456789abcdef is not found" {
		t.Errorf("unknown gid: %v", e)
	}
	_, e = call(t, s, "aria2.tellStatus", "zz")
	if e == nil || e.Code != 1 {
		t.Errorf("bad gid: %v", e)
	}
}

func TestKeysFiltering(t *testing.T) {
	s := startTest(t, newFake(), nil)
	gid := addTasks(t, s, 1)[0]
	tests := []struct {
		keys []string
		want []string
	}{
		{nil, nil}, // all
		{[]string{"gid"}, []string{"gid"}},
		{[]string{"status", "totalLength", "nosuchkey"}, []string{"status", "totalLength"}},
		{[]string{}, nil},
	}
	for _, tt := range tests {
		params := []any{gid}
		if tt.keys != nil {
			params = append(params, tt.keys)
		}
		var st map[string]any
		mustCall(t, s, &st, "aria2.tellStatus", params...)
		if tt.want == nil {
			if len(st) < 10 {
				t.Errorf("keys %v: only %v", tt.keys, st)
			}
			continue
		}
		var got []string
		for k := range st {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("keys %v: got %v, want %v", tt.keys, got, tt.want)
		}
	}
}

func TestMulticall(t *testing.T) {
	s := startTest(t, newFake(), nil)
	tok := "token:" + testSecret
	var out []json.RawMessage
	// system.multicall itself needs no token; each call inside does.
	res, e := rawCall(t, s, "system.multicall", []map[string]any{
		{"methodName": "aria2.addUri", "params": []any{tok, []string{"http://example.com/a"}}},
		{"methodName": "aria2.getGlobalStat", "params": []any{"token:wrong"}},
		{"methodName": "aria2.getVersion", "params": []any{tok}},
		{"methodName": "system.multicall", "params": []any{[]any{}}},
		{"methodName": "aria2.nope", "params": []any{tok}},
	})
	if e != nil {
		t.Fatal(e)
	}
	if err := json.Unmarshal(res, &out); err != nil || len(out) != 5 {
		t.Fatalf("result %s", res)
	}
	var gid []string
	if json.Unmarshal(out[0], &gid) != nil || len(gid) != 1 || len(gid[0]) != 16 {
		t.Errorf("addUri in multicall: %s", out[0])
	}
	wantErr := map[int]string{1: "Unauthorized", 3: "Recursive system.multicall forbidden.", 4: "No such method: aria2.nope"}
	for i, msg := range wantErr {
		var e Error
		if json.Unmarshal(out[i], &e) != nil || e.Code != 1 || e.Message != msg {
			t.Errorf("call %d: %s, want %q", i, out[i], msg)
		}
	}
	var ver []map[string]any
	if json.Unmarshal(out[2], &ver) != nil || len(ver) != 1 || ver[0]["version"] == nil {
		t.Errorf("getVersion in multicall: %s", out[2])
	}
	if _, e := call(t, s, "system.multicall", "notalist"); e == nil {
		t.Error("bad multicall params accepted")
	}
}

func TestBatchAndEnvelopeErrors(t *testing.T) {
	s := startTest(t, newFake(), nil)
	tok := `"token:` + testSecret + `"`
	tests := []struct {
		name, body string
		status     int
		check      func(t *testing.T, b []byte)
	}{
		{"batch", `[{"jsonrpc":"2.0","id":1,"method":"aria2.getVersion","params":[` + tok + `]},{"jsonrpc":"2.0","id":2,"method":"aria2.getGlobalStat","params":[]}, 5]`, 200,
			func(t *testing.T, b []byte) {
				var rs []testResponse
				if err := json.Unmarshal(b, &rs); err != nil || len(rs) != 3 {
					t.Fatalf("%s", b)
				}
				if rs[0].Error != nil || string(rs[0].ID) != "1" {
					t.Errorf("first %+v", rs[0])
				}
				if rs[1].Error == nil || rs[1].Error.Message != "Unauthorized" || string(rs[1].ID) != "2" {
					t.Errorf("second %+v", rs[1])
				}
				if rs[2].Error == nil || rs[2].Error.Code != -32600 {
					t.Errorf("third %+v", rs[2])
				}
			}},
		{"parse error", `{"method":`, 400, wantCode(-32700)},
		{"empty batch", `[]`, 400, wantCode(-32600)},
		{"no method", `{"id":1}`, 400, wantCode(-32600)},
		{"params object", `{"id":1,"method":"aria2.getVersion","params":{"a":1}}`, 400, wantCode(-32602)},
		{"id echoed as number", `{"id":42,"method":"system.listMethods"}`, 200, func(t *testing.T, b []byte) {
			var r testResponse
			json.Unmarshal(b, &r)
			if string(r.ID) != "42" {
				t.Errorf("id %s", r.ID)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := post(t, s, tt.body, nil)
			if status != tt.status {
				t.Errorf("HTTP %d, want %d (%s)", status, tt.status, b)
			}
			tt.check(t, b)
		})
	}
}

func wantCode(code int) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		var r testResponse
		if err := json.Unmarshal(b, &r); err != nil || r.Error == nil || r.Error.Code != code {
			t.Errorf("reply %s, want code %d", b, code)
		}
	}
}

func TestPauseUnpauseRemove(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	gids := addTasks(t, s, 3)
	var g string
	mustCall(t, s, &g, "aria2.pause", gids[0])
	if g != gids[0] {
		t.Errorf("pause returned %q", g)
	}
	if _, e := call(t, s, "aria2.pause", gids[0]); e == nil {
		t.Error("pausing a paused task succeeded")
	}
	mustCall(t, s, &g, "aria2.unpause", gids[0])
	if _, e := call(t, s, "aria2.unpause", gids[0]); e == nil {
		t.Error("unpausing a waiting task succeeded")
	}
	mustCall(t, s, nil, "aria2.forcePauseAll")
	for _, x := range f.List() {
		if x.State != downloader.StatePaused {
			t.Errorf("after pauseAll: %s", x.State)
		}
	}
	mustCall(t, s, nil, "aria2.unpauseAll")
	for _, x := range f.List() {
		if x.State != downloader.StateQueued {
			t.Errorf("after unpauseAll: %s", x.State)
		}
	}

	// remove → a "removed" result until purged.
	mustCall(t, s, &g, "aria2.remove", gids[0])
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gids[0])
	if st["status"] != "removed" {
		t.Errorf("after remove: %v", st["status"])
	}
	f.SetState(gids[1], downloader.StateCompleted)
	if _, e := call(t, s, "aria2.remove", gids[1]); e == nil || !strings.Contains(e.Message, "Active Download not found") {
		t.Errorf("removing a complete task: %v", e)
	}
	var list []map[string]any
	mustCall(t, s, &list, "aria2.tellStopped", 0, 100, []string{"gid", "status"})
	if len(list) != 2 {
		t.Fatalf("tellStopped %v", list)
	}
	var gs map[string]string
	mustCall(t, s, &gs, "aria2.getGlobalStat")
	if gs["numStopped"] != "2" {
		t.Errorf("numStopped %v", gs)
	}
	mustCall(t, s, nil, "aria2.removeDownloadResult", gids[0])
	if _, e := call(t, s, "aria2.tellStatus", gids[0]); e == nil {
		t.Error("removed result still there")
	}
	if _, e := call(t, s, "aria2.removeDownloadResult", gids[2]); e == nil {
		t.Error("removeDownloadResult of a waiting task succeeded")
	}
	mustCall(t, s, nil, "aria2.forceRemove", gids[2])
	mustCall(t, s, nil, "aria2.purgeDownloadResult")
	mustCall(t, s, &list, "aria2.tellStopped", 0, 100)
	if len(list) != 0 || len(f.List()) != 0 {
		t.Errorf("after purge: stopped %v, engine %v", list, f.List())
	}
	// The engine's EventRemoved for a purged task must not bring it back.
	time.Sleep(50 * time.Millisecond)
	mustCall(t, s, &list, "aria2.tellStopped", 0, 100)
	if len(list) != 0 {
		t.Errorf("purged results came back: %v", list)
	}
}

func TestChangePosition(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	g := addTasks(t, s, 5)
	f.SetState(g[1], downloader.StateActive) // not in the waiting queue
	// waiting queue: g0 g2 g3 g4
	tests := []struct {
		gid     string
		pos     int
		how     string
		wantPos int
		want    []string
	}{
		{g[4], 0, "POS_SET", 0, []string{g[4], g[0], g[2], g[3]}},
		{g[4], 1, "POS_CUR", 1, []string{g[0], g[4], g[2], g[3]}},
		{g[0], -1, "POS_END", 2, []string{g[4], g[2], g[0], g[3]}},
		{g[3], -10, "POS_CUR", 0, []string{g[3], g[4], g[2], g[0]}},
		{g[3], 99, "POS_SET", 3, []string{g[4], g[2], g[0], g[3]}},
	}
	for i, tt := range tests {
		var pos int
		mustCall(t, s, &pos, "aria2.changePosition", tt.gid, tt.pos, tt.how)
		if pos != tt.wantPos {
			t.Errorf("%d: position %d, want %d", i, pos, tt.wantPos)
		}
		var list []map[string]any
		mustCall(t, s, &list, "aria2.tellWaiting", 0, 100, []string{"gid"})
		var got []string
		for _, x := range list {
			got = append(got, x["gid"].(string))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%d: waiting %v, want %v", i, got, tt.want)
		}
	}
	if _, e := call(t, s, "aria2.changePosition", g[1], 0, "POS_SET"); e == nil {
		t.Error("moved an active task")
	}
	if _, e := call(t, s, "aria2.changePosition", g[0], 0, "POS_NOPE"); e == nil {
		t.Error("bad how accepted")
	}
	// Negative offsets page from the end, backwards.
	var list []map[string]any
	mustCall(t, s, &list, "aria2.tellWaiting", -1, 2, []string{"gid"})
	if len(list) != 2 || list[0]["gid"] != g[3] || list[1]["gid"] != g[0] {
		t.Errorf("tellWaiting -1,2: %v", list)
	}
	// addUri's position argument.
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{"http://example.com/new"}, map[string]any{}, 1)
	mustCall(t, s, &list, "aria2.tellWaiting", 1, 1, []string{"gid"})
	if len(list) != 1 || list[0]["gid"] != gid {
		t.Errorf("addUri position 1: %v", list)
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		n, off, num int
		want        []int
	}{
		{5, 0, 2, []int{0, 1}},
		{5, 3, 10, []int{3, 4}},
		{5, 7, 1, nil},
		{5, -1, 2, []int{4, 3}},
		{5, -5, 3, []int{0}},
		{5, -9, 3, nil},
		{5, 0, 0, nil},
		{0, -1, 3, nil},
	}
	for _, tt := range tests {
		if got := window(tt.n, tt.off, tt.num); !slices.Equal(got, tt.want) {
			t.Errorf("window(%d,%d,%d) = %v, want %v", tt.n, tt.off, tt.num, got, tt.want)
		}
	}
}

func TestOptions(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{"http://example.com/a"}, map[string]any{
		"header": "A: 1\nB: 2", "checksum": "sha256=" + strings.Repeat("0f", 32),
	})
	var o map[string]string
	mustCall(t, s, &o, "aria2.getOption", gid)
	want := map[string]string{
		// The automatic count (the default) reads as its ceiling, a number.
		"dir": "/downloads", "split": "32", "max-connection-per-server": "32", "max-download-limit": "0",
		"header": "A: 1\nB: 2", "checksum": "sha-256=" + strings.Repeat("0f", 32),
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("getOption %s = %q, want %q", k, o[k], v)
		}
	}
	mustCall(t, s, nil, "aria2.changeOption", gid, map[string]string{"max-download-limit": "500K", "split": "3"})
	snap, _ := f.Get(gid)
	if snap.Options.SpeedLimit != 500<<10 || snap.Options.Connections != 3 || snap.Options.Headers.Get("A") != "1" {
		t.Errorf("after changeOption: %+v", snap.Options)
	}
	if _, e := call(t, s, "aria2.changeOption", gid, map[string]string{"max-download-limit": "-1"}); e == nil {
		t.Error("bad limit accepted")
	}

	var g map[string]string
	mustCall(t, s, &g, "aria2.getGlobalOption")
	if g["max-concurrent-downloads"] != "3" || g["dir"] != "/downloads" || g["max-overall-download-limit"] != "0" {
		t.Errorf("getGlobalOption %v", g)
	}
	mustCall(t, s, nil, "aria2.changeGlobalOption", map[string]string{
		"max-concurrent-downloads": "5", "max-overall-download-limit": "1M", "dir": "/elsewhere", "split": "8", "rpc-secret": "ignored",
	})
	st := f.Settings()
	if st.MaxActive != 5 || st.GlobalLimit != 1<<20 || st.Folder != "/elsewhere" || st.Connections != 8 {
		t.Errorf("settings %+v", st)
	}
	if _, e := call(t, s, "aria2.changeGlobalOption", map[string]string{"max-concurrent-downloads": "0"}); e == nil {
		t.Error("max-concurrent-downloads 0 accepted")
	}
}

func TestShutdownAndShow(t *testing.T) {
	shut := make(chan bool, 2)
	shown := make(chan struct{}, 1)
	s := startTest(t, newFake(), func(c *Config) {
		c.OnShutdown = func(force bool) { shut <- force }
		c.OnShow = func() { shown <- struct{}{} }
	})
	mustCall(t, s, nil, "aria2.forceShutdown")
	select {
	case force := <-shut:
		if !force {
			t.Error("forceShutdown not forced")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("OnShutdown not called")
	}
	mustCall(t, s, nil, "haul.show")
	select {
	case <-shown:
	case <-time.After(time.Second):
		t.Fatal("OnShow not called")
	}
	s2 := startTest(t, newFake(), nil)
	if _, e := call(t, s2, "aria2.shutdown"); e == nil {
		t.Error("shutdown without callback succeeded")
	}
}

func TestHandoffOnly(t *testing.T) {
	s := startTest(t, newFake(), func(c *Config) { c.HandoffOnly = true })
	if _, e := call(t, s, "aria2.addUri", []string{"http://example.com/a"}); e != nil {
		t.Fatal(e)
	}
	if _, e := call(t, s, "aria2.tellActive"); e == nil || !strings.Contains(e.Message, "No such method") {
		t.Errorf("tellActive served in hand-off mode: %v", e)
	}
	_ = http.StatusOK
}
