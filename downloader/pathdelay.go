package downloader

import (
	"context"
	"net/http/httptrace"
	"slices"
	"sync/atomic"
	"time"
)

// A path that is full queues: once the connections together send more
// than the narrowest link carries, packets wait in its buffer and every
// round trip grows by the wait. That is the sign that more connections
// cannot add throughput, only delay and lost packets (TCP Vegas and BBR
// read the same sign). A path whose streams are limited by loss or by the
// server's pace per connection keeps its round trip however many
// connections run, and there more connections do pay.
//
// The sample is the delay from writing a request to the first byte of its
// answer (a new connection's handshake is not in it): one round trip plus
// the server's think time plus any queue.
const (
	// delaySamples is how many recent samples the queue test looks at.
	delaySamples = 8
	// delayMinSamples: fewer recent samples say nothing yet.
	delayMinSamples = 4
	// delayQueueShare and delayQueueAbs: a path queues when the median
	// recent sample exceeds the shortest by this share of it and by this
	// much at least (scheduling noise on a loopback of microseconds).
	delayQueueShare = 0.15
	delayQueueAbs   = 8 * time.Millisecond
)

// delayRing keeps the latest delays of one kind, in a ring of up to
// delaySamples, and the shortest of the run.
type delayRing struct {
	min    time.Duration // shortest sample seen; 0 = none
	recent [delaySamples]time.Duration
	n      int // samples taken since the ring (re)started
}

// add records one sample; size is the ring's length (at most
// delaySamples).
func (g *delayRing) add(s time.Duration, size int) {
	if s <= 0 {
		return
	}
	if g.min == 0 || s < g.min {
		g.min = s
	}
	g.recent[g.n%size] = s
	g.n++
}

// median is the median of the ring's samples, 0 when fewer than least
// were taken since it (re)started.
func (g *delayRing) median(size, least int) time.Duration {
	k := min(g.n, size)
	if k < least {
		return 0
	}
	s := slices.Clone(g.recent[:k])
	slices.Sort(s)
	return s[k/2]
}

// pathDelay keeps the request-to-first-byte samples of one run, the
// queue probe's (queueprobe.go), and the receive-side round trips of its
// connections in flight (flightrtt.go). Under t.mu.
type pathDelay struct {
	first delayRing // the requests' first bytes
	// flight is the median receive-side round trip of the latest pass
	// over the connections in flight (0 = none reported), flightMin the
	// shortest any connection reported in this run (0 = none yet).
	flight, flightMin time.Duration
	// dial is the shortest TCP handshake of the run (0 = none timed):
	// the network's round trip alone, no server in it.
	dial time.Duration
	// probes are the queue probe's samples, a ring restarted with each
	// burst (its shortest is the run's); probeAt is when the newest was
	// taken.
	probes  delayRing
	probeAt time.Time
}

// addProbe records one queue probe sample taken at now.
func (d *pathDelay) addProbe(s time.Duration, now time.Time) {
	if s > 0 {
		d.probes.add(s, probeSamples)
		d.probeAt = now
	}
}

// restartProbes forgets the samples of an earlier burst of probes: the
// path may have changed since.
func (d *pathDelay) restartProbes() { d.probes.n = 0 }

// probed is the median of the queue probe's recent samples, when a
// burst delivered at least probeMinSamples and its newest is at most
// probeFresh old at now; 0 otherwise.
func (d *pathDelay) probed(now time.Time) time.Duration {
	if now.Sub(d.probeAt) > probeFresh {
		return 0
	}
	return d.probes.median(probeSamples, probeMinSamples)
}

// addFlight records one pass over the connections in flight: the median
// and shortest of their receive-side round trips (0 = none reported).
func (d *pathDelay) addFlight(median, shortest time.Duration) {
	d.flight = median
	if shortest > 0 && (d.flightMin == 0 || shortest < d.flightMin) {
		d.flightMin = shortest
	}
}

// add records one request's first-byte sample.
func (d *pathDelay) add(s time.Duration) { d.first.add(s, delaySamples) }

// queueing reports whether the path's buffer fills at now. A fresh
// verdict of the queue probe (queueprobe.go) decides alone: its answers
// carry no server pacing and no burst of answers started together, only
// the path's round trip and its queue, measured against the shortest
// round trip of the run. Without one: the median of the
// recent first-byte samples exceeds the shortest (queued), and the
// connections in flight, when they report round trips, agree. The
// median, because a lost packet delays one answer by a retransmit
// without any queue. The connections in flight may only overrule: the
// first bytes of sixteen answers started at once (jumpLocked) came 8 ms
// late on a lossy path with no queue, the server and the link emulator
// starting them all together, while the kernel's estimates stayed within
// 3 ms of their shortest. Alone they would mislead the other way: a
// server that sends each connection its share in bursts (a limit per
// connection) has every burst echo a timestamp from before its pause, so
// the pause counts as round trip.
func (d *pathDelay) queueing(now time.Time) bool {
	if p := d.probed(now); p > 0 {
		return queued(p, d.shortest())
	}
	if !queued(d.current(), d.first.min) {
		return false
	}
	return d.flight == 0 || d.flightMin == 0 || queued(d.flight, d.flightMin)
}

// queued reports whether a round trip now exceeds the path's shortest by
// max(delayQueueAbs, delayQueueShare × shortest); false when either is
// not known (0).
func queued(now, shortest time.Duration) bool {
	return now > 0 && shortest > 0 && now-shortest > max(delayQueueAbs, time.Duration(delayQueueShare*float64(shortest)))
}

// shortest is the least round trip any request or probe of the run saw;
// 0 = none yet.
func (d *pathDelay) shortest() time.Duration {
	if d.first.min == 0 || d.probes.min > 0 && d.probes.min < d.first.min {
		return d.probes.min
	}
	return d.first.min
}

// base is the path's round trip without a queue: the shortest sample,
// one round trip plus the server's think time; 0 until one was taken.
// The shortest, because one lost packet delays a single answer by a
// retransmit.
func (d *pathDelay) base() time.Duration { return d.first.min }

// current is the median of the recent samples: the path's round trip as
// requests see it now, queue included; 0 until delayMinSamples were taken.
func (d *pathDelay) current() time.Duration { return d.first.median(delaySamples, delayMinSamples) }

// addDial records one TCP handshake's duration.
func (d *pathDelay) addDial(s time.Duration) {
	if s > 0 && (d.dial == 0 || s < d.dial) {
		d.dial = s
	}
}

// far reports whether the path's round trip is at least farDial by both
// its shortest TCP handshake and its shortest first byte: a wide-area
// path, where one connection spends many round trips in TCP slow start.
// Either alone misleads: a handshake whose SYN was lost took a second's
// retransmit on a LAN, and a first byte holds the server's think time.
func (d *pathDelay) far() bool { return d.dial >= farDial && d.first.min >= farDial }

// farDial is the round trip from which a path counts as far: a LAN's
// is a millisecond or less, a continent's tens of milliseconds.
const farDial = 10 * time.Millisecond

// withDelaySample returns ctx carrying a trace that reports the request's
// write-to-first-byte delay to sample, once, when the answer begins, and
// the TCP handshake of a connection it dials to dial (nil = not wanted).
// A proxy's handshake is the proxy's round trip, not the server's.
func withDelaySample(ctx context.Context, sample, dial func(time.Duration)) context.Context {
	// The transport calls the two hooks from its write and read loops.
	var wrote, dialed atomic.Int64 // monotonic nanoseconds since base
	base := time.Now()
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectStart: func(string, string) { dialed.Store(int64(time.Since(base)) + 1) },
		ConnectDone: func(_, _ string, err error) {
			if d := dialed.Load(); d > 0 && err == nil && dial != nil {
				dial(time.Since(base) - time.Duration(d-1))
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(int64(time.Since(base)) + 1) },
		GotFirstResponseByte: func() {
			if w := wrote.Load(); w > 0 {
				sample(time.Since(base) - time.Duration(w-1))
			}
		},
	})
}

// sampleDelay records one request's write-to-first-byte delay.
func (r *run) sampleDelay(d time.Duration) {
	r.t.mu.Lock()
	r.delay.add(d)
	r.t.mu.Unlock()
}

// sampleDial records one TCP handshake's duration.
func (r *run) sampleDial(d time.Duration) {
	r.t.mu.Lock()
	r.delay.addDial(d)
	r.t.mu.Unlock()
}
