package main

import (
	"fmt"
	"time"

	"haul/downloader/testserver"
)

// A scenario is one server setup every tool downloads the same file from.
type scenario struct {
	ID    string // "1", "3b", …; -scenarios takes these
	Title string
	Size  int64
	// Server returns the options of a fresh server; each run gets its
	// own, so counters such as "the Nth ranged GET is slow" restart.
	Server func() []testserver.Option
	// WAN, when set, puts the server behind the emulated link: the server
	// listens in one namespace, the tools run in the other.
	WAN *wanConfig
	// Limit is the physical limit in bytes/s; 0 with Sink: measured by
	// sinkTool; 0 without: none.
	Limit     float64
	LimitNote string
	Sink      bool
	MultiOnly bool
	// HealthyRef names the scenario with the same server minus the fault;
	// each tool's result there is its "all connections healthy" time.
	HealthyRef string

	skip  string   // why it did not run
	notes []string // what the set-up saw (link counters, congestion control)
}

// Per-connection rate of the throttled scenarios, and the slow response of
// scenario 4.
const (
	connRate = 2 << 20
	slowRate = 256 << 10
	slowNth  = 3
	busyMax  = 4
	// wanFatRate is scenario 3c's bottleneck: 400 Mbit/s.
	wanFatRate = 400e6 / 8
	// tcpPayload is the share of an Ethernet-sized packet that is TCP
	// payload (1448 of 1500 bytes, with timestamps).
	tcpPayload = 1448.0 / 1500
)

// lossySingleMax is the largest file single-connection tools download on
// the lossy links (3a, 3b): one loss-bound stream moves about 0.45 MB/s,
// so 256 MiB would take ten minutes a run and tell nothing new.
const lossySingleMax = 64 << 20

// singleNote says when the single-connection tools sit out a lossy link.
func singleNote(wanSize int64) string {
	if wanSize <= lossySingleMax {
		return ""
	}
	return fmt.Sprintf(" (single-connection tools not run above %s: one loss-bound stream moves about 0.45 MB/s)", fmtBytes(lossySingleMax))
}

func scenarios(size, loopSize, wanSize, wanCap int64) []*scenario {
	wanA := &wanConfig{RTT: 50 * time.Millisecond, Loss: 0.005}
	wanB := &wanConfig{RTT: 50 * time.Millisecond, Loss: 0.005, Rate: wanCap}
	wanC := &wanConfig{RTT: 50 * time.Millisecond, Rate: wanFatRate}
	return []*scenario{
		{
			ID: "1", Title: "Plain loopback, no limits", Size: loopSize,
			Server:    func() []testserver.Option { return nil },
			Sink:      true,
			LimitNote: "one stream of the same server read to /dev/null",
		},
		{
			ID: "2", Title: "Per-connection throttle 2 MiB/s", Size: size,
			Server:    func() []testserver.Option { return []testserver.Option{testserver.WithPerConnRate(connRate)} },
			Limit:     16 * connRate,
			LimitNote: "16 connections × 2 MiB/s",
		},
		{
			ID: "3a", Title: "Wide-area link: " + wanA.String() + ", server cubic", Size: wanSize,
			Server:    func() []testserver.Option { return nil },
			WAN:       wanA,
			LimitNote: "none: loss-bound, no bandwidth cap" + singleNote(wanSize),
			MultiOnly: wanSize > lossySingleMax,
		},
		{
			ID: "3b", Title: "Wide-area link: " + wanB.String() + ", server cubic", Size: wanSize,
			Server:    func() []testserver.Option { return nil },
			WAN:       wanB,
			Limit:     float64(wanCap),
			LimitNote: "the link's bandwidth cap" + singleNote(wanSize),
			MultiOnly: wanSize > lossySingleMax,
		},
		{
			ID: "3c", Title: "Bandwidth-bound link: " + wanC.String() + ", server cubic", Size: wanSize,
			Server:    func() []testserver.Option { return nil },
			WAN:       wanC,
			Limit:     wanFatRate * tcpPayload,
			LimitNote: "TCP payload of the 400 Mbit/s cap (1448 of every 1500 bytes); one stream can fill it",
		},
		{
			ID:    "4",
			Title: fmt.Sprintf("One slow connection: 2 MiB/s per connection, ranged GET #%d at %s/s", slowNth, fmtBytes(slowRate)),
			Size:  size,
			Server: func() []testserver.Option {
				return []testserver.Option{
					testserver.WithPerConnRate(connRate),
					testserver.WithSlowConn(testserver.SlowConn{Nth: slowNth, Rate: slowRate}),
				}
			},
			Limit:      16 * connRate,
			LimitNote:  "all 16 connections healthy (16 × 2 MiB/s); each tool's own healthy run is scenario 2",
			HealthyRef: "2",
		},
		{
			ID: "5", Title: fmt.Sprintf("Server allows %d connections, refuses more with 503; 2 MiB/s per connection", busyMax), Size: size,
			Server: func() []testserver.Option {
				return []testserver.Option{testserver.WithPerConnRate(connRate), testserver.WithMaxConns(busyMax, 503, "")}
			},
			Limit:     busyMax * connRate,
			LimitNote: "4 connections × 2 MiB/s",
		},
		{
			ID: "5b", Title: fmt.Sprintf("Server allows %d connections, refuses more with 429 Retry-After: 1; 2 MiB/s per connection", busyMax), Size: size,
			Server: func() []testserver.Option {
				return []testserver.Option{testserver.WithPerConnRate(connRate), testserver.WithMaxConns(busyMax, 429, "1")}
			},
			Limit:     busyMax * connRate,
			LimitNote: "4 connections × 2 MiB/s (single-connection peers: same as scenario 5, not rerun)",
			MultiOnly: true,
		},
	}
}
