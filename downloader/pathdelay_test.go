package downloader

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestPathDelayQueueing: the median of the recent request-to-first-byte
// samples against the shortest tells a full path from one whose answers
// come at its round trip.
func TestPathDelayQueueing(t *testing.T) {
	ms := func(v ...float64) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x * float64(time.Millisecond))
		}
		return out
	}
	cases := []struct {
		name    string
		samples []time.Duration
		want    bool
	}{
		{"too few samples", ms(50, 100, 100), false},
		{"a wide-area path at its round trip", ms(50, 51, 50, 52, 50, 51, 50, 50), false},
		{"lost packets delay single answers", ms(50, 51, 250, 50, 1050, 52, 50, 51), false},
		{"the buffer fills: answers wait", ms(50, 55, 70, 85, 95, 100, 100, 98, 101), true},
		{"a loopback with scheduling noise", ms(0.1, 0.3, 2, 0.2, 5, 0.2, 0.4, 3), false},
		{"a loopback whose server queues", ms(0.1, 0.2, 20, 25, 30, 22, 24, 26), true},
		{"the queue drained again", ms(50, 100, 100, 100, 100, 51, 50, 52, 50, 51, 50, 50, 51), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d pathDelay
			for _, s := range c.samples {
				d.add(s)
			}
			if got := d.queueing(time.Time{}); got != c.want {
				t.Fatalf("queueing = %v, want %v (min %v, recent %v)", got, c.want, d.first.min, d.first.recent)
			}
		})
	}
}

// TestPathFar: a path is far when its shortest TCP handshake and its
// shortest first byte both take 10 ms or more; either alone, or none
// timed, says nothing.
func TestPathFar(t *testing.T) {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	cases := []struct {
		name  string
		dials []time.Duration
		first time.Duration // shortest first byte; 0 = none
		want  bool
	}{
		{"none timed", nil, 0, false},
		{"a loopback", []time.Duration{ms(0.2)}, ms(0.3), false},
		{"a LAN", []time.Duration{ms(2)}, ms(3), false},
		{"another continent", []time.Duration{ms(50)}, ms(51), true},
		{"a LAN whose first SYN was lost", []time.Duration{ms(1000)}, ms(1), false},
		{"a near server slow to answer", []time.Duration{ms(0.5)}, ms(200), false},
		{"a handshake but no first byte yet", []time.Duration{ms(50)}, 0, false},
		{"the shortest counts: a near mirror after a far redirect", []time.Duration{ms(80), ms(1)}, ms(51), false},
		{"a failed or untimed dial is no sample", []time.Duration{0, ms(50)}, ms(51), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d pathDelay
			for _, s := range c.dials {
				d.addDial(s)
			}
			d.add(c.first)
			if got := d.far(); got != c.want {
				t.Fatalf("far = %v, want %v (handshake %v, first byte %v)", got, c.want, d.dial, d.first.min)
			}
		})
	}
}

// TestDelaySampleTimesDial: a request on a new connection reports its
// TCP handshake and its first byte; one on the kept connection reports
// the first byte only.
func TestDelaySampleTimesDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("x")) }))
	defer srv.Close()
	c := &http.Client{Transport: newTransport(nil, nil)}
	defer c.CloseIdleConnections()
	for i, wantDial := range []bool{true, false} {
		var first, dial time.Duration
		ctx := withDelaySample(context.Background(), func(d time.Duration) { first = d }, func(d time.Duration) { dial = d })
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if first <= 0 || (dial > 0) != wantDial {
			t.Fatalf("request %d: first byte %v, handshake %v; want a handshake %v", i, first, dial, wantDial)
		}
	}
}
