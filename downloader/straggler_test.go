package downloader

import (
	"errors"
	"testing"
	"time"
)

func TestReplaceStragglers(t *testing.T) {
	const MiB = 1 << 20
	now := time.Now()
	// conn returns a connection measured for age at rate bytes/s.
	conn := func(rate float64, age time.Duration) *conn {
		c := newConn()
		c.first = now.Add(-age)
		c.bytes = int64(rate * age.Seconds())
		return c
	}
	healthy := func() *piece {
		return &piece{Segment: Segment{Start: 0, End: 64 * MiB}, conn: conn(2*MiB, 3*time.Second)}
	}
	cases := []struct {
		name   string
		pieces func() []*piece
		want   []int
		full   bool // the path queues (pathdelay.go)
		// finished is the pace of finished pieces (run.connRate).
		finished float64
	}{
		{"one at an eighth of the others, lots left", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(256<<10, 3*time.Second)})
			return ps
		}, []int{4}, false, 0},
		{"too young to judge", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(256<<10, 500*time.Millisecond)})
			return ps
		}, nil, false, 0},
		{"little left: tail splits take it", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 256 << 10}, conn: conn(256<<10, 3*time.Second)})
			return ps
		}, nil, false, 0},
		{"only half as fast: not a straggler", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(MiB, 3*time.Second)})
			return ps
		}, nil, false, 0},
		{"fast local link: the machine sets the pace", func() []*piece {
			fast := func() *piece {
				return &piece{Segment: Segment{Start: 0, End: 1 << 30}, conn: conn(400*MiB, 3*time.Second)}
			}
			ps := []*piece{fast(), fast(), fast(), fast()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 1 << 30}, conn: conn(50*MiB, 3*time.Second)})
			return ps
		}, nil, false, 0},
		{"too few peers for a median", func() []*piece {
			return []*piece{healthy(), healthy(), {Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(64<<10, 3*time.Second)}}
		}, nil, false, 0},
		{"the last range crawls: compared with what finished pieces ran at", func() []*piece {
			return []*piece{{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(64<<10, 3*time.Second)}}
		}, []int{0}, false, 2 * MiB},
		{"the last range at the finished pieces' pace", func() []*piece {
			return []*piece{{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(MiB, 3*time.Second)}}
		}, nil, false, 2 * MiB},
		{"one at an eighth of the others on a full path: sharing, not a bad route", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(256<<10, 3*time.Second)})
			return ps
		}, nil, true, 0},
		{"asked again stragglerTries times already", func() []*piece {
			ps := []*piece{healthy(), healthy(), healthy(), healthy()}
			ps = append(ps, &piece{Segment: Segment{Start: 0, End: 16 * MiB}, conn: conn(64<<10, 3*time.Second), retries: stragglerTries})
			return ps
		}, nil, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := c.pieces()
			var got []int
			for i, p := range ps {
				p.conn.abort = func(cause error) {
					if !errors.Is(cause, errStraggler) {
						t.Errorf("piece %d aborted with %v", i, cause)
					}
					got = append(got, i)
				}
			}
			r := &run{t: &task{pieces: ps}, connRate: c.finished}
			if c.full {
				for _, d := range []time.Duration{50, 100, 100, 100, 100} {
					r.delay.add(d * time.Millisecond)
				}
			}
			r.replaceStragglers(now)
			if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Fatalf("aborted %v, want %v", got, c.want)
			}
			for _, i := range got {
				if ps[i].retries != 1 || ps[i].conn.abort != nil {
					t.Errorf("piece %d: retries %d, abort still set %v", i, ps[i].retries, ps[i].conn.abort != nil)
				}
			}
			// A second tick right away must not abort the same request twice.
			r.replaceStragglers(now)
			if len(got) != len(c.want) {
				t.Fatalf("second tick aborted again: %v", got)
			}
		})
	}
}
