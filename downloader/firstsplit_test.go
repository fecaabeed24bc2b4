package downloader

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// farPathTransport is an HTTP/1.1 transport whose TCP handshakes take
// at least rtt: with the server's answer delay, the engine sees a far
// path (pathDelay.far).
func farPathTransport(rtt time.Duration) *http.Transport {
	d := &net.Dialer{Control: func(string, string, syscall.RawConn) error {
		// Inside the handshake's timing (httptrace ConnectStart to
		// ConnectDone), as a long path's SYN round trip would be.
		time.Sleep(rtt)
		return nil
	}}
	return &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: MaxConnections, DisableCompression: true}
}

// rangeStart is the first byte of a "bytes=a-b" header; -1 when none.
func rangeStart(h string) int64 {
	a, _, ok := strings.Cut(strings.TrimPrefix(h, "bytes="), "-")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// TestFarPathSplitsFirstRequest: on a far path to a server that paces
// each connection, the other connections finish their small pieces of a
// 3-4 MiB file in a tenth of a second, before the first connection's
// first request (probeSpan) is old enough for a measured rate. Its range
// must still be split among them, not left to crawl on alone for
// seconds; and the cut of its stream throws away no more than the run's
// cut budget.
func TestFarPathSplitsFirstRequest(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name string
		size int64
	}{
		{"3 MiB", 3 * MiB},
		{"4 MiB", 4 * MiB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := testserver.File{Size: c.size, Seed: 31}
			srv := testserver.New(testserver.WithFile("/f", f), testserver.WithPerConnRate(MiB),
				testserver.WithAnswerDelay(func(*http.Request, int) time.Duration { return 20 * time.Millisecond }))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), func(cfg *Config) { cfg.Transport = farPathTransport(20 * time.Millisecond) })
			ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f")})
			if err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("state %s: %s", s.State, s.Error)
			}
			if fileSHA(t, s.Path()) != f.SHA256() {
				t.Fatal("the file differs from the server's")
			}
			st := srv.Stats()
			var others []string
			for _, h := range st.Ranges {
				// The queue probe asks bytes=0-0; the first request
				// starts at 0 too.
				if at := rangeStart(h); at > 0 && at < probeSpan {
					others = append(others, h)
				}
			}
			if len(others) == 0 {
				t.Fatalf("no other connection asked for a part of the first request's 0-%d; ranges asked: %v", probeSpan, st.Ranges)
			}
			if waste := st.BytesServed - c.size; waste > cutBudgetMin {
				t.Errorf("the server sent %d bytes more than the file, over the cut budget %d", waste, cutBudgetMin)
			}
		})
	}
}
