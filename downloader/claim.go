package downloader

import "time"

// Handing out ranges: a connection that is free claims an idle range or
// splits the busy one with the most time left (segment.go decides where
// and whether a cut pays); grow starts connections while the ramp, the
// caps and the work allow.

// grow starts range connections while slow start, the caps and the work
// allow.
func (r *run) grow() {
	r.growWith(func() func() {
		p := r.claimLocked(nil)
		if p == nil {
			return nil
		}
		return func() { r.worker(p, nil) }
	})
}

// growWith starts connections while slow start, the caps and the work
// allow: one step per connection, taking a host slot (forced for the
// run's first connection) and then claiming work with claim, called with
// t.mu held, which returns the connection's body or nil when no work is
// left. Ranged and video runs share it and differ only in their claim.
func (r *run) growWith(claim func() func()) {
	t := r.t
	// The pass's connections start once it claimed them all: one that
	// asked for its range before the next claim leaves that claim only a
	// cut of its stream (a range not asked for yet splits cleanly), and
	// under the race detector the jump's sixteen then stopped at two.
	var works []func()
	defer func() {
		for _, work := range works {
			r.wg.Add(1)
			go work()
		}
	}()
	for {
		t.mu.Lock()
		if r.ctx.Err() != nil || r.workers >= min(r.allowance, r.limit) {
			t.mu.Unlock()
			return
		}
		if !t.m.hosts.acquire(r.host, r.workers == 0) {
			t.mu.Unlock()
			return
		}
		work := claim()
		if work == nil {
			t.mu.Unlock()
			t.m.hosts.release(r.host)
			return
		}
		r.workers++
		t.mu.Unlock()
		works = append(works, work)
	}
}

// claimLocked finds work for a connection: an idle range, or the upper
// part of the busy range with the most time left. c is the connection's
// previous tracker (for its rate), nil for a new one.
func (r *run) claimLocked(c *conn) *piece {
	if c != nil && r.surplusLocked() {
		return nil
	}
	t := r.t
	now := time.Now()
	// Until a piece finished at a measured pace, the run's first
	// connections count at their pace so far (earlyLocked).
	early := r.connRate == 0
	slots := make([]slot, len(t.pieces))
	var sum float64
	var n int
	for i, p := range t.pieces {
		slots[i] = slot{Segment: p.Segment, Busy: p.conn != nil, Rate: p.conn.pace(now), Peak: p.conn.peakPace()}
		if slots[i].Busy {
			slots[i].Floor = splitFloor(p.Segment, p.reqEnd)
		}
		if slots[i].Rate > 0 {
			sum += slots[i].Rate
			n++
		} else if slots[i].Busy {
			// A connection too young to measure is expected to do what
			// finished pieces did. Counted as slowest instead, the young
			// pieces of the last split are cut again and again while a
			// known straggler keeps its range.
			slots[i].Rate = r.connRate
		}
	}
	// The claiming connection's own rate is the best guess for what it
	// will do next; a new one is expected to do what finished pieces did.
	// Only then the busy ones: at the tail they may be just the straggler.
	newRate := c.pace(now)
	if newRate > 0 {
		// The typical connection stands for young ones: its lifetime rate.
		r.connRate = ewma(r.connRate, c.rate(now))
	} else {
		newRate = r.connRate
	}
	// paced is the task's rate by the young connections' pace so far.
	var paced float64
	if early {
		var own float64
		paced, own = r.earlyLocked(slots, c, now, sum, n)
		if newRate == 0 {
			newRate = own
		}
	}
	if newRate == 0 && n > 0 {
		newRate = sum / float64(n)
	}
	if c == nil && n > 0 && r.delay.queueing(now) {
		// On a full path a new connection gets a share of the narrowest
		// link, not what a lone stream did: it adds no throughput.
		newRate = min(newRate, sum/float64(n+1))
	}
	minSplit := t.m.settingsSnapshot().MinSplit
	if !t.rec.Resumable || r.degraded {
		minSplit = 1 << 62 // one stream only
	}
	// A new request waits for the path as it is now, queue included.
	pol := tailPolicy(minSplit, newRate, max(r.delay.base(), r.delay.current()).Seconds())
	pol.cold = c == nil || !c.warm
	pol.fair = early
	// On a full path a cut's bytes cost time where they displace others'
	// on its narrowest link: at the fastest the task ran, not its rate
	// now. Near the end that is one straggler's, and by it no cut of the
	// straggler paid. Elsewhere the task's rate now prices them, which
	// keeps the lossy path's cuts (and the bytes served) as they were.
	r.peakRate = max(r.peakRate, sum)
	pol.taskRate, pol.cutBudget = sum+paced, r.cutBudgetLocked()
	if r.ramp.full {
		pol.taskRate = r.peakRate
	}
	if pol.taskRate > 0 && t.rec.Size > 0 {
		pol.budgetFree = cutFreeShare * float64(t.rec.Size) / pol.taskRate
	}
	idx, at, split, ok := pickWith(slots, pol)
	if !ok {
		return nil
	}
	if split && slots[idx].cutsAt(at) {
		r.cutSpent += int64(cutWasteOf(slots[idx], at, pol.rtt))
	}
	// Until its connection asks, a split of the range cuts nothing: the
	// connections a jump starts at once (jumpLocked) are claimed in one
	// pass, before any of them asked, and must share the work evenly.
	if !split {
		p := t.pieces[idx]
		p.conn, p.reqEnd = c.carry(), reqNotAsked
		return p
	}
	old := t.pieces[idx]
	np := &piece{Segment: Segment{Start: at, End: old.End}, conn: c.carry(), reqEnd: reqNotAsked}
	old.End = at
	t.pieces = append(t.pieces, nil)
	copy(t.pieces[idx+2:], t.pieces[idx+1:])
	t.pieces[idx+1] = np
	return np
}

// earlyLocked fills in the rates of slots, one per piece, whose busy
// connections are too young to measure (connRate knows none yet): their
// pace so far (earlyPaceLocked), and for a range not asked for yet the
// mean of the rates known, measured or paced, as connRate stands in
// later (unknown, it would count as slowest and be split before a known
// range with more time left). A stream too young to read stays unknown:
// no cut of it pays. sum and n are the measured connections' rates and
// count. It returns the task's rate beyond sum, the paces read and the
// mean for each busy connection not read, and the rate expected of c,
// the claiming connection (nil: a new one): its own pace so far, else
// the mean; 0 when none is known.
func (r *run) earlyLocked(slots []slot, c *conn, now time.Time, sum float64, n int) (rate, own float64) {
	k := 0
	for i, p := range r.t.pieces {
		if !slots[i].Busy || slots[i].Rate > 0 {
			continue
		}
		if pace := r.earlyPaceLocked(p.conn, now); pace > 0 {
			slots[i].Rate = pace
			rate += pace
			k++
		}
	}
	if n+k == 0 {
		return 0, 0
	}
	mean := (sum + rate) / float64(n+k)
	for i, p := range r.t.pieces {
		if !slots[i].Busy || slots[i].Rate > 0 {
			continue
		}
		// Those too young to read run all the same: counted out, the
		// first request's cut was priced at its own rate alone when the
		// others' first bytes came late.
		rate += mean
		if p.reqEnd == reqNotAsked {
			slots[i].Rate = mean
		}
	}
	if own = r.earlyPaceLocked(c, now); own == 0 {
		own = mean
	}
	return rate, own
}

// cutBudgetLocked is the bytes cuts may still throw away this run
// (cutBudgetShare of the file, at least cutBudgetMin).
func (r *run) cutBudgetLocked() int64 {
	return max(int64(cutBudgetShare*float64(r.t.rec.Size)), cutBudgetMin) - r.cutSpent
}

// ewma folds sample into avg (0 = no average yet).
func ewma(avg, sample float64) float64 {
	if avg == 0 {
		return sample
	}
	return 0.7*avg + 0.3*sample
}
