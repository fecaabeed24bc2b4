package downloader

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

func msDur(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// TestPathDelayProbeVerdict: a fresh burst of queue probes decides
// whether the path queues, against the shortest round trip any request
// or probe saw; without one (too few samples, or too old) the first
// bytes of the requests and the connections in flight decide as before.
func TestPathDelayProbeVerdict(t *testing.T) {
	now := time.Unix(1000, 0)
	cases := []struct {
		name           string
		first          []float64 // requests' first bytes, ms
		flight, flMin  float64   // connections in flight, ms (0 = none)
		probes         []float64 // ms
		probedAgo      time.Duration
		restartBetween bool // probes[:2] are an earlier burst
		want           bool
	}{
		{name: "probes wait in a queue the first bytes do not show",
			first: []float64{50, 51, 50, 52, 50, 51}, probes: []float64{88, 92, 95, 90, 91}, want: true},
		{name: "prompt probes overrule first bytes and round trips that grew",
			first: []float64{50, 80, 85, 82, 90, 84, 83, 86, 81}, flight: 70, flMin: 50,
			probes: []float64{51, 52, 50, 51, 53}, want: false},
		{name: "a lost packet delays one probe only",
			first: []float64{50}, probes: []float64{51, 350, 50, 52, 51}, want: false},
		{name: "the shortest round trip came from a request",
			first: []float64{50}, probes: []float64{62, 61, 63, 62}, want: true},
		{name: "loopback probes with scheduling noise",
			first: []float64{0.3}, probes: []float64{0.2, 3, 0.3, 0.4, 6}, want: false},
		{name: "too few probes: the first bytes decide",
			first: []float64{50, 80, 85, 82, 90}, probes: []float64{51, 50, 52}, want: true},
		{name: "a burst too old: the first bytes decide",
			first: []float64{50, 51, 50, 52, 50}, probes: []float64{90, 92, 95, 90, 91}, probedAgo: 2 * probeFresh, want: false},
		{name: "an earlier burst does not count toward the next",
			first: []float64{50, 51, 50, 52, 50}, probes: []float64{90, 92, 95, 90, 91}, restartBetween: true, want: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d pathDelay
			for _, s := range c.first {
				d.add(msDur(s))
			}
			if c.flight > 0 {
				d.addFlight(msDur(c.flMin), msDur(c.flMin))
				d.addFlight(msDur(c.flight), msDur(c.flight))
			}
			at := now.Add(-c.probedAgo)
			for i, s := range c.probes {
				if c.restartBetween && i == 2 {
					d.restartProbes()
				}
				d.addProbe(msDur(s), at)
			}
			if got := d.queueing(now); got != c.want {
				t.Fatalf("queueing = %v, want %v (probed median %v, shortest %v)", got, c.want, d.probed(now), d.shortest())
			}
		})
	}
}

// TestProbeOnce: a probe is one byte in a 206, timed from the request to
// its answer; anything else (a whole file, a refusal, a redirect, more
// than the byte) is errProbeRefused, and the body of a whole file is not
// read.
func TestProbeOnce(t *testing.T) {
	const wait = 30 * time.Millisecond
	cases := []struct {
		name    string
		answer  func(w http.ResponseWriter)
		refused bool
	}{
		{"one byte", func(w http.ResponseWriter) {
			time.Sleep(wait)
			w.Header().Set("Content-Range", "bytes 0-0/100")
			w.Header().Set("Content-Length", "1")
			w.WriteHeader(http.StatusPartialContent)
			w.Write([]byte{7})
		}, false},
		{"the whole file", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "104857600")
			w.WriteHeader(http.StatusOK)
			w.Write(make([]byte, 1<<20)) // the rest never: the probe closes first
		}, true},
		{"a refusal", func(w http.ResponseWriter) { http.Error(w, "busy", http.StatusServiceUnavailable) }, true},
		{"a redirect", func(w http.ResponseWriter) {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusFound)
		}, true},
		{"more than the byte asked", func(w http.ResponseWriter) {
			w.Header().Set("Content-Range", "bytes 0-0/100")
			w.WriteHeader(http.StatusPartialContent)
			w.(http.Flusher).Flush() // no length: chunked
			w.Write([]byte{1, 2, 3})
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			var got http.Header
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = r.Header.Clone()
				mu.Unlock()
				c.answer(w)
			}))
			defer srv.Close()
			client := newProbeClient(newTransport(nil, nil), nil)
			defer client.CloseIdleConnections()
			d, err := probeOnce(context.Background(), client, srv.URL+"/f", http.Header{"Cookie": {"a=b"}}, "Haul/test", `"v1"`)
			if c.refused {
				if !errors.Is(err, errProbeRefused) {
					t.Fatalf("err = %v, want errProbeRefused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d < wait || d > 5*time.Second {
				t.Fatalf("delay %v, want the server's %v and a loopback round trip", d, wait)
			}
			mu.Lock()
			defer mu.Unlock()
			if got.Get("Range") != "bytes=0-0" || got.Get("If-Range") != `"v1"` || got.Get("Cookie") != "a=b" || got.Get("User-Agent") != "Haul/test" {
				t.Fatalf("request headers %v", got)
			}
		})
	}
}

// probeRun is a run of an automatic count at 16 on srv's file, every
// connection delivering, with the ramp open: the state in which the
// queue probe runs.
func probeRun(t *testing.T, srv *testserver.Server) *run {
	t.Helper()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	ctx, cancel := context.WithCancelCause(context.Background())
	t.Cleanup(func() { cancel(nil) })
	u := srv.URL("/f.bin")
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return &run{
		t: &task{m: m, conns: rampPayFrom}, ctx: ctx, cancel: cancel, client: m.client, ua: "Haul/test",
		url: u, host: pu.Host, allowance: rampPayFrom, limit: AutoConnections, auto: true,
		probeOK: m.canProbe(),
	}
}

// TestQueueProbeRuns: the probe runs while the ramp is open and every
// connection delivers, without a host slot but never past the host's
// cap, and stops when the ramp settles; a probe the server refuses
// turns probing off for the run and is no refusal of a connection.
func TestQueueProbeRuns(t *testing.T) {
	t.Run("until the ramp settles", func(t *testing.T) {
		probes := make(chan struct{}, 64)
		srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 20, Seed: 3}),
			testserver.WithAnswerDelay(func(r *http.Request, _ int) time.Duration {
				if r.Header.Get("Range") == "bytes=0-0" {
					select {
					case probes <- struct{}{}:
					default:
					}
				}
				return 0
			}))
		defer srv.Close()
		r := probeRun(t, srv)
		r.startProbe(time.Now())
		for range probeSamples + 1 {
			<-probes
		}
		r.t.m.hosts.mu.Lock()
		slots := r.t.m.hosts.inUse[r.host]
		r.t.m.hosts.mu.Unlock()
		if slots != 0 {
			// A doubling must find every slot free: one held by the
			// probe cost it a connection for good (rampUntaken).
			t.Fatalf("the probe holds %d host slots", slots)
		}
		r.t.mu.Lock()
		r.settleLocked(time.Now())
		r.t.mu.Unlock()
		r.wg.Wait()
		r.t.mu.Lock()
		defer r.t.mu.Unlock()
		if r.probing || r.probeOff {
			t.Fatalf("after the ramp settled: probing %v, off %v; want stopped, not off", r.probing, r.probeOff)
		}
		if r.delay.probed(time.Now()) <= 0 {
			t.Fatal("no verdict from the probes")
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 20, Seed: 3}),
			testserver.WithFail5xx(1, http.StatusServiceUnavailable))
		defer srv.Close()
		r := probeRun(t, srv)
		r.startProbe(time.Now())
		r.wg.Wait()
		r.t.mu.Lock()
		off, learned, refused := r.probeOff, r.learned, r.refusedNow
		r.t.mu.Unlock()
		if !off || learned || refused != 0 {
			t.Fatalf("probe refused: off %v, learned %v, refused %d; want off only", off, learned, refused)
		}
		r.startProbe(time.Now())
		r.wg.Wait()
		if st := srv.Stats(); st.Requests != 1 {
			t.Fatalf("%d requests after the refusal, want the one probe", st.Requests)
		}
	})
	quiet := []struct {
		name  string
		setUp func(r *run)
	}{
		{"not while the host's slots are all taken", func(r *run) {
			for r.t.m.hosts.acquire(r.host, false) { // another task's, up to the cap
			}
		}},
		{"not while a doubling's connections start", func(r *run) { r.t.conns = 4 }},
		{"not for a count the user pinned", func(r *run) { r.auto = false }},
	}
	for _, c := range quiet {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 20, Seed: 3}))
			defer srv.Close()
			r := probeRun(t, srv)
			c.setUp(r)
			r.startProbe(time.Now())
			done := make(chan struct{})
			go func() { r.wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				r.cancel(nil) // a probe that should not run runs on
				<-done
			}
			if st := srv.Stats(); st.Requests != 0 {
				t.Fatalf("%d probes", st.Requests)
			}
		})
	}
}

// TestQueueProbeFindsFullPath: a path whose queue only the probes see
// (the data's first bytes come at once, the probes' answers wait while
// more than eight requests are in flight) settles the automatic count at
// sixteen, with the log saying why; the same server without that queue,
// whose limit per connection rewards more connections, gets them.
func TestQueueProbeFindsFullPath(t *testing.T) {
	const pathRTT = 60 * time.Millisecond
	cases := []struct {
		name  string
		queue time.Duration
		full  bool
	}{
		{"a queue", 40 * time.Millisecond, true},
		{"no queue", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := testserver.File{Size: 48 << 20, Seed: 11}
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20),
				testserver.WithAnswerDelay(func(r *http.Request, inFlight int) time.Duration {
					// Every answer waits a far path's round trip, so the
					// queue test's 15 % (9 ms) covers a busy machine's
					// scheduling, as on a real far path.
					if r.Header.Get("Range") == "bytes=0-0" && inFlight > 8 {
						return pathRTT + c.queue
					}
					return pathRTT
				}))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin"), Options: Options{Connections: ConnectionsAuto}})
			if err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("state %s: %s", s.State, s.Error)
			}
			peak := srv.Stats().PeakInFlight
			if full := ftLogHas(s, "fill the network path"); full != c.full {
				t.Fatalf("log %q, peak %d at once: full path %v, want %v", ftLog(s), peak, full, c.full)
			}
			if c.full && peak > rampPayFrom+1 {
				t.Fatalf("%d requests at once, want at most %d connections and the probe", peak, rampPayFrom+1)
			}
			if !c.full && peak <= rampPayFrom+1 {
				t.Fatalf("%d requests at once: the count did not grow past %d", peak, rampPayFrom)
			}
		})
	}
}
