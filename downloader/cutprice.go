package downloader

// What a split that cuts a stream throws away, and when a cut pays.
// Pure arithmetic on slots, as segment.go; claimLocked charges each cut to
// the run's budget.

// A split that cuts a stream throws away what the server has sent on it:
// about its rate × one round trip in flight, plus what waits in the
// socket buffers (cutBuffered and cutBufferedSecs of its rate, or what
// the sender's buffer grew to at its peak; cutCost), and never more than
// its request in flight asks for. A cut is made when the piece split off
// is at least cutWaste times that (cuts waste a few percent at most), or
// when it saves more time than the bytes thrown away cost: cutWorth times
// what they take at the task's rate (its fastest on a full path,
// claimLocked), and at least cutMinSave round trips. Cuts of the second
// kind spend a budget per run (cutBudgetShare of the file), so a path
// where every stream crawls cannot turn the whole download into waste, unless one saves
// cutFreeShare of the whole download's time: a connection whose request
// ran to its range's end (sized by its rate in TCP slow start) crawled
// alone for 15 s of a 32 s run when its sender's buffer priced the cut
// above the budget. Every cut is charged to the budget.
const (
	cutWaste        = 16
	cutBuffered     = 256 << 10
	cutBufferedSecs = 0.05
	cutSaves        = 2.0 // seconds, when the task's rate is not known
	cutWorth        = 4
	cutMinSave      = 4 // round trips
	// cutBudgetShare and cutBudgetMin: the bytes cuts may throw away in
	// one run, as a share of the file and at least.
	cutBudgetShare = 0.01
	cutBudgetMin   = 512 << 10
	cutFreeShare   = 0.1
)

// cutsAt reports whether splitting s at at cuts its stream: the split
// lies before the end of its request in flight.
func (s slot) cutsAt(at int64) bool { return s.Floor > 0 && at < s.Floor }

// floorInside reports whether s's request in flight ends inside its
// range, past its position: a split there (s.Floor) cuts nothing and
// leaves both sides work.
func (s slot) floorInside() bool { return s.Floor > s.pos() && s.Floor < s.End }

// cutWasteOf is what a cut of s at cut throws away, in bytes: cutCost,
// but never more than its request in flight still asks for past the cut,
// less what an earlier cut (its request runs past End) throws away
// already: the stream ends once, at the lower end. A stream whose rate
// is not known yet may be a fast one with megabytes in its buffers: all
// its request has left counts.
func cutWasteOf(s slot, cut int64, rtt float64) float64 {
	if s.Floor <= 0 {
		return cutCost(s.Rate, s.Peak, rtt)
	}
	left := float64(max(0, s.Floor-cut))
	var gone float64
	if s.End >= 0 {
		gone = float64(max(0, s.Floor-s.End))
	}
	if s.Rate <= 0 {
		return left - gone
	}
	c := cutCost(s.Rate, s.Peak, rtt)
	return min(c, left) - min(c, gone)
}

// cutCost is the bytes a cut of a stream at rate (bytes/s) throws away on
// a path whose first byte takes rtt seconds: a round trip in flight, and
// what the socket buffers hold: cutBuffered and cutBufferedSecs of the
// rate, or, for a connection that once ran at peak (bytes/s, 0 = not
// known), what the sender's buffer grew to then (sendBufPeaks).
func cutCost(rate, peak, rtt float64) float64 {
	buffered := max(rate*cutBufferedSecs+cutBuffered, min(sendBufPeaks*peak*rtt, sendBufMax))
	return rate*rtt + buffered
}

// A sender's kernel sizes a connection's socket buffer by the largest
// congestion window it had (Linux: twice the window's segments at their
// memory size, tcp_sndbuf_expand) and does not shrink it when the window
// shrinks after a loss; the server fills it, and a cut throws it away
// unsent. On the lossy path (make bench, 3a) the bytes servers had
// written past a cut were 1.4-2.6 times the connection's fastest
// burstWindow times the round trip (up to all its request had left),
// two to three times what its rate alone estimated, and each run's cuts
// spent twice their 1 % budget. sendBufMax is Linux's default largest
// send buffer (tcp_wmem).
const (
	sendBufPeaks = 3
	sendBufMax   = 4 << 20
)

// cutPays decides a split that cuts s's stream (see cutWaste): the piece
// is large against what the cut throws away, or the cut saves more time
// than the thrown-away bytes cost and the run's budget covers them, or
// it saves budgetFree seconds.
func cutPays(s slot, piece int64, pol splitPolicy) bool {
	waste := cutWasteOf(s, s.End-piece, pol.rtt)
	if float64(piece) >= cutWaste*waste {
		return true
	}
	if s.Rate <= 0 || pol.newRate <= 0 {
		return false
	}
	rem := s.remaining()
	alone := float64(rem) / s.Rate
	split := max(float64(rem-piece)/s.Rate, pol.deliver(piece))
	worth := cutSaves
	if pol.taskRate > 0 {
		worth = max(cutMinSave*pol.rtt, cutWorth*waste/pol.taskRate)
	}
	saved := alone - split
	if saved < worth {
		return false
	}
	return waste <= float64(pol.cutBudget) || pol.budgetFree > 0 && saved >= pol.budgetFree
}
