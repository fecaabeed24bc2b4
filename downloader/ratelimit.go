package downloader

import (
	"context"

	"golang.org/x/time/rate"
)

// Speed limits: golang.org/x/time/rate token buckets in bytes, shared by
// the connections they cap (the global one, each task's; a site's speed
// limit becomes its tasks' own, sites.go).

// newLimiter returns a limiter for bytes per second, nil for unlimited.
func newLimiter(bps int64) *rate.Limiter {
	l := rate.NewLimiter(rate.Inf, 0)
	setLimit(l, bps)
	return l
}

// setLimit changes a limiter in place, so running connections feel it at
// once. The burst is a fraction of a second of transfer: small enough to
// keep the rate accurate, big enough to read in efficient chunks.
func setLimit(l *rate.Limiter, bps int64) {
	if bps <= 0 {
		l.SetLimit(rate.Inf)
		l.SetBurst(0)
		return
	}
	burst := bps / 8
	burst = max(burst, 16<<10)
	burst = min(burst, readChunk)
	l.SetLimit(rate.Limit(bps))
	l.SetBurst(int(burst))
}

// chunkFor is the most a connection may read before paying the limiters.
func chunkFor(ls ...*rate.Limiter) int {
	n := readChunk
	for _, l := range ls {
		if l.Limit() != rate.Inf && l.Burst() < n {
			n = l.Burst()
		}
	}
	return n
}

// pay waits until the limiters allow n more bytes.
func pay(ctx context.Context, n int, ls ...*rate.Limiter) error {
	for _, l := range ls {
		if l.Limit() == rate.Inf {
			continue
		}
		if b := l.Burst(); n > b {
			// The limit changed between read and pay: pay in parts.
			for rest := n; rest > 0; rest -= b {
				if err := l.WaitN(ctx, min(rest, b)); err != nil {
					return err
				}
			}
			continue
		}
		if err := l.WaitN(ctx, n); err != nil {
			return err
		}
	}
	return nil
}
