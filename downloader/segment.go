package downloader

import (
	"cmp"
	"slices"
)

// Pure range arithmetic: which byte range a connection works on next.
// Nothing here does I/O or takes locks; task.go calls it under its lock.

// remaining is how many bytes of s are still to fetch; -1 when unbounded.
func (s Segment) remaining() int64 {
	if s.End < 0 {
		return -1
	}
	return s.End - s.Start - s.Done
}

// pos is the next offset to fetch.
func (s Segment) pos() int64 { return s.Start + s.Done }

// complete reports whether every byte of s is on disk.
func (s Segment) complete() bool { return s.End >= 0 && s.Start+s.Done >= s.End }

// slot is a segment together with what the scheduler knows about it.
type slot struct {
	Segment
	Busy bool
	// Rate is the bytes/s of the connection on it; 0 when unknown.
	Rate float64
	// Floor is the lowest split point that cuts no stream (splitFloor):
	// where its request in flight ends, past End when that request was
	// cut already; 0 when not known, and then any point is taken as
	// clean.
	Floor int64
	// Peak is the fastest its TCP connection ran over a burstWindow
	// (bytes/s, conn.peakPace; 0 = not known): what the sender's socket
	// buffer grew by and keeps (cutCost).
	Peak float64
}

// tailSplitMin is the smallest piece split off a range whose connection
// would otherwise take longer than tailSplitAfter seconds to finish it.
// It is what keeps the last percent from crawling on one slow connection.
const (
	tailSplitMin   = 32 << 10
	tailSplitAfter = 0.1
	// tailGain: a tail split must finish the range in at most this share
	// of the time the old connection alone would take.
	tailGain   = 0.75
	splitAlign = 4 << 10
)

// pick chooses work for a free connection whose expected rate is newRate
// (0 when unknown). It returns either an idle unfinished segment to take
// whole (split=false), or a busy segment index and the offset at which its
// upper part is split off for the new connection (split=true). ok=false
// means there is nothing worth taking.
func pick(slots []slot, minSplit int64, newRate float64) (idx int, at int64, split bool, ok bool) {
	return pickWith(slots, splitPolicy{minSplit: minSplit, newRate: newRate, tailAfter: tailSplitAfter, tailMin: tailSplitMin})
}

// splitPolicy is what pickWith weighs. On a link with a long round trip a
// new request costs more (handshake, request, TCP slow start), so the
// tail thresholds grow with it: see tailPolicy.
type splitPolicy struct {
	minSplit  int64
	newRate   float64
	tailAfter float64 // seconds of work left before a tail split pays
	tailMin   int64   // smallest tail piece
	rtt       float64 // a new request's delay to its first byte, seconds
	// cold: the free connection must dial afresh (coldstart.go).
	cold bool
	// taskRate is the whole task's rate that prices a cut's bytes
	// (bytes/s, 0 = unknown; its fastest on a full path) and cutBudget
	// the bytes cuts may still throw away (cutPays); a cut that saves
	// budgetFree seconds or more is made past it (0 = never).
	taskRate   float64
	cutBudget  int64
	budgetFree float64
	// fair: no piece finished at a measured pace yet (run.connRate is 0,
	// earlyLocked); the paces are rough, so it cuts a stream only where
	// no clean split pays.
	fair bool
	// peers, when set, makes a cut hand the claimer its fair share (by
	// the rates) among itself, the old connection and these busy ones
	// that will be free before the range would be done, rather than
	// half, which it would ask for whole and leave them nothing to split
	// without a cut of its own stream. A stream is cut once however often
	// its range is split again, so they take the rest for free. Set in a
	// run before a piece finished at a measured pace, whose first
	// connections finish their first pieces about together, and for a
	// stream cut already.
	peers int
}

// tailPolicy scales the tail thresholds with the request-to-first-byte
// delay rtt: only ranges with several round trips of work left are cut.
func tailPolicy(minSplit int64, newRate float64, rtt float64) splitPolicy {
	return splitPolicy{minSplit: minSplit, newRate: newRate, tailAfter: max(tailSplitAfter, 4*rtt), tailMin: tailSplitMin, rtt: rtt}
}

// deliver is the seconds the free connection needs for piece bytes.
func (pol splitPolicy) deliver(piece int64) float64 {
	return deliverTime(piece, pol.newRate, pol.rtt, pol.cold)
}

// tailPays decides a split smaller than the minimum: it must shorten the
// download by a good share, not just add a request. With the split, the
// range is done when the slower of the two is: the old connection with
// what it keeps, or the new one after its first-byte delay (and, when it
// must dial afresh, its slow start: pol.deliver). With a rate unknown it
// halves, as the ramp does.
func tailPays(rem, piece int64, oldRate float64, pol splitPolicy) bool {
	if piece < pol.tailMin {
		return false
	}
	if timeLeft(rem, oldRate) < pol.tailAfter {
		return false
	}
	return gainPays(rem, piece, oldRate, pol)
}

// gainPays reports whether splitting piece bytes off a range with rem
// bytes left, whose connection runs at oldRate (bytes/s), finishes the
// range in at most tailGain of the time the old connection alone would
// take. Every split of a measured range must: near the end, a megabyte
// handed to a connection that must dial afresh onto a full path arrives
// after the old connection would have finished it, and the download ends
// on that slow start. With a rate unknown it pays, as the ramp halves.
func gainPays(rem, piece int64, oldRate float64, pol splitPolicy) bool {
	if oldRate <= 0 || pol.newRate <= 0 {
		return true
	}
	alone := float64(rem) / oldRate
	split := max(float64(rem-piece)/oldRate, pol.deliver(piece))
	return split <= tailGain*alone
}

func pickWith(slots []slot, pol splitPolicy) (idx int, at int64, split bool, ok bool) {
	// An idle unfinished range is always the first choice: no one is on it.
	best := -1
	for i, s := range slots {
		if s.Busy || s.complete() {
			continue
		}
		if best < 0 || s.remaining() > slots[best].remaining() || s.End < 0 {
			best = i
		}
	}
	if best >= 0 {
		return best, 0, false, true
	}
	// Otherwise split a busy range, the one with the most time left
	// first; one whose only split would cut its stream for little gives
	// way to the next.
	order := make([]int, 0, len(slots))
	for i, s := range slots {
		if s.Busy && s.End >= 0 && s.remaining() > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(timeLeft(slots[b].remaining(), slots[b].Rate), timeLeft(slots[a].remaining(), slots[a].Rate))
	})
	// Before a piece finished at a measured pace (pol.fair), a run splits
	// cleanly where it can first: cutting the first request at the jump
	// (ramp.go) spent the budget on it and left the ranges not asked for
	// yet whole, a megabyte each for one connection to crawl through.
	passes := []bool{true}
	if pol.fair {
		passes = []bool{false, true}
	}
	for _, cutting := range passes {
		for _, i := range order {
			p := pol
			if p.fair || slots[i].Floor > slots[i].End {
				p.peers = soonFree(slots, i)
			}
			if cut, ok := splitAt(slots[i], p); ok && (cutting || !slots[i].cutsAt(cut)) {
				return i, cut, true, true
			}
		}
	}
	return -1, 0, false, false
}

// splitAt is where a free connection splits busy slot s, if anywhere:
// at the balanced point (floorCut) when it lies past the end of the
// request in flight and pays; else where that request ends, when that
// piece pays (floorPays: nothing is wasted); else at the balanced point,
// cutting the stream when the cut pays too. A request that ends a little
// before its range must not hold the range: on the lossy path a
// connection whose 15 MB request was sized by its rate in slow start
// crawled alone for 11 s at the end, because the megabyte past its
// request was too small to pay and no cut was weighed.
func splitAt(s slot, pol splitPolicy) (int64, bool) {
	cut := pol.floorCut(s, pol.balancedCut(s))
	cuts := s.cutsAt(cut)
	if (cut <= s.Floor || !piecePays(s, cut, pol)) && floorPays(s, pol) {
		return s.Floor, true
	}
	if !piecePays(s, cut, pol) || cuts && !cutPays(s, s.End-cut, pol) {
		return 0, false
	}
	if cuts && pol.peers > 0 {
		// Whether to cut is the balanced split's call; the peers take
		// the rest of the range in further splits of the same cut.
		cut = max(cut, pol.fairCut(s))
	}
	return cut, true
}

// floorPays reports whether a free connection that takes everything past
// the end of s's request in flight (s.Floor) finishes the range in at
// most tailGain of the time the old connection alone would: it asks for
// that part only after its request ends, idle for a request's delay
// (pol.rtt) first. Such a split throws nothing away, so the tail's
// thresholds (tailPays), which guard against cuts and pointless requests,
// do not apply: at the end of a download on a 50 ms path the 100-500 KiB
// past a request waited for its connection while the others sat idle,
// one more round trip for the whole download in half the runs.
func floorPays(s slot, pol splitPolicy) bool {
	if !s.floorInside() {
		return false
	}
	piece := s.End - s.Floor
	if piece < splitAlign {
		return false // a sliver is not worth a request of its own
	}
	if s.Rate <= 0 || pol.newRate <= 0 {
		return piecePays(s, s.Floor, pol)
	}
	alone := float64(s.remaining())/s.Rate + pol.rtt
	split := max(float64(s.Floor-s.pos())/s.Rate, pol.deliver(piece))
	return split <= tailGain*alone
}

// soonFree is how many busy slots other than slots[i] have less time
// left than it, or less left when their rate is not known yet: their
// connections come for work before it is done.
func soonFree(slots []slot, i int) int {
	rem := slots[i].remaining()
	left := timeLeft(rem, slots[i].Rate)
	n := 0
	for j, s := range slots {
		if j == i || !s.Busy || s.remaining() <= 0 {
			continue
		}
		if timeLeft(s.remaining(), s.Rate) < left || s.Rate <= 0 && s.remaining() < rem {
			n++
		}
	}
	return n
}

// fairCut is where the claimer's fair share of s begins: the old
// connection, the claimer and pol.peers more share what s has left by
// their rates (equally when one is not known), and the claimer's piece
// is at least the tail's smallest.
func (pol splitPolicy) fairCut(s slot) int64 {
	rem := s.remaining()
	piece := rem / int64(pol.peers+2)
	if s.Rate > 0 && pol.newRate > 0 {
		piece = int64(float64(rem) * pol.newRate / (s.Rate + float64(pol.peers+1)*pol.newRate))
	}
	cut := s.End - max(piece, pol.tailMin)
	if aligned := cut - cut%splitAlign; aligned > s.pos() {
		cut = aligned
	}
	return min(max(cut, s.pos()+1), s.End-1)
}

// piecePays reports whether splitting s at cut saves time: every split
// must (gainPays), and a piece below the minimum must also pass the
// tail's thresholds (tailPays).
func piecePays(s slot, cut int64, pol splitPolicy) bool {
	piece := s.End - cut
	// With one byte left splitPoint cannot leave both sides a byte; an
	// empty piece would be claimed, "finished" and split again in a loop
	// (reachable when MinSplit is 0, which settings allow).
	if piece <= 0 {
		return false
	}
	pays := gainPays
	if piece < pol.minSplit {
		pays = tailPays
	}
	return pays(s.remaining(), piece, s.Rate, pol)
}

// timeLeft is the seconds a connection at rate needs for rem bytes; an
// unknown rate counts as slowest so fresh ranges are split first.
func timeLeft(rem int64, rate float64) float64 {
	if rate <= 0 {
		return float64(rem) * 1e6
	}
	return float64(rem) / rate
}

// balancedCut is splitPoint with the free connection's start counted: it
// waits a round trip for its first byte (a cold one also dials and runs
// TCP's slow start) while the old connection streams on, so the old one
// keeps what it delivers meanwhile, shared by the rates, and both still
// finish together. Splitting by the rates alone, the new connection
// finished last by that start, which at the end of a download on a long
// path is the download's last few hundred milliseconds.
func (pol splitPolicy) balancedCut(s slot) int64 {
	cut := splitPoint(s.Segment, s.Rate, pol.newRate)
	if s.Rate <= 0 || pol.newRate <= 0 {
		return cut
	}
	piece := s.End - cut
	start := pol.deliver(piece) - float64(piece)/pol.newRate
	if start <= 0 {
		return cut
	}
	moved := cut + int64(start*s.Rate*pol.newRate/(s.Rate+pol.newRate))
	if aligned := moved - moved%splitAlign; aligned > cut {
		moved = aligned
	}
	return min(moved, s.End-1)
}

// floorCut moves a clean split at cut toward the end of the request in
// flight (s.Floor): the bytes between that end and the cut the old
// connection asks for in a request of its own, idle for the request's
// delay (pol.rtt) first, so it keeps that much less of the balance;
// where the balance then falls at or below the floor, the split lands on
// it and the old connection asks for nothing more, as it does when less
// than reqSpanTiny would be left to ask for. Balanced without that pause,
// the end of a download on a 50 ms path was a string of requests of
// 100-500 KiB, each one more round trip in its last second.
func (pol splitPolicy) floorCut(s slot, cut int64) int64 {
	if !s.floorInside() || cut <= s.Floor || s.Rate <= 0 || pol.newRate <= 0 {
		return cut
	}
	moved := cut - int64(pol.rtt*s.Rate*pol.newRate/(s.Rate+pol.newRate))
	if moved-s.Floor < reqSpanTiny {
		return s.Floor
	}
	if aligned := moved - moved%splitAlign; aligned > s.Floor {
		moved = aligned
	}
	return moved
}

// splitPoint divides the rest of s so both connections finish together:
// the old one keeps the share its rate earns. With unknown rates it halves.
func splitPoint(s Segment, oldRate, newRate float64) int64 {
	rem := s.remaining()
	keep := rem / 2
	if oldRate > 0 && newRate > 0 {
		keep = int64(float64(rem) * oldRate / (oldRate + newRate))
	}
	cut := s.pos() + keep
	// Align so writes stay on page boundaries; never hand out an empty piece.
	if aligned := cut - cut%splitAlign; aligned > s.pos() {
		cut = aligned
	}
	if cut >= s.End {
		cut = s.End - 1
	}
	if cut <= s.pos() {
		cut = s.pos() + 1
	}
	return cut
}

// initialSegments is the plan for a fresh download: one range, which the
// scheduler splits as connections arrive (slow start).
func initialSegments(size int64) []Segment {
	if size < 0 {
		return []Segment{{Start: 0, End: -1}}
	}
	return []Segment{{Start: 0, End: size}}
}

// doneBytes sums the bytes on disk.
func doneBytes(segs []Segment) int64 {
	var n int64
	for _, s := range segs {
		n += s.Done
	}
	return n
}

// allComplete reports whether every range is finished.
func allComplete(segs []Segment) bool {
	for _, s := range segs {
		if !s.complete() {
			return false
		}
	}
	return true
}

// compact merges finished neighbours so records stay small after many
// splits. Segments must be sorted by Start and contiguous.
func compact(segs []Segment) []Segment {
	out := make([]Segment, 0, len(segs))
	for _, s := range segs {
		if n := len(out); n > 0 && out[n-1].complete() && s.complete() && out[n-1].End == s.Start {
			out[n-1].End = s.End
			out[n-1].Done = out[n-1].End - out[n-1].Start
			continue
		}
		out = append(out, s)
	}
	return out
}

// validSegments checks a loaded plan: sorted, contiguous from 0, covering
// size, with Done inside each range. A record that fails this is not
// trusted.
func validSegments(segs []Segment, size int64) bool {
	if len(segs) == 0 {
		return false
	}
	var next int64
	for i, s := range segs {
		if s.Start != next || s.Done < 0 {
			return false
		}
		if s.End < 0 {
			if i != len(segs)-1 || size >= 0 {
				return false
			}
			return true
		}
		if s.End < s.Start || s.Done > s.End-s.Start {
			return false
		}
		next = s.End
	}
	return next == size
}
